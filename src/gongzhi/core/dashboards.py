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
"""

from collections.abc import Callable
from dataclasses import dataclass, field

KINDS = ("count", "stock", "rate", "average")


@dataclass(frozen=True)
class Figure:
    name: str  # the rollup figure (rollups.register_figure)
    label: object  # gettext_lazy
    kind: str = "count"
    # (area, period_from "YYYY-MM", period_to "YYYY-MM") → URL of the list behind the number, or None.
    drill: Callable | None = None
    # For a ``stock`` figure kept as a rate's parts, or a ``rate`` with a different denominator
    # figure: the rollup figure whose numerator is the denominator (None = the figure's own).
    denominator: str | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"figure kind {self.kind!r} is not one of {KINDS}")


@dataclass
class Section:
    key: str
    title: object
    figures: list[Figure] = field(default_factory=list)
    order: int = 100
    capability: str | None = None  # policy capability needed to see the section (None: any staff)


SECTIONS: dict[str, Section] = {}


def register_section(key: str, title, figures, *, order: int = 100, capability: str | None = None) -> Section:
    """Declare (or replace) a dashboard section; re-registering the same key replaces it."""
    section = Section(key=key, title=title, figures=list(figures), order=order, capability=capability)
    SECTIONS[key] = section
    return section


def sections() -> list[Section]:
    return sorted(SECTIONS.values(), key=lambda s: (s.order, s.key))
