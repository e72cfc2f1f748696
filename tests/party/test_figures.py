"""Party figures in rollups: members, reported members, participation per calendar year, six acts;
the area figures read them (pending deltas included); a rebuild agrees; the coverage report runs a
fixed number of queries."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from gongzhi.areas.actions import build_area
from gongzhi.core import dashboards, rollups
from gongzhi.core.models import Rollup, RollupDelta
from gongzhi.orgs.models import StationedUnit
from gongzhi.party import actions, figures, queries

from .conftest import add_member, person

pytestmark = pytest.mark.django_db


def cells():
    return {
        (r.area_id, r.figure, r.period): (r.numerator, r.denominator)
        for r in Rollup.objects.filter(figure__startswith="party.")
        if r.numerator or r.denominator
    }


def assert_rebuild_agrees():
    rollups.fold()
    folded = cells()
    figures.rebuild_all()
    assert cells() == folded


def reported(party, member):
    report = actions.report_in(
        actor=None, member=member, receiving=party["residential"], contact_phone="13812345678"
    )
    actions.issue_receipt(actor=None, report=report)
    return report


def test_members_and_reported_members_are_stocks_that_follow_the_status(party, tree):
    other = add_member(tree, party, "李四")
    add_member(tree, party, "王五", status="retired")
    reported(party, party["member"])
    r = queries.rates(tree["committee"], 2026)
    assert (r["in_service"], r["reported"]) == (2, 1)
    actions.change_member_status(actor=None, member=party["member"], status="retired")
    r = queries.rates(tree["committee"], 2026)
    assert (r["in_service"], r["reported"], r["report_rate"]) == (1, 0, 0)
    actions.change_member_status(actor=None, member=other, status="mobile")
    assert queries.rates(tree["fangsong"], 2026)["in_service"] == 0
    assert_rebuild_agrees()


def test_participation_counts_each_member_once_a_year_in_the_month_of_the_first_activity(party, tree):
    member = party["member"]
    reported(party, member)
    for day in (dt.date(2026, 5, 1), dt.date(2026, 6, 1), dt.date(2026, 3, 1), dt.date(2025, 7, 1)):
        actions.record_service(actor=None, member=member, served_on=day, hours=2, description="巡逻")
    assert figures.read(tree["committee"], figures.ACTIVE, "2026-01", "2026-12")[0] == 1
    assert figures.read(tree["committee"], figures.ACTIVE, "2026-03", "2026-03")[0] == 1  # moved to March
    assert figures.read(tree["committee"], figures.ACTIVE, "2026-05", "2026-05")[0] == 0
    assert figures.read(tree["committee"], figures.ACTIVE, "2025-01", "2026-12")[0] == 2  # once a year
    assert queries.rates(tree["committee"], 2026, 1)["active"] == 1
    assert_rebuild_agrees()


def test_six_acts_completion_rate(party, tree):
    member = party["member"]
    reported(party, member)
    commitment = actions.commit_six_acts(actor=None, member=member, year=2026)
    for act in range(1, 6):
        actions.record_six_act(
            actor=None, commitment=commitment, act=act, done_on=dt.date(2026, act, 2), evidence="记录"
        )
    assert figures.read(tree["committee"], figures.SIXACTS, "2026-01", "2026-12") == (0, 1)
    actions.record_six_act(
        actor=None, commitment=commitment, act=6, done_on=dt.date(2026, 8, 2), evidence="记录"
    )
    assert figures.read(tree["committee"], figures.SIXACTS, "2026-01", "2026-12") == (1, 1)
    assert figures.read(tree["committee"], figures.SIXACTS, "2026-08", "2026-08")[0] == 1
    assert_rebuild_agrees()


def test_a_refused_action_writes_no_delta(party, tree):
    before = RollupDelta.objects.count()
    with pytest.raises(ValidationError):
        actions.register_member(
            actor=None,
            person=party["member"].person,
            organization=party["unit_org"],
            status="in_service",
            home_area=tree["compound"],
        )
    with pytest.raises(ValidationError):
        actions.record_service(
            actor=None, member=party["member"], served_on=dt.date(2026, 5, 1), hours=2, description="x"
        )
    assert RollupDelta.objects.count() == before


def test_the_dashboard_section_drills_to_the_area_page(party, tree):
    section = dashboards.SECTIONS["party"]
    assert {figures.MEMBERS, figures.REPORTED, figures.ACTIVE, figures.SIXACTS} <= {
        f.name for f in section.figures
    }
    assert all(f.name in rollups.FIGURES for f in section.figures)
    url = section.figures[0].drill(tree["committee"], "2026-01", "2026-11")
    assert url == f"/party/area/{tree['committee'].pk}/?year=2026"


def test_the_coverage_report_runs_a_fixed_number_of_queries(party, tree, django_assert_max_num_queries):
    uncovered = build_area(name="新村居委会", kind="residents_committee", parent=tree["fangsong"])
    uncovered.save()
    for i in range(6):
        unit = StationedUnit(name=f"单位{i}", kind="company")
        unit.set_area(tree["fangsong"])
        unit.save()
        compound = build_area(name=f"小区{i}", kind="compound", parent=uncovered)
        compound.save()
        if i % 2:
            actions.register_member(
                actor=None,
                person=person(f"党员{i}", compound),
                organization=party["unit_org"],
                status="in_service",
                home_area=compound,
                workplace_name=f"单位{i}",
            )
    with django_assert_max_num_queries(10):
        report = queries.coverage(tree["fangsong"], 2026)
    assert sorted(u.name for u in report["units"]) == ["单位1", "单位3", "单位5"]
    assert sorted(c.name for c in report["compounds"]) == ["小区1", "小区3", "小区5"]
