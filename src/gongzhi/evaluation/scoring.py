"""The scoring rule, pure (no database): indicator points, a subject's total and the ranking.

For an indicator with weight w and target t (the stage goal of the round's period if the scheme sets
one, else the indicator's target) and a subject's value v:

- higher is better:  points = w × min(v / t, 1)   (t > 0; a negative v counts as 0)
- lower is better:   points = w × min(t / v, 1)   when v > 0; v ≤ 0 earns the full weight
                     (t = 0 means "none at all": any v > 0 earns 0)
- no value (a computed figure with nothing to divide by, e.g. no satisfaction answers): 0 points.

Points are rounded to two decimals (half up) per indicator; the total is their sum, at most 100
because the weights of an active scheme sum to 100. Ranking is competition ranking by total,
highest first: equal totals share a rank and the next rank skips (1, 2, 2, 4).
"""

from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)
ONE = Decimal(1)
TWO = Decimal("0.01")
HIGHER, LOWER = "higher", "lower"


def points(value, target, weight, direction: str) -> Decimal:
    """The points one indicator earns (see the module docstring)."""
    weight = Decimal(weight)
    target = Decimal(target)
    if value is None:
        return ZERO.quantize(TWO)
    value = Decimal(value)
    if direction == LOWER:
        if value <= 0:
            share = ONE
        elif target <= 0:
            share = ZERO
        else:
            share = min(target / value, ONE)
    else:
        if target <= 0:
            raise ValueError("a higher-is-better target must be positive")
        share = min(max(value, ZERO) / target, ONE)
    return (weight * share).quantize(TWO, rounding=ROUND_HALF_UP)


def total(all_points) -> Decimal:
    return sum((Decimal(p) for p in all_points if p is not None), ZERO).quantize(TWO)


def ranks(totals: dict) -> dict:
    """{key: total} → {key: rank}, competition ranking, highest total first."""
    ordered = sorted(totals.items(), key=lambda kv: -kv[1])
    result, previous, rank = {}, None, 0
    for position, (key, value) in enumerate(ordered, start=1):
        if value != previous:
            rank, previous = position, value
        result[key] = rank
    return result


GRADE_BANDS = (
    (Decimal(90), "5A"),
    (Decimal(80), "4A"),
    (Decimal(70), "3A"),
    (Decimal(60), "2A"),
    (Decimal(50), "1A"),
)


def grade_for(total_score) -> str:
    """The grade a total suggests: 90+ 5A, 80+ 4A, 70+ 3A, 60+ 2A, 50+ 1A, below 50 none ("")."""
    if total_score is None:
        return ""
    for floor, grade in GRADE_BANDS:
        if Decimal(total_score) >= floor:
            return grade
    return ""
