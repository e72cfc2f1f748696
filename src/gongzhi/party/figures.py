"""Party figures in rollups: members in service, reported members, participation, six acts, points.

Counted per area and month (`core.rollups`), each a pure function of the rows it counts, so a
rebuild (`compute_*`) and the live deltas agree by construction:

- ``party.members``   stock: in-service, active members, by home area, +1 in the month the member
                      was registered; a status change moves the member in or out of the stock
                      (dated at registration: the stock follows the member's current status).
- ``party.reported``  stock: in-service members whose report slip was accepted (receipt issued), in
                      the slip's area (where the member lives, inside the receiving organization's
                      area) and the month accepted; it follows the member's status like the above.
- ``party.active``    participation, **per calendar year**: +1 in the month of a member's FIRST
                      service record of that year (in that record's area), so the months of one year
                      sum to the distinct members with ≥ 1 activity; a record back-dated before the
                      first moves the +1 to its month. Sums across years count a member once a year.
- ``party.sixacts``   six acts: commitments of the year (denominator, in the month committed, kept
                      inside the commitment's year) and commitments with all six acts done
                      (numerator, in the month of the last act done), by the member's home area.
- ``party.points``    points earned (automatic and manual entries), by the member's home area, in the
                      month the entry was made.

The party actions call the `*_changed`/`count_*` functions inside their own transaction: a delta
commits or rolls back with the row it counts, and pages read it at once (`include_pending=True`).
Imports of members write rows in bulk: the party figures are rebuilt after a ``party_members`` import.
"""

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from gongzhi.core import dashboards, events, rollups

from .models import PartyMember, PointsEntry, ReportIn, ServiceRecord, SixActsCommitment, SixActsRecord

MEMBERS = "party.members"
REPORTED = "party.reported"
ACTIVE = "party.active"
SIXACTS = "party.sixacts"
POINTS = "party.points"
FIGURES = (MEMBERS, REPORTED, ACTIVE, SIXACTS, POINTS)
BEGINNING = "0001-01"


def _cells() -> dict:
    return defaultdict(lambda: [Decimal(0), Decimal(0)])


def _add(changes: dict) -> int:
    written = 0
    for (area_id, figure, period), (num, den) in changes.items():
        if num or den:
            rollups.add_delta(area_id, figure, period, num, den)
            written += 1
    return written


def _difference(before: dict, after: dict) -> dict:
    out = _cells()
    for cell in set(before) | set(after):
        b, a = before.get(cell, (0, 0)), after.get(cell, (0, 0))
        out[cell][0] += a[0] - b[0]
        out[cell][1] += a[1] - b[1]
    return out


# --- members and reporting ---------------------------------------------------------------------------
def _counted(status, is_active) -> bool:
    return status == PartyMember.Status.IN_SERVICE and bool(is_active)


def member_snapshot(member) -> dict:
    report = (
        ReportIn.objects.filter(member_id=member.pk, state=ReportIn.State.ACCEPTED)
        .values_list("area_id", "decided_at")
        .first()
    )
    return {
        "area_id": member.area_id,
        "counted": _counted(member.status, member.is_active),
        "period": rollups.period_of(member.created_at),
        "report": (report[0], rollups.period_of(report[1])) if report and report[1] else None,
    }


def member_cells(snap: dict | None) -> dict:
    out = _cells()
    if snap and snap["counted"]:
        out[(snap["area_id"], MEMBERS, snap["period"])][0] += 1
        if snap["report"]:
            out[(snap["report"][0], REPORTED, snap["report"][1])][0] += 1
    return out


def member_changed(before: dict | None, member) -> int:
    """Add the member's figures after a change (`before`: `member_snapshot` taken before, or None)."""
    return _add(_difference(member_cells(before), member_cells(member_snapshot(member))))


def compute_members() -> dict:
    out = _cells()
    reports = {
        m: (a, rollups.period_of(d))
        for m, a, d in ReportIn.objects.filter(state=ReportIn.State.ACCEPTED, decided_at__isnull=False)
        .values_list("member_id", "area_id", "decided_at")
        .order_by()
    }
    rows = PartyMember.objects.values_list("id", "area_id", "status", "is_active", "created_at").order_by()
    for pk, area_id, status, active, created in rows.iterator(chunk_size=2000):
        snap = {
            "area_id": area_id,
            "counted": _counted(status, active),
            "period": rollups.period_of(created),
            "report": reports.get(pk),
        }
        for key, (num, den) in member_cells(snap).items():
            out[key][0] += num
            out[key][1] += den
    return out


# --- participation -----------------------------------------------------------------------------------
def _first_of_year(member_id, year, exclude=None):
    qs = ServiceRecord.objects.filter(member_id=member_id, served_on__year=year)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.order_by("served_on", "id").values_list("area_id", "served_on").first()


def count_service(record) -> int:
    """A service record was added: move the member's "first activity of the year" if it is now earlier."""
    year = record.served_on.year
    old = _first_of_year(record.member_id, year, exclude=record.pk)
    new = _first_of_year(record.member_id, year)
    changes = _cells()
    if old == new:
        return 0
    if old:
        changes[(old[0], ACTIVE, rollups.period_of(old[1]))][0] -= 1
    changes[(new[0], ACTIVE, rollups.period_of(new[1]))][0] += 1
    return _add(changes)


