"""Orgs figures in rollups: registered organizations (a stock, also per type) and annual inspections.

Each row's contribution is a pure function of a small snapshot of it (`org_cells`, `inspection_cells`);
a rebuild sums the contributions of every row, and a subscriber adds "after − before" for the row an
action just changed — so both agree by construction. Counted where the row is (its area), per month:

- ``orgs.registered``          stock: +1 in the month of registration, −1 in the month of
                               deregistration; ``orgs.registered.t.<type>`` the same per type. A row
                               that moves to another area or type moves its whole history with it.
- ``orgs.insp.due``            reports required (not exempt), in the month the report is due.
- ``orgs.insp.submitted``      submission rate: reports submitted or reviewed (numerator) of the
                               reports due (denominator), in the due month.
- ``orgs.insp.qualified``      pass rate: reports reviewed as qualified or basically qualified
                               (numerator) of the reviewed reports (denominator), in the due month.
- ``orgs.insp.outstanding``    stock: reports due and not submitted (draft or returned), in the due
                               month; −1 on submission, +1 when returned. **Overdue** = the outstanding
                               reports of due months that have ended — a stock summed up to last month.

A report for year Y falls due in year Y+1, so a due month identifies the inspection round. Imports
write rows in bulk without actions: the orgs figures are rebuilt after an orgs or inspections import.
"""

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from gongzhi.core import dashboards, events, rollups

from .models import AnnualInspection, SocialOrganization
from .models.registry import OrgStatus, OrgType

REGISTERED = "orgs.registered"
TYPE_PREFIX = REGISTERED + ".t."
DUE = "orgs.insp.due"
SUBMITTED = "orgs.insp.submitted"
QUALIFIED = "orgs.insp.qualified"
OUTSTANDING = "orgs.insp.outstanding"
INSPECTION_FIGURES = (DUE, SUBMITTED, QUALIFIED, OUTSTANDING)
ORG_FIGURES = (REGISTERED, *(TYPE_PREFIX + t for t in OrgType.values))
IMPORT_KINDS = {"orgs", "inspections"}
S = AnnualInspection.State
OPEN = {S.DRAFT, S.RETURNED}
PASSED = {AnnualInspection.Result.QUALIFIED, AnnualInspection.Result.BASICALLY_QUALIFIED}


# --- snapshots and their cells --------------------------------------------------------------------
def org_snapshot(org) -> dict:
    gone = org.status == OrgStatus.DEREGISTERED and org.deregistered_on is not None
    return {
        "area_id": org.area_id,
        "org_type": org.org_type,
        "registered": rollups.period_of(org.registered_on),
        "deregistered": rollups.period_of(org.deregistered_on) if gone else None,
    }


def org_cells(snap: dict | None) -> dict:
    out: dict = defaultdict(lambda: [Decimal(0), Decimal(0)])
    if snap:
        for name in (REGISTERED, TYPE_PREFIX + snap["org_type"]):
            out[(snap["area_id"], name, snap["registered"])][0] += 1
            if snap["deregistered"]:
                out[(snap["area_id"], name, snap["deregistered"])][0] -= 1
    return out


def inspection_snapshot(row) -> dict:
    return {
        "area_id": row.area_id,
        "state": row.state,
        "result": row.result,
        "due": rollups.period_of(row.due_on),
    }


def inspection_cells(snap: dict | None) -> dict:
    out: dict = defaultdict(lambda: [Decimal(0), Decimal(0)])
    if not snap or snap["state"] == S.EXEMPT:
        return out
    key = (snap["area_id"], snap["due"])
    out[(key[0], DUE, key[1])][0] += 1
    out[(key[0], SUBMITTED, key[1])][1] += 1
    if snap["state"] in (S.SUBMITTED, S.REVIEWED):
        out[(key[0], SUBMITTED, key[1])][0] += 1
    if snap["state"] == S.REVIEWED:
        out[(key[0], QUALIFIED, key[1])][1] += 1
        if snap["result"] in PASSED:
            out[(key[0], QUALIFIED, key[1])][0] += 1
    if snap["state"] in OPEN:
        out[(key[0], OUTSTANDING, key[1])][0] += 1
    return out


