"""Case KPIs (三率 and more) kept in rollups: volume, response, on-time, resolution, satisfaction, time.

Formulas (shared/GLOSSARY.md "Rates"), each a rollup figure of (numerator, denominator) per area and
month, counted where the case is, in the month the fact happened:

- ``recv``   volume: cases received (numerator); also by channel (``.ch.<channel>``).
- ``resp``   response rate: dispatches (denominator) and acceptances within the acceptance limit
             (numerator, in the month of the dispatch they answer).
- ``ontime`` on-time resolution rate: cases that fell due — resolved, or marked overdue first —
             (denominator) and those resolved by their deadline (numerator).
- ``res``    resolution rate: resolutions (denominator), those with the problem solved (numerator).
- ``sat``    satisfaction rate: satisfaction answers (denominator), satisfied + basically (numerator).
- ``htime``  average handling time: working days from receipt to resolution (numerator) per
             resolution (denominator).
- ``ret`` / ``reop``  returns (退单) and reopenings (重办), counted in the numerator.

Every figure also exists per category (``<fig>.c.<code>``) and per lead handler (``<fig>.h.d<id>``
for a department, ``<fig>.h.a<id>`` for an area office). The facts come from the case timeline
(CaseEvent rows): one pure walk (`facts`) serves both the subscribers, which add the facts of the
event just published, and the rebuild, which walks every timeline — so both agree by construction.
"""

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.roles import Role
from gongzhi.areas.models import Area
from gongzhi.core import calendar, events, policy, rollups
from gongzhi.core.models import Rollup, RollupDelta
from gongzhi.core.replica import reading_replica

from .models import Case, CaseAssignment, CaseCategory, CaseEvent

VIEW = policy.register(
    "cases.kpis.view",
    [Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.STREET_ADMIN, Role.COMMUNITY_WORKER, Role.COMMITTEE_WORKER],
)

PREFIX = "cases."
METRICS = ("recv", "resp", "ontime", "res", "sat", "htime", "ret", "reop")
METRIC_LABELS = {
    "recv": _("cases received"),
    "resp": _("response rate"),
    "ontime": _("on-time resolution rate"),
    "res": _("resolution rate"),
    "sat": _("satisfaction rate"),
    "htime": _("average handling time (working days)"),
    "ret": _("returns"),
    "reop": _("reopenings"),
}
RATES = ("resp", "ontime", "res", "sat")
FOLDED_CACHE_SECONDS = 120
DISPATCH_ACTIONS = {"dispatch", "redispatch", "reassign"}
# Published event name (any tense Cases A uses) → the timeline actions it announces.
EVENT_ACTIONS = {
    "received": {"received"},
    "dispatched": DISPATCH_ACTIONS,
    "dispatch": DISPATCH_ACTIONS,
    "redispatch": DISPATCH_ACTIONS,
    "reassign": DISPATCH_ACTIONS,
    "reassigned": DISPATCH_ACTIONS,
    "accept": {"accept"},
    "accepted": {"accept"},
    "resolve": {"resolve"},
    "resolved": {"resolve"},
    "follow_up": {"follow_up"},
    "followed_up": {"follow_up"},
    "return": {"return"},
    "returned": {"return"},
    "reopen": {"reopen"},
    "reopened": {"reopen"},
    "overdue": {"overdue"},
}
KPI_ACTIONS = set().union(*EVENT_ACTIONS.values())
ABOVE_STREET = {"city", "district"}
SATISFIED = {"satisfied", "basically"}


# --- the pure walk ------------------------------------------------------------------------------------
@dataclass
class _Walk:
    dispatch_at: dt.datetime | None = None
    accept_due: dt.datetime | None = None
    due: dt.datetime | None = None
    overdue_counted: bool = False
    seen: dict = field(default_factory=dict)


def _moment(value) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and value:
        return parse_datetime(value)
    return None


