"""The area dashboard's read side: the period, and every registered section's figures for an area and
its child areas, month by month and broken down — all from the rollups in a constant number of queries.

`build()` answers the page and the XLSX export alike: one query for the child areas, one grouped
query per summing window (the period; from the beginning for stocks), one for the monthly series,
one for the breakdowns (plus one per breakdown that names its codes, e.g. case categories). Nothing
here scans a domain table, so the page costs the same for a committee and for the whole city.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from gongzhi.accounts.roles import Role
from gongzhi.areas.models import Area
from gongzhi.core import dashboards, policy, rollups
from gongzhi.core.replica import reading_replica

VIEW = policy.register(
    "reports.dashboard.view",
    [
        Role.CITY_ADMIN,
        Role.DISTRICT_ADMIN,
        Role.STREET_ADMIN,
        Role.COMMUNITY_WORKER,
        Role.COMMITTEE_WORKER,
        Role.REGISTRY_OFFICER,
    ],
)

MAX_CHILDREN = 500  # the child table and chart; a city has 16 districts, a street some dozens of committees
MAX_MONTHS = 60
ZERO = Decimal(0)
PRESETS = [
    ("month", gettext_lazy("This month")),
    ("quarter", gettext_lazy("This quarter")),
    ("year", gettext_lazy("This year")),
    ("last_year", gettext_lazy("Last year")),
]


# --- the period -------------------------------------------------------------------------------------
def _ym(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def preset_period(preset: str, today: dt.date | None = None) -> tuple[str, str]:
    """(from, to) of a preset: this month, this quarter or this year up to this month, or last year."""
    today = today or timezone.localdate()
    y, m = today.year, today.month
    if preset == "month":
        return _ym(y, m), _ym(y, m)
    if preset == "quarter":
        return _ym(y, 3 * ((m - 1) // 3) + 1), _ym(y, m)
    if preset == "last_year":
        return _ym(y - 1, 1), _ym(y - 1, 12)
    return _ym(y, 1), _ym(y, m)


def _parse_month(value: str) -> str | None:
    try:
        parsed = dt.datetime.strptime(value.strip(), "%Y-%m")  # noqa: DTZ007 - a month, not a moment
    except (ValueError, AttributeError):
        return None
    if not 2000 <= parsed.year <= 2100 or len(value.strip()) != 7:
        return None
    return _ym(parsed.year, parsed.month)


@dataclass
class Period:
    period_from: str
    period_to: str
    errors: dict
    preset: str = ""

    @property
    def months(self) -> list[str]:
        return rollups.months(self.period_from, self.period_to, MAX_MONTHS)


def parse_period(params, today: dt.date | None = None) -> Period:
    """The period asked for in `?from=YYYY-MM&to=YYYY-MM` (or `?preset=`); this year by default.

    Bad input gives `errors` ({field: message}) and the default period, so nothing is read for a
    period nobody asked for when the caller refuses to go on.
    """
    default_from, default_to = preset_period("year", today)
    preset = params.get("preset", "")
    if preset in dict(PRESETS):
        start, end = preset_period(preset, today)
        return Period(start, end, {}, preset)
    raw_from, raw_to = params.get("from", ""), params.get("to", "")
    if not raw_from and not raw_to:
        return Period(default_from, default_to, {}, "year")
    errors = {}
    start = _parse_month(raw_from) if raw_from else default_from
    end = _parse_month(raw_to) if raw_to else default_to
    if start is None:
        errors["from"] = _("Give the first month as YYYY-MM, e.g. 2026-01.")
    if end is None:
        errors["to"] = _("Give the last month as YYYY-MM, e.g. 2026-12.")
    if not errors and start > end:
        errors["to"] = _("The last month must not be before the first month.")
    if not errors and len(rollups.months(start, end, MAX_MONTHS + 1)) > MAX_MONTHS:
        errors["to"] = _("Choose at most %(n)d months.") % {"n": MAX_MONTHS}
    if errors:
        return Period(default_from, default_to, errors)
    matching = [key for key, _label in PRESETS if preset_period(key, today) == (start, end)]
    return Period(start, end, {}, matching[0] if matching else "")


# --- the figures ------------------------------------------------------------------------------------
def visible_sections(user, area) -> list[dashboards.Section]:
    return [
        s for s in dashboards.sections() if s.capability is None or policy.can(user, s.capability, area=area)
    ]


def _names(figures, *, stock: bool) -> set[str]:
    names = set()
    for f in figures:
        if (f.kind == "stock") == stock:
            names.add(f.name)
            if f.denominator:
                names.add(f.denominator)
    return names


# An id no area has. A drill link depends on the area's id only (Figure.drill), so the child table
# makes each column's link once, for this id, and puts each child's id in: reversing and encoding a
# URL for each of thousands of cells was most of a street dashboard's time.
PROBE_ID = 9_007_199_254_740_991


def drill_template(figure, period) -> str | None:
    if figure.drill is None:
        return None
    return figure.drill(Area(pk=PROBE_ID), period.period_from, period.period_to)


def _cell(figure, area, period, sums, template: str | None = "") -> dict:
    """One figure for one area: {value, display, drill, numerator, denominator}; `template`, when
    given, is the column's `drill_template`."""
    num, den = sums.get((area.pk, figure.name), (ZERO, ZERO))
    other = sums.get((area.pk, figure.denominator), (ZERO, ZERO))[0] if figure.denominator else None
    value = figure.evaluate(num, den, other)
    if template is None or figure.drill is None:
        drill = None
    elif template:
        drill = template.replace(str(PROBE_ID), str(area.pk))
    else:
        drill = figure.drill(area, period.period_from, period.period_to)
    return {
        "value": value,
        "display": figure.display(value),
        "drill": drill,
        "numerator": num,
        "denominator": other if figure.denominator else den,
    }


