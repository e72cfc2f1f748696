"""The open-data bundle: what it holds, that it holds no personal data, and who may regenerate it."""

import csv
import datetime as dt
import io
import json
import re
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from stdnum.cn import ric

from gongzhi.areas.models import Area
from gongzhi.core import rollups, sweeps
from gongzhi.core.models import AuditEvent, Rollup
from gongzhi.councils.actions import outcomes
from gongzhi.councils.models import Council, Motion
from gongzhi.opendata import bundle
from gongzhi.opendata.models import Publication
from gongzhi.people.models import Person
from tests.councils.conftest import council, items, meeting, people  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

ID_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def open_bundle(publication: Publication) -> zipfile.ZipFile:
    with default_storage.open(publication.file_name, "rb") as f:
        return zipfile.ZipFile(io.BytesIO(f.read()))


def texts(zf: zipfile.ZipFile) -> dict[str, str]:
    return {name: zf.read(name).decode("utf-8-sig") for name in zf.namelist()}


def rows(zf: zipfile.ZipFile, name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(zf.read(f"{name}.csv").decode("utf-8-sig"))))


@pytest.fixture
def demo(db):
    call_command("demo", "--quiet-logins")
    rollups.rebuild()  # the test transaction never commits, so subscribers did not run


def test_demo_bundle_holds_every_dataset_with_its_dictionary_and_no_personal_data(demo):
    publication = bundle.build()
    zf = open_bundle(publication)
    names = set(zf.namelist())
    for ds in (
        "areas",
        "area_facts",
        "organizations",
        "councils",
        "resolutions",
        "action_items",
        "case_statistics",
    ):
        assert {f"{ds}.csv", f"{ds}.json"} <= names
        csv_rows = rows(zf, ds)
        assert len(csv_rows) == len(json.loads(zf.read(f"{ds}.json"))) == publication.row_counts[ds]
    assert {"datapackage.json", "data-dictionary.csv", "contracts-ocds.json"} <= names
    package = json.loads(zf.read("datapackage.json"))
    described = {r["name"]: r for r in package["resources"]}
    assert set(described) >= {"areas", "organizations", "case_statistics", "contracts"}
    assert [f["name"] for f in described["organizations"]["schema"]["fields"]][:3] == ["id", "name", "uscc"]
    # Figures come from the records: every non-grid area is published, every organization too.
    assert publication.row_counts["areas"] == Area.objects.exclude(kind="grid").count()
    from gongzhi.orgs.models import SocialOrganization

    assert publication.row_counts["organizations"] == SocialOrganization.objects.count()
    assert publication.row_counts["case_statistics"] > 0
    # One demo load (slow) serves both checks: the same bundle holds no personal data.
    assert_no_personal_data(zf)


def assert_no_personal_data(zf):
    everything = "\n".join(texts(zf).values())
    # No valid resident ID number (checksum and birth date) and no mobile number anywhere.
    assert [c for c in ID_CANDIDATE.findall(everything) if ric.is_valid(c)] == []
    assert MOBILE.findall(everything) == []
    # Nor any of the people's own numbers, whatever their shape.
    for person in Person.objects.all():
        for secret in (person.id_number, person.phone):
            if secret:
                assert str(secret) not in everything
    from gongzhi.orgs.models import SocialOrganization

    org_fields = rows(zf, "organizations")[0].keys()
    assert not {"legal_representative", "contact_person", "contact_phone", "contact_email"} & set(org_fields)
    for org in SocialOrganization.objects.exclude(contact_phone=""):
        assert org.contact_phone not in everything