def add_difference(before: dict, after: dict) -> int:
    """Append after − before as deltas (cells that do not change are skipped); return deltas written."""
    written = 0
    for cell in set(before) | set(after):
        b, a = before.get(cell, (0, 0)), after.get(cell, (0, 0))
        num, den = a[0] - b[0], a[1] - b[1]
        if num or den:
            rollups.add_delta(cell[0], cell[1], cell[2], num, den)
            written += 1
    return written


# --- subscribers: the actions publish the snapshots before and after the change ----------------------
@events.subscribe("org.registered")
@events.subscribe("org.deregistered")
@events.subscribe("org.changed")
def _on_org_changed(event):
    add_difference(org_cells(event.get("before")), org_cells(event.get("after")))


@events.subscribe("inspection.opened")
def _on_opened(event):
    for snap in event["snapshots"]:
        add_difference({}, inspection_cells(snap))


@events.subscribe("inspection.submitted")
@events.subscribe("inspection.returned")
@events.subscribe("inspection.reviewed")
def _on_inspection_changed(event):
    if "after" in event.payload:
        add_difference(inspection_cells(event.get("before")), inspection_cells(event["after"]))


@events.subscribe("import.completed")
def _on_import(event):
    if event.get("kind") in IMPORT_KINDS:
        rebuild_all()


# --- rebuild --------------------------------------------------------------------------------------
def _sum(cells_iter) -> dict:
    out: dict = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for cells in cells_iter:
        for key, (num, den) in cells.items():
            out[key][0] += num
            out[key][1] += den
    return out


def compute_orgs() -> dict:
    rows = SocialOrganization.objects.values_list(
        "area_id", "org_type", "registered_on", "status", "deregistered_on"
    ).order_by()
    snaps = (
        {
            "area_id": a,
            "org_type": t,
            "registered": rollups.period_of(reg),
            "deregistered": rollups.period_of(gone) if status == OrgStatus.DEREGISTERED and gone else None,
        }
        for a, t, reg, status, gone in rows.iterator(chunk_size=2000)
    )
    return _sum(org_cells(s) for s in snaps)


def compute_inspections() -> dict:
    rows = AnnualInspection.objects.values_list("area_id", "state", "result", "due_on").order_by()
    snaps = (
        {"area_id": a, "state": s, "result": r, "due": rollups.period_of(d)}
        for a, s, r, d in rows.iterator(chunk_size=2000)
    )
    return _sum(inspection_cells(s) for s in snaps)


def _recompute(name: str, compute):
    def recompute():
        return {(a, p): (v[0], v[1]) for (a, f, p), v in compute().items() if f == name}

    return recompute


for _name in ORG_FIGURES:
    rollups.register_figure(_name, _recompute(_name, compute_orgs))
for _name in INSPECTION_FIGURES:
    rollups.register_figure(_name, _recompute(_name, compute_inspections))


def rebuild_all() -> None:
    for name in (*ORG_FIGURES, *INSPECTION_FIGURES):
        rollups.rebuild(name)


# --- dashboard --------------------------------------------------------------------------------------
def _orgs_url(area, period_from=None, period_to=None, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"area": area.pk, **params}.items())
    return f"{dashboards.list_url('orgs:list')}?{query}"


def _inspections_url(area, period_from=None, period_to=None, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"area": area.pk, **params}.items())
    return f"{dashboards.list_url('orgs:inspections')}?{query}"


dashboards.register_section(
    "orgs",
    _("Social organizations"),
    [
        dashboards.Figure(REGISTERED, _("registered social organizations"), "stock", drill=_orgs_url),
        *(
            dashboards.Figure(
                TYPE_PREFIX + value,
                label,
                "stock",
                drill=lambda a, f=None, t=None, value=value: _orgs_url(a, org_type=value),
            )
            for value, label in OrgType.choices
        ),
        dashboards.Figure(DUE, _("annual reports due"), "count", drill=_inspections_url),
        dashboards.Figure(SUBMITTED, _("annual report submission rate"), "rate", drill=_inspections_url),
        dashboards.Figure(QUALIFIED, _("annual inspection pass rate"), "rate", drill=_inspections_url),
        dashboards.Figure(
            OUTSTANDING,
            _("annual reports not submitted"),
            "stock",
            drill=lambda a, f=None, t=None: _inspections_url(a, overdue="on"),
        ),
    ],
    order=30,
    capability="orgs.view",
)
