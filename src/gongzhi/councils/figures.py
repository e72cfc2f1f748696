"""Councils figures in rollups: meetings held, resolutions adopted, action items open, overdue and done.

Each row's contribution is a pure function of a small snapshot of it (`*_cells`); a rebuild sums
every row's contribution and a subscriber adds "after − before" for the row an action changed, so
both agree by construction. Counted where the row is (its area), per month:

- ``councils.meetings``         meetings held, in the month the meeting started;
- ``councils.resolutions``      resolutions adopted (by vote or recorded), in the month decided;
- ``councils.actions.open``     stock: action items not finished (not started or in progress), in
                                the month of their resolution; −1 when done or cancelled;
- ``councils.actions.overdue``  stock: unfinished items flagged overdue (``is_overdue``: set by the
                                sweep `councils.action_items` and by the actions when the due date has
                                passed; cleared on completion, cancellation or a later due date), in
                                the item's due month;
- ``councils.actions.done``     action items completed, in the month completed.
"""

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from gongzhi.core import dashboards, events, rollups

from .models import ActionItem, Meeting, Resolution

MEETINGS = "councils.meetings"
RESOLUTIONS = "councils.resolutions"
OPEN = "councils.actions.open"
OVERDUE = "councils.actions.overdue"
DONE = "councils.actions.done"
ITEM_FIGURES = (OPEN, OVERDUE, DONE)
UNFINISHED = {ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS}


def _cells() -> dict:
    return defaultdict(lambda: [Decimal(0), Decimal(0)])


def item_snapshot(item) -> dict:
    return {
        "area_id": item.area_id,
        "status": item.status,
        "overdue": bool(item.is_overdue),
        "due": rollups.period_of(item.due_on),
        "completed": rollups.period_of(item.completed_on) if item.completed_on else None,
        "decided": rollups.period_of(item.resolution.decided_on),
    }


def item_cells(snap: dict | None) -> dict:
    out = _cells()
    if not snap:
        return out
    area = snap["area_id"]
    if snap["status"] in UNFINISHED:
        out[(area, OPEN, snap["decided"])][0] += 1
        if snap["overdue"]:
            out[(area, OVERDUE, snap["due"])][0] += 1
    if snap["status"] == ActionItem.Status.DONE and snap["completed"]:
        out[(area, DONE, snap["completed"])][0] += 1
    return out


def add_difference(before: dict, after: dict) -> int:
    """Append after − before as deltas (unchanged cells skipped); return the deltas written."""
    written = 0
    for cell in set(before) | set(after):
        b, a = before.get(cell, (0, 0)), after.get(cell, (0, 0))
        if a[0] - b[0] or a[1] - b[1]:
            rollups.add_delta(cell[0], cell[1], cell[2], a[0] - b[0], a[1] - b[1])
            written += 1
    return written


# --- subscribers ---------------------------------------------------------------------------------
@events.subscribe("meeting.held")
def _on_held(event):
    rollups.add_delta(event["area_id"], MEETINGS, event["period"], 1)


def _count_resolution(resolution_id) -> None:
    r = Resolution.objects.filter(pk=resolution_id).first()
    if r is not None:
        rollups.add_delta(r.area_id, RESOLUTIONS, rollups.period_of(r.decided_on), 1)


@events.subscribe("resolution.recorded")
def _on_resolution(event):
    _count_resolution(event["resolution_id"])


@events.subscribe("councils.motion_closed")
def _on_motion_closed(event):
    if event.get("resolution_id"):
        _count_resolution(event["resolution_id"])


@events.subscribe("action_item.changed")
def _on_item_changed(event):
    """payload: changes=[(snapshot before or None, snapshot after)], taken by the action."""
    for before, after in event["changes"]:
        add_difference(item_cells(before), item_cells(after))


# --- rebuild --------------------------------------------------------------------------------------
def _count_by(rows) -> dict:
    out: dict = {}
    for area_id, moment in rows:
        key = (area_id, rollups.period_of(moment))
        out[key] = (out.get(key, (0, 0))[0] + 1, 0)
    return out


def _recompute_meetings() -> dict:
    return _count_by(Meeting.objects.filter(state=Meeting.State.HELD).values_list("area_id", "starts_at"))


def _recompute_resolutions() -> dict:
    return _count_by(Resolution.objects.values_list("area_id", "decided_on"))


def compute_items() -> dict:
    out = _cells()
    rows = ActionItem.objects.values_list(
        "area_id", "status", "is_overdue", "due_on", "completed_on", "resolution__decided_on"
    ).order_by()
    for area_id, status, overdue, due, completed, decided in rows.iterator(chunk_size=2000):
        snap = {
            "area_id": area_id,
            "status": status,
            "overdue": overdue,
            "due": rollups.period_of(due),
            "completed": rollups.period_of(completed) if completed else None,
            "decided": rollups.period_of(decided),
        }
        for key, (num, den) in item_cells(snap).items():
            out[key][0] += num
            out[key][1] += den
    return out


def _recompute_item(name: str):
    def recompute():
        return {(a, p): (v[0], v[1]) for (a, f, p), v in compute_items().items() if f == name}

    return recompute


rollups.register_figure(MEETINGS, _recompute_meetings)
rollups.register_figure(RESOLUTIONS, _recompute_resolutions)
for _name in ITEM_FIGURES:
    rollups.register_figure(_name, _recompute_item(_name))


# --- dashboard --------------------------------------------------------------------------------------
def _meetings_url(area, period_from=None, period_to=None) -> str:
    return dashboards.list_url("councils:meetings") + "?when=past"


def _accountability_url(area, period_from=None, period_to=None) -> str:
    return f"{dashboards.list_url('councils_outcomes:accountability')}?area={area.pk}"


dashboards.register_section(
    "councils",
    _("Deliberation and accountability"),
    [
        dashboards.Figure(MEETINGS, _("meetings held"), "count", drill=_meetings_url),
        dashboards.Figure(RESOLUTIONS, _("resolutions adopted"), "count", drill=_accountability_url),
        dashboards.Figure(OPEN, _("action items open"), "stock", drill=_accountability_url),
        dashboards.Figure(OVERDUE, _("action items overdue"), "stock", drill=_accountability_url),
        dashboards.Figure(DONE, _("action items done"), "count", drill=_accountability_url),
    ],
    order=50,
    capability="councils.view",
)
