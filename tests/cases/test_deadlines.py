"""Deadlines on the official calendar (National Day, Spring Festival, adjusted Saturdays/Sundays),
extensions, and the overdue sweep with supervision notices."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from freezegun import freeze_time

from gongzhi.cases.actions import supervision
from gongzhi.cases.models import Case
from gongzhi.core.calendar_actions import seed_calendar
from gongzhi.notices.models import Notification

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def official_calendar(db):
    seed_calendar(actor=None)


def at(*args):
    return dt.datetime(*args, tzinfo=SH)


def test_resolve_deadline_skips_national_day_and_counts_adjusted_weekend_days(
    official_calendar, grid_worker, report, rule
):
    with freeze_time(at(2025, 9, 26, 10, 0)):
        case = report(grid_worker)
    # 9/28 (Sunday, adjusted working day) counts; 10/1–10/8 do not; 10/11 (Saturday, adjusted) counts.
    assert case.due_at == at(2025, 10, 23, 10, 0)
    assert case.accept_due_at == at(2025, 9, 26, 12, 0)
    support = case.assignments.get(role="support")
    assert support.due_at == at(2025, 10, 16, 10, 0)


def test_accept_deadline_runs_into_the_adjusted_sunday(official_calendar, grid_worker, report, rule):
    with freeze_time(at(2025, 9, 26, 16, 30)):
        case = report(grid_worker)
    assert case.accept_due_at == at(2025, 9, 28, 10, 30)


def test_urgent_deadline_across_the_spring_festival(official_calendar, grid_worker, report, rule):
    with freeze_time(at(2025, 1, 24, 15, 0)):
        case = report(grid_worker, urgent=True)
    # 1/26 (Sunday, adjusted), 1/27, then the holiday 1/28–2/4, then 2/5, 2/6, 2/7.
    assert case.due_at == at(2025, 2, 7, 15, 0)


def test_extension_before_the_deadline_moves_it_by_working_days(
    official_calendar, grid_worker, report, rule, committee_worker, street_admin
):
    with freeze_time(at(2025, 9, 26, 10, 0)):
        case = report(grid_worker)
        with pytest.raises(PermissionDenied):
            supervision.request_extension(
                actor=street_admin.__class__.objects.get(username="grid_worker"),
                case=case,
                extra_days=3,
                reason="x",
            )
        req = supervision.request_extension(
            actor=committee_worker, case=case, extra_days=3, reason="需房管部门协查"
        )
        with pytest.raises(PermissionDenied):
            supervision.decide_extension(actor=committee_worker, request=req, approve=True)
        supervision.decide_extension(actor=street_admin, request=req, approve=True)
    case.refresh_from_db()
    assert case.due_at == at(2025, 10, 28, 10, 0)
    assert case.events.filter(action="extend").count() == 1


def test_an_extension_after_the_deadline_is_refused_and_nothing_written(
    official_calendar, grid_worker, report, rule, committee_worker
):
    with freeze_time(at(2025, 9, 26, 10, 0)):
        case = report(grid_worker)
    with freeze_time(at(2025, 10, 24, 9, 0)):
        with pytest.raises(ValidationError) as exc:
            supervision.request_extension(actor=committee_worker, case=case, extra_days=3, reason="太忙")
    assert "extra_days" in exc.value.message_dict
    assert not case.extensions.exists()


def test_sweep_marks_overdue_once_and_notifies_handler_and_street(
    official_calendar,
    grid_worker,
    report,
    rule,
    committee_worker,
    street_admin,
    django_capture_on_commit_callbacks,
):
    with freeze_time(at(2025, 9, 26, 10, 0)):
        case = report(grid_worker)
        done = report(grid_worker)
    with freeze_time(at(2025, 10, 23, 9, 59)):
        assert supervision.sweep_overdue() == 0
    with freeze_time(at(2025, 10, 23, 10, 1)):
        Case.objects.filter(pk=done.pk).update(state="resolved")
        with django_capture_on_commit_callbacks(execute=True):
            assert supervision.sweep_overdue() == 1
        assert supervision.sweep_overdue() == 0
    case.refresh_from_db()
    assert case.is_overdue and case.is_supervised
    assert not Case.objects.get(pk=done.pk).is_overdue
    assert Notification.objects.filter(recipient=committee_worker, kind="cases.supervision").exists()
    assert Notification.objects.filter(recipient=street_admin, kind="cases.supervision").exists()
    assert case.assignments.get(role="lead").is_overdue
