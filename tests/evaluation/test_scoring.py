"""The pure scoring rule: indicator points in both directions, totals, competition ranking, grade bands."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongzhi.evaluation import scoring

D = Decimal


def test_higher_is_better_earns_the_share_of_the_target_capped_at_the_weight():
    assert scoring.points(D(75), D(90), D(40), "higher") == D("33.33")
    assert scoring.points(D(95), D(90), D(40), "higher") == D("40.00")
    assert scoring.points(D(-5), D(90), D(40), "higher") == D("0.00")


def test_lower_is_better_earns_target_over_value_and_full_weight_at_or_below_target():
    assert scoring.points(D(4), D(2), D(10), "lower") == D("5.00")
    assert scoring.points(D(1), D(2), D(10), "lower") == D("10.00")
    assert scoring.points(D(0), D(0), D(10), "lower") == D("10.00")
    assert scoring.points(D(3), D(0), D(10), "lower") == D("0.00")


def test_no_value_earns_nothing():
    assert scoring.points(None, D(90), D(40), "higher") == D("0.00")


def test_a_higher_is_better_target_must_be_positive():
    with pytest.raises(ValueError):
        scoring.points(D(1), D(0), D(10), "higher")


def test_equal_totals_share_a_rank_and_the_next_rank_skips():
    assert scoring.ranks({"a": D(90), "b": D(80), "c": D(80), "d": D(70)}) == {"a": 1, "b": 2, "c": 2, "d": 4}


def test_grade_bands_follow_the_total():
    assert [scoring.grade_for(D(x)) for x in (95, 90, 85, 72, 60, 50, 49.99)] == [
        "5A",
        "5A",
        "4A",
        "3A",
        "2A",
        "1A",
        "",
    ]
    assert scoring.grade_for(None) == ""


@given(
    value=st.decimals(min_value=0, max_value=10**6, places=2),
    target=st.decimals(min_value=D("0.01"), max_value=10**6, places=2),
    weight=st.decimals(min_value=D("0.01"), max_value=100, places=2),
    direction=st.sampled_from(["higher", "lower"]),
)
def test_points_never_exceed_the_weight_nor_go_below_zero(value, target, weight, direction):
    p = scoring.points(value, target, weight, direction)
    assert D(0) <= p <= weight
