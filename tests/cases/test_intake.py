"""Intake: validation, numbering, coordinates, evidence, routing at intake, duplicates."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from freezegun import freeze_time

from gongzhi.cases import files as evidence
from gongzhi.cases import geo
from gongzhi.cases.actions.intake import find_duplicates
from gongzhi.cases.models import Case, CaseEvent, CaseFile

from .conftest import png_bytes

pytestmark = pytest.mark.django_db


def test_grid_worker_reports_a_case_that_is_numbered_and_routed_by_the_rule(
    grid_worker, report, rule, tree, photo
):
    case = report(grid_worker, files=[photo])
    assert case.number.startswith("310117003-")
    assert case.number.endswith("-000001")
    assert case.state == "dispatched"
    lead = case.assignments.get(role="lead")
    assert lead.handler_area == tree["committee"]
    support = case.assignments.get(role="support")
    assert support.handler_department == tree["department"]
    assert case.due_at is not None and case.accept_due_at is not None
    assert [e.action for e in case.events.all()] == ["received", "dispatch"]
    assert CaseFile.objects.get(case=case).kind == "image"
    second = report(grid_worker)
    assert second.number.endswith("-000002")


def test_case_without_a_rule_goes_to_the_street_default_handler(grid_worker, report, categories, tree):
    case = report(grid_worker, category=categories["sanitation"])
    assert case.assignments.get(role="lead").handler_area == tree["fangsong"]


def test_auto_dispatch_off_leaves_the_case_received(grid_worker, report):
    case = report(grid_worker, auto_dispatch=False)
    assert case.state == "received"
    assert case.due_at is None


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"category": "no-such-category"}, "category"),
        ({"category": 999999}, "category"),
        ({"area": 999999}, "area"),
        ({"title": ""}, "title"),
        ({"channel": "carrier_pigeon"}, "channel"),
        ({"latitude": 31.0}, "latitude"),
        ({"reporter_phone": "12"}, "reporter_phone"),
        ({"anonymous": True}, "anonymous"),
        ({"title": "bad\x00title"}, "title"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_written(grid_worker, report, override, field):
    with pytest.raises(ValidationError) as exc:
        report(grid_worker, **override)
    assert field in exc.value.message_dict
    assert not Case.objects.exists()
    assert not CaseEvent.objects.exists()


def test_area_above_street_level_is_refused(grid_worker, report, tree):
    with pytest.raises(ValidationError) as exc:
        report(grid_worker, area=tree["songjiang"])
    assert "area" in exc.value.message_dict


def test_a_file_that_is_not_an_image_is_refused(grid_worker, report):
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 this is an executable", content_type="image/jpeg")
    with pytest.raises(ValidationError) as exc:
        report(grid_worker, files=[fake])
    assert "photo.jpg" in exc.value.message_dict["files"][0]
    assert not Case.objects.exists()


def test_an_oversized_image_is_refused(grid_worker, report, monkeypatch):
    monkeypatch.setattr(evidence, "MAX_IMAGE_BYTES", 50)
    big = SimpleUploadedFile("big.png", png_bytes((64, 64)), content_type="image/png")
    with pytest.raises(ValidationError) as exc:
        report(grid_worker, files=[big])
    assert "too large" in exc.value.message_dict["files"][0]
    assert not Case.objects.exists()


def test_a_pdf_document_is_accepted_by_content():
    checked = evidence.check(
        SimpleUploadedFile("x.bin", b"%PDF-1.4\n%...\n", content_type="application/octet-stream")
    )
    assert (checked.kind, checked.extension) == ("document", "pdf")


def test_gcj02_coordinates_are_stored_as_wgs84(grid_worker, report):
    wgs = (31.032500, 121.227600)
    gcj = geo.wgs84_to_gcj02(*wgs)
    case = report(grid_worker, latitude=gcj[0], longitude=gcj[1], coordinate_system="gcj02")
    assert abs(float(case.latitude) - wgs[0]) < 2e-6
    assert abs(float(case.longitude) - wgs[1]) < 2e-6
    assert geo.haversine_m(*wgs, *gcj) > 100  # the offset is real, hundreds of metres


def test_outsider_and_department_handler_cannot_report(outsider, department_handler, report):
    for user in (outsider, department_handler):
        with pytest.raises(PermissionDenied):
            report(user)


def test_grid_worker_cannot_report_outside_their_grid(grid_worker, report, tree):
    with pytest.raises(PermissionDenied):
        report(grid_worker, area=tree["other_committee"])


def test_resident_reports_anonymously_through_the_resident_channel(resident, report):
    case = report(
        resident,
        channel="resident_mobile",
        anonymous=True,
        reporter_name="张三",
        reporter_phone="13812345678",
    )
    assert case.anonymous and case.reporter_name == "" and not case.reporter_phone
    assert case.reporter_user == resident


def test_resident_cannot_use_a_staff_channel(resident, report):
    with pytest.raises(PermissionDenied):
        report(resident, channel="patrol")


@freeze_time("2025-03-10 10:00:00+08:00")
def test_duplicates_same_compound_or_within_50_metres_open_and_recent(
    grid_worker, street_admin, report, tree, categories
):
    near = report(grid_worker, latitude=Decimal("31.030000"), longitude=Decimal("121.220000"))
    other = report(
        street_admin, area=tree["committee"], latitude=Decimal("31.030300"), longitude=Decimal("121.220000")
    )
    found = find_duplicates(category=categories["group_rental"], area=tree["grid"])
    assert near in found
    by_distance = find_duplicates(
        category=categories["group_rental"], area=tree["other_committee"], latitude=31.0302, longitude=121.22
    )
    assert near in by_distance and other in by_distance
    far = find_duplicates(
        category=categories["group_rental"], area=tree["other_committee"], latitude=31.04, longitude=121.22
    )
    assert far == []
    assert find_duplicates(category=categories["sanitation"], area=tree["grid"]) == []
    with freeze_time(dt.datetime(2025, 4, 20, 10, tzinfo=dt.UTC)):
        assert find_duplicates(category=categories["group_rental"], area=tree["grid"]) == []


def test_intake_looks_an_area_up_once_and_forgets_it_when_the_area_changes(tree, django_assert_num_queries):
    import datetime as dt

    from django.core.exceptions import ValidationError

    from gongzhi.cases.actions import intake

    committee = tree["committee"]
    assert intake.resolve_area(committee.pk) == committee
    assert intake.area_by_code(tree["fangsong"].code) == tree["fangsong"]
    with django_assert_num_queries(0):
        assert intake.resolve_area(str(committee.pk)) == committee
        assert intake.area_by_code(tree["fangsong"].code) == tree["fangsong"]
    committee.abolished_on = dt.date(2026, 1, 1)
    committee.save()
    with pytest.raises(ValidationError):
        intake.resolve_area(committee.pk)
