"""Dashboard sections: each domain app registers the rollup figures its area dashboard shows.

An app calls `register_section` at import time (from its `figures.py`, imported in `ready()`);
the reports app's area dashboard reads every registered section, each figure from the rollups of
the shared primitives — never by scanning the app's tables on a page view.

Figure kinds:
- ``count``   a flow: numerators summed over the chosen period (cases received, hours served);
- ``stock``   a level: numerators summed from the beginning up to the period's end (registered
              organizations, reported members) — the app adds +1/-1 deltas as things come and go;
- ``rate``    numerator / denominator over the period, shown as a percentage;
- ``average`` numerator / denominator over the period, shown as a number (working days).

How the dashboard reads a figure (`Figure.window`, `Figure.evaluate`):
- the months summed: the chosen period for ``count``/``rate``/``average``; from the beginning up to
  the period's end for ``stock``;
- the parts: the figure's (numerator, denominator) over those months; with `denominator` set, the
  denominator is that other figure's numerator over the same months;
- the value: ``count``/``stock`` show the numerator — or, with `denominator` set, a percentage;
  ``rate`` a percentage (one decimal, half up, by the server); ``average`` numerator / denominator
  with one decimal. `part` picks one side instead: ``numerator``, ``denominator`` or ``shortfall``
  (denominator − numerator: e.g. cases that fell due and were not resolved on time = overdue).

Sections may also carry breakdowns (`Breakdown`): the dimension figures under a prefix (cases per
category ``cases.recv.c.<code>``, per channel ``cases.recv.ch.<channel>``) shown as a ranked table.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.urls import get_script_prefix, reverse


def list_url(name: str, *args) -> str:
    """`reverse(name, args=args)`, remembered: a dashboard links each of its thousands of cells to a
    list, and reversing a URL for each was most of a street dashboard's time."""
    return _reverse(name, args, get_script_prefix())


@functools.lru_cache(maxsize=4096)
def _reverse(name: str, args: tuple, _prefix: str) -> str:
    return reverse(name, args=args)


KINDS = ("count", "stock", "rate", "average")
PARTS = ("", "numerator", "denominator", "shortfall")


@dataclass(frozen=True)
class Figure:
    name: str  # the rollup figure (rollups.register_figure)
    label: object  # gettext_lazy
    kind: str = "count"
    # (area, period_from "YYYY-MM", period_to "YYYY-MM") → URL of the list behind the number, or None.
    # It may use the area's id only (the child table makes each column's link once and puts ids in).
    drill: Callable | None = None
    # For a ``stock`` figure kept as a rate's parts, or a ``rate`` with a different denominator
    # figure: the rollup figure whose numerator is the denominator (None = the figure's own).
    denominator: str | None = None
    # One side of the figure instead of its value: "numerator", "denominator" or "shortfall" (den − num).
    part: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"figure kind {self.kind!r} is not one of {KINDS}")
        if self.part not in PARTS:
            raise ValueError(f"figure part {self.part!r} is not one of {PARTS}")

    @property
    def key(self) -> str:
        """A name unique within a section (the same rollup figure may be shown twice, by parts)."""
        return f"{self.name}:{self.part}" if self.part else self.name

    @property
    def is_percent(self) -> bool:
        return not self.part and (
            self.kind == "rate" or (self.denominator is not None and self.kind != "average")
        )

    def window(self, period_from: str, period_to: str) -> tuple[str | None, str]:
        """The months to sum: (None = from the beginning, period_to) for a stock, else the period."""
        return (None, period_to) if self.kind == "stock" else (period_from, period_to)

    def evaluate(self, num, den, other_num=None) -> Decimal | None:
        """The figure's value from its summed parts (`other_num`: the denominator figure's numerator)."""
        num = Decimal(num or 0)
        den = Decimal(other_num or 0) if self.denominator is not None else Decimal(den or 0)
        if self.part == "numerator":
            return num
        if self.part == "denominator":
            return den
        if self.part == "shortfall":
            return den - num
        if self.is_percent:
            return (num * 100 / den).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if den else None
        if self.kind == "average":
            return (num / den).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if den else None
        return num

    def display(self, value) -> str:
        """The value as shown: "87.5%", "1,234", "12.25", or "—" when there is nothing to divide."""
        if value is None:
            return "—"
        if self.is_percent:
            return f"{value}%"
        value = Decimal(value)
        if value == value.to_integral_value():
            return f"{int(value):,}"
        return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP).normalize():,f}"


@dataclass(frozen=True)
class Breakdown:
    """A ranked table of the dimension figures under `prefix` (e.g. ``cases.recv.c.``)."""

    key: str
    title: object  # gettext_lazy
    prefix: str
    # [codes] → {code: label}; may run one query (the dashboard calls it once per page).
    labels: Callable | None = None
    # (area, period_from, period_to, code) → URL of the list behind the number, or None.
    drill: Callable | None = None
    limit: int = 10


@dataclass
class Section:
    key: str
    title: object
    figures: list[Figure] = field(default_factory=list)
    order: int = 100
    capability: str | None = None  # policy capability needed to see the section (None: any staff)
    breakdowns: list[Breakdown] = field(default_factory=list)


SECTIONS: dict[str, Section] = {}


def register_section(
    key: str, title, figures, *, order: int = 100, capability: str | None = None, breakdowns=()
) -> Section:
    """Declare (or replace) a dashboard section; re-registering the same key replaces it."""
    section = Section(
        key=key,
        title=title,
        figures=list(figures),
        order=order,
        capability=capability,
        breakdowns=list(breakdowns),
    )
    SECTIONS[key] = section
    return section


def unregister_section(key: str) -> None:
    SECTIONS.pop(key, None)


def sections() -> list[Section]:
    return sorted(SECTIONS.values(), key=lambda s: (s.order, s.key))
