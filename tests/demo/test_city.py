"""The city-scale data set at F = 0.01, generated once for this module (inside a transaction that is
rolled back at the end): counts, areas, timelines, party members, inspections, pages."""

import datetime as dt
import math
import random
from collections import defaultdict

import pytest
from django.db import transaction
from django.db.models import Count, Sum

from gongzhi.areas.models import Area
from gongzhi.cases import machine
from gongzhi.cases.models import Case, CaseAssignment, CaseEvent
from gongzhi.core import calendar
from gongzhi.councils.models import Council, Meeting
from gongzhi.demo import city
from gongzhi.demo.city.fastcal import FastCalendar
from gongzhi.demo.city.plan import SHANGHAI, make_plan
from gongzhi.orgs.models import AnnualInspection, SocialOrganization
from gongzhi.orgs.models.inspection import STAFF_GROUPS
from gongzhi.party.models import PartyMember, PartyOrganization
from gongzhi.people.models import Person
from gongzhi.volunteers.models import Volunteer

TODAY = dt.date(2026, 6, 15)
SCALE = 0.01


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        result = city.load(scale=SCALE, seed=7, today=TODAY)
        yield result
        transaction.set_rollback(True)


@pytest.fixture
def data(loaded, db):
    return loaded


def test_the_plan_keeps_all_districts_and_takes_a_ceiling_share_of_streets_and_committees():
    plan = make_plan(0.01, 1, TODAY)
    assert (plan.districts, plan.streets, plan.committees) == (16, 3, 66)
    assert plan["cases"] == 20_000 and plan["party_members"] == 20_000 and plan["grids"] == 600
    full = make_plan(1.0, 1, TODAY)
    assert (full.streets, full.committees, full["cases"], full["organizations"]) == (
        234,
        6509,
        2_000_000,
        20_000,
    )
    assert make_plan(0.00001, 1, TODAY)["councils"] == 1  # at least one of everything
    assert plan.start == dt.date(2024, 7, 1)  # two years ending with the current month


def test_a_scale_outside_zero_to_one_is_refused():
    with pytest.raises(ValueError, match="scale"):
        make_plan(0, 1, TODAY)
    with pytest.raises(ValueError, match="scale"):
        make_plan(1.5, 1, TODAY)


def test_row_counts_match_the_plan(data):
    plan = data["plan"]
    kinds = dict(Area.objects.values_list("kind").annotate(n=Count("id")))
    assert kinds["city"] == 1 and kinds["district"] == 16
    assert kinds.get("street", 0) + kinds.get("town", 0) == plan.streets == math.ceil(SCALE * 234)
    assert kinds.get("residents_committee", 0) + kinds.get("village_committee", 0) == plan.committees
    assert kinds["compound"] == plan["compounds"] and kinds["grid"] == plan["grids"]
    assert SocialOrganization.objects.count() == plan["organizations"] == 200
    assert PartyMember.objects.count() == plan["party_members"]
    assert Volunteer.objects.count() == plan["volunteers"]
    assert Person.objects.count() == plan["party_members"] + plan["volunteers"]
    assert Case.objects.count() == plan["cases"]
    assert Council.objects.count() == plan["councils"] and Meeting.objects.count() == plan["meetings"]
    assert data["counts"]["case_events"] == CaseEvent.objects.count()
    assert {row[0] for row in data["tables"]} >= {
        "cases_case",
        "cases_caseevent",
        "people_person",
        "core_rollup",
    }


def test_streets_and_committees_are_real_divisions_and_committees_sit_under_chosen_streets(data):
    streets = {a.pk: a for a in Area.objects.filter(kind__in=["street", "town"])}
    for committee in Area.objects.filter(kind__in=["residents_committee", "village_committee"]):
        assert committee.parent_id in streets
        assert committee.stat_code.startswith(streets[committee.parent_id].stat_code[:9])
        assert committee.street_id == committee.parent_id
    assert all(a.stat_code and len(a.stat_code) == 12 for a in streets.values())


