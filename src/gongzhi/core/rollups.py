"""Rollups: figures per area subtree and month, kept as deltas that `gongzhi sweep` folds.

Subscribers append a delta (numerator, denominator) for the area where something happened;
`fold()` adds each delta to that area's Rollup row and to every ancestor's, so a Rollup row holds
the total of the area's whole subtree and `read()` is one index range over one area's months.
`rebuild()` recomputes a figure from its source tables through the function registered with
`register_figure`, which returns per-area (not subtree) values, rolled up the same way.
"""

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from gongzhi.areas import paths as area_paths
from gongzhi.areas.models import Area, subtree_q

from . import sweeps
from .models import Rollup, RollupDelta
from .replica import reading_replica

logger = logging.getLogger(__name__)

ZERO = Decimal(0)
FOLD_BATCH = 2000
# figure → function returning {(area_id, "YYYY-MM"): (numerator, denominator)} for the area itself.
FIGURES: dict[str, Callable[[], dict] | None] = {}

Cell = tuple[int, str, str]  # (area_id, figure, period)


def register_figure(name: str, recompute: Callable[[], dict] | None = None) -> str:
    """Declare a figure (app import time) and how to recompute it from scratch for `rebuild`."""
    FIGURES[name] = recompute
    return name


def unregister_figure(name: str) -> None:
    FIGURES.pop(name, None)


def period_of(moment) -> str:
    """ "YYYY-MM" of a date or an aware datetime in the project's zone."""
    if isinstance(moment, dt.datetime):
        moment = timezone.localtime(moment)
    return f"{moment.year:04d}-{moment.month:02d}"


def _area_id(area) -> int:
    return area if isinstance(area, int) else area.pk


def _check_period(period: str) -> str:
    if len(period) != 7 or period[4] != "-" or not (period[:4] + period[5:]).isdigit():
        raise ValueError(f"period {period!r} is not YYYY-MM")
    return period


def add_delta(area, figure: str, period: str, numerator, denominator=0) -> RollupDelta:
    """Append a change for the area (an Area or its id) where it happened; folded by the next sweep."""
    return RollupDelta.objects.create(
        area_id=_area_id(area),
        figure=figure,
        period=_check_period(period),
        numerator=Decimal(numerator),
        denominator=Decimal(denominator),
    )


def add_deltas(changes: Iterable) -> list[RollupDelta]:
    """Append several changes at once — (area or id, figure, period, numerator, denominator) each —
    in one INSERT (the deltas of one action); folded by the next sweep like `add_delta`'s."""
    rows = [
        RollupDelta(
            area_id=_area_id(area),
            figure=figure,
            period=_check_period(period),
            numerator=Decimal(numerator),
            denominator=Decimal(denominator),
        )
        for area, figure, period, numerator, denominator in changes
    ]
    return RollupDelta.objects.bulk_create(rows) if rows else []


# --- folding ---------------------------------------------------------------------------------------


def _with_ancestors(area_ids: Iterable[int]) -> dict[int, list[int]]:
    """area id → [the area and all its ancestors] (an unknown area counts for itself only)."""
    area_ids = set(area_ids)
    own = dict(Area.objects.filter(pk__in=area_ids).values_list("id", "path"))
    wanted = {p for path in own.values() for p in area_paths.ancestors(path)}
    by_path = dict(Area.objects.filter(path__in=wanted).values_list("path", "id")) if wanted else {}
    result = {}
    for area_id in area_ids:
        path = own.get(area_id)
        if path is None:
            logger.warning("rollup delta for unknown area %s counted for that area only", area_id)
            result[area_id] = [area_id]
        else:
            result[area_id] = [area_id] + [by_path[p] for p in area_paths.ancestors(path) if p in by_path]
    return result


