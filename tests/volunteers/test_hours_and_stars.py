"""Service-hour rules, star thresholds, audited corrections, figures and the certificate PDF."""

import datetime as dt
import subprocess
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given
from hypothesis import strategies as st

from gongzhi.core import rollups
from gongzhi.core.models import AuditEvent
from gongzhi.volunteers import actions
from gongzhi.volunteers.certificates import render_certificate_pdf
from gongzhi.volunteers.models import ServiceRecord, StarLevel, Volunteer

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 20)


def record(v, hours, day=TODAY, actor=None):
    return actions.record_service(
        actor=actor, volunteer=v, hours=hours, served_on=day, content="助老服务", recording_body="江中居委会"
    )


@pytest.mark.parametrize(
    ("hours", "stars"),
    [
        (0, 0),
        (99.75, 0),
        (100, 1),
        (299, 1),
        (300, 2),
        (600, 3),
        (999, 3),
        (1000, 4),
        (1499.99, 4),
        (1500, 5),
        (9000, 5),
    ],
)
def test_star_levels_follow_the_default_thresholds(hours, stars):
    assert actions.stars_for(Decimal(str(hours))) == stars


def test_defaults_are_seeded_once_when_the_table_is_empty():
    assert StarLevel.objects.count() == 0
    assert actions.star_thresholds() == [(1, 100), (2, 300), (3, 600), (4, 1000), (5, 1500)]
    actions.star_thresholds()
    assert StarLevel.objects.count() == 5


@given(st.lists(st.decimals(min_value=Decimal("0.25"), max_value=Decimal("24"), places=2), max_size=8))
def test_star_level_never_goes_down_as_hours_grow(values):
    total, last = Decimal(0), 0
    thresholds = [(1, 100), (2, 300), (3, 600), (4, 1000), (5, 1500)]
    for v in values:
        total += v * 50
        stars = actions.stars_for(total, thresholds)
        assert stars >= last
        last = stars


def test_recording_hours_updates_total_and_stars(make_volunteer, committee_worker):
    v = make_volunteer()
    for _ in range(5):
        record(v, 20, actor=committee_worker)
    v.refresh_from_db()
    assert v.total_hours == Decimal("100.00")
    assert v.star_level == 1


@pytest.mark.parametrize(
    ("value", "message"), [("-2", "negative"), ("0", "quarter"), ("25", "24 hours"), ("abc", "number")]
)
def test_bad_hours_are_refused_with_a_clear_message(make_volunteer, value, message):
    v = make_volunteer()
    with pytest.raises(ValidationError, match=message):
        record(v, value)
    assert not ServiceRecord.objects.exists()
    v.refresh_from_db()
    assert v.total_hours == 0


def test_future_service_date_is_refused(make_volunteer):
    with pytest.raises(ValidationError, match="future"):
        record(make_volunteer(), 2, day=dt.date(2999, 1, 1))


@pytest.mark.parametrize(
    "who", ["volunteer", "resident", "grid_worker", "party_member", "other_street_admin", "outsider"]
)
def test_only_the_organizing_body_records_hours(request, make_volunteer, who):
    v = make_volunteer()
    with pytest.raises(PermissionDenied):
        record(v, 2, actor=request.getfixturevalue(who))


def test_correction_voids_the_old_record_keeps_both_and_is_audited(make_volunteer, committee_worker):
    v = make_volunteer()
    old = record(v, 8, actor=committee_worker)
    new = actions.correct_service_record(actor=committee_worker, record=old, hours="6", reason="含路途时间")
    old.refresh_from_db()
    v.refresh_from_db()
    assert old.voided and new.corrects_id == old.pk and not new.voided
    assert v.total_hours == Decimal("6.00")
    event = AuditEvent.objects.get(verb="volunteers.hours_corrected")
    assert event.details["before"]["hours"] == "8.00" and event.details["after"]["hours"] == "6.00"
    assert event.details["reason"] == "含路途时间"
    with pytest.raises(ValidationError, match="already corrected"):
        actions.correct_service_record(actor=committee_worker, record=old, hours="5", reason="再改")


