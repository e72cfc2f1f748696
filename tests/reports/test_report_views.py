"""The report page, its files (through the task runner) and the `gongzhi report` command: who may see
them, bad parameters, and the file bound to the user who asked for it."""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from gongzhi.areas.models import AreaFacts
from tests.orgs.conftest import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs(tree):
    register(tree["fangsong"], registered_on=dt.date(2020, 5, 1))
    register(
        tree["fangsong"],
        org_type="foundation",
        subtype="public_fundraising",
        registered_on=dt.date(2021, 5, 1),
    )
    AreaFacts.objects.create(area=tree["songjiang"], year=2021, registered_population=20000)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("registry_officer", 200),
        ("district_admin", 200),
        ("street_admin", 200),
        ("community_worker", 200),
        ("grid_worker", 403),
        ("party_secretary", 403),
        ("outsider", 403),
    ],
)
def test_report_page_by_role(request, client_for, who, status, orgs):
    assert (
        client_for(request.getfixturevalue(who)).get("/reports/orgs/", {"year": 2021}).status_code == status
    )


def test_report_outside_the_scope_is_refused(client_for, street_admin, tree, orgs):
    response = client_for(street_admin).get("/reports/orgs/", {"area": tree["songjiang"].pk, "year": 2021})
    assert response.status_code == 422  # the district is not offered to a street administrator


def test_bad_dates_are_answered_next_to_the_field(client_for, registry_officer, tree, orgs):
    client = client_for(registry_officer)
    future = client.get("/reports/orgs/", {"area": tree["songjiang"].pk, "year": 2999})
    assert future.status_code == 422
    both = client.get(
        "/reports/orgs/", {"area": tree["songjiang"].pk, "year": 2021, "compare_to": "2022-01-01"}
    )
    assert both.status_code == 422


def test_district_report_counts_and_density(client_for, registry_officer, tree, orgs):
    page = client_for(registry_officer).get("/reports/orgs/", {"area": tree["songjiang"].pk, "year": 2021})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="density">1.0<' in html  # 2 organizations per 20,000 registered residents
    assert "50.0%" in html


@pytest.mark.parametrize(("fmt", "magic"), [("pdf", b"%PDF"), ("xlsx", b"PK"), ("json", b"{")])
def test_files_are_rendered_by_the_task_and_served_to_their_owner_only(
    client_for, registry_officer, district_admin, tree, orgs, fmt, magic, settings, tmp_path
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    client = client_for(registry_officer)
    response = client.post(
        "/reports/orgs/file/",
        {"area": tree["songjiang"].pk, "as_of": "2021-12-31", "compare_to": "2020-12-31", "format": fmt},
    )
    assert response.status_code == 302
    download = client.get(response["Location"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(magic)
    assert client_for(district_admin).get(response["Location"]).status_code == 404


def test_a_report_file_still_being_rendered_shows_a_page_that_reloads(
    client_for, registry_officer, tree, orgs, settings, tmp_path, monkeypatch
):
    from django.utils.module_loading import import_string

    from gongzhi.core import tasks

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    settings.CELERY_TASK_ALWAYS_EAGER = False  # a broker: the file is rendered by a worker
    queued = []
    monkeypatch.setattr(tasks.call, "delay", lambda path, *args: queued.append((path, args)))
    client = client_for(registry_officer)
    response = client.post(
        "/reports/orgs/file/",
        {"area": tree["songjiang"].pk, "as_of": "2021-12-31", "compare_to": "2020-12-31", "format": "json"},
    )
    pending = client.get(response["Location"])
    assert pending.status_code == 202 and 'http-equiv="refresh"' in pending.content.decode()
    [(path, args)] = queued
    assert path == "gongzhi.reports.files.render_to_storage"
    import_string(path)(*args)  # the worker
    done = client.get(response["Location"])
    assert done.status_code == 200 and b"".join(done.streaming_content).startswith(b"{")


def test_a_forged_or_foreign_token_opens_no_report_file(client_for, registry_officer, tree, orgs):
    from django.core import signing

    from gongzhi.core import files

    client = client_for(registry_officer)
    assert client.get("/reports/files/forged/").status_code == 404
    # A valid token of another kind of file (a receipt) is not a report file.
    payload = {
        "k": "party.receipt",
        "n": "x.pdf",
        "u": registry_officer.pk,
        "a": tree["songjiang"].pk,
        "f": "pdf",
    }
    other = signing.dumps(payload, salt=files.SALT)
    assert client.get(f"/reports/files/{other}/").status_code == 404


def test_file_request_with_a_bad_format_or_area_outside_scope(client_for, street_admin, tree, orgs):
    client = client_for(street_admin)
    bad = client.post(
        "/reports/orgs/file/",
        {"area": tree["fangsong"].pk, "as_of": "2021-12-31", "compare_to": "2020-12-31", "format": "doc"},
    )
    assert bad.status_code == 400
    outside = client.post(
        "/reports/orgs/file/",
        {"area": tree["malu"].pk, "as_of": "2021-12-31", "compare_to": "2020-12-31", "format": "json"},
    )
    assert outside.status_code == 403


def test_cli_writes_json_with_growth_against_the_compared_date(tree, orgs, tmp_path):
    out = tmp_path / "r.json"
    call_command(
        "report",
        "orgs",
        "--area",
        "310117",
        "--year",
        "2021",
        "--compare-to",
        "2020-12-31",
        "--format",
        "json",
        "--out",
        str(out),
        stderr=io.StringIO(),
    )
    data = json.loads(out.read_text())
    assert data["registrations"]["total"] == 2
    foundations = next(r for r in data["growth"]["by_type"] if r["key"] == "foundation")
    assert (foundations["count_then"], foundations["count_now"], foundations["net_growth"]) == (0, 1, 1)
    assert foundations["growth_rate"] is None  # nothing to grow from
    assert data["growth"]["total"]["growth_rate"] == 100.0


def test_cli_refuses_unknown_areas_and_reversed_dates(tree, orgs):
    with pytest.raises(CommandError):
        call_command("report", "orgs", "--area", "999999", "--year", "2021")
    with pytest.raises(CommandError):
        call_command(
            "report", "orgs", "--area", "310117", "--as-of", "2021-01-01", "--compare-to", "2021-06-01"
        )


def test_sweep_deletes_rendered_files_older_than_a_day(tmp_path, settings):
    import datetime as dt

    from django.core.files.storage import default_storage
    from django.utils import timezone

    from gongzhi.core import files

    settings.MEDIA_ROOT = tmp_path
    name = files.save(files.storage_name("reports/orgs-test", "pdf"), b"%PDF-1.7")
    assert name.startswith("rendered/reports/")
    assert files.expire_rendered(now=timezone.now()) == 0
    assert files.expire_rendered(now=timezone.now() + dt.timedelta(days=1, minutes=1)) == 1
    assert not default_storage.exists(name)