def _trend(figure, months, series, total) -> list:
    """The figure's value month by month; a stock is the running level (from the level before)."""
    own = series.get(figure.name, {})
    other = series.get(figure.denominator, {}) if figure.denominator else {}
    if figure.kind != "stock":
        return [
            _plain(
                figure.evaluate(*own.get(p, (ZERO, ZERO)), other.get(p, (ZERO, ZERO))[0] if other else None)
            )
            for p in months
        ]
    # Level at the end of the period minus the period's changes = the level before the period.
    num = total["numerator_raw"] - sum((own.get(p, (ZERO, ZERO))[0] for p in months), ZERO)
    den = total["denominator_raw"] - sum((own.get(p, (ZERO, ZERO))[1] for p in months), ZERO)
    oth = total["other_raw"] - sum((other.get(p, (ZERO, ZERO))[0] for p in months), ZERO)
    values = []
    for p in months:
        n, d = own.get(p, (ZERO, ZERO))
        num, den, oth = num + n, den + d, oth + (other.get(p, (ZERO, ZERO))[0] if other else ZERO)
        values.append(_plain(figure.evaluate(num, den, oth if figure.denominator else None)))
    return values


def _plain(value):
    """A chart value: a float (server-rounded), or None for "nothing to divide"."""
    return None if value is None else float(value)


def body_cache_key(user, area: Area, period: Period) -> str:
    """The cache key of a rendered dashboard body: the area, the period, the language, the sections
    this user may see and the fold counter (rollups.figures_token), which changes with every fold."""
    sections = tuple(s.key for s in visible_sections(user, area))
    parts = (area.pk, period.period_from, period.period_to, get_language(), sections, rollups.figures_token())
    return "gongzhi:dashboard:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def build(user, area: Area, period: Period) -> dict:
    """Everything the dashboard page and its export show, read from the rollups."""
    with reading_replica():
        return _build(user, area, period)


