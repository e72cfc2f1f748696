"""The golden data set, loaded once per module inside a transaction that is rolled back at the end.

Loading 11,607 organizations and 18,390 annual reports per test would take minutes; the figures are
read-only, so one module-scoped load serves every test and leaves the test database as it found it.
"""

import datetime as dt
import subprocess
import tempfile

import pytest
from django.db import transaction
from django.test import Client

from gongzhi.accounts.roles import Role
from tests.conftest import make_user


def pdf_text(data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        return subprocess.run(  # noqa: S603 - a fixed local tool on our own file
            ["/usr/bin/pdftotext", "-layout", f.name, "-"], capture_output=True, check=True, text=True
        ).stdout


@pytest.fixture(scope="module")
def golden(django_db_setup, django_db_blocker):
    from gongzhi.areas.models import Area
    from gongzhi.demo import golden as dataset
    from gongzhi.reports import files, orgs_report

    with django_db_blocker.unblock(), transaction.atomic():
        dataset.load()
        city = Area.objects.get(gb2260="310000")
        officer = make_user("city_registry", Role.REGISTRY_OFFICER, city)
        report = orgs_report.build(city, dt.date(2013, 12, 31), dt.date(2012, 12, 31))
        client = Client()
        client.force_login(officer)
        page = client.get("/reports/orgs/", {"area": city.pk, "year": 2013, "compare_to": "2012-12-31"})
        pdf = files.render(report, "pdf")
        xlsx = files.render(report, "xlsx")
        result = {
            "report": report,
            "page": page,
            "pdf": pdf,
            "pdf_text": pdf_text(pdf),
            "xlsx": xlsx,
            "city_id": city.pk,
        }
        transaction.set_rollback(True)
    return result