def compute_active() -> dict:
    out = _cells()
    seen = set()
    rows = ServiceRecord.objects.order_by("member_id", "served_on", "id").values_list(
        "member_id", "area_id", "served_on"
    )
    for member_id, area_id, served_on in rows.iterator(chunk_size=2000):
        if (member_id, served_on.year) not in seen:
            seen.add((member_id, served_on.year))
            out[(area_id, ACTIVE, rollups.period_of(served_on))][0] += 1
    return out


# --- six acts and points ------------------------------------------------------------------------------
def _in_year(moment, year: int) -> str:
    period = rollups.period_of(moment)
    return min(max(period, f"{year:04d}-01"), f"{year:04d}-12")


def count_commitment(commitment) -> int:
    area_id = PartyMember.objects.values_list("area_id", flat=True).get(pk=commitment.member_id)
    return _add({(area_id, SIXACTS, _in_year(commitment.committed_at, commitment.year)): (0, 1)})


def count_six_act(record) -> int:
    """+1 completion when this record is the sixth act of its commitment (in the last act's month)."""
    records = list(
        SixActsRecord.objects.filter(commitment_id=record.commitment_id).values_list("id", "act", "done_on")
    )
    if len({act for _i, act, _d in records}) < 6 or max(i for i, _a, _d in records) != record.pk:
        return 0
    area_id = PartyMember.objects.values_list("area_id", flat=True).get(commitments__id=record.commitment_id)
    return _add({(area_id, SIXACTS, rollups.period_of(max(d for _i, _a, d in records))): (1, 0)})


def compute_sixacts() -> dict:
    out = _cells()
    done: dict = defaultdict(set)
    last: dict = {}
    for cid, act, day in SixActsRecord.objects.values_list("commitment_id", "act", "done_on").order_by():
        done[cid].add(act)
        last[cid] = max(last.get(cid, day), day)
    rows = SixActsCommitment.objects.values_list("id", "member__area_id", "year", "committed_at").order_by()
    for cid, area_id, year, committed_at in rows.iterator(chunk_size=2000):
        out[(area_id, SIXACTS, _in_year(committed_at, year))][1] += 1
        if len(done.get(cid, ())) >= 6:
            out[(area_id, SIXACTS, rollups.period_of(last[cid]))][0] += 1
    return out


def count_points(entry) -> int:
    area_id = PartyMember.objects.values_list("area_id", flat=True).get(pk=entry.member_id)
    return _add({(area_id, POINTS, rollups.period_of(entry.created_at)): (entry.points, 0)})


def compute_points() -> dict:
    out = _cells()
    rows = PointsEntry.objects.values_list("member__area_id", "created_at", "points").order_by()
    for area_id, created_at, points in rows.iterator(chunk_size=2000):
        out[(area_id, POINTS, rollups.period_of(created_at))][0] += points
    return out


# --- rebuild --------------------------------------------------------------------------------------
COMPUTE = {
    MEMBERS: compute_members,
    REPORTED: compute_members,
    ACTIVE: compute_active,
    SIXACTS: compute_sixacts,
    POINTS: compute_points,
}


def _recompute(name: str):
    def recompute():
        return {(a, p): (v[0], v[1]) for (a, f, p), v in COMPUTE[name]().items() if f == name}

    return recompute


for _name in FIGURES:
    rollups.register_figure(_name, _recompute(_name))


def rebuild_all() -> None:
    for name in FIGURES:
        rollups.rebuild(name)


@events.subscribe("import.completed")
def _on_import(event):
    if event.get("kind") == "party_members":
        rebuild_all()


# --- reading ---------------------------------------------------------------------------------------
def read(area, figure: str, period_from: str, period_to: str):
    """(numerator, denominator) of the area's subtree, pending deltas included (pages must be exact)."""
    return rollups.read(area, figure, period_from, period_to, include_pending=True)


# --- dashboard --------------------------------------------------------------------------------------
def _area_url(area, period_from=None, period_to=None) -> str:
    url = dashboards.list_url("party:area", area.pk)
    return f"{url}?year={period_to[:4]}" if period_to else url


dashboards.register_section(
    "party",
    _("Party building"),
    [
        dashboards.Figure(MEMBERS, _("in-service members living here"), "stock", drill=_area_url),
        dashboards.Figure(REPORTED, _("members reported in"), "stock", drill=_area_url),
        dashboards.Figure(REPORTED, _("report-in rate"), "stock", drill=_area_url, denominator=MEMBERS),
        dashboards.Figure(ACTIVE, _("members active in community service"), "count", drill=_area_url),
        dashboards.Figure(SIXACTS, _("six acts completion rate"), "rate", drill=_area_url),
        dashboards.Figure(POINTS, _("points earned"), "count", drill=_area_url),
    ],
    order=40,
    capability="party.view",
)
