"""Activities: sign-up within capacity, confirmation, check-in and out (organizer and code), hours."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from freezegun import freeze_time

from gongzhi.core.models import AuditEvent
from gongzhi.volunteers import actions
from gongzhi.volunteers.models import Activity, ServiceRecord, SignUp

pytestmark = pytest.mark.django_db


def test_registered_volunteer_signs_up_for_an_activity(volunteer, own_volunteer, activity):
    signup = actions.sign_up(actor=volunteer, activity=activity)
    assert signup.state == SignUp.State.SIGNED_UP
    activity.refresh_from_db()
    assert activity.taken == 1
    assert AuditEvent.objects.filter(verb="volunteers.signed_up").count() == 1


def test_resident_who_is_not_a_volunteer_cannot_sign_up(resident, resident_person, activity):
    with pytest.raises(PermissionDenied):
        actions.sign_up(actor=resident, activity=activity)


def test_over_capacity_sign_up_is_refused_and_nothing_is_written(make_volunteer, committee_worker, activity):
    for i in range(2):
        actions.sign_up(actor=committee_worker, activity=activity, volunteer=make_volunteer(f"志愿{i}"))
    third = make_volunteer("第三人")
    with pytest.raises(ValidationError, match="full"):
        actions.sign_up(actor=committee_worker, activity=activity, volunteer=third)
    activity.refresh_from_db()
    assert activity.taken == 2
    assert not SignUp.objects.filter(volunteer=third).exists()


def test_signing_up_twice_is_refused(volunteer, own_volunteer, activity):
    actions.sign_up(actor=volunteer, activity=activity)
    with pytest.raises(ValidationError, match="already signed up"):
        actions.sign_up(actor=volunteer, activity=activity)
    activity.refresh_from_db()
    assert activity.taken == 1


def test_cancelled_sign_up_frees_the_place(volunteer, own_volunteer, activity):
    signup = actions.sign_up(actor=volunteer, activity=activity)
    actions.cancel_sign_up(actor=volunteer, signup=signup)
    activity.refresh_from_db()
    assert activity.taken == 0
    actions.sign_up(actor=volunteer, activity=activity)  # may sign up again
    activity.refresh_from_db()
    assert activity.taken == 1


def test_staff_of_another_street_cannot_sign_up_volunteers_here(other_street_admin, make_volunteer, activity):
    with pytest.raises(PermissionDenied):
        actions.sign_up(actor=other_street_admin, activity=activity, volunteer=make_volunteer())


def test_draft_activity_is_not_open_for_sign_up(tree, volunteer, own_volunteer, street_admin):
    start = timezone.now() + dt.timedelta(days=2)
    draft = actions.create_activity(
        actor=street_admin,
        area=tree["committee"],
        title="草稿",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        place="居委会",
        capacity=5,
    )
    with pytest.raises(ValidationError, match="not open"):
        actions.sign_up(actor=volunteer, activity=draft)


@pytest.mark.parametrize(
    "who", ["grid_worker", "volunteer", "resident", "party_member", "outsider", "other_street_admin"]
)
def test_only_area_managers_create_activities(request, tree, who):
    user = request.getfixturevalue(who)
    start = timezone.now() + dt.timedelta(days=2)
    with pytest.raises(PermissionDenied):
        actions.create_activity(
            actor=user,
            area=tree["committee"],
            title="x",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            place="y",
            capacity=1,
        )


@pytest.mark.parametrize("who", ["city_admin", "district_admin", "street_admin", "committee_worker"])
def test_area_managers_create_activities(request, tree, who):
    user = request.getfixturevalue(who)
    start = timezone.now() + dt.timedelta(days=2)
    activity = actions.create_activity(
        actor=user,
        area=tree["committee"],
        title="x",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        place="y",
        capacity=1,
        publish=True,
    )
    assert activity.state == Activity.State.PUBLISHED


def test_end_before_start_is_refused(tree, street_admin):
    start = timezone.now() + dt.timedelta(days=2)
    with pytest.raises(ValidationError) as exc:
        actions.create_activity(
            actor=street_admin,
            area=tree["committee"],
            title="x",
            starts_at=start,
            ends_at=start - dt.timedelta(hours=1),
            place="y",
            capacity=1,
        )
    assert "ends_at" in exc.value.message_dict
    assert not Activity.objects.exists()


def test_check_out_before_check_in_is_refused(committee_worker, volunteer, own_volunteer, activity):
    signup = actions.sign_up(actor=volunteer, activity=activity)
    with freeze_time(activity.starts_at):
        with pytest.raises(ValidationError, match="before check-in"):
            actions.check_out(actor=committee_worker, signup=signup)
    signup.refresh_from_db()
    assert signup.checked_out_at is None


def test_volunteer_checks_in_and_out_with_the_code_shown_at_the_place(volunteer, own_volunteer, activity):
    actions.sign_up(actor=volunteer, activity=activity)
    with freeze_time(activity.starts_at + dt.timedelta(minutes=5)):
        with pytest.raises(ValidationError, match="not the code"):
            actions.check_in_with_code(actor=volunteer, activity=activity, code="xxxxxx")
        signup = actions.check_in_with_code(actor=volunteer, activity=activity, code=activity.checkin_code)
        assert signup.state == SignUp.State.CONFIRMED
    with freeze_time(activity.starts_at + dt.timedelta(hours=2, minutes=50)):
        signup = actions.check_out_with_code(actor=volunteer, activity=activity, code=activity.checkin_code)
    assert actions.attended_hours(signup) == Decimal("2.75")


def test_code_check_in_does_not_open_a_day_early(volunteer, own_volunteer, activity):
    actions.sign_up(actor=volunteer, activity=activity)
    with pytest.raises(ValidationError, match="opens one hour"):
        actions.check_in_with_code(actor=volunteer, activity=activity, code=activity.checkin_code)


def test_organizer_records_hours_from_check_in_and_closes_the_activity(
    committee_worker, volunteer, own_volunteer, activity
):
    signup = actions.sign_up(actor=volunteer, activity=activity)
    with freeze_time(activity.starts_at - dt.timedelta(minutes=20)):
        actions.check_in(actor=committee_worker, signup=signup)  # early arrival is not service time
    with freeze_time(activity.starts_at + dt.timedelta(hours=4)):
        actions.check_out(actor=committee_worker, signup=signup)  # leaving late is not either
        records = actions.record_activity_hours(actor=committee_worker, activity=activity)
    assert [r.hours for r in records] == [Decimal("3.00")]
    assert records[0].recording_body == "江中志愿服务队"
    own_volunteer.refresh_from_db()
    assert own_volunteer.total_hours == Decimal("3.00")
    activity.refresh_from_db()
    assert activity.state == Activity.State.DONE


def test_hours_above_the_activity_duration_are_refused(committee_worker, volunteer, own_volunteer, activity):
    signup = actions.sign_up(actor=volunteer, activity=activity)
    with freeze_time(activity.starts_at + dt.timedelta(minutes=1)):
        actions.check_in(actor=committee_worker, signup=signup)
        with pytest.raises(ValidationError, match="travel time"):
            actions.record_activity_hours(actor=committee_worker, activity=activity, hours={signup.pk: "5"})
    assert not ServiceRecord.objects.exists()


def test_volunteer_cannot_record_their_own_hours(volunteer, own_volunteer, activity):
    with freeze_time(activity.ends_at):
        with pytest.raises(PermissionDenied):
            actions.record_activity_hours(actor=volunteer, activity=activity)


def test_capacity_cannot_drop_below_sign_ups(
    committee_worker, volunteer, own_volunteer, make_volunteer, activity
):
    actions.sign_up(actor=volunteer, activity=activity)
    actions.sign_up(actor=committee_worker, activity=activity, volunteer=make_volunteer())
    with pytest.raises(ValidationError, match="cannot be lower"):
        actions.update_activity(actor=committee_worker, activity=activity, capacity=1)


def test_cancelling_an_activity_notifies_signed_up_volunteers(
    committee_worker, volunteer, own_volunteer, activity, django_capture_on_commit_callbacks
):
    from gongzhi.notices.models import Notification

    actions.sign_up(actor=volunteer, activity=activity)
    with django_capture_on_commit_callbacks(execute=True):
        actions.cancel_activity(actor=committee_worker, activity=activity, reason="下雨")
    assert Notification.objects.filter(recipient=volunteer, kind="volunteers.activity_cancelled").exists()


def test_activity_may_serve_a_brand_project(tree, street_admin):
    brand = actions.create_brand_project(
        actor=street_admin,
        area=tree["committee"],
        name="百事帮",
        goals="帮助居民",
        starts_on=dt.date(2026, 1, 1),
    )
    start = timezone.now() + dt.timedelta(days=1)
    activity = actions.create_activity(
        actor=street_admin,
        area=tree["committee"],
        title="修理",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        place="广场",
        capacity=3,
        link_type="brand_project",
        link_id=brand.pk,
    )
    assert activity.link_label == "百事帮"
    with pytest.raises(ValidationError, match="No such record"):
        actions.create_activity(
            actor=street_admin,
            area=tree["committee"],
            title="修理",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            place="广场",
            capacity=3,
            link_type="brand_project",
            link_id=999999,
        )
