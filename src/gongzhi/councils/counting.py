"""Pure counting rules for quorum, motions, owners' double majority and elections (no database).

Counting rules (GLOSSARY.md): 过半数 "more than half" is strictly greater than one half;
以上 / 不少于 "… or more" includes the boundary, so "two thirds or more" passes at exactly 2/3.
All arithmetic is exact (fractions), never floating point.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from .models.bodies import Threshold


def exceeds(part, whole, fraction: Fraction, *, inclusive: bool) -> bool:
    """part / whole > fraction (or ≥ when inclusive); an empty whole never passes."""
    if not whole:
        return False
    share = Fraction(part) / Fraction(whole)
    return share >= fraction if inclusive else share > fraction


HALF = Fraction(1, 2)
TWO_THIRDS = Fraction(2, 3)
THREE_QUARTERS = Fraction(3, 4)

# Default owners' rules: participation by owners holding ≥ 2/3 of the area and ≥ 2/3 of the owners;
# an ordinary matter passes with > 1/2 of participating area and owners, a major one with ≥ 3/4 of both.
DEFAULT_OWNERS_RULES = {
    "participation": [2, 3, True],
    "ordinary": [1, 2, False],
    "major": [3, 4, True],
}


@dataclass
class Tally:
    yes: int = 0
    no: int = 0
    abstain: int = 0
    # For owners' assemblies: floor area (m²) by choice, and totals for the whole body.
    yes_area: Decimal = Decimal(0)
    no_area: Decimal = Decimal(0)
    abstain_area: Decimal = Decimal(0)

    @property
    def cast(self) -> int:
        return self.yes + self.no + self.abstain

    @property
    def cast_area(self) -> Decimal:
        return self.yes_area + self.no_area + self.abstain_area


@dataclass
class Outcome:
    passed: bool
    reasons: list[str] = field(default_factory=list)  # machine-readable steps, for the tally record


def quorum_met(present: int, members: int, numerator=1, denominator=2, inclusive=False) -> bool:
    return exceeds(present, members, Fraction(numerator, denominator), inclusive=inclusive)


def decide(
    threshold: str,
    tally: Tally,
    *,
    present: int,
    members: int,
    total_area: Decimal = Decimal(0),
    owners_rules: dict | None = None,
) -> Outcome:
    """Whether a motion passes under `threshold`, given who was present and the body's size."""
    if threshold == Threshold.MAJORITY_OF_VOTES_CAST:
        # Abstentions are votes cast here: they count against (a common rule of procedure).
        return Outcome(exceeds(tally.yes, tally.cast, HALF, inclusive=False), ["yes/cast > 1/2"])
    if threshold == Threshold.MAJORITY_OF_PRESENT:
        return Outcome(exceeds(tally.yes, present, HALF, inclusive=False), ["yes/present > 1/2"])
    if threshold == Threshold.TWO_THIRDS_OF_PRESENT:
        return Outcome(exceeds(tally.yes, present, TWO_THIRDS, inclusive=True), ["yes/present >= 2/3"])
    if threshold == Threshold.MAJORITY_OF_MEMBERS:
        return Outcome(exceeds(tally.yes, members, HALF, inclusive=False), ["yes/members > 1/2"])
    if threshold == Threshold.TWO_THIRDS_OF_MEMBERS:
        return Outcome(exceeds(tally.yes, members, TWO_THIRDS, inclusive=True), ["yes/members >= 2/3"])
    if threshold in (Threshold.OWNERS_ORDINARY, Threshold.OWNERS_MAJOR):
        return owners_double_majority(
            tally,
            owners=members,
            total_area=total_area,
            major=threshold == Threshold.OWNERS_MAJOR,
            rules=owners_rules,
        )
    raise ValueError(f"unknown threshold {threshold!r}")


def _rule(rules: dict, key: str) -> tuple[Fraction, bool]:
    numerator, denominator, inclusive = (rules or {}).get(key) or DEFAULT_OWNERS_RULES[key]
    return Fraction(int(numerator), int(denominator)), bool(inclusive)


def owners_double_majority(
    tally: Tally, *, owners: int, total_area: Decimal, major: bool, rules=None
) -> Outcome:
    """Participation by area and by head count first; then the matter's majority of both among participants."""
    reasons = []
    fraction, inclusive = _rule(rules, "participation")
    participating_owners, participating_area = tally.cast, tally.cast_area
    by_area = exceeds(participating_area, total_area, fraction, inclusive=inclusive)
    by_owners = exceeds(participating_owners, owners, fraction, inclusive=inclusive)
    reasons.append(f"participation area {'ok' if by_area else 'short'}")
    reasons.append(f"participation owners {'ok' if by_owners else 'short'}")
    if not (by_area and by_owners):
        return Outcome(False, reasons)
    fraction, inclusive = _rule(rules, "major" if major else "ordinary")
    area_ok = exceeds(tally.yes_area, participating_area, fraction, inclusive=inclusive)
    owners_ok = exceeds(tally.yes, participating_owners, fraction, inclusive=inclusive)
    reasons.append(f"yes area {'ok' if area_ok else 'short'}")
    reasons.append(f"yes owners {'ok' if owners_ok else 'short'}")
    return Outcome(area_ok and owners_ok, reasons)


def election_valid(ballots: int, registered: int, numerator=1, denominator=2, inclusive=False) -> bool:
    return exceeds(ballots, registered, Fraction(numerator, denominator), inclusive=inclusive)


def elected(
    candidates: list[tuple[int, int]], ballots: int, seats: int, numerator=1, denominator=2, inclusive=False
):
    """candidates: [(candidate id, votes)]. Returns (elected ids, tied ids needing another round).

    A candidate needs the winning share of the ballots cast; seats go by votes, and a tie at the last
    seat elects no one of the tied (another round decides, as the Organic Law's practice has it).
    """
    qualified = sorted(
        [
            (cid, v)
            for cid, v in candidates
            if exceeds(v, ballots, Fraction(numerator, denominator), inclusive=inclusive)
        ],
        key=lambda cv: -cv[1],
    )
    if len(qualified) <= seats:
        return [cid for cid, _ in qualified], []
    cutoff_votes = qualified[seats - 1][1]
    above = [cid for cid, v in qualified if v > cutoff_votes]
    tied = [cid for cid, v in qualified if v == cutoff_votes]
    if len(above) + len(tied) <= seats:
        return above + tied, []
    return above, tied
