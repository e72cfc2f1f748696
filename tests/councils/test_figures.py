"""Councils figures in rollups: meetings held, resolutions, action items open / overdue / done; the
overdue stock is kept by the sweep and the actions; the live deltas equal a rebuild."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from freezegun import freeze_time

from gongzhi.core import dashboards, rollups
from gongzhi.core.models import Rollup
from gongzhi.councils import actions, figures
from gongzhi.councils.actions import outcomes
from gongzhi.councils.models import Meeting

pytestmark = pytest.mark.django_db
NOW = "2026-06-15 10:00:00+08:00"


def value(area, figure, start="0001-01", end="2026-12"):
    return rollups.read(area, figure, start, end, include_pending=True)[0]


def cells():
    return {
        (r.area_id, r.figure, r.period): (r.numerator, r.denominator)
        for r in Rollup.objects.filter(figure__startswith="councils.")
        if r.numerator or r.denominator
    }


def assert_rebuild_agrees():
    rollups.fold()
    folded = cells()
    for name in sorted(rollups.FIGURES):
        if name.startswith("councils."):
            rollups.rebuild(name)
    assert cells() == folded


def _resolution(council, day):
    return outcomes.record_resolution(actor=None, council=council, title="决议", text="同意", decided_on=day)


def _item(resolution, due_on):
    return outcomes.add_action_item(
        actor=None,
        resolution=resolution,
        title="落实",
        owner_kind="committee",
        owner_label="江中居委会",
        due_on=due_on,
    )


@freeze_time(NOW)
def test_meetings_held_and_resolutions_are_counted_in_their_month(
    council, tree, django_capture_on_commit_callbacks
):
    tz = timezone.get_current_timezone()
    with django_capture_on_commit_callbacks(execute=True):
        m = actions.create_meeting(
            actor=None,
            council=council,
            kind=Meeting.Kind.ORDINARY,
            title="例会",
            starts_at=dt.datetime(2026, 6, 1, 9, tzinfo=tz),
            ends_at=dt.datetime(2026, 6, 1, 11, tzinfo=tz),
        )
        actions.schedule_meeting(actor=None, meeting=m, invite_seats=False)
        actions.mark_held(actor=None, meeting=m)
        _resolution(council, dt.date(2026, 5, 20))
    assert value(tree["fangsong"], figures.MEETINGS, "2026-06", "2026-06") == 1
    assert value(tree["city"], figures.RESOLUTIONS, "2026-05", "2026-05") == 1
    assert value(tree["malu"], figures.RESOLUTIONS) == 0
    assert_rebuild_agrees()


@freeze_time(NOW)
def test_action_items_open_overdue_and_done(council, tree, django_capture_on_commit_callbacks):
    area = tree["fangsong"]
    with django_capture_on_commit_callbacks(execute=True):
        r = _resolution(council, dt.date(2026, 5, 1))
        late = _item(r, dt.date(2026, 5, 10))  # overdue at once
        later = _item(r, dt.date(2026, 6, 20))
        done = _item(r, dt.date(2026, 7, 1))
        outcomes.report_progress(actor=None, item=done, progress=100, note="完成")
    assert (value(area, figures.OPEN), value(area, figures.OVERDUE), value(area, figures.DONE)) == (2, 1, 1)
    with freeze_time("2026-06-25 10:00:00+08:00"), django_capture_on_commit_callbacks(execute=True):
        outcomes.sweep_action_items(now=timezone.now())
    assert value(area, figures.OVERDUE) == 2
    with freeze_time("2026-06-25 10:00:00+08:00"), django_capture_on_commit_callbacks(execute=True):
        outcomes.report_progress(actor=None, item=late, progress=100, note="完成")
        outcomes.cancel_action_item(actor=None, item=later, reason="不再需要")
    assert (value(area, figures.OPEN), value(area, figures.OVERDUE), value(area, figures.DONE)) == (0, 0, 2)
    assert_rebuild_agrees()


@freeze_time(NOW)
def test_refused_progress_writes_no_delta(council, tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        item = _item(_resolution(council, dt.date(2026, 5, 1)), dt.date(2026, 7, 1))
        with pytest.raises(ValidationError):
            outcomes.report_progress(actor=None, item=item, progress=150, note="完成")
    assert value(tree["fangsong"], figures.DONE) == 0 and value(tree["fangsong"], figures.OPEN) == 1


def test_the_dashboard_section_drills_to_the_accountability_page(tree):
    section = dashboards.SECTIONS["councils"]
    assert {figures.MEETINGS, figures.RESOLUTIONS, figures.OPEN, figures.OVERDUE, figures.DONE} == {
        f.name for f in section.figures
    }
    url = {f.name: f for f in section.figures}[figures.OVERDUE].drill(tree["fangsong"], "2026-01", "2026-06")
    assert url.endswith(f"?area={tree['fangsong'].pk}")
