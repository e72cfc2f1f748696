"""Rollups: deltas appended after commit and folded by the sweep equal a recomputation from the source."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction
from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongzhi.areas.models import Area, subtree_q
from gongzhi.core import audit, events, rollups, sweeps
from gongzhi.core.models import AuditEvent, Rollup, RollupDelta

SH = ZoneInfo("Asia/Shanghai")
FIGURE = "test.events"
VERB = audit.register_verb("test.rollup_event", "test event")
PERIODS = {
    "2025-12": dt.datetime(2025, 12, 31, 23, 30, tzinfo=SH),
    "2026-01": dt.datetime(2026, 1, 15, 9, tzinfo=SH),
}
PERIODS["2026-02"] = dt.datetime(
    2026, 2, 1, 0, 10, tzinfo=SH
)  # just after midnight local, still January in UTC
AREA_KEYS = [
    "city",
    "songjiang",
    "fangsong",
    "committee",
    "other_committee",
    "compound",
    "grid",
    "malu_committee",
]


def _count_in_source():
    """{(area_id, period): (flagged, all)} for the area itself, from the audit log (the source of truth)."""
    result: dict = {}
    for event in AuditEvent.objects.filter(verb=VERB):
        key = (event.area_id, rollups.period_of(event.created_at))
        num, den = result.get(key, (0, 0))
        result[key] = (num + int(event.details["flag"]), den + 1)
    return result


@pytest.fixture(autouse=True)
def test_figure():
    def on_event(event):
        rollups.add_delta(event["area_id"], FIGURE, event["period"], int(event["flag"]), 1)

    events.subscribe(VERB)(on_event)
    rollups.register_figure(FIGURE, _count_in_source)
    yield
    events.unsubscribe(VERB, on_event)
    rollups.unregister_figure(FIGURE)


class Rollback(Exception):
    pass


def act(area, period, flag, *, commit=True):
    """A test action: one audit event in the area and one published event, committed or rolled back."""
    try:
        with transaction.atomic(), freeze_time(PERIODS[period]):
            audit.record(None, VERB, area=area, details={"flag": flag})
            events.publish(VERB, area_id=area.pk, period=period, flag=flag)
            if not commit:
                raise Rollback
    except Rollback:
        pass


def recount(area, period_from, period_to):
    lo = PERIODS[period_from].replace(day=1, hour=0, minute=0)
    following = PERIODS[period_to].replace(day=28, hour=0, minute=0) + dt.timedelta(days=5)
    hi = following.replace(day=1)
    qs = AuditEvent.objects.filter(
        subtree_q("area_path", area.path), verb=VERB, created_at__gte=lo, created_at__lt=hi
    )
    return Decimal(sum(int(e.details["flag"]) for e in qs)), Decimal(qs.count())


steps = st.lists(
    st.one_of(
        st.tuples(
            st.just("act"),
            st.sampled_from(AREA_KEYS),
            st.sampled_from(sorted(PERIODS)),
            st.booleans(),
            st.booleans(),
        ),
        st.tuples(st.just("fold")),
    ),
    max_size=25,
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps)
def test_rollups_equal_recomputation_after_random_actions(tree, django_capture_on_commit_callbacks, steps):
    with transaction.atomic():  # each example starts from the same empty tables
        for step in steps:
            if step[0] == "fold":
                rollups.fold()
                continue
            _, key, period, flag, commit = step
            with django_capture_on_commit_callbacks(execute=True):
                act(tree[key], period, flag, commit=commit)
        assert rollups.fold(batch_size=3) >= 0
        assert not RollupDelta.objects.exists()
        for key in AREA_KEYS + ["jiading", "malu", "community", "yongfeng"]:
            area = tree[key]
            for period in PERIODS:
                assert rollups.read(area, FIGURE, period) == recount(area, period, period), (key, period)
            assert rollups.read(area, FIGURE, "2025-12", "2026-02") == recount(area, "2025-12", "2026-02")
        transaction.set_rollback(True)


def test_rolled_back_actions_leave_no_delta(tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        act(tree["grid"], "2026-01", True, commit=False)
    assert not RollupDelta.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        act(tree["grid"], "2026-01", True)
    assert RollupDelta.objects.count() == 1


def test_a_fold_adds_to_the_area_and_every_ancestor_and_read_can_include_pending(tree):
    rollups.add_delta(tree["grid"], FIGURE, "2026-01", 1, 2)
    assert rollups.read(tree["city"], FIGURE, "2026-01") == (0, 0)
    assert rollups.read(tree["city"], FIGURE, "2026-01", include_pending=True) == (1, 2)
    assert dict(sweeps.JOBS)["rollups.fold"](now=None) == 1
    for key in ["grid", "compound", "committee", "fangsong", "songjiang", "city"]:
        assert rollups.read(tree[key], FIGURE, "2026-01") == (1, 2)
    assert rollups.read(tree["jiading"], FIGURE, "2026-01") == (0, 0)
    assert rollups.read(tree["other_committee"], FIGURE, "2026-01") == (0, 0)


def test_rebuild_recomputes_from_the_source(tree, django_capture_on_commit_callbacks):
    for key, flag in [("grid", True), ("grid", False), ("malu_committee", True)]:
        with django_capture_on_commit_callbacks(execute=True):
            act(tree[key], "2026-01", flag)
    Rollup.objects.create(
        area_id=tree["city"].pk, figure=FIGURE, period="2026-01", numerator=99, denominator=99
    )
    call_command("rebuild_rollups", "--figure", FIGURE, stdout=__import__("io").StringIO())
    assert not RollupDelta.objects.exists()
    assert rollups.read(tree["city"], FIGURE, "2026-01") == (2, 3)
    assert rollups.read(tree["fangsong"], FIGURE, "2026-01") == (1, 2)
    assert rollups.read(Area.objects.get(pk=tree["malu"].pk), FIGURE, "2026-01") == (1, 1)


def test_rebuild_of_an_unknown_figure_is_refused(db):
    with pytest.raises(ValueError, match="unknown rollup figure"):
        rollups.rebuild("no.such.figure")


@pytest.mark.parametrize(
    ("num", "den", "expected"),
    [(1, 8, "12.5%"), (1, 3, "33.3%"), (2, 3, "66.7%"), (1, 2000, "0.1%"), (1, 1, "100.0%"), (0, 0, "—")],
)
def test_rates_are_percentages_with_one_decimal_rounded_half_up(num, den, expected):
    assert rollups.rate_display(num, den) == expected


def test_a_malformed_period_is_refused(db):
    with pytest.raises(ValueError, match="YYYY-MM"):
        rollups.add_delta(1, FIGURE, "2026-1", 1)
