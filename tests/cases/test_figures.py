"""Campaign figures in rollups: targets locked, rectified (rate), rebounds — in the month the list was
locked, where each target is; equal to the campaign board and to a rebuild."""

import datetime as dt

import pytest
from freezegun import freeze_time

from gongzhi.cases import figures_campaigns as figures
from gongzhi.cases.actions import campaigns
from gongzhi.cases.models import RoutingRule
from gongzhi.cases.queries_field import board
from gongzhi.core import dashboards, rollups
from gongzhi.core.models import Rollup
from gongzhi.people.actions import create_dwelling

pytestmark = pytest.mark.django_db


def value(area, figure, period="2026-03"):
    return rollups.read(area, figure, period, period, include_pending=True)


def cells():
    return {
        (r.area_id, r.figure, r.period): (r.numerator, r.denominator)
        for r in Rollup.objects.filter(figure__startswith="campaigns.")
        if r.numerator or r.denominator
    }


@pytest.fixture
def campaign(tree, categories):
    RoutingRule.objects.create(
        category=categories["group_rental"],
        area=tree["fangsong"],
        area_depth=tree["fangsong"].depth,
        lead_kind="area",
        lead_area_level="committee",
    )
    return campaigns.create_campaign(
        actor=None,
        area=tree["fangsong"],
        category=categories["group_rental"],
        title="群租整治",
        year=2026,
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 12, 31),
    )


def test_locked_rectified_and_rebounds_match_the_board_and_a_rebuild(
    tree, campaign, django_capture_on_commit_callbacks
):
    flats = [
        create_dwelling(actor=None, area=tree["compound"], building="3", room=f"50{i}") for i in range(1, 4)
    ]
    with freeze_time("2026-03-02 10:00:00+08:00"), django_capture_on_commit_callbacks(execute=True):
        for flat in flats:
            campaigns.add_target(actor=None, campaign=campaign, dwelling=flat, found_by="patrol")
        campaigns.lock_campaign(actor=None, campaign=campaign)
    targets = list(campaign.targets.order_by("id"))
    with freeze_time("2026-05-10 10:00:00+08:00"), django_capture_on_commit_callbacks(execute=True):
        for target in targets[:2]:
            campaigns.await_reinspection(actor=None, target=target, resolved_on=dt.date(2026, 4, 1))
            campaigns.record_reinspection(actor=None, target=target, confirmed=True)
        campaigns.report_rebound(actor=None, target=targets[0], note="又出现群租")
    area = tree["fangsong"]
    assert value(area, figures.LOCKED)[0] == 3
    assert value(area, figures.RECTIFIED) == (1, 3)
    assert value(area, figures.REBOUNDS)[0] == 1
    total = board(campaign)["total"]
    assert (total["rebounds"], value(area, figures.REBOUNDS)[0]) == (1, 1)
    assert value(tree["malu"], figures.LOCKED)[0] == 0
    rollups.fold()
    folded = cells()
    for name in figures.FIGURES:
        rollups.rebuild(name)
    assert cells() == folded


def test_a_draft_campaign_counts_nothing(tree, campaign):
    flat = create_dwelling(actor=None, area=tree["compound"], building="3", room="501")
    campaigns.add_target(actor=None, campaign=campaign, dwelling=flat, found_by="patrol")
    assert figures.compute_all() == {}


def test_the_dashboard_section_has_the_campaign_figures():
    section = dashboards.SECTIONS["campaigns"]
    assert {figures.LOCKED, figures.RECTIFIED, figures.REBOUNDS} == {f.name for f in section.figures}
    assert all(f.name in rollups.FIGURES for f in section.figures)