def facts(case: Case, timeline: list[CaseEvent]):
    """Yield (event, metric, moment, numerator, denominator) for the case's timeline, in order.

    `timeline` is the case's events ordered by time. Values missing from an event's data fall back
    to the case's stored fields when the event is the case's latest of its kind.
    """
    walk = _Walk()
    last_of = {}
    for ev in timeline:
        last_of[ev.action] = ev.pk
    for ev in timeline:
        action, data, at = ev.action, ev.data or {}, ev.at
        latest = last_of.get(action) == ev.pk
        if action == "received":
            yield ev, "recv", at, 1, 0
        elif action in DISPATCH_ACTIONS:
            walk.dispatch_at = at
            walk.accept_due = _moment(data.get("accept_due_at")) or (case.accept_due_at if latest else None)
            walk.due = _moment(data.get("due_at")) or walk.due or case.due_at
            yield ev, "resp", at, 0, 1
        elif action == "accept":
            in_time = data.get("in_time")
            if in_time is None:
                due = walk.accept_due or (case.accept_due_at if latest else None)
                in_time = due is not None and at <= due
            yield ev, "resp", walk.dispatch_at or at, 1 if in_time else 0, 0
        elif action == "overdue":
            if not walk.overdue_counted:
                walk.overdue_counted = True
                yield ev, "ontime", at, 0, 1
        elif action == "resolve":
            solved = data.get("solved", case.solved if latest else None)
            yield ev, "res", at, 1 if solved else 0, 1
            on_time = data.get("on_time")
            if on_time is None:
                due = _moment(data.get("due_at")) or walk.due or case.due_at
                on_time = due is not None and at <= due
            if not walk.overdue_counted:
                yield ev, "ontime", at, 1 if on_time else 0, 1
            yield ev, "htime", at, max(calendar.working_days_between(case.received_at, at), 0), 1
        elif action == "follow_up":
            satisfaction = data.get("satisfaction") or (case.satisfaction if latest else "")
            if satisfaction:
                yield ev, "sat", at, 1 if satisfaction in SATISFIED else 0, 1
        elif action == "return":
            yield ev, "ret", at, 1, 0
        elif action == "reopen":
            walk.overdue_counted = False
            yield ev, "reop", at, 1, 0
        elif action == "extend":
            walk.due = _moment(data.get("due_at")) or _moment(data.get("new_due_at")) or walk.due


def _key_of(row: dict) -> str | None:
    if row["handler_kind"] == "department" and row["handler_department_id"]:
        return f"d{row['handler_department_id']}"
    return f"a{row['handler_area_id']}" if row["handler_area_id"] else None


LEAD_FIELDS = ("case_id", "handler_kind", "handler_department_id", "handler_area_id")


def _lead_key(case: Case) -> str | None:
    """The case's most recent lead handler (returned and withdrawn leads included: a returned case
    still counts for the handler who returned it). A rebuild attributes a reassigned case's earlier
    facts to its latest lead too, so both paths agree."""
    row = CaseAssignment.objects.filter(case=case, role="lead").order_by("-id").values(*LEAD_FIELDS).first()
    return _key_of(row) if row else None


def figure_names(metric: str, case: Case, lead: str | None) -> list[str]:
    names = [f"{PREFIX}{metric}", f"{PREFIX}{metric}.c.{case.category.code}"]
    if lead:
        names.append(f"{PREFIX}{metric}.h.{lead}")
    if metric == "recv":
        names.append(f"{PREFIX}recv.ch.{case.channel}")
    return names


def _cells(case: Case, rows, lead) -> dict:
    out: dict = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for _ev, metric, moment, num, den in rows:
        period = rollups.period_of(moment)
        for name in figure_names(metric, case, lead):
            cell = out[(case.area_id, name, period)]
            cell[0] += Decimal(num)
            cell[1] += Decimal(den)
    return out


