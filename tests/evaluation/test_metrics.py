"""Computed metrics for area subjects: rollup figures over the round's period, with their evidence."""

from decimal import Decimal
from types import SimpleNamespace

from gongzhi.core import rollups
from gongzhi.evaluation import metrics
from gongzhi.evaluation.models import SubjectKind

YEAR = metrics.Period(2026, "", "2026-01", "2026-12")
H1 = metrics.Period(2026, "H1", "2026-01", "2026-06")


def test_party_rates_read_the_party_figures_as_stocks_and_yearly_participation(tree):
    area = tree["committee"]
    rollups.add_delta(area, "party.members", "2024-05", 10)  # stock since the beginning
    rollups.add_delta(area, "party.reported", "2025-03", 4)
    rollups.add_delta(area, "party.active", "2026-02", 3)
    rollups.add_delta(area, "party.active", "2025-02", 4)  # another year: not counted
    subject = SimpleNamespace(area=area)
    report = metrics.measure("party.report_rate", subject, YEAR)
    assert (report.value, report.numerator, report.denominator) == (Decimal("40.00"), 4, 10)
    participation = metrics.measure("party.participation_rate", subject, YEAR)
    assert participation.value == Decimal("75.00")
    assert participation.evidence("party.participation_rate")["source"].startswith(
        "rollup party.active 2026-01"
    )


def test_a_rate_without_denominator_has_no_value_and_volunteer_hours_follow_the_period(tree):
    area = tree["other_committee"]
    rollups.add_delta(area, "volunteers.hours", "2026-03", 12)
    rollups.add_delta(area, "volunteers.hours", "2026-09", 30)
    subject = SimpleNamespace(area=area)
    assert metrics.measure("cases.sat", subject, YEAR).value is None
    assert metrics.measure("volunteers.hours", subject, H1).value == Decimal("12.00")
    assert metrics.measure("volunteers.hours", subject, YEAR).value == Decimal("42.00")


def test_every_metric_names_the_subject_kinds_it_applies_to():
    assert {m.key for m in metrics.for_kind(SubjectKind.SOCIAL_ORGANIZATION)} == {
        "orgs.inspection",
        "orgs.grade",
    }
    assert {m.key for m in metrics.for_kind(SubjectKind.PARTY_ORGANIZATION)} == {
        "party.org_participation",
        "party.six_acts",
    }
    assert "party.report_rate" in {m.key for m in metrics.for_kind(SubjectKind.COMMITTEE)}
