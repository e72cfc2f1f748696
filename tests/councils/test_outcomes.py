"""Resolutions and action items: progress with evidence, overdue flags and reminders by the sweep, permissions."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from freezegun import freeze_time

from gongzhi.councils.actions import outcomes
from gongzhi.councils.models import ActionItem, Council
from gongzhi.notices.models import Notification
from tests.conftest import make_user

from .test_outcomes_support import english, make_council  # noqa: F401 - fixture

DAY = dt.date(2026, 6, 1)


@pytest.fixture
def resolution(tree):
    council, users, seats = make_council(tree["fangsong"], 2, prefix="r")
    return outcomes.record_resolution(
        actor=None, council=council, title="整治停车秩序", text="划定夜间停车位。", decided_on=DAY
    )


@pytest.fixture
def owner(db):
    return make_user("action_owner")


def add(resolution, owner, due=DAY + dt.timedelta(days=10)):
    return outcomes.add_action_item(
        actor=None,
        resolution=resolution,
        title="施划停车位",
        owner_kind=ActionItem.OwnerKind.UNIT,
        owner_label="物业公司",
        owner_user=owner,
        due_on=due,
    )


@freeze_time("2026-06-02 10:00:00+08:00")
def test_progress_updates_move_the_item_to_done_at_one_hundred_percent(resolution, owner):
    item = add(resolution, owner)
    outcomes.report_progress(actor=owner, item=item, progress=40, note="已划一半")
    item.refresh_from_db()
    assert (item.status, item.progress) == (ActionItem.Status.IN_PROGRESS, 40)
    outcomes.report_progress(actor=owner, item=item, progress=100, note="全部完成")
    item.refresh_from_db()
    assert item.status == ActionItem.Status.DONE and item.completed_on == dt.date(2026, 6, 2)
    with pytest.raises(ValidationError):
        outcomes.report_progress(actor=owner, item=item, progress=100, note="again")


@freeze_time("2026-06-02 10:00:00+08:00")
def test_progress_cannot_go_back_or_exceed_one_hundred(resolution, owner):
    item = add(resolution, owner)
    outcomes.report_progress(actor=owner, item=item, progress=50, note="一半")
    for bad in (30, 101, "x"):
        with pytest.raises(ValidationError):
            outcomes.report_progress(actor=owner, item=item, progress=bad, note="n")
    assert item.updates.count() == 1


@freeze_time("2026-06-02 10:00:00+08:00")
def test_only_the_owner_or_the_councils_managers_report_progress(
    resolution, owner, street_admin, other_street_admin, resident
):
    item = add(resolution, owner)
    outcomes.report_progress(actor=street_admin, item=item, progress=10, note="街道督办")
    for user in (other_street_admin, resident):
        with pytest.raises(PermissionDenied):
            outcomes.report_progress(actor=user, item=item, progress=20, note="n")


def test_adding_action_items_needs_the_council_managers(resolution, owner, committee_worker, resident):
    # 江中居委会 worker does not manage a street-level council.
    add(resolution, owner)
    for user in (committee_worker, resident):
        with pytest.raises(PermissionDenied):
            outcomes.add_action_item(
                actor=user, resolution=resolution, title="t", owner_kind="unit", owner_label="x", due_on=DAY
            )


def test_an_action_item_needs_an_owner_and_a_due_date_after_the_decision(resolution):
    with pytest.raises(ValidationError) as exc:
        outcomes.add_action_item(
            actor=None, resolution=resolution, title="t", owner_kind="nobody", owner_label="x", due_on=DAY
        )
    assert "owner_kind" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        outcomes.add_action_item(
            actor=None,
            resolution=resolution,
            title="t",
            owner_kind="unit",
            owner_label="x",
            due_on=DAY - dt.timedelta(days=1),
        )
    assert "due_on" in exc.value.message_dict
    assert not ActionItem.objects.exists()


# Only this app's URLs: the whole URLconf would import the API's schemas while freezegun patches datetime.
@pytest.mark.urls("tests.councils.test_outcomes_support")
def test_the_sweep_flags_overdue_items_and_reminds_owners_once_a_day(
    resolution, owner, django_capture_on_commit_callbacks
):
    with freeze_time("2026-06-02 10:00:00+08:00"):
        late = add(resolution, owner, due=dt.date(2026, 6, 5))
        on_time = add(resolution, owner, due=dt.date(2026, 7, 1))
        done = add(resolution, owner, due=dt.date(2026, 6, 3))
        outcomes.report_progress(actor=owner, item=done, progress=100, note="完成")
    with freeze_time("2026-06-08 09:00:00+08:00"):
        with django_capture_on_commit_callbacks(execute=True):
            result = outcomes.sweep_action_items()
        assert result == {"flagged": 1, "reminded": 1}
        late.refresh_from_db()
        on_time.refresh_from_db()
        assert late.is_overdue and not on_time.is_overdue
        assert Notification.objects.filter(recipient=owner, kind="councils.action_overdue").count() == 1
        assert outcomes.sweep_action_items() == {"flagged": 0, "reminded": 0}  # once a day
    with freeze_time("2026-06-09 09:00:00+08:00"):
        assert outcomes.sweep_action_items()["reminded"] == 1
    assert Notification.objects.filter(recipient=owner).count() == 2


def test_cancelling_an_action_needs_a_reason(resolution, owner):
    item = add(resolution, owner)
    with pytest.raises(ValidationError):
        outcomes.cancel_action_item(actor=None, item=item, reason=" ")
    outcomes.cancel_action_item(actor=None, item=item, reason="并入另一事项")
    item.refresh_from_db()
    assert item.status == ActionItem.Status.CANCELLED


def test_a_private_council_resolution_is_not_public(tree):
    council, _u, _s = make_council(tree["fangsong"], 1, prefix="x", is_public=False)
    assert Council.objects.get(pk=council.pk).is_public is False
    r = outcomes.record_resolution(actor=None, council=council, title="t", text="x", decided_on=DAY)
    assert r.is_public is False