# --- incremental: subscribers ------------------------------------------------------------------------
def count_events(announced) -> int:
    """Add the rollup deltas of the timeline events just announced — (event name, payload) pairs,
    in publishing order — in one INSERT; each case is read once. Returns the deltas written."""
    by_case: dict = defaultdict(list)
    for name, payload in announced:
        if name in EVENT_ACTIONS and payload.get("case_id"):
            by_case[payload["case_id"]].append((EVENT_ACTIONS[name], _moment(payload.get("at"))))
    if not by_case:
        return 0
    cases = Case.objects.select_related("category").in_bulk(list(by_case))
    changes = []
    for case_id, wanted in by_case.items():
        case = cases.get(case_id)
        if case is None:
            continue
        timeline = list(CaseEvent.objects.filter(case=case).order_by("at", "id"))
        targets: set = set()
        for actions, at in wanted:
            # The latest matching timeline entry by the announced moment, not one already counted.
            candidates = [
                ev.pk
                for ev in timeline
                if ev.action in actions
                and ev.pk not in targets
                and (at is None or ev.at <= at + dt.timedelta(seconds=1))
            ]
            if candidates:
                targets.add(candidates[-1])
        if not targets:
            continue
        rows = [row for row in facts(case, timeline) if row[0].pk in targets]
        changes += [
            (area_id, figure, period, num, den)
            for (area_id, figure, period), (num, den) in _cells(case, rows, _lead_key(case)).items()
            if num or den
        ]
    rollups.add_deltas(changes)  # one INSERT for all the events' deltas
    return len(changes)


def count_event(name: str, payload: dict) -> int:
    """Add the rollup deltas of one timeline event just announced; returns the deltas written."""
    return count_events([(name, payload)])


@events.subscribe_batch(*(f"case.{name}" for name in EVENT_ACTIONS))
def _count_delivered(delivered) -> None:
    count_events([(event.name.removeprefix("case."), event.payload) for event in delivered])


# --- rebuild: recompute from the timelines ----------------------------------------------------------
def compute_all() -> dict[str, dict]:
    """figure → {(area_id, period): (num, den)} over every case's timeline (per area, not subtree)."""
    result: dict[str, dict] = defaultdict(lambda: defaultdict(lambda: [Decimal(0), Decimal(0)]))
    leads = {}
    for row in CaseAssignment.objects.filter(role="lead").order_by("id").values(*LEAD_FIELDS):
        leads[row["case_id"]] = _key_of(row)  # the last one wins: the most recent lead
    cases = Case.objects.select_related("category").order_by("id")
    for case in cases.iterator(chunk_size=500):
        timeline = list(
            CaseEvent.objects.filter(case=case, action__in=KPI_ACTIONS | {"extend"}).order_by("at", "id")
        )
        for (area_id, figure, period), (num, den) in _cells(
            case, facts(case, timeline), leads.get(case.pk)
        ).items():
            cell = result[figure][(area_id, period)]
            cell[0] += num
            cell[1] += den
    return {f: {k: (v[0], v[1]) for k, v in cells.items()} for f, cells in result.items()}


_memo: dict = {}


def _compute_cached() -> dict:
    """compute_all() once per state of the tables (a rebuild asks for each metric in turn)."""
    token = hash(
        (
            tuple(CaseEvent.objects.order_by("id").values_list("id", "case_id", "action", "at")),
            tuple(
                Case.objects.order_by("id").values_list(
                    "id", "area_id", "category_id", "solved", "satisfaction"
                )
            ),
        )
    )
    if _memo.get("token") != token:
        _memo.update(token=token, value=compute_all())
    return _memo["value"]


def _recompute(metric: str):
    def recompute():
        computed = _compute_cached()
        base = f"{PREFIX}{metric}"
        dims = sorted(f for f in computed if f.startswith(base + "."))
        # Dimension figures (per category, handler, channel) are rebuilt with their base figure.
        Rollup.objects.filter(figure__startswith=base + ".").exclude(figure__in=dims).delete()
        RollupDelta.objects.filter(figure__startswith=base + ".").exclude(figure__in=dims).delete()
        for name in dims:
            rollups.register_figure(name, lambda name=name: computed[name])
            try:
                rollups.rebuild(name)
            finally:
                rollups.unregister_figure(name)
        return computed.get(base, {})

    return recompute


