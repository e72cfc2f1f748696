"""The volunteer base (bookings, no double booking), teams, neighbourhood points and brand projects."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from freezegun import freeze_time

from gongzhi.volunteers import actions
from gongzhi.volunteers.models import Booking, ServiceRecord, ServiceSlot, SkillService, TeamMembership

pytestmark = pytest.mark.django_db


@pytest.fixture
def haircut(volunteer, own_volunteer):
    return actions.create_skill_service(
        actor=volunteer,
        provider=own_volunteer,
        kind=SkillService.Kind.HAIRCUT,
        title="义务理发",
        place="江中活动室",
    )


@pytest.fixture
def slot(volunteer, haircut):
    start = (timezone.now() + dt.timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    return actions.add_slot(
        actor=volunteer, service=haircut, starts_at=start, ends_at=start + dt.timedelta(minutes=90)
    )


def test_resident_books_a_haircut_and_the_provider_confirms_and_marks_it_done(
    resident, resident_person, volunteer, own_volunteer, slot
):
    booking = actions.book_slot(actor=resident, slot=slot)
    assert booking.person == resident_person
    actions.confirm_booking(actor=volunteer, booking=booking)
    with freeze_time(slot.ends_at):
        actions.complete_booking(actor=volunteer, booking=booking)
    booking.refresh_from_db()
    assert booking.state == Booking.State.DONE
    record = ServiceRecord.objects.get(booking=booking)
    assert record.hours == Decimal("1.50") and record.volunteer == own_volunteer
    own_volunteer.refresh_from_db()
    assert own_volunteer.total_hours == Decimal("1.50")


def test_a_taken_slot_cannot_be_booked_again(resident, resident_person, make_person, committee_worker, slot):
    actions.book_slot(actor=resident, slot=slot)
    other = make_person("赵居民")
    with pytest.raises(ValidationError, match="already taken"):
        actions.book_slot(actor=committee_worker, slot=slot, person=other)
    slot.refresh_from_db()
    assert slot.booked == 1
    assert Booking.objects.count() == 1


def test_the_same_resident_cannot_book_the_same_slot_twice(resident, resident_person, volunteer, haircut):
    start = timezone.now() + dt.timedelta(days=2)
    roomy = actions.add_slot(
        actor=volunteer, service=haircut, starts_at=start, ends_at=start + dt.timedelta(hours=1), capacity=3
    )
    actions.book_slot(actor=resident, slot=roomy)
    with pytest.raises(ValidationError, match="already booked"):
        actions.book_slot(actor=resident, slot=roomy)


def test_a_resident_cannot_hold_two_bookings_at_the_same_time(
    resident, resident_person, make_volunteer, committee_worker, slot
):
    other_provider = make_volunteer("刘师傅")
    knives = actions.create_skill_service(
        actor=committee_worker, provider=other_provider, kind="knife_sharpening", title="磨刀", place="门口"
    )
    clash = actions.add_slot(
        actor=committee_worker, service=knives, starts_at=slot.starts_at, ends_at=slot.ends_at
    )
    actions.book_slot(actor=resident, slot=slot)
    with pytest.raises(ValidationError, match="already have a booking"):
        actions.book_slot(actor=resident, slot=clash)


def test_cancelling_frees_the_slot(resident, resident_person, slot):
    booking = actions.book_slot(actor=resident, slot=slot)
    actions.cancel_booking(actor=resident, booking=booking)
    slot.refresh_from_db()
    assert slot.booked == 0
    actions.book_slot(actor=resident, slot=slot)


def test_provider_slots_may_not_overlap(volunteer, haircut, slot):
    with pytest.raises(ValidationError, match="overlaps"):
        actions.add_slot(
            actor=volunteer,
            service=haircut,
            starts_at=slot.starts_at + dt.timedelta(minutes=30),
            ends_at=slot.ends_at + dt.timedelta(hours=1),
        )
    assert ServiceSlot.objects.count() == 1


def test_only_the_provider_or_staff_confirm_a_booking(
    resident, resident_person, slot, make_person, other_street_admin, committee_worker
):
    booking = actions.book_slot(actor=resident, slot=slot)
    for user in (resident, other_street_admin):
        with pytest.raises(PermissionDenied):
            actions.confirm_booking(actor=user, booking=booking)
    actions.confirm_booking(actor=committee_worker, booking=booking)


def test_marking_done_needs_a_confirmed_booking(resident, resident_person, volunteer, slot):
    booking = actions.book_slot(actor=resident, slot=slot)
    with freeze_time(slot.ends_at), pytest.raises(ValidationError, match="Confirm the booking"):
        actions.complete_booking(actor=volunteer, booking=booking)
    assert not ServiceRecord.objects.exists()


def test_an_account_without_a_resident_record_cannot_book(outsider, slot):
    with pytest.raises(PermissionDenied):
        actions.book_slot(actor=outsider, slot=slot)


def test_someone_else_cannot_offer_a_service_in_a_volunteers_name(resident, resident_person, make_volunteer):
    with pytest.raises(PermissionDenied):
        actions.create_skill_service(
            actor=resident, provider=make_volunteer(), kind="repairs", title="修伞", place="x"
        )


# --- teams -----------------------------------------------------------------------------------------------
def test_team_covers_grid_cells_inside_its_area_only(tree, street_admin):
    team = actions.create_team(
        actor=street_admin, area=tree["committee"], name="网格志愿队", grids=[tree["grid"]]
    )
    assert list(team.grids.all()) == [tree["grid"]]
    with pytest.raises(ValidationError, match="inside the team"):
        actions.create_team(
            actor=street_admin, area=tree["other_committee"], name="江秀队", grids=[tree["grid"]]
        )


@pytest.mark.parametrize(
    "who", ["volunteer", "resident", "grid_worker", "party_secretary", "outsider", "community_worker"]
)
def test_team_creation_is_denied_outside_managers_of_the_area(request, tree, who):
    with pytest.raises(PermissionDenied):
        actions.create_team(actor=request.getfixturevalue(who), area=tree["committee"], name="队")


def test_membership_is_unique(team, make_volunteer, committee_worker):
    v = make_volunteer()
    actions.add_team_member(actor=committee_worker, team=team, volunteer=v, is_leader=True)
    with pytest.raises(ValidationError, match="already a member"):
        actions.add_team_member(actor=committee_worker, team=team, volunteer=v)
    actions.remove_team_member(actor=committee_worker, team=team, volunteer=v)
    assert not TeamMembership.objects.exists()


# --- neighbourhood points and brands ----------------------------------------------------------------------
def test_neighbourhood_point_with_members_and_a_good_deed(tree, committee_worker, make_person):
    point = actions.create_neighbourhood_point(
        actor=committee_worker,
        area=tree["committee"],
        name="编织睦邻点",
        interest="编织",
        host="张阿姨家",
        schedule="每周三下午",
    )
    knitter = make_person("张阿姨")
    actions.add_point_member(actor=committee_worker, point=point, person=knitter)
    with pytest.raises(ValidationError, match="already a member"):
        actions.add_point_member(actor=committee_worker, point=point, person=knitter)
    start = timezone.now() + dt.timedelta(days=3)
    deed = actions.create_activity(
        actor=committee_worker,
        neighbourhood_point=point,
        kind="good_deed",
        title="为独居老人织围巾",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        place="张阿姨家",
        capacity=8,
    )
    assert deed.area == tree["committee"] and deed.organizer_label == "编织睦邻点"


def test_point_in_another_street_is_denied(tree, other_street_admin):
    with pytest.raises(PermissionDenied):
        actions.create_neighbourhood_point(
            actor=other_street_admin, area=tree["committee"], name="x", interest="y", host="z", schedule="w"
        )


def test_brand_project_with_indicators(tree, street_admin, team):
    brand = actions.create_brand_project(
        actor=street_admin,
        area=tree["committee"],
        name="V爱计划",
        goals="关爱老人",
        starts_on=dt.date(2026, 1, 1),
        partners=["上海乐群社工服务社"],
        teams=[team],
    )
    ind = actions.set_indicator(
        actor=street_admin, project=brand, name="服务人次", target=500, achieved=120, unit="人次"
    )
    actions.set_indicator(
        actor=street_admin,
        project=brand,
        indicator=ind,
        name="服务人次",
        target=500,
        achieved=260,
        unit="人次",
    )
    ind.refresh_from_db()
    assert ind.achieved == Decimal("260.00")
    with pytest.raises(ValidationError, match="negative"):
        actions.set_indicator(actor=street_admin, project=brand, name="场次", target=-1)
    with pytest.raises(ValidationError, match="already runs"):
        actions.create_brand_project(
            actor=street_admin,
            area=tree["committee"],
            name="V爱计划",
            goals="x",
            starts_on=dt.date(2026, 1, 1),
        )
    with pytest.raises(ValidationError, match="before the start"):
        actions.update_brand_project(actor=street_admin, project=brand, ends_on=dt.date(2025, 1, 1))


def test_brand_project_is_denied_to_volunteers(tree, volunteer):
    with pytest.raises(PermissionDenied):
        actions.create_brand_project(
            actor=volunteer, area=tree["committee"], name="x", goals="y", starts_on=dt.date(2026, 1, 1)
        )
