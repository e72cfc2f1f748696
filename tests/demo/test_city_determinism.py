"""The city data set is deterministic, its rollups equal a full rebuild, and the demo command loads it."""

import datetime as dt
import hashlib

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from gongzhi.areas.models import Area
from gongzhi.cases.models import Case, CaseEvent
from gongzhi.core import rollups
from gongzhi.core.models import Rollup
from gongzhi.councils.models import Meeting
from gongzhi.demo import city
from gongzhi.orgs.models import SocialOrganization
from gongzhi.party.models import PartyMember
from gongzhi.people.models import Person
from gongzhi.volunteers.models import Volunteer

TODAY = dt.date(2026, 6, 15)
SCALE = 0.001  # one street, 7 committees, 2,000 cases


def digest() -> str:
    """A digest of the key rows of every generated table (ids included: they are generated too)."""
    h = hashlib.sha256()
    queries = [
        Area.objects.order_by("id").values_list("id", "name", "kind", "path", "parent_id", "stat_code"),
        SocialOrganization.objects.order_by("id").values_list("id", "uscc", "name", "org_type", "area_id"),
        Person.objects.order_by("id").values_list("id", "name", "birth_date", "area_id"),
        PartyMember.objects.order_by("id").values_list("id", "person_id", "status", "organization_id"),
        Case.objects.order_by("id").values_list(
            "id", "number", "category_id", "area_id", "state", "received_at", "due_at", "satisfaction"
        ),
        CaseEvent.objects.order_by("id").values_list("id", "case_id", "action", "at", "data"),
        Meeting.objects.order_by("id").values_list("id", "council_id", "title", "starts_at", "uid"),
        Volunteer.objects.order_by("id").values_list("id", "number", "area_id", "total_hours"),
        Rollup.objects.order_by("area_id", "figure", "period").values_list(
            "area_id", "figure", "period", "numerator", "denominator"
        ),
    ]
    for qs in queries:
        for row in qs.iterator(chunk_size=5000):
            h.update(repr(row).encode())
    return h.hexdigest()


def load_and_digest(seed: int) -> str:
    with transaction.atomic():
        city.load(scale=SCALE, seed=seed, today=TODAY)
        value = digest()
        transaction.set_rollback(True)
    return value


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    first = load_and_digest(11)
    assert load_and_digest(11) == first
    assert load_and_digest(12) != first


def _snapshot() -> dict:
    return {
        (a, f, p): (n, d)
        for a, f, p, n, d in Rollup.objects.values_list(
            "area_id", "figure", "period", "numerator", "denominator"
        )
    }


@pytest.mark.slow
@pytest.mark.django_db
def test_the_bulk_rollups_equal_a_full_rebuild():
    city.load(scale=SCALE, seed=5, today=TODAY)
    written = _snapshot()
    assert any(f.startswith("cases.ontime.h.") for _a, f, _p in written)
    assert any(f.startswith("volunteers.hours") for _a, f, _p in written)
    rollups.rebuild()
    rebuilt = _snapshot()
    assert written == rebuilt


@pytest.mark.django_db
def test_the_demo_command_loads_the_city_data_set_and_prints_tables_and_logins(capsys):
    call_command("demo", dataset="city", scale="0.001", seed=3)
    out = capsys.readouterr().out
    assert "cases_caseevent" in out and "people_person" in out
    assert "city_admin" in out and "data set city loaded" in out
    assert Case.objects.exists() and Area.objects.filter(kind="district").count() == 16
    with pytest.raises(CommandError, match="not empty"):
        call_command("demo", dataset="city", scale="0.001")


@pytest.mark.django_db
@pytest.mark.parametrize("scale", ["0", "2", "many"])
def test_the_demo_command_refuses_a_bad_scale(scale):
    with pytest.raises(CommandError, match="--scale"):
        call_command("demo", dataset="city", scale=scale)
    assert not Area.objects.exists()


@pytest.mark.django_db
def test_scale_and_seed_belong_to_the_city_data_set_only():
    with pytest.raises(CommandError, match="--scale and --seed"):
        call_command("demo", dataset="shanghai-2013", seed=1)