for _metric in METRICS:
    rollups.register_figure(f"{PREFIX}{_metric}", _recompute(_metric))


# --- reading ----------------------------------------------------------------------------------------
def _months(period_from: str, period_to: str) -> list[str]:
    y, m = int(period_from[:4]), int(period_from[5:])
    out = []
    while f"{y:04d}-{m:02d}" <= period_to and len(out) < 240:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _value(metric: str, num, den):
    if metric in RATES:
        return rollups.rate(num, den)
    if metric == "htime":
        return (Decimal(num) / Decimal(den)).quantize(Decimal("0.1")) if den else None
    return int(num)


def _display(metric: str, num, den) -> str:
    value = _value(metric, num, den)
    if value is None:
        return "—"
    return f"{value}%" if metric in RATES else str(value)


def _row(sums: dict) -> dict:
    """metric → {num, den, value, display} for one group."""
    row = {}
    for metric in METRICS:
        num, den = sums.get(metric, (Decimal(0), Decimal(0)))
        row[metric] = {
            "numerator": num,
            "denominator": den,
            "value": _value(metric, num, den),
            "display": _display(metric, num, den),
        }
    return row


def _names(categories: set, handlers: set) -> tuple[dict, dict]:
    """Display names of category codes and handler keys (``d<id>`` departments, ``a<id>`` area offices)."""
    from gongzhi.accounts.models import Department

    names = (
        {c.code: c.name for c in CaseCategory.objects.filter(code__in=sorted(categories))}
        if categories
        else {}
    )
    dept_ids = [int(k[1:]) for k in handlers if k.startswith("d") and k[1:].isdigit()]
    area_ids = [int(k[1:]) for k in handlers if k.startswith("a") and k[1:].isdigit()]
    handler_names = (
        {f"d{d.pk}": d.name for d in Department.objects.filter(pk__in=dept_ids)} if dept_ids else {}
    )
    if area_ids:
        handler_names |= {f"a{a.pk}": a.name for a in Area.objects.filter(pk__in=area_ids)}
    return names, handler_names


def _dimension_keys(dims) -> tuple[set, set]:
    categories, handlers = set(), set()
    for figure in dims:
        parts = figure[len(PREFIX) :].split(".", 2)
        if len(parts) == 3 and parts[1] == "c":
            categories.add(parts[2])
        elif len(parts) == 3 and parts[1] == "h":
            handlers.add(parts[2])
    return categories, handlers


def _folded(area: Area, period_from: str, period_to: str) -> dict:
    """The folded rows the report is built from: three grouped reads (the base figures month by month,
    every dimension figure — category, handler, channel — summed over the window, the child areas'
    totals) and the names they show. Pending deltas are not in it, so it stays true until the next
    fold: the page keeps it in the cache under the fold counter (rollups.figures_token)."""
    base = [f"{PREFIX}{m}" for m in METRICS]
    children = list(_children(area))
    # Handlers: above street level only the departments — every committee's office is a handler, and
    # their figures rolled up to a district or the city are hundreds of thousands of rows (a street's
    # page lists its offices; the child-area table compares the rest).
    handlers = ".h." if area.kind not in ABOVE_STREET else ".h.d"
    prefixes = tuple([f"{f}.c." for f in base] + [f"{f}{handlers}" for f in base] + [f"{PREFIX}recv.ch."])
    dims = rollups.read_prefixed(area, prefixes, period_from, period_to)
    category_names, handler_names = _names(*_dimension_keys(dims))
    return {
        "base": base,
        "prefixes": prefixes,
        "children": children,
        "series": rollups.read_series(area, base, period_from, period_to),
        "dims": dims,
        "child_cells": rollups.read_many([c.pk for c in children], base, period_from, period_to),
        "category_names": category_names,
        "handler_names": handler_names,
    }


