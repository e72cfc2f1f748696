"""Bodies and seats: who may create councils and seats, overlapping terms, composition rules."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.core.models import AuditEvent
from gongzhi.councils import actions
from gongzhi.councils.models import Council, Seat

START = dt.date(2024, 1, 1)


def new_council(actor, area, **kw):
    return actions.create_council(
        actor=actor, area=area, kind=Council.Kind.REGIONAL_COUNCIL, name="区域性议事会", **kw
    )


@pytest.mark.parametrize("who", ["street_admin", "district_admin", "city_admin"])
def test_area_administrators_create_councils_in_their_area(request, tree, who):
    user = request.getfixturevalue(who)
    council = new_council(user, tree["fangsong"])
    assert council.area_path == tree["fangsong"].path
    assert AuditEvent.objects.filter(verb="council.created", object_id=str(council.pk)).exists()


def test_committee_worker_creates_councils_for_their_committee_only(tree, committee_worker):
    assert new_council(committee_worker, tree["committee"]).pk
    with pytest.raises(PermissionDenied):
        new_council(committee_worker, tree["fangsong"])


@pytest.mark.parametrize("who", ["other_street_admin", "grid_worker", "resident", "party_member", "outsider"])
def test_others_cannot_create_councils(request, tree, who):
    with pytest.raises(PermissionDenied):
        new_council(request.getfixturevalue(who), tree["fangsong"])
    assert not Council.objects.exists()


def test_clerk_and_chair_cannot_change_the_roster(council, people):
    for user in (people["clerk"], people["chair"]):
        with pytest.raises(PermissionDenied):
            actions.add_seat(
                actor=user, council=council, holder_name="王五", represents="unit", term_start=START
            )


def test_street_admin_adds_a_seat_with_a_term(council, street_admin):
    seat = actions.add_seat(
        actor=street_admin,
        council=council,
        holder_name="李四",
        represents=Seat.Represents.UNIT,
        represents_label="上海某某公司",
        tenure=Seat.Tenure.PART_TIME,
        term_start=START,
        term_end=dt.date(2026, 12, 31),
    )
    assert seat.council == council and seat.holder_name == "李四"


def test_a_seat_overlapping_another_term_of_the_same_holder_is_refused_and_nothing_written(
    council, people, street_admin
):
    before = Seat.objects.count()
    with pytest.raises(ValidationError) as exc:
        actions.add_seat(
            actor=street_admin,
            council=council,
            holder_user=people["part_timer"],
            represents=Seat.Represents.RESIDENTS,
            term_start=dt.date(2025, 6, 1),
        )
    assert "2024-01-01" in exc.value.message_dict["term_start"][0]
    assert Seat.objects.count() == before


def test_a_new_term_after_the_old_one_ended_is_accepted(council, people, street_admin):
    seat = Seat.objects.get(council=council, holder_user=people["part_timer"])
    actions.end_seat(actor=street_admin, seat=seat, on=dt.date(2024, 12, 31))
    again = actions.add_seat(
        actor=street_admin,
        council=council,
        holder_user=people["part_timer"],
        represents=Seat.Represents.UNIT,
        term_start=dt.date(2025, 1, 1),
    )
    assert again.holder_name == "part_timer"


def test_a_term_cannot_end_before_it_starts(council, street_admin):
    with pytest.raises(ValidationError) as exc:
        actions.add_seat(
            actor=street_admin,
            council=council,
            holder_name="赵六",
            represents="unit",
            term_start=START,
            term_end=dt.date(2023, 1, 1),
        )
    assert "term_end" in exc.value.message_dict


UNITS_HALF = [{"represents": ["unit"], "min": [1, 2]}]


@pytest.fixture
def assembly(tree, street_admin):
    return actions.create_council(
        actor=street_admin,
        area=tree["fangsong"],
        kind=Council.Kind.REPRESENTATIVE_ASSEMBLY,
        name="方松街道社区成员代表会议",
        composition_rules=UNITS_HALF,
    )


def seat(actor, council, name, represents):
    return actions.add_seat(
        actor=actor, council=council, holder_name=name, represents=represents, term_start=START
    )


def test_a_draft_roster_may_break_the_rules_but_cannot_be_published(assembly, street_admin):
    seat(street_admin, assembly, "居民甲", "residents")
    seat(street_admin, assembly, "居民乙", "residents")
    seat(street_admin, assembly, "单位甲", "unit")
    with pytest.raises(ValidationError) as exc:
        actions.publish_roster(actor=street_admin, council=assembly)
    assert (
        "1" in exc.value.message_dict["composition_rules"][0]
        and "3" in exc.value.message_dict["composition_rules"][0]
    )
    assembly.refresh_from_db()
    assert assembly.roster_published_at is None


def test_units_no_less_than_half_passes_at_exactly_half(assembly, street_admin):
    seat(street_admin, assembly, "居民甲", "residents")
    seat(street_admin, assembly, "单位甲", "unit")
    actions.publish_roster(actor=street_admin, council=assembly)
    assembly.refresh_from_db()
    assert assembly.roster_published_at is not None


def test_every_change_to_a_published_roster_is_checked(assembly, street_admin):
    seat(street_admin, assembly, "居民甲", "residents")
    unit = seat(street_admin, assembly, "单位甲", "unit")
    actions.publish_roster(actor=street_admin, council=assembly)
    with pytest.raises(ValidationError):
        seat(street_admin, assembly, "居民乙", "residents")
    assert assembly.seats.count() == 2
    with pytest.raises(ValidationError):
        actions.update_seat(actor=street_admin, seat=unit, represents="residents")
    unit.refresh_from_db()
    assert unit.represents == "unit"
    # A unit seat and then a resident seat keeps the share at one half.
    seat(street_admin, assembly, "单位乙", "unit")
    seat(street_admin, assembly, "居民乙", "residents")
    assert assembly.seats.count() == 4


def test_ending_a_units_term_in_future_is_checked_on_that_day(assembly, street_admin):
    seat(street_admin, assembly, "居民甲", "residents")
    unit = seat(street_admin, assembly, "单位甲", "unit")
    actions.publish_roster(actor=street_admin, council=assembly)
    with pytest.raises(ValidationError):
        actions.end_seat(actor=street_admin, seat=unit, on=dt.date(2099, 1, 1))


@pytest.mark.parametrize(
    "rules",
    [
        [{"represents": ["martians"], "min": [1, 2]}],
        [{"represents": ["unit"]}],
        [{"represents": ["unit"], "min": [3, 2]}],
        [{"represents": ["unit"], "min": "half"}],
        "units half",
    ],
)
def test_malformed_composition_rules_get_a_clear_message(tree, street_admin, rules):
    with pytest.raises(ValidationError) as exc:
        actions.create_council(
            actor=street_admin,
            area=tree["fangsong"],
            kind="regional_council",
            name="x",
            composition_rules=rules,
        )
    assert exc.value.message_dict["composition_rules"]
    assert not Council.objects.exists()