def test_correction_needs_a_reason(make_volunteer, committee_worker):
    old = record(make_volunteer(), 8, actor=committee_worker)
    with pytest.raises(ValidationError):
        actions.correct_service_record(actor=committee_worker, record=old, hours="6", reason=" ")
    old.refresh_from_db()
    assert not old.voided


def test_star_thresholds_are_configurable_and_regrade_everyone(make_volunteer, city_admin, street_admin):
    v = make_volunteer()
    record(v, 24)
    record(v, 24, day=TODAY - dt.timedelta(days=1))
    with pytest.raises(PermissionDenied):
        actions.set_star_levels(actor=street_admin, hours={1: 40, 2: 80, 3: 120, 4: 160, 5: 200})
    with pytest.raises(ValidationError, match="more hours"):
        actions.set_star_levels(actor=city_admin, hours={1: 40, 2: 30, 3: 120, 4: 160, 5: 200})
    actions.set_star_levels(actor=city_admin, hours={1: 40, 2: 80, 3: 120, 4: 160, 5: 200})
    v.refresh_from_db()
    assert v.star_level == 1


def test_figures_count_hours_and_active_volunteers_per_month(
    tree, make_volunteer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        a, b = make_volunteer("甲"), make_volunteer("乙")
        r1 = record(a, 2)
        record(a, 3)
        record(b, 1.5)
    rollups.fold()
    assert rollups.read(tree["fangsong"], "volunteers.hours", "2026-11") == (Decimal("6.5"), 0)
    assert rollups.read(tree["fangsong"], "volunteers.active", "2026-11")[0] == 2
    with django_capture_on_commit_callbacks(execute=True):
        actions.void_service_record(actor=None, record=r1, reason="录错")
    rollups.fold()
    assert rollups.read(tree["fangsong"], "volunteers.hours", "2026-11")[0] == Decimal("4.5")
    assert rollups.read(tree["fangsong"], "volunteers.active", "2026-11")[0] == 2
    rebuilt = rollups.rebuild("volunteers.hours")
    assert rebuilt["volunteers.hours"] >= 1
    assert rollups.read(tree["fangsong"], "volunteers.hours", "2026-11")[0] == Decimal("4.5")


def test_volunteer_number_is_issued_and_is_not_the_id_number(make_volunteer):
    v = make_volunteer()
    assert v.number.startswith("ZY") and v.number != v.person.id_number
    assert v.person.id_number[-6:] not in v.number


def test_a_person_is_registered_once(make_person, committee_worker):
    person = make_person()
    actions.register_volunteer(actor=committee_worker, person=person)
    with pytest.raises(ValidationError, match="already registered"):
        actions.register_volunteer(actor=committee_worker, person=person)
    assert Volunteer.objects.count() == 1


def test_certificate_pdf_shows_masked_identity_hours_content_issuer_number_and_date(
    make_volunteer, street_admin, tmp_path
):
    v = make_volunteer("陈志愿")
    record(v, 12.5)
    record(v, 3, day=TODAY - dt.timedelta(days=3))
    cert = actions.issue_certificate(actor=street_admin, volunteer=v)
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(render_certificate_pdf(cert, "zh-hans"))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout  # noqa: S603, S607 - fixed local tool
    assert "陈志愿" in text
    assert v.person.id_number not in text
    masked = v.person.id_number[:3]
    assert masked in text and "*" in text
    assert "15.5" in text and "助老服务" in text and "江中居委会" in text
    assert cert.number in text and cert.issuer == "方松街道" and "方松街道" in text
    assert cert.issued_on.strftime("%Y-%m-%d") in text


def test_no_certificate_without_hours(make_volunteer, street_admin):
    with pytest.raises(ValidationError, match="nothing to certify"):
        actions.issue_certificate(actor=street_admin, volunteer=make_volunteer())


def test_volunteer_cannot_issue_their_own_certificate(volunteer, own_volunteer):
    record(own_volunteer, 2)
    with pytest.raises(PermissionDenied):
        actions.issue_certificate(actor=volunteer, volunteer=own_volunteer)