def _folded_cached(area: Area, period_from: str, period_to: str, token: str) -> dict:
    key = f"gongzhi:kpis:{area.pk}:{period_from}:{period_to}:{token}"
    folded = cache.get(key)
    if folded is None:
        folded = _folded(area, period_from, period_to)
        # Bounded too, for a fold run where the cache is not shared (then the counter cannot move here).
        cache.set(key, folded, FOLDED_CACHE_SECONDS)
    return folded


def _children(area: Area):
    """The child areas the report compares (at most 100: a street has some dozens of committees)."""
    return area.children.filter(abolished_on__isnull=True).order_by("path")[:100]


def _child_ids(area: Area, token: str) -> list[int]:
    key = f"gongzhi:kpis:children:{area.pk}:{token}"
    ids = cache.get(key)
    if ids is None:
        ids = list(_children(area).values_list("pk", flat=True))
        cache.set(key, ids, FOLDED_CACHE_SECONDS)
    return ids


def read_pending(area: Area, period_from: str, period_to: str, *, token: str) -> dict:
    """The deltas not folded yet for the area and its children (the children's ids kept in the cache
    under the fold counter, so a page whose figures are cached reads nothing else of the rollups)."""
    return _pending(area, _child_ids(area, token), period_from, period_to)


def _pending(area: Area, child_ids, period_from: str, period_to: str) -> dict:
    period_from, period_to = rollups._check_period(period_from), rollups._check_period(period_to)
    with reading_replica():
        return rollups.read_pending([area.pk, *child_ids], period_from, period_to, prefix=PREFIX)


def read_parts(
    area: Area, period_from: str, period_to: str, *, include_pending: bool = True, token: str | None = None
) -> tuple[dict, dict]:
    """(folded, pending): the folded rows the report is built from and the deltas not folded yet for
    the area and its children. With `token` (rollups.figures_token(), read by the caller before) the
    folded part comes from the cache while no fold has happened since it was read."""
    period_from, period_to = rollups._check_period(period_from), rollups._check_period(period_to)
    if token is None:
        folded = _folded(area, period_from, period_to)
    else:
        folded = _folded_cached(area, period_from, period_to, token)
    pending = (
        _pending(area, [c.pk for c in folded["children"]], period_from, period_to) if include_pending else {}
    )
    return folded, pending


def body_cache_key(area: Area, period_from: str, period_to: str, token: str, pending: dict) -> str:
    """The cache key of the KPI page's rendered figures: exact for these inputs — the area, the months,
    the language, the fold counter and every pending delta (as the dashboard's body_cache_key)."""
    parts = (area.pk, period_from, period_to, get_language(), token, sorted(pending.items()))
    return "gongzhi:kpis:body:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def report(area: Area, period_from: str, period_to: str, *, include_pending: bool = True) -> dict:
    """Every KPI of the area's subtree for the months from..to: totals, by month, category, channel,
    handler and child area. Served from rollups (a few index ranges), never from the case table."""
    return assemble(
        area,
        period_from,
        period_to,
        *read_parts(area, period_from, period_to, include_pending=include_pending),
    )