def test_every_case_sits_in_an_existing_area_and_carries_its_ancestor_ids(data):
    areas = {a.pk: a for a in Area.objects.all()}
    for row in Case.objects.values("area_id", "area_path", "district_id", "street_id", "committee_id"):
        area = areas[row["area_id"]]
        assert row["area_path"] == area.path
        assert {k: row[k] for k in ("district_id", "street_id", "committee_id")} == {
            k: v for k, v in area.scope_ids().items() if k != "community_id"
        }


def test_every_case_timeline_replays_through_the_state_machine_to_the_stored_state(data):
    states = dict(Case.objects.values_list("id", "state"))
    timelines = defaultdict(list)
    now = dt.datetime.combine(TODAY, dt.time(), SHANGHAI)
    for case_id, action, at, from_state, to_state in CaseEvent.objects.order_by(
        "case_id", "at", "id"
    ).values_list("case_id", "action", "at", "from_state", "to_state"):
        timelines[case_id].append((action, at, from_state, to_state))
    assert set(timelines) == set(states)
    for case_id, events in timelines.items():
        assert events[0][0] == "received"
        assert all(at <= now for _a, at, _f, _t in events)
        transitions = [e for e in events if e[0] in machine.TRANSITIONS]
        state = machine.RECEIVED
        for action, _at, from_state, to_state in transitions:
            assert from_state == state
            state = machine.apply(state, action)
            assert to_state == state
        assert machine.replay([e[0] for e in transitions]) == states[case_id]


def test_case_fields_agree_with_their_timelines(data):
    last = {}
    for case_id, action, at in CaseEvent.objects.order_by("at", "id").values_list("case_id", "action", "at"):
        last[(case_id, action)] = at
    cases = Case.objects.values(
        "id", "state", "dispatched_at", "closed_at", "due_at", "accept_due_at", "is_overdue", "is_supervised"
    )
    for c in cases:
        dispatched = max(
            (t for t in (last.get((c["id"], "dispatch")), last.get((c["id"], "redispatch"))) if t),
            default=None,
        )
        assert c["dispatched_at"] == dispatched
        assert c["closed_at"] == last.get((c["id"], "close"))
        assert (c["due_at"] is None) == (dispatched is None)  # deadlines are stored at dispatch
        if c["is_overdue"]:
            assert c["is_supervised"] and (c["id"], "overdue") in last
            assert last[(c["id"], "overdue")] > c["due_at"]


def test_timelines_are_varied_returned_parked_overdue_reopened_and_open(data):
    actions = dict(CaseEvent.objects.values_list("action").annotate(n=Count("id")))
    for action in ("return", "redispatch", "park", "reopen", "overdue", "supervise", "close"):
        assert actions.get(action, 0) > 0, action
    states = dict(Case.objects.values_list("state").annotate(n=Count("id")))
    assert states["closed"] > 0.8 * sum(states.values())
    assert any(states.get(s) for s in ("received", "dispatched", "accepted", "in_progress"))
    channels = set(Case.objects.values_list("channel", flat=True).distinct())
    assert len(channels) >= 8


def test_each_case_has_one_live_lead_and_returned_cases_keep_the_returned_one(data):
    per_case = defaultdict(list)
    for case_id, state in CaseAssignment.objects.order_by("id").values_list("case_id", "state"):
        per_case[case_id].append(state)
    returned = set(Case.objects.filter(return_count__gt=0).values_list("id", flat=True))
    dispatched = set(Case.objects.exclude(dispatched_at=None).values_list("id", flat=True))
    assert set(per_case) == dispatched
    for case_id, leads in per_case.items():
        assert sum(s in ("pending", "accepted", "done") for s in leads) <= 1
        if case_id in returned:
            assert leads[0] == "returned"


def test_party_members_are_persons_of_their_committee_and_organization(data):
    persons = dict(Person.objects.values_list("id", "committee_id"))
    orgs = dict(PartyOrganization.objects.values_list("id", "committee_id"))
    for person_id, committee_id, org_id in PartyMember.objects.values_list(
        "person_id", "committee_id", "organization_id"
    ):
        assert persons[person_id] == committee_id == orgs[org_id]