def test_resolutions_on_confidential_items_and_of_private_councils_are_left_out(tree, council, items):  # noqa: F811
    public_item, personnel_item = items
    council.is_public = True
    council.save()
    shown = outcomes.record_resolution(
        actor=None, council=council, title="社区发展规划通过", text="通过。", decided_on=dt.date(2026, 6, 1)
    )
    hidden = outcomes.record_resolution(
        actor=None, council=council, title="任免决定", text="同意任命。", decided_on=dt.date(2026, 6, 1)
    )
    hidden.motion = Motion.objects.create(
        item=personnel_item, text="同意任命", threshold=council.default_threshold
    )
    hidden.save()
    not_public = outcomes.record_resolution(
        actor=None,
        council=council,
        title="内部事项",
        text="内部。",
        decided_on=dt.date(2026, 6, 1),
        is_public=False,
    )
    private = Council(kind=Council.Kind.JOINT_MEETING, name="内部联席会", is_public=False)
    private.set_area(tree["fangsong"])
    private.save()
    outcomes.add_action_item(
        actor=None,
        resolution=shown,
        title="编制规划",
        owner_kind="person",
        owner_label="李四",
        due_on=dt.date(2026, 7, 1),
    )
    zf = open_bundle(bundle.build())
    published = {r["title"] for r in rows(zf, "resolutions")}
    assert shown.title in published
    assert hidden.title not in published and not_public.title not in published
    everything = "\n".join(texts(zf).values())
    assert "同意任命" not in everything and "干部任免" not in everything
    assert "内部联席会" not in {r["name"] for r in rows(zf, "councils")}
    (item,) = rows(zf, "action_items")
    assert item["title"] == "编制规划" and item["owner"] == ""  # a person is not named
    assert "李四" not in everything


def test_case_figures_based_on_fewer_than_five_cases_are_left_empty(tree):
    street = tree["fangsong"]
    Rollup.objects.create(area_id=street.pk, figure="cases.recv", period="2026-05", numerator=12)
    Rollup.objects.create(
        area_id=street.pk, figure="cases.sat", period="2026-05", numerator=9, denominator=10
    )
    Rollup.objects.create(area_id=street.pk, figure="cases.recv", period="2026-06", numerator=3)
    Rollup.objects.create(area_id=street.pk, figure="cases.sat", period="2026-06", numerator=2, denominator=3)
    committee = tree["committee"]  # below street level: never published
    Rollup.objects.create(area_id=committee.pk, figure="cases.recv", period="2026-05", numerator=12)
    zf = open_bundle(bundle.build())
    stats = {(int(r["area_id"]), r["period"], r["category"]): r for r in rows(zf, "case_statistics")}
    may = stats[(street.pk, "2026-05", "")]
    assert may["received"] == "12" and may["satisfaction_rate"] == "90.0"
    june = stats[(street.pk, "2026-06", "")]
    assert june["received"] == "" and june["satisfaction_rate"] == ""
    assert not [k for k in stats if k[0] == committee.pk]


def test_sweep_publishes_when_stale_and_keeps_three_bundles(tree, settings):
    settings.GONGZHI_OPENDATA_MAX_AGE_HOURS = 24
    job = dict(sweeps.JOBS)["opendata.publish"]
    assert job() == 1
    assert job() == 0  # fresh: nothing to do
    for _ in range(4):
        bundle.build()
    kept = list(Publication.objects.all())
    assert len(kept) == bundle.KEEP
    assert all(default_storage.exists(p.file_name) for p in kept)


def test_public_page_and_download_need_no_sign_in(client, tree):
    response = client.get(reverse("opendata:index"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert client.get(reverse("opendata:download")).status_code == 404  # nothing published yet
    publication = bundle.build()
    response = client.get(reverse("opendata:download"))
    assert response.status_code == 200
    assert response["X-Content-SHA256"] == publication.sha256
    assert zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).testzip() is None


def test_city_admin_regenerates_on_demand(client, city_admin, django_capture_on_commit_callbacks):
    client.force_login(city_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("opendata:publish"))
    assert response.status_code == 302
    assert Publication.objects.count() == 1
    assert AuditEvent.objects.filter(verb="opendata.requested", actor=city_admin).exists()


@pytest.mark.parametrize("who", ["street_admin", "party_member", "outsider"])
def test_others_may_not_regenerate(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.post(reverse("opendata:publish")).status_code == 403
    assert Publication.objects.count() == 0


def test_anonymous_regeneration_is_sent_to_sign_in(client, tree):
    assert client.post(reverse("opendata:publish")).status_code == 302
    assert Publication.objects.count() == 0
