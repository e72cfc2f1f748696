"""The pure counting rules: 过半数 is strict, 以上 includes the boundary; owners' double majority; elections."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongzhi.councils import counting
from gongzhi.councils.counting import Tally
from gongzhi.councils.models.bodies import Threshold as T


def decide(threshold, yes, no=0, abstain=0, *, present=10, members=10):
    return counting.decide(threshold, Tally(yes, no, abstain), present=present, members=members).passed


@pytest.mark.parametrize(
    ("yes", "no", "abstain", "passed"),
    [(3, 2, 0, True), (3, 3, 0, False), (3, 2, 1, False), (4, 2, 1, True), (0, 0, 0, False)],
)
def test_majority_of_votes_cast_is_strict_and_abstentions_count_as_cast(yes, no, abstain, passed):
    assert decide(T.MAJORITY_OF_VOTES_CAST, yes, no, abstain) is passed


def test_exactly_half_of_the_members_present_does_not_pass_more_than_half():
    assert decide(T.MAJORITY_OF_PRESENT, 5, 5, present=10) is False
    assert decide(T.MAJORITY_OF_PRESENT, 6, 0, 4, present=10) is True


def test_abstentions_and_silence_count_against_a_majority_of_those_present():
    assert decide(T.MAJORITY_OF_PRESENT, 5, 0, 0, present=10) is False


def test_exactly_two_thirds_of_those_present_passes_two_thirds_or_more():
    assert decide(T.TWO_THIRDS_OF_PRESENT, 6, 3, present=9) is True
    assert decide(T.TWO_THIRDS_OF_PRESENT, 5, 4, present=9) is False
    assert decide(T.TWO_THIRDS_OF_PRESENT, 4, 0, present=6) is True


def test_majority_of_all_members_counts_absent_members_against():
    assert decide(T.MAJORITY_OF_MEMBERS, 6, present=6, members=12) is False
    assert decide(T.MAJORITY_OF_MEMBERS, 7, present=7, members=12) is True


def test_exactly_two_thirds_of_all_members_passes():
    assert decide(T.TWO_THIRDS_OF_MEMBERS, 8, present=9, members=12) is True
    assert decide(T.TWO_THIRDS_OF_MEMBERS, 7, present=12, members=12) is False


def test_a_tie_never_passes_any_majority():
    for threshold in (T.MAJORITY_OF_VOTES_CAST, T.MAJORITY_OF_PRESENT, T.MAJORITY_OF_MEMBERS):
        assert decide(threshold, 4, 4, present=8, members=8) is False


def owners(yes, no, abstain, yes_area, no_area, abstain_area, *, owners_total, area_total, major):
    tally = Tally(yes, no, abstain, Decimal(yes_area), Decimal(no_area), Decimal(abstain_area))
    return counting.owners_double_majority(
        tally, owners=owners_total, total_area=Decimal(area_total), major=major
    )


def test_owners_participation_needs_two_thirds_of_area_and_of_owners():
    # 6 of 9 owners (exactly 2/3) holding 600 of 900 m² (exactly 2/3) take part: participation is met.
    assert owners(4, 2, 0, 400, 200, 0, owners_total=9, area_total=900, major=False).passed
    # One owner short of two thirds: fails however they vote.
    assert not owners(5, 0, 0, 650, 0, 0, owners_total=9, area_total=900, major=False).passed
    # Enough owners, not enough area.
    assert not owners(6, 0, 0, 599, 0, 0, owners_total=9, area_total=900, major=False).passed


def test_an_ordinary_owners_matter_needs_more_than_half_of_participating_area_and_owners():
    # Exactly half of the participating area: not more than half.
    assert not owners(4, 2, 0, 300, 300, 0, owners_total=6, area_total=600, major=False).passed
    assert owners(4, 2, 0, 301, 299, 0, owners_total=6, area_total=600, major=False).passed
    # Majority of area but a tie in heads fails: both majorities are needed.
    assert not owners(3, 3, 0, 400, 200, 0, owners_total=6, area_total=600, major=False).passed


def test_a_major_owners_matter_passes_at_exactly_three_quarters_of_area_and_owners():
    assert owners(6, 2, 0, 600, 200, 0, owners_total=8, area_total=800, major=True).passed
    assert not owners(
        6, 2, 0, Decimal("599.99"), Decimal("200.01"), 0, owners_total=8, area_total=800, major=True
    ).passed
    assert not owners(5, 3, 0, 700, 100, 0, owners_total=8, area_total=800, major=True).passed


def test_owners_rules_are_configurable_per_body():
    tally = Tally(3, 1, 0, Decimal(300), Decimal(100), Decimal(0))
    strict = {"participation": [1, 2, False], "ordinary": [4, 5, True]}
    assert not counting.owners_double_majority(
        tally, owners=6, total_area=Decimal(600), major=False, rules=strict
    ).passed
    # The same ballots pass under the default rules (4 of 6 owners take part: exactly two thirds).
    assert counting.owners_double_majority(tally, owners=6, total_area=Decimal(600), major=False).passed


def test_quorum_more_than_half_is_strict_and_an_inclusive_quorum_counts_the_boundary():
    assert not counting.quorum_met(5, 10)
    assert counting.quorum_met(6, 10)
    assert counting.quorum_met(5, 10, 1, 2, inclusive=True)
    assert not counting.quorum_met(0, 0)


def test_an_election_is_valid_only_when_more_than_half_of_registered_voters_vote():
    assert not counting.election_valid(50, 100)
    assert counting.election_valid(51, 100)


def test_a_tie_for_the_last_seat_elects_neither_tied_candidate():
    elected, tied = counting.elected([(1, 60), (2, 55), (3, 55)], ballots=100, seats=2)
    assert elected == [1]
    assert sorted(tied) == [2, 3]


def test_a_candidate_with_exactly_half_of_the_ballots_is_not_elected():
    elected, tied = counting.elected([(1, 50), (2, 51)], ballots=100, seats=2)
    assert elected == [2] and tied == []


@given(st.integers(0, 500), st.integers(1, 500))
def test_more_than_half_agrees_with_exact_fractions(part, whole):
    assert counting.exceeds(part, whole, Fraction(1, 2), inclusive=False) == (2 * part > whole)
    assert counting.exceeds(part, whole, Fraction(2, 3), inclusive=True) == (3 * part >= 2 * whole)
