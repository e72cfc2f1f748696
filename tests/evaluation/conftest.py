"""Evaluation fixtures: a residents' committee scheme for Fangsong with computed and reviewed indicators,
and the shared party scenario (tests/party) for the honours feed."""

from decimal import Decimal

import pytest

import gongzhi.urls  # noqa: F401 - build the API schemas before any test freezes time
from gongzhi.core import rollups
from gongzhi.evaluation import actions
from tests.party.conftest import party  # noqa: F401 - the party scenario, reused as a fixture

INDICATORS = [
    # name, weight, target, direction, source, metric
    ("群众满意率", 40, 90, "higher", "computed", "cases.sat"),
    ("志愿服务时长", 20, 100, "higher", "computed", "volunteers.hours"),
    ("信访件数", 10, 2, "lower", "reviewed", ""),
    ("工作实绩", 30, 100, "higher", "reviewed", ""),
]


@pytest.fixture
def scheme(tree):
    """A draft scheme for Fangsong's residents' committees whose weights sum to 100."""
    s = actions.create_scheme(
        actor=None, area=tree["fangsong"], subject_kind="committee", name="居委会年度考核", year=2026
    )
    for name, weight, target, direction, source, metric in INDICATORS:
        actions.add_indicator(
            actor=None,
            scheme=s,
            name=name,
            weight=weight,
            target=target,
            direction=direction,
            source=source,
            metric_key=metric,
        )
    return s


@pytest.fixture
def figures(tree):
    """Satisfaction and volunteer hours of the two committees in March 2026 (pending rollup deltas)."""
    rollups.add_delta(tree["committee"], "cases.sat", "2026-03", 45, 50)  # 90 %
    rollups.add_delta(tree["other_committee"], "cases.sat", "2026-03", 36, 48)  # 75 %
    rollups.add_delta(tree["committee"], "volunteers.hours", "2026-03", 80)
    rollups.add_delta(tree["other_committee"], "volunteers.hours", "2026-03", 120)
    # Outside the year: must not count.
    rollups.add_delta(tree["committee"], "cases.sat", "2025-12", 0, 50)


def review_all(round_, values: dict, actor=None):
    """values: {subject label: {indicator name: value}}."""
    for subject in round_.subjects.all():
        for indicator in round_.scheme.indicators.filter(source="reviewed"):
            actions.score_indicator(
                actor=actor,
                subject=subject,
                indicator=indicator,
                value=Decimal(values[subject.label][indicator.name]),
                comment="现场检查",
            )
