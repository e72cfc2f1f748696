"""Volunteer figures in rollups: teams as a stock, active volunteers as a distinct count per calendar
year; the deltas the actions leave, once folded, equal a rebuild from the records."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongzhi.core import dashboards, rollups
from gongzhi.core.models import Rollup, RollupDelta
from gongzhi.volunteers import actions
from gongzhi.volunteers.actions.base import ACTIVE, ACTIVE_YEAR, FIGURES, TEAMS

pytestmark = pytest.mark.django_db
NOW = "2026-12-01 10:00:00+08:00"


@pytest.fixture(autouse=True)
def frozen():
    reverse("volunteers:home")  # load the URLs (and the API schemas) before the clock is faked
    with freeze_time(NOW):
        yield


@pytest.fixture
def act(django_capture_on_commit_callbacks):
    """Run an action and deliver its events as a commit would (the deltas land in the pending table)."""

    def _act(func, actor=None, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return func(actor=actor, **kwargs)

    return _act


@pytest.fixture
def enrol(make_volunteer, django_capture_on_commit_callbacks):
    """Register a volunteer as a commit would (its ``volunteers.registered`` delta included)."""

    def _enrol(name="志愿者", area=None):
        with django_capture_on_commit_callbacks(execute=True):
            return make_volunteer(name, area)

    return _enrol


def serve(act, volunteer, day: dt.date, hours=2):
    return act(
        actions.record_service,
        volunteer=volunteer,
        hours=hours,
        served_on=day,
        content="助老服务",
        recording_body="江中居委会",
    )


def cells() -> dict:
    return {
        (r.area_id, r.figure, r.period): (r.numerator, r.denominator)
        for r in Rollup.objects.filter(figure__startswith="volunteers.")
        if r.numerator or r.denominator
    }


def assert_rebuild_agrees() -> dict:
    rollups.fold()
    assert not RollupDelta.objects.exists()
    folded = cells()
    for name in FIGURES:
        rollups.rebuild(name)
    assert cells() == folded
    return folded


def year(area, figure=ACTIVE_YEAR, y=2026) -> int:
    return int(rollups.read(area, figure, f"{y}-01", f"{y}-12", include_pending=True)[0])


def month(area, period: str, figure=ACTIVE_YEAR) -> int:
    return int(rollups.read(area, figure, period, include_pending=True)[0])


def teams(area, up_to="2026-12") -> int:
    """The teams stock: every month from the beginning up to `up_to` (as the dashboard reads a stock)."""
    return int(rollups.read_many([area.pk], [TEAMS], None, up_to, include_pending=True)[(area.pk, TEAMS)][0])


# --- active volunteers: distinct per calendar year ----------------------------------------------------
def test_a_volunteer_serving_in_january_and_march_counts_once_for_the_year(tree, enrol, act):
    v = enrol("王志愿")
    serve(act, v, dt.date(2026, 1, 10))
    serve(act, v, dt.date(2026, 3, 5))
    serve(act, v, dt.date(2026, 3, 20))
    rollups.fold()
    assert year(tree["fangsong"]) == 1
    assert (month(tree["fangsong"], "2026-01"), month(tree["fangsong"], "2026-03")) == (1, 0)
    # The monthly figure is still "active in that month" (the overview's number), not distinct.
    assert month(tree["fangsong"], "2026-03", ACTIVE) == 1
    assert year(tree["fangsong"], ACTIVE) == 2
    assert year(tree["city"]) == 1 and year(tree["yongfeng"]) == 0
    assert_rebuild_agrees()


def test_two_volunteers_count_twice_and_each_year_counts_again(tree, enrol, act):
    a, b = enrol("甲"), enrol("乙")
    serve(act, a, dt.date(2025, 12, 30))
    serve(act, a, dt.date(2026, 2, 1))
    serve(act, b, dt.date(2026, 2, 14))
    rollups.fold()
    assert year(tree["committee"], y=2025) == 1
    assert year(tree["committee"]) == 2
    assert month(tree["committee"], "2026-02") == 2
    assert int(rollups.read(tree["committee"], ACTIVE_YEAR, "2025-01", "2026-12")[0]) == 3  # once a year
    assert_rebuild_agrees()


def test_a_back_dated_record_moves_the_count_to_the_earlier_month(tree, enrol, act):
    v = enrol()
    serve(act, v, dt.date(2026, 3, 5))
    serve(act, v, dt.date(2026, 1, 10))
    rollups.fold()
    assert (month(tree["fangsong"], "2026-01"), month(tree["fangsong"], "2026-03")) == (1, 0)
    assert year(tree["fangsong"]) == 1
    assert_rebuild_agrees()


def test_voiding_the_first_service_moves_the_count_and_voiding_the_last_drops_it(tree, enrol, act):
    v = enrol()
    january = serve(act, v, dt.date(2026, 1, 10))
    march = serve(act, v, dt.date(2026, 3, 5))
    act(actions.void_service_record, record=january, reason="录错")
    assert (month(tree["fangsong"], "2026-01"), month(tree["fangsong"], "2026-03")) == (0, 1)
    act(actions.void_service_record, record=march, reason="录错")
    assert year(tree["fangsong"]) == 0
    assert_rebuild_agrees()


def test_a_correction_moves_the_count_even_into_another_year(tree, enrol, act):
    v = enrol()
    first = serve(act, v, dt.date(2026, 2, 3))
    serve(act, v, dt.date(2026, 4, 8))
    moved = act(
        actions.correct_service_record, record=first, reason="日期录错", served_on=dt.date(2026, 1, 3)
    )
    assert (month(tree["fangsong"], "2026-01"), month(tree["fangsong"], "2026-02")) == (1, 0)
    act(actions.correct_service_record, record=moved, reason="跨年", served_on=dt.date(2025, 12, 31))
    assert (year(tree["fangsong"], y=2025), year(tree["fangsong"])) == (1, 1)
    assert month(tree["fangsong"], "2026-04") == 1
    assert_rebuild_agrees()


def test_a_refused_record_writes_no_delta(tree, enrol, act):
    v = enrol()
    with pytest.raises(ValidationError, match="future"):
        serve(act, v, dt.date(2027, 1, 5))
    assert not RollupDelta.objects.filter(figure=ACTIVE_YEAR).exists()


# --- teams: a stock ------------------------------------------------------------------------------------
def test_teams_stock_goes_up_on_creation_and_down_when_deactivated(tree, act):
    team = act(actions.create_team, area=tree["committee"], name="江中助老队", founded_on=dt.date(2026, 3, 5))
    rollups.fold()
    assert teams(tree["committee"]) == 1 and teams(tree["city"]) == 1
    assert teams(tree["committee"], up_to="2026-02") == 0  # not founded yet
    assert teams(tree["yongfeng"]) == 0
    act(actions.update_team, team=team, is_active=False)
    assert teams(tree["fangsong"]) == 0
    act(actions.update_team, team=team, is_active=True)
    act(actions.update_team, team=team, founded_on=dt.date(2024, 6, 1))
    assert teams(tree["fangsong"], up_to="2025-01") == 1
    assert month(tree["committee"], "2026-03", TEAMS) == 0
    act(actions.update_team, team=team, name="江中助老服务队")  # not a figure change
    assert RollupDelta.objects.filter(figure=TEAMS).count() == 4
    assert_rebuild_agrees()


def test_a_team_without_a_founding_date_counts_from_the_beginning(tree, act):
    act(actions.create_team, area=tree["committee"], name="江中环保队")
    assert teams(tree["committee"], up_to="2000-01") == 1
    folded = assert_rebuild_agrees()
    assert folded[(tree["committee"].pk, TEAMS, "0001-01")] == (1, 0)


def test_a_refused_team_change_writes_no_delta(tree, act, outsider, street_admin):
    team = act(actions.create_team, area=tree["committee"], name="江中巡逻队")
    with pytest.raises(ValidationError, match="future"):
        act(actions.update_team, team=team, is_active=False, founded_on=dt.date(2030, 1, 1))
    with pytest.raises(PermissionDenied):
        act(actions.update_team, actor=outsider, team=team, is_active=False)
    with pytest.raises(PermissionDenied):
        act(actions.create_team, actor=outsider, area=tree["committee"], name="外来队")
    assert RollupDelta.objects.filter(figure=TEAMS).count() == 1
    act(actions.update_team, actor=street_admin, team=team, is_active=False)
    assert teams(tree["committee"]) == 0


# --- any sequence -----------------------------------------------------------------------------------
DAYS = [
    dt.date(2025, 11, 30),
    dt.date(2025, 12, 31),
    dt.date(2026, 1, 1),
    dt.date(2026, 1, 31),
    dt.date(2026, 3, 15),
]
STEP = st.tuples(
    st.sampled_from(["serve", "void", "correct", "team"]), st.integers(0, 20), st.integers(0, 20)
)


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(STEP, min_size=1, max_size=12))
def test_folded_deltas_equal_a_rebuild_after_any_sequence_of_actions(
    tree, enrol, django_capture_on_commit_callbacks, steps
):
    with transaction.atomic():
        volunteers = [enrol("甲"), enrol("乙", area=tree["committee"])]
        records, teams_made = [], []
        for op, i, j in steps:
            with django_capture_on_commit_callbacks(execute=True):
                if op == "serve":
                    records.append(
                        actions.record_service(
                            actor=None,
                            volunteer=volunteers[i % 2],
                            hours=1,
                            served_on=DAYS[j % len(DAYS)],
                            content="巡逻",
                            recording_body="江中",
                        )
                    )
                elif op == "team":
                    if teams_made and i % 2:
                        team = teams_made[j % len(teams_made)]
                        actions.update_team(
                            actor=None,
                            team=team,
                            is_active=not team.is_active,
                            founded_on=DAYS[i % len(DAYS)],
                        )
                        team.refresh_from_db()
                    else:
                        teams_made.append(
                            actions.create_team(
                                actor=None,
                                area=tree["committee"],
                                name=f"队{len(teams_made)}",
                                founded_on=DAYS[j % len(DAYS)] if j % 3 else None,
                            )
                        )
                elif records:
                    live = [r for r in records if not r.voided]
                    if not live:
                        continue
                    target = live[i % len(live)]
                    if op == "void":
                        actions.void_service_record(actor=None, record=target, reason="录错")
                        target.voided = True
                    else:
                        records.append(
                            actions.correct_service_record(
                                actor=None, record=target, reason="更正", served_on=DAYS[j % len(DAYS)]
                            )
                        )
                        target.voided = True
        assert_rebuild_agrees()
        transaction.set_rollback(True)


# --- the dashboard -------------------------------------------------------------------------------------
def test_the_dashboard_shows_teams_and_distinct_active_volunteers_with_drill_links(tree):
    section = dashboards.SECTIONS["volunteers"]
    shown = {f.name: f for f in section.figures}
    assert shown[TEAMS].kind == "stock" and shown[ACTIVE_YEAR].kind == "count"
    assert ACTIVE not in shown  # the per-month figure would count a volunteer once per month
    area = tree["fangsong"]
    assert shown[TEAMS].drill(area, "2026-01", "2026-12") == f"/volunteers/teams/?area={area.pk}"
    assert shown[ACTIVE_YEAR].drill(area, "2026-01", "2026-12") == f"/volunteers/people/?area={area.pk}"
