"""The city data set's plan: every table's row count from the scale factor F, and the time window.

F = 1.0 is Shanghai: all 16 districts, 234 streets/towns and 6,509 committees of the 2022 divisions,
with the synthetic counts below. At F < 1 the 16 districts stay, ceil(F × count) streets and
committees are chosen (by the seed), and every other count is round(F × its F = 1.0 count), at least 1.
"""

import bisect
import datetime as dt
import itertools
import math
from dataclasses import dataclass, field

from .. import divisions

# Row counts at F = 1.0 (issue 9, "City-scale data").
FULL = {
    "compounds": 20_000,
    "grids": 60_000,
    "organizations": 20_000,
    "inspection_staff": 250_000,
    "party_members": 2_000_000,
    "cases": 2_000_000,
    "councils": 5_000,
    "meetings": 50_000,
    "volunteers": 100_000,
    "volunteer_teams": 5_000,
}
MONTHS = 24  # cases over two years ending at the current month


def scaled(scale: float, full: int) -> int:
    return max(1, round(scale * full))


@dataclass(frozen=True)
class Plan:
    scale: float
    seed: int
    today: dt.date  # the last day of the window: nothing is dated after it
    districts: int
    streets: int
    committees: int
    counts: dict = field(default_factory=dict)

    @property
    def start(self) -> dt.date:
        """The first day of the two-year window: the first of the month 23 months before `today`'s."""
        y, m = self.today.year, self.today.month - (MONTHS - 1)
        while m < 1:
            y, m = y - 1, m + 12
        return dt.date(y, m, 1)

    def __getitem__(self, key: str) -> int:
        return self.counts[key]


def make_plan(scale: float, seed: int, today: dt.date) -> Plan:
    if not 0 < scale <= 1:
        raise ValueError(f"the scale factor must be in (0, 1], not {scale}")
    n_streets = len(divisions.streets())
    n_committees = len(divisions.committees())
    return Plan(
        scale=scale,
        seed=seed,
        today=today,
        districts=len(divisions.districts()),
        streets=n_streets if scale == 1 else math.ceil(scale * n_streets),
        committees=n_committees if scale == 1 else math.ceil(scale * n_committees),
        counts={key: scaled(scale, full) for key, full in FULL.items()},
    )


def spread(rng, total: int, n: int, *, minimum: int = 0, jitter: float = 0.6) -> list[int]:
    """`n` integers adding up to `total`, each at least `minimum`, varied by ±jitter around the mean."""
    if n <= 0:
        return []
    floor = min(minimum, total // n)
    rest = total - floor * n
    weights = [1 - jitter + 2 * jitter * rng.random() for _ in range(n)]
    scale = rest / sum(weights)
    shares = [w * scale for w in weights]
    parts = [int(s) for s in shares]
    left = rest - sum(parts)
    for i in sorted(range(n), key=lambda i: parts[i] - shares[i])[:left]:
        parts[i] += 1
    return [floor + p for p in parts]


SHANGHAI = dt.timezone(dt.timedelta(hours=8))  # Asia/Shanghai has had no daylight saving since 1991


def moment(rng, day: dt.date, *, first_hour: int = 8, last_hour: int = 18) -> dt.datetime:
    """An aware datetime on `day` between the hours, to the second."""
    seconds = rng.randint(first_hour * 3600, last_hour * 3600 - 1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=SHANGHAI) + dt.timedelta(seconds=seconds)


def proportional(total: int, sizes: list[float], *, minimum: int = 0) -> list[int]:
    """`total` split in proportion to `sizes` (largest remainder), each at least `minimum` when it can be."""
    n = len(sizes)
    floor = min(minimum, total // n) if n else 0
    rest = total - floor * n
    whole = sum(sizes)
    shares = [rest * s / whole for s in sizes]
    parts = [int(s) for s in shares]
    for i in sorted(range(n), key=lambda i: parts[i] - shares[i])[: rest - sum(parts)]:
        parts[i] += 1
    return [floor + p for p in parts]


class Weighted:
    """A weighted choice with its cumulative weights computed once (random.choices recomputes them)."""

    def __init__(self, pairs):
        pairs = list(pairs.items()) if isinstance(pairs, dict) else list(pairs)
        self.values = [value for value, _w in pairs]
        self.cumulative = list(itertools.accumulate(w for _v, w in pairs))
        self.total = self.cumulative[-1]

    def pick(self, rng):
        return self.values[bisect.bisect_right(self.cumulative, rng.random() * self.total)]