def test_organization_types_follow_the_registry_shares(data):
    types = dict(SocialOrganization.objects.values_list("org_type").annotate(n=Count("id")))
    total = sum(types.values())
    assert 0.56 < types["non_enterprise_unit"] / total < 0.76
    assert 0.23 < types["social_group"] / total < 0.43
    assert types.get("foundation", 0) / total < 0.05


def test_inspection_staff_groups_add_up_and_total_the_plan(data):
    total = 0
    for row in AnnualInspection.objects.values():
        for group in STAFF_GROUPS.values():
            assert sum(row[f] for f in group) == row["staff_total"]
        total += row["staff_total"]
    assert total == data["plan"]["inspection_staff"] == 2_500


def test_volunteer_hours_are_the_sum_of_their_service_records(data):
    sums = dict(Volunteer.objects.annotate(s=Sum("records__hours")).values_list("id", "s"))
    for volunteer_id, hours in Volunteer.objects.values_list("id", "total_hours"):
        assert hours == (sums[volunteer_id] or 0)


def test_the_fast_calendar_agrees_with_the_core_calendar(data):
    cal = FastCalendar(dt.date(2024, 6, 1), dt.date(2026, 10, 1))
    rng = random.Random(3)
    for _ in range(300):
        day = dt.date(2024, 7, 1) + dt.timedelta(days=rng.randrange(700))
        moment = dt.datetime.combine(day, dt.time(rng.randrange(24), rng.randrange(60)), SHANGHAI)
        n, hours = rng.randint(1, 20), rng.choice((1, 2, 4, 8, 12))
        assert cal.add_working_days(moment, n) == calendar.add_working_days(moment, n)
        assert cal.add_working_hours(moment, hours) == calendar.add_working_hours(moment, hours)
        other = moment + dt.timedelta(days=rng.randint(-30, 30), hours=rng.randint(0, 23))
        assert cal.working_days_between(moment, other) == calendar.working_days_between(moment, other)


def test_the_logins_are_printed_and_hold_their_roles(data):
    from gongzhi.accounts.models import RoleAssignment

    names = [row[1] for row in data["logins"]]
    assert names == ["city_admin", "district_admin", "street_admin", "committee_worker"]
    for role, username, _area in data["logins"]:
        assert RoleAssignment.objects.active().filter(user__username=username, role=role).exists()


def test_pages_open_on_the_generated_data(data, client):
    from gongzhi.accounts.models import User

    client.force_login(User.objects.get(username="city_admin"))
    case = Case.objects.filter(state="closed").order_by("id").first()
    assert client.get("/cases/").status_code == 200
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    assert client.get(f"/areas/{case.street_id}/").status_code == 200


def test_new_rows_can_be_added_after_generation(data):
    from gongzhi.cases.actions.intake import receive_case
    from gongzhi.cases.models import CaseCategory

    committee = Area.objects.filter(kind="residents_committee").order_by("path").first()
    before = Case.objects.order_by("-id").values_list("id", flat=True).first()
    case = receive_case(
        actor=None,
        category=CaseCategory.objects.get(code="public_facilities"),
        area=committee,
        channel="hotline",
        title="路灯不亮",
        description="小区主干道路灯不亮。",
    )
    assert case.pk > before
    assert case.events.filter(action="received").exists()
    person = Person(name="新居民")
    person.set_area(committee)
    person.save()
    assert person.pk > Volunteer.objects.order_by("-person_id").values_list("person_id", flat=True).first()


@pytest.mark.pg_only
def test_postgresql_sequences_are_reset_past_the_generated_ids(data):
    from django.db import connection

    from gongzhi.core.models import Rollup

    for model in (
        Area,
        Person,
        PartyMember,
        Case,
        CaseEvent,
        CaseAssignment,
        SocialOrganization,
        Meeting,
        Rollup,
    ):
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT last_value FROM {table}_id_seq")  # noqa: S608 - a model's table
            last = cursor.fetchone()[0]
        assert last >= model.objects.order_by("-id").values_list("id", flat=True).first(), table