def _build(user, area, period):
    sections = visible_sections(user, area)
    figures = [f for s in sections for f in s.figures]
    children = list(area.children.filter(abolished_on__isnull=True).order_by("path")[:MAX_CHILDREN])
    ids = [area.pk] + [c.pk for c in children]
    sums = rollups.read_many(ids, _names(figures, stock=False), period.period_from, period.period_to)
    sums |= rollups.read_many(ids, _names(figures, stock=True), None, period.period_to)
    months = period.months
    series = rollups.read_series(
        area, _names(figures, stock=False) | _names(figures, stock=True), months[0], months[-1]
    )
    breakdowns = [b for s in sections for b in s.breakdowns]
    dims = rollups.read_prefixed(area, [b.prefix for b in breakdowns], months[0], months[-1])

    out_sections = []
    for section in sections:
        cards = []
        for figure in section.figures:
            cell = _cell(figure, area, period, sums)
            own = sums.get((area.pk, figure.name), (ZERO, ZERO))
            other = sums.get((area.pk, figure.denominator), (ZERO, ZERO))[0] if figure.denominator else ZERO
            raw = {"numerator_raw": own[0], "denominator_raw": own[1], "other_raw": other}
            cards.append(
                {
                    "figure": figure,
                    "key": f"{section.key}.{figure.key}",
                    "label": str(figure.label),
                    "is_percent": figure.is_percent,
                    **cell,
                    "trend": _trend(figure, months, series, raw),
                }
            )
        out_sections.append(
            {
                "key": section.key,
                "title": str(section.title),
                "cards": cards,
                "breakdowns": [_breakdown(b, area, period, dims) for b in section.breakdowns],
            }
        )
    columns = [card for s in out_sections for card in s["cards"]]
    templates = [drill_template(card["figure"], period) for card in columns]
    child_rows = [
        {
            "area": child,
            "cells": [
                _cell(card["figure"], child, period, sums, template)
                for card, template in zip(columns, templates, strict=True)
            ],
        }
        for child in children
    ]
    return {
        "area": area,
        "period": period,
        "months": months,
        "sections": out_sections,
        "columns": columns,
        "children": child_rows,
        "children_capped": len(children) == MAX_CHILDREN,
    }


def _breakdown(breakdown, area, period, dims) -> dict:
    n = len(breakdown.prefix)
    counts = {name[n:]: num for name, (num, _den) in dims.items() if name.startswith(breakdown.prefix)}
    ranked = sorted(((code, num) for code, num in counts.items() if num), key=lambda r: (-r[1], r[0]))
    top = ranked[: breakdown.limit]
    labels = breakdown.labels([code for code, _num in top]) if breakdown.labels and top else {}
    total = sum((num for _code, num in ranked), ZERO)
    rows = []
    for code, num in top:
        share = rollups.rate(num, total)
        rows.append(
            {
                "code": code,
                "label": labels.get(code, code),
                "value": num,
                "display": f"{int(num):,}" if num == num.to_integral_value() else f"{num:,.2f}",
                "share": "—" if share is None else f"{share}%",
                "drill": breakdown.drill(area, period.period_from, period.period_to, code)
                if breakdown.drill
                else None,
            }
        )
    return {"key": breakdown.key, "title": str(breakdown.title), "rows": rows, "more": len(ranked) - len(top)}


def chart_data(data: dict) -> dict:
    """What the page's ECharts read (numbers already rounded by the server, labels translated)."""
    return {
        "months": data["months"],
        "sections": {
            s["key"]: [
                {
                    "name": c["label"],
                    "percent": c["is_percent"],
                    "average": c["figure"].kind == "average",
                    "values": c["trend"],
                }
                for c in s["cards"]
            ]
            for s in data["sections"]
        },
        "children": [row["area"].name for row in data["children"]],
        "columns": [
            {
                "key": c["key"],
                "name": c["label"],
                "percent": c["is_percent"],
                "values": [_plain(row["cells"][i]["value"]) for row in data["children"]],
                "displays": [row["cells"][i]["display"] for row in data["children"]],
            }
            for i, c in enumerate(data["columns"])
        ],
    }


def top_area(user) -> Area | None:
    """The user's own top area for the dashboard (the shallowest area where they may view it)."""
    paths = policy.area_paths(user, VIEW)
    if paths is None:
        return Area.objects.filter(parent__isnull=True, abolished_on__isnull=True).order_by("path").first()
    if not paths:
        return None
    return Area.objects.filter(path=min(paths, key=lambda p: (len(p), p))).first()
