"""The matcher on its own: a scenario with known best pairs, reasons, exclusions, capacity consumption."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from gongzhi.matching import matcher

TZ = timezone.get_current_timezone()
# Paths: city 00001 → district 0000100001 → streets …0001 / …0002 → committees.
STREET_A = "000010000100001"
COMMITTEE_A1 = STREET_A + "00001"
COMMITTEE_A2 = STREET_A + "00002"
STREET_B = "000010000100002"
COMMITTEE_B1 = STREET_B + "00001"
OTHER_DISTRICT = "000010000200001"


def t(day, hour=0):
    return dt.datetime(2026, 12, day, hour, tzinfo=TZ)


@dataclass
class R:
    pk: int
    kind: str
    area_path: str
    remaining: int
    available_from: dt.datetime
    available_until: dt.datetime


@dataclass
class N:
    pk: int
    kind: str
    area_path: str
    quantity: int
    wanted_from: dt.datetime
    wanted_until: dt.datetime


def test_a_resource_of_the_needs_own_area_scores_full_marks():
    pair = matcher.score(
        R(1, "venue", STREET_A, 5, t(1), t(30)), N(1, "venue", COMMITTEE_A1, 1, t(10), t(11))
    )
    assert pair.score == Decimal("100.00")
    assert [r["factor"] for r in pair.reasons] == ["kind", "place", "time", "capacity"]
    assert all(r["text"] for r in pair.reasons)


def test_nearby_areas_score_less_the_further_they_are():
    need = N(1, "venue", COMMITTEE_A1, 1, t(10), t(11))
    sibling = matcher.score(R(1, "venue", COMMITTEE_A2, 5, t(1), t(30)), need)
    other_street = matcher.score(R(2, "venue", COMMITTEE_B1, 5, t(1), t(30)), need)
    assert sibling.score == Decimal("90.00")  # one level apart
    assert other_street.score == Decimal("80.00")  # two levels apart
    assert matcher.score(R(3, "venue", OTHER_DISTRICT, 5, t(1), t(30)), need).score == Decimal("70.00")


def test_other_kinds_no_overlap_or_no_capacity_are_never_proposed():
    need = N(1, "venue", COMMITTEE_A1, 1, t(10), t(11))
    assert matcher.score(R(1, "equipment", STREET_A, 5, t(1), t(30)), need) is None
    assert matcher.score(R(2, "venue", STREET_A, 5, t(12), t(30)), need) is None
    assert matcher.score(R(3, "venue", STREET_A, 0, t(1), t(30)), need) is None


def test_partial_time_and_partial_capacity_are_scored_in_proportion():
    need = N(1, "volunteers", COMMITTEE_A1, 10, t(10, 0), t(10, 4))
    pair = matcher.score(R(1, "volunteers", STREET_A, 5, t(10, 2), t(20)), need)
    points = {r["factor"]: Decimal(r["points"]) for r in pair.reasons}
    assert points["time"] == Decimal("10.00")  # half of the wanted period
    assert points["capacity"] == Decimal("5.00")  # 5 of 10 needed
    assert pair.quantity == 5


def test_scenario_best_pairs_use_the_best_resource_and_consume_capacity():
    # Two needs in committee A1 want a venue on the same afternoon; the street's hall (capacity 1)
    # is best for both, so the greedy assignment gives it to one and the sibling committee's room
    # to the other; the far hall of another district is never needed.
    hall = R(10, "venue", STREET_A, 1, t(1), t(30))
    room = R(11, "venue", COMMITTEE_A2, 3, t(1), t(30))
    far = R(12, "venue", OTHER_DISTRICT, 9, t(1), t(30))
    lecture = N(1, "venue", COMMITTEE_A1, 1, t(10, 14), t(10, 16))
    meeting = N(2, "venue", COMMITTEE_A1, 1, t(10, 18), t(10, 20))
    funds = N(3, "funds", COMMITTEE_A1, 1000, t(10), t(11))

    ranked = matcher.rank(lecture, [far, room, hall])
    assert [p.resource.pk for p in ranked] == [10, 11, 12]

    chosen = matcher.best_pairs([lecture, meeting, funds], [hall, room, far])
    assert {(p.need.pk, p.resource.pk) for p in chosen} == {(1, 10), (2, 11)}
    assert hall.remaining == 1  # the inputs are not modified


def test_best_pairs_never_promise_more_than_the_capacity():
    team = R(1, "volunteers", STREET_A, 6, t(1), t(30))
    needs = [N(i, "volunteers", COMMITTEE_A1, 4, t(10), t(11)) for i in range(1, 4)]
    chosen = matcher.best_pairs(needs, [team])
    assert sum(p.quantity for p in chosen) == 6
    assert [p.quantity for p in chosen] == [4, 2]


def test_levels_apart_of_unrelated_trees_is_none():
    assert matcher.levels_apart("00001", "00002") is None
    assert matcher.levels_apart(STREET_A, COMMITTEE_A1) == 0
