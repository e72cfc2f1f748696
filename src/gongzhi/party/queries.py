"""Read side of the party app: scoped lists, rates by area and period, boards, coverage, eligibility."""

from decimal import Decimal

from django.db.models import Count, Q, Sum

from gongzhi.areas.models import Area, subtree_q
from gongzhi.core import policy, rollups
from gongzhi.orgs.models import SocialOrganization, StationedUnit

from . import permissions as P
from .models import (
    PartyMember,
    PartyOrganization,
    PointsEntry,
    Receipt,
    ServiceRecord,
    SixActsCommitment,
    SixActsRecord,
)


def organizations_for(user, qs=None):
    """Organizations the user may see: by area assignments (subtree) or their own organizations and
    everything below them (two levels deep is the real tree: working committee → committee → branch)."""
    qs = PartyOrganization.objects.all() if qs is None else qs
    if user is None or policy._is_superuser(user):
        return qs
    q = Q(pk__in=[])
    for path in policy.area_paths(user, P.VIEW) or []:
        q |= subtree_q("area_path", path)
    own = {i for kind, i in policy.body_scopes(user, P.VIEW) if kind == "party_organization"}
    if own:
        q |= Q(pk__in=own) | Q(parent_id__in=own) | Q(parent__parent_id__in=own)
    return qs.filter(q)


def one_plus_three(working_committee: PartyOrganization) -> dict:
    """The "1+3" structure: the working committee and its administrative group, comprehensive
    committee and residential-area organizations (with the units each leads)."""
    children = list(working_committee.children.filter(is_active=True).order_by("kind", "name"))
    K = PartyOrganization.Kind
    return {
        "one": working_committee,
        "administrative": [c for c in children if c.kind == K.ADMINISTRATIVE_GROUP],
        "comprehensive": [c for c in children if c.kind == K.COMPREHENSIVE_COMMITTEE],
        "residential": [c for c in children if c.is_residential],
        "other": [
            c
            for c in children
            if c.kind not in (K.ADMINISTRATIVE_GROUP, K.COMPREHENSIVE_COMMITTEE) and not c.is_residential
        ],
    }


def rates(area: Area, year: int, quarter: int | None = None) -> dict:
    """Report and participation rates of the area's subtree, read from the party rollups (`figures`).

    report rate = in-service members living in the area who reported in ÷ in-service members living
    there (both stocks at the period's end); participation rate = members with ≥ 1 service record
    from 1 January to the period's end ÷ reported members (participation is per calendar year).
    """
    from . import figures

    last_month = 12 if not quarter else quarter * 3
    end = f"{year:04d}-{last_month:02d}"
    in_service = int(figures.read(area, figures.MEMBERS, figures.BEGINNING, end)[0])
    reported = int(figures.read(area, figures.REPORTED, figures.BEGINNING, end)[0])
    active = int(figures.read(area, figures.ACTIVE, f"{year:04d}-01", end)[0])
    return {
        "area": area,
        "year": year,
        "quarter": quarter,
        "in_service": in_service,
        "reported": reported,
        "active": active,
        "report_rate": rollups.rate(reported, in_service),
        "participation_rate": rollups.rate(active, reported),
        "report_rate_display": rollups.rate_display(reported, in_service),
        "participation_rate_display": rollups.rate_display(active, reported),
    }


def six_acts_board(org: PartyOrganization, year: int) -> list[dict]:
    rows = []
    for c in (
        SixActsCommitment.objects.filter(organization=org, year=year)
        .select_related("member__person")
        .order_by("member__person__name")
    ):
        done = set(SixActsRecord.objects.filter(commitment=c).values_list("act", flat=True))
        rows.append(
            {
                "commitment": c,
                "member": c.member,
                "done": done,
                "count": len(done),
                "complete": len(done) == 6,
            }
        )
    return rows


def six_acts_summary(rows) -> dict:
    total = len(rows)
    complete = sum(1 for r in rows if r["complete"])
    return {"members": total, "complete": complete, "rate": rollups.rate_display(complete, total)}


def points_totals(org: PartyOrganization, year: int) -> list[dict]:
    from .models import PointsScheme

    scheme = PointsScheme.objects.filter(organization=org, year=year).first()
    base = scheme.base_points if scheme else Decimal(0)
    sums = dict(
        PointsEntry.objects.filter(organization=org, year=year)
        .values("member_id")
        .annotate(s=Sum("points"))
        .values_list("member_id", "s")
    )
    members = PartyMember.objects.filter(pk__in=list(sums)).select_related("person").order_by("person__name")
    return [{"member": m, "total": base + (sums.get(m.pk) or 0)} for m in members]


def receipts_at_workplace(org: PartyOrganization):
    return Receipt.objects.filter(report__workplace_organization=org).select_related(
        "report", "report__member__person", "report__receiving"
    )


def coverage(area: Area, year: int) -> dict:
    """有党员的地方就有党组织: units, organizations and compounds with members but no party organization,
    and organizations without regular activity (no service record of their members, no deliberation) in the year.

    A fixed number of queries whatever the size of the area (names and paths are matched in memory)."""
    from .models import Deliberation

    in_area = subtree_q("area_path", area.path)
    orgs = list(PartyOrganization.objects.filter(in_area, is_active=True).order_by("name"))
    units_with_org = {o.stationed_unit_id for o in orgs if o.stationed_unit_id}
    socs_with_org = {o.social_organization_id for o in orgs if o.social_organization_id}
    members = PartyMember.objects.filter(is_active=True)
    units = list(StationedUnit.objects.filter(in_area).exclude(pk__in=units_with_org).order_by("name"))
    socs = list(SocialOrganization.objects.filter(in_area).exclude(pk__in=socs_with_org).order_by("name"))
    names = {u.name for u in units} | {s.name for s in socs}
    staffed = (
        set(members.filter(workplace_name__in=names).values_list("workplace_name", flat=True).distinct())
        if names
        else set()
    )
    residential_paths = [o.area_path for o in orgs if o.kind in PartyOrganization.RESIDENTIAL_KINDS]
    candidates = [
        c
        for c in Area.objects.subtree(area).filter(kind="compound").order_by("path")
        if not any(c.path.startswith(p) for p in residential_paths)
    ]
    lengths = {len(c.path) for c in candidates}
    member_paths = (
        set(members.filter(in_area).values_list("area_path", flat=True).distinct()) if candidates else set()
    )
    inhabited = {p[:n] for p in member_paths for n in lengths}
    compounds = [c for c in candidates if c.path in inhabited]
    served = ServiceRecord.objects.filter(served_on__year=year)
    active_orgs = set(served.values_list("organization_id", flat=True).distinct())
    active_orgs |= set(served.values_list("member__organization_id", flat=True).distinct())
    active_orgs |= set(
        Deliberation.objects.filter(month__startswith=f"{year}-").values_list("organization_id", flat=True)
    )
    return {
        "units": [u for u in units if u.name in staffed],
        "organizations": [s for s in socs if s.name in staffed],
        "compounds": compounds,
        "inactive": [o for o in orgs if o.pk not in active_orgs],
        "year": year,
        "area": area,
    }


def member_counts(org: PartyOrganization) -> dict:
    rows = dict(
        PartyMember.objects.filter(organization=org, is_active=True)
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {s: rows.get(s, 0) for s in PartyMember.Status.values}