def assemble(area: Area, period_from: str, period_to: str, folded: dict, pending: dict) -> dict:
    """The report of `read_parts`: the pending deltas added to the folded rows, then every table."""
    period_from, period_to = rollups._check_period(period_from), rollups._check_period(period_to)
    base, prefixes, children = folded["base"], folded["prefixes"], folded["children"]
    series, dims, child_cells = folded["series"], folded["dims"], folded["child_cells"]
    if pending:
        for (area_id, figure, period), (num, den) in pending.items():
            parts = figure[len(PREFIX) :].split(".", 2)
            if area_id != area.pk:
                if figure in base:
                    old = child_cells.get((area_id, figure), (Decimal(0), Decimal(0)))
                    child_cells[(area_id, figure)] = (old[0] + num, old[1] + den)
            elif figure in base:
                old = series[figure].get(period, (Decimal(0), Decimal(0)))
                series[figure][period] = (old[0] + num, old[1] + den)
            elif len(parts) == 3 and parts[0] in METRICS and figure.startswith(prefixes):
                old = dims.get(figure, (Decimal(0), Decimal(0)))
                dims[figure] = (old[0] + num, old[1] + den)
    total: dict = defaultdict(lambda: [Decimal(0), Decimal(0)])
    monthly: dict = defaultdict(lambda: defaultdict(lambda: [Decimal(0), Decimal(0)]))
    groups: dict = {"c": defaultdict(dict), "h": defaultdict(dict), "ch": defaultdict(dict)}
    for figure, by_period in series.items():
        metric = figure[len(PREFIX) :]
        for period, (num, den) in by_period.items():
            total[metric][0] += num
            total[metric][1] += den
            monthly[period][metric][0] += num
            monthly[period][metric][1] += den
    for figure, (num, den) in dims.items():
        parts = figure[len(PREFIX) :].split(".", 2)
        if len(parts) == 3 and parts[1] in groups:
            prev = groups[parts[1]][parts[2]].get(parts[0], (Decimal(0), Decimal(0)))
            groups[parts[1]][parts[2]][parts[0]] = (prev[0] + num, prev[1] + den)
    categories, handler_names = dict(folded["category_names"]), dict(folded["handler_names"])
    # Names of what only pending deltas brought (a category or handler new since the last fold).
    more = _names(set(groups["c"]) - set(categories), set(groups["h"]) - set(handler_names))
    categories |= more[0]
    handler_names |= more[1]
    from .models.cases import Channel

    by_child: dict = defaultdict(dict)
    for (area_id, figure), (num, den) in child_cells.items():
        by_child[area_id][figure[len(PREFIX) :]] = (num, den)

    def _sorted(items):
        return sorted(items, key=lambda r: (-r["row"]["recv"]["value"], r["name"]))

    return {
        "area": area,
        "period_from": period_from,
        "period_to": period_to,
        "departments_only": area.kind in ABOVE_STREET,
        "total": _row({m: tuple(v) for m, v in total.items()}),
        "months": [
            {"period": p, "row": _row({m: tuple(v) for m, v in monthly.get(p, {}).items()})}
            for p in _months(period_from, period_to)
        ],
        "by_category": _sorted(
            {"key": k, "name": categories.get(k, k), "row": _row(v)} for k, v in groups["c"].items()
        ),
        "by_channel": _sorted(
            {"key": k, "name": str(Channel(k).label) if k in Channel.values else k, "row": _row(v)}
            for k, v in groups["ch"].items()
        ),
        "by_handler": _sorted(
            {"key": k, "name": handler_names.get(k, k), "row": _row(v)} for k, v in groups["h"].items()
        ),
        "by_area": [
            {"key": c.pk, "name": c.name, "area": c, "row": _row(by_child.get(c.pk, {}))} for c in children
        ],
    }


def overdue_cases(area: Area):
    """Open cases flagged overdue in the area's subtree, earliest deadline first (keyset-paged by the caller)."""
    from gongzhi.areas.models import subtree_q

    from . import machine

    return (
        Case.objects.filter(subtree_q("area_path", area.path), is_overdue=True, state__in=machine.OPEN_STATES)
        .select_related("category", "area")
        .only(
            "id",
            "number",
            "title",
            "state",
            "due_at",
            "area__name",
            "category__name",
            "is_supervised",
            "urgent",
        )
    )


def default_periods(today: dt.date | None = None) -> tuple[str, str]:
    """The current year up to this month."""
    today = today or timezone.localdate()
    return f"{today.year:04d}-01", f"{today.year:04d}-{today.month:02d}"