def _apply(changes: dict[Cell, tuple[Decimal, Decimal]]) -> None:
    """Add per-area changes to the Rollup rows of each area and its ancestors (inside a transaction)."""
    lineage = _with_ancestors(cell[0] for cell in changes)
    totals: dict[Cell, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for (area_id, figure, period), (num, den) in changes.items():
        for target in lineage[area_id]:
            t = totals[(target, figure, period)]
            t[0] += num
            t[1] += den
    transaction.on_commit(_bump_generation)
    # A fixed order of row updates: two concurrent folds lock rows in the same order, so no deadlock.
    for area_id, figure, period in sorted(totals):
        num, den = totals[(area_id, figure, period)]
        if not num and not den:
            continue
        cell = Rollup.objects.filter(area_id=area_id, figure=figure, period=period)
        if cell.update(numerator=F("numerator") + num, denominator=F("denominator") + den):
            continue
        try:
            with transaction.atomic():
                Rollup.objects.create(
                    area_id=area_id, figure=figure, period=period, numerator=num, denominator=den
                )
        except IntegrityError:  # inserted by a concurrent fold meanwhile: add to it instead
            cell.update(numerator=F("numerator") + num, denominator=F("denominator") + den)


GENERATION_KEY = "gongzhi:rollups:generation"


def _bump_generation() -> None:
    """Rows of Rollup changed: pages cached under the old figures are stale (see figures_token)."""
    if not cache.add(GENERATION_KEY, 1, None):
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # evicted between add and incr
            cache.add(GENERATION_KEY, 1, None)


def figures_token() -> str:
    """Changes whenever Rollup rows do (each fold and rebuild bumps a counter in the shared cache):
    cache keys of pages rendered from folded figures include it. Pending deltas do not change it."""
    return str(cache.get(GENERATION_KEY, 0))


def fold(*, batch_size: int = FOLD_BATCH) -> int:
    """Fold pending deltas (oldest first) into Rollup rows, deleting them; return how many were folded.

    Each batch is one transaction: its deltas are locked (skipped by a concurrent fold on
    PostgreSQL; SQLite serializes writers), added, and deleted together.
    """
    folded = 0
    while True:
        with transaction.atomic():
            batch = list(
                RollupDelta.objects.select_for_update(skip_locked=True)
                .order_by("id")
                .values_list("id", "area_id", "figure", "period", "numerator", "denominator")[:batch_size]
            )
            if not batch:
                return folded
            changes: dict[Cell, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
            for _id, area_id, figure, period, num, den in batch:
                c = changes[(area_id, figure, period)]
                c[0] += num
                c[1] += den
            _apply({cell: (v[0], v[1]) for cell, v in changes.items()})
            RollupDelta.objects.filter(id__in=[row[0] for row in batch]).delete()
        folded += len(batch)
        if len(batch) < batch_size:
            return folded


@sweeps.register("rollups.fold")
def _sweep_fold(now=None) -> int:
    return fold()


def rebuild(figure: str | None = None) -> dict[str, int]:
    """Recompute one figure (or every registered one) from its source; return cells written per figure."""
    names = [figure] if figure else sorted(FIGURES)
    result = {}
    for name in names:
        if name not in FIGURES:
            raise ValueError(f"unknown rollup figure {name!r}")
        recompute = FIGURES[name]
        if recompute is None:
            raise ValueError(f"rollup figure {name!r} has no recompute function")
        with transaction.atomic():
            # Pending deltas are already reflected in the source tables the recomputation reads.
            RollupDelta.objects.filter(figure=name).delete()
            Rollup.objects.filter(figure=name).delete()
            values = recompute()
            changes = {
                (area_id, name, _check_period(period)): (Decimal(num), Decimal(den))
                for (area_id, period), (num, den) in values.items()
            }
            _apply(changes)
        result[name] = Rollup.objects.filter(figure=name).count()
    return result


# --- reading ---------------------------------------------------------------------------------------


def read(area, figure: str, period_from: str, period_to: str | None = None, *, include_pending: bool = False):
    """(numerator, denominator) of the figure for the area's subtree over the months from..to (inclusive).

    One index range over the area's own Rollup rows. `include_pending` adds deltas not folded
    yet (a scan of the small pending table through the area's subtree), for pages that must be exact.
    """
    period_to = period_to or period_from
    sums = Rollup.objects.filter(
        area_id=_area_id(area),
        figure=figure,
        period__gte=_check_period(period_from),
        period__lte=_check_period(period_to),
    ).aggregate(n=Sum("numerator"), d=Sum("denominator"))
    num, den = sums["n"] or ZERO, sums["d"] or ZERO
    if include_pending:
        target = area if isinstance(area, Area) else Area.objects.get(pk=area)
        pending = RollupDelta.objects.filter(figure=figure, period__gte=period_from, period__lte=period_to)
        if pending.exists():  # right after a fold there is nothing to add
            sums = _inside(pending, [target.path]).aggregate(n=Sum("numerator"), d=Sum("denominator"))
            num += sums["n"] or ZERO
            den += sums["d"] or ZERO
    return num, den


def rate(numerator, denominator) -> Decimal | None:
    """numerator / denominator as a percentage with one decimal, rounded half up; None when nothing to divide."""
    numerator, denominator = Decimal(numerator or 0), Decimal(denominator or 0)
    if not denominator:
        return None
    return (numerator * 100 / denominator).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def rate_display(numerator, denominator, empty: str = "—") -> str:
    """ "87.5%" or `empty` when there is no denominator."""
    value = rate(numerator, denominator)
    return empty if value is None else f"{value}%"


# --- reading many cells at once (dashboards) ---------------------------------------------------------


def _pending_by_area(area_ids, extra_filter, group_by: tuple[str, ...]) -> dict:
    """Pending deltas added to every requested area whose subtree holds the delta's area.

    One query when nothing is pending; otherwise a few whatever the number of areas: the requested
    areas' paths, the pending sums per delta area inside their subtrees (below the city: the ids of
    the areas there, then the deltas), and those areas' paths.
    Returns {(requested area id, *group): [num, den]}.
    """
    out: dict = defaultdict(lambda: [ZERO, ZERO])
    pending = RollupDelta.objects.filter(extra_filter)
    if not pending.exists():  # right after a fold there is nothing to add
        return out
    wanted = dict(Area.objects.filter(pk__in=set(area_ids)).values_list("id", "path"))
    pending = _inside(pending, wanted.values())
    rows = list(pending.values("area_id", *group_by).annotate(n=Sum("numerator"), d=Sum("denominator")))
    if not rows:
        return out
    found = dict(Area.objects.filter(pk__in={r["area_id"] for r in rows}).values_list("id", "path"))
    for row in rows:
        path = found.get(row["area_id"])
        for target, target_path in wanted.items():
            if row["area_id"] == target or (path is not None and path.startswith(target_path)):
                cell = out[(target, *(row[g] for g in group_by))]
                cell[0] += row["n"] or ZERO
                cell[1] += row["d"] or ZERO
    return out


def _inside(pending, paths):
    """The pending deltas inside the subtrees at `paths` (all of them when one is the city's): only
    those count, and a burst of intake elsewhere leaves many. The areas' ids are read first (an index
    range on the paths): joined in one query, the planner's guess for the fast-changing pending table
    turned into one area look-up per delta."""
    tops = sorted(set(paths))
    tops = [p for p in tops if not any(p != q and p.startswith(q) for q in tops)]
    if not tops or any(len(p) <= area_paths.SEGMENT for p in tops):
        return pending
    inside = Q()
    for path in tops:
        inside |= subtree_q("path", path)
    return pending.filter(area_id__in=list(Area.objects.filter(inside).values_list("id", flat=True)))


def _period_q(period_from: str | None, period_to: str | None):
    q = Q()
    if period_from is not None:
        q &= Q(period__gte=_check_period(period_from))
    if period_to is not None:
        q &= Q(period__lte=_check_period(period_to))
    return q


def read_many(
    area_ids: Iterable[int],
    figures: Iterable[str],
    period_from: str | None,
    period_to: str | None,
    include_pending: bool = False,
) -> dict[tuple[int, str], tuple[Decimal, Decimal]]:
    """{(area id, figure): (numerator, denominator)} for every area's subtree over the months from..to.

    A whole table (areas × figures) in one grouped query over the Rollup rows (plus a few small ones
    for pending deltas when asked). `period_from=None` means from the beginning — what a stock
    (a level kept as +1/-1 deltas) needs. Cells without rows are (0, 0). Reads go to the replica
    when one is configured (outside an open write transaction, see `core.db_router`).
    """
    area_ids, figures = sorted(set(area_ids)), sorted(set(figures))
    result = {(a, f): (ZERO, ZERO) for a in area_ids for f in figures}
    if not area_ids or not figures:
        return result
    window = _period_q(period_from, period_to)
    with reading_replica():
        rows = (
            Rollup.objects.filter(window, area_id__in=area_ids, figure__in=figures)
            .values("area_id", "figure")
            .annotate(n=Sum("numerator"), d=Sum("denominator"))
        )
        for row in rows:
            result[(row["area_id"], row["figure"])] = (row["n"] or ZERO, row["d"] or ZERO)
        if include_pending:
            pending = _pending_by_area(area_ids, window & Q(figure__in=figures), ("figure",))
            for (area_id, figure), (num, den) in pending.items():
                old = result[(area_id, figure)]
                result[(area_id, figure)] = (old[0] + num, old[1] + den)
    return result


def read_series(
    area,
    figures: Iterable[str],
    period_from: str,
    period_to: str,
    include_pending: bool = False,
) -> dict[str, dict[str, tuple[Decimal, Decimal]]]:
    """{figure: {"YYYY-MM": (numerator, denominator)}} month by month for the area's subtree.

    One grouped query (plus the pending ones when asked); months without rows are left out —
    `months(period_from, period_to)` lists every month of the range for a chart's axis.
    """
    area_id, figures = _area_id(area), sorted(set(figures))
    result: dict[str, dict[str, tuple[Decimal, Decimal]]] = {f: {} for f in figures}
    if not figures:
        return result
    window = _period_q(period_from, period_to)
    with reading_replica():
        rows = (
            Rollup.objects.filter(window, area_id=area_id, figure__in=figures)
            .values("figure", "period")
            .annotate(n=Sum("numerator"), d=Sum("denominator"))
        )
        for row in rows:
            result[row["figure"]][row["period"]] = (row["n"] or ZERO, row["d"] or ZERO)
        if include_pending:
            pending = _pending_by_area([area_id], window & Q(figure__in=figures), ("figure", "period"))
            for (_a, figure, period), (num, den) in pending.items():
                old = result[figure].get(period, (ZERO, ZERO))
                result[figure][period] = (old[0] + num, old[1] + den)
    return result


def read_prefixed(
    area,
    prefixes: Iterable[str],
    period_from: str | None,
    period_to: str | None,
    include_pending: bool = False,
) -> dict[str, tuple[Decimal, Decimal]]:
    """{figure: (numerator, denominator)} of every figure starting with one of the prefixes
    (dimension figures such as ``cases.recv.c.<code>``) for the area's subtree, in one query."""
    area_id, prefixes = _area_id(area), sorted(set(prefixes))
    result: dict[str, tuple[Decimal, Decimal]] = {}
    if not prefixes:
        return result
    names = Q()
    for prefix in prefixes:
        names |= Q(figure__startswith=prefix)
    window = _period_q(period_from, period_to)
    with reading_replica():
        rows = (
            Rollup.objects.filter(window & names, area_id=area_id)
            .values("figure")
            .annotate(n=Sum("numerator"), d=Sum("denominator"))
        )
        for row in rows:
            result[row["figure"]] = (row["n"] or ZERO, row["d"] or ZERO)
        if include_pending:
            for (_a, figure), (num, den) in _pending_by_area([area_id], window & names, ("figure",)).items():
                old = result.get(figure, (ZERO, ZERO))
                result[figure] = (old[0] + num, old[1] + den)
    return result


def read_pending(
    area_ids: Iterable[int],
    period_from: str,
    period_to: str,
    *,
    figures: Iterable[str] | None = None,
    prefix: str = "",
) -> dict[Cell, tuple[Decimal, Decimal]]:
    """{(area id, figure, "YYYY-MM"): (numerator, denominator)} of the deltas not folded yet, through
    each requested area's subtree: three small queries whatever the number of areas (pages that must be
    exact add these to the folded rows). `figures` names the figures, else every one starting with
    `prefix`. Read from the database the caller reads its folded rows from (no replica switch here:
    folded rows and pending deltas must come from the same state)."""
    names = Q(figure__in=sorted(set(figures))) if figures is not None else Q(figure__startswith=prefix)
    cells = _pending_by_area(list(area_ids), _period_q(period_from, period_to) & names, ("figure", "period"))
    return {cell: (v[0], v[1]) for cell, v in cells.items()}


def months(period_from: str, period_to: str, limit: int = 240) -> list[str]:
    """Every "YYYY-MM" from..to inclusive (at most `limit` months)."""
    y, m = int(_check_period(period_from)[:4]), int(period_from[5:])
    out: list[str] = []
    while f"{y:04d}-{m:02d}" <= _check_period(period_to) and len(out) < limit:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out
