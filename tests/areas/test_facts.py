"""Yearly facts: one row per area and year, validated, audited, shown with the occupancy rate."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.areas.actions import save_facts
from gongzhi.areas.models import AreaFacts
from gongzhi.areas.queries import facts_by_year, percent
from gongzhi.core.models import AuditEvent


def test_facts_are_kept_per_year_and_a_second_save_changes_the_same_row(street_admin, tree):
    fangsong = tree["fangsong"]
    save_facts(actor=street_admin, area=fangsong, year=2015, registered_population=49000)
    save_facts(actor=street_admin, area=fangsong, year=2016, registered_population=50000)
    save_facts(actor=street_admin, area=fangsong, year=2016, resident_population=180000)
    assert AreaFacts.objects.filter(area=fangsong).count() == 2
    f2016 = AreaFacts.objects.get(area=fangsong, year=2016)
    assert (f2016.registered_population, f2016.resident_population) == (50000, 180000)
    assert [r["facts"].year for r in facts_by_year(fangsong)] == [2016, 2015]
    assert AuditEvent.objects.filter(verb="area.facts_saved").count() == 3


def test_a_report_for_a_year_reads_that_years_row(street_admin, tree):
    fangsong = tree["fangsong"]
    for year, pop in ((2014, 48000), (2015, 49000), (2016, 50000)):
        save_facts(actor=street_admin, area=fangsong, year=year, registered_population=pop)
    assert AreaFacts.objects.get(area=fangsong, year=2015).registered_population == 49000


@pytest.mark.parametrize(
    ("built", "occupied", "shown"),
    [(1000, 853, "85.3%"), (3, 2, "66.7%"), (8, 8, "100.0%"), (2000, 1, "0.1%"), (7, 0, "0.0%")],
)
def test_occupancy_rate_is_shown_as_a_percentage_with_one_decimal(street_admin, tree, built, occupied, shown):
    facts = save_facts(
        actor=street_admin,
        area=tree["fangsong"],
        year=2016,
        dwellings_built=built,
        dwellings_occupied=occupied,
    )
    assert percent(facts.occupancy_rate) == shown
    assert facts_by_year(tree["fangsong"])[0]["occupancy"] == shown


def test_occupancy_rate_is_empty_without_dwellings_built(street_admin, tree):
    facts = save_facts(actor=street_admin, area=tree["fangsong"], year=2016, dwellings_occupied=5)
    assert facts.occupancy_rate is None and percent(None) is None
    facts = save_facts(
        actor=street_admin, area=tree["fangsong"], year=2017, dwellings_built=0, dwellings_occupied=0
    )
    assert facts.occupancy_rate is None


@pytest.mark.parametrize(
    "values",
    [
        {"registered_population": -1},
        {"land_km2": Decimal("-0.5")},
        {"budget_yuan": Decimal("-1")},
        {"patrol_staff_count": -3},
        {"dwellings_built": 10, "dwellings_occupied": 11},
    ],
)
def test_bad_figures_are_refused_and_nothing_written(street_admin, tree, values):
    with pytest.raises(ValidationError) as exc:
        save_facts(actor=street_admin, area=tree["fangsong"], year=2016, **values)
    assert set(exc.value.message_dict) & set(values)
    assert not AreaFacts.objects.exists()
    assert not AuditEvent.objects.filter(verb="area.facts_saved").exists()


def test_occupied_above_built_is_checked_against_the_stored_row(street_admin, tree):
    save_facts(actor=street_admin, area=tree["fangsong"], year=2016, dwellings_built=10, dwellings_occupied=5)
    with pytest.raises(ValidationError):
        save_facts(actor=street_admin, area=tree["fangsong"], year=2016, dwellings_occupied=11)
    assert AreaFacts.objects.get().dwellings_occupied == 5


@pytest.mark.parametrize("year", [1948, 2101])
def test_years_outside_the_range_are_refused(street_admin, tree, year):
    with pytest.raises(ValidationError) as exc:
        save_facts(actor=street_admin, area=tree["fangsong"], year=year, staff_count=3)
    assert "year" in exc.value.message_dict


def test_facts_edit_allowed_for_staff_in_scope(street_admin, district_admin, community_worker, tree):
    save_facts(actor=street_admin, area=tree["committee"], year=2016, staff_count=5)
    save_facts(actor=district_admin, area=tree["fangsong"], year=2016, staff_count=15)
    save_facts(actor=community_worker, area=tree["community"], year=2016, staff_count=13)
    assert AreaFacts.objects.count() == 3


@pytest.mark.parametrize("who", ["other_street_admin", "resident", "committee_worker", "department_handler"])
def test_facts_edit_denied_outside_scope_or_role(request, tree, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        save_facts(actor=user, area=tree["fangsong"], year=2016, staff_count=1)
    assert not AreaFacts.objects.exists()
