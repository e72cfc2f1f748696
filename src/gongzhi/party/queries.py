"""Read side of the party app: scoped lists, rates by area and period, boards, coverage, eligibility."""

import datetime as dt
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
    ReportIn,
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
    """report rate = in-service members living in the area who reported in ÷ in-service members living there;
    participation rate = reported members with ≥ 1 recorded service in the period ÷ reported members."""
    if quarter:
        from .actions.reporting import quarter_range

        start, end = quarter_range(year, quarter)
    else:
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    in_area = PartyMember.objects.filter(
        subtree_q("area_path", area.path), status=PartyMember.Status.IN_SERVICE, is_active=True
    )
    in_service = in_area.count()
    reported_ids = ReportIn.objects.filter(
        subtree_q("area_path", area.path), state=ReportIn.State.ACCEPTED, decided_at__date__lte=end
    ).values("member_id")
    reported = in_area.filter(pk__in=reported_ids).count()
    active = (
        ServiceRecord.objects.filter(
            member_id__in=in_area.filter(pk__in=reported_ids).values("id"), served_on__range=(start, end)
        )
        .values("member_id")
        .distinct()
        .count()
    )
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
    and organizations without regular activity (no service record of their members, no deliberation) in the year."""
    in_area = subtree_q("area_path", area.path)
    orgs = PartyOrganization.objects.filter(in_area, is_active=True)
    units_with_org = set(orgs.exclude(stationed_unit=None).values_list("stationed_unit_id", flat=True))
    socs_with_org = set(
        orgs.exclude(social_organization=None).values_list("social_organization_id", flat=True)
    )
    members = PartyMember.objects.filter(is_active=True)
    units = [
        u
        for u in StationedUnit.objects.filter(in_area).exclude(pk__in=units_with_org)
        if members.filter(workplace_name=u.name).exists()
    ]
    socs = [
        s
        for s in SocialOrganization.objects.filter(in_area).exclude(pk__in=socs_with_org)
        if members.filter(workplace_name=s.name).exists()
    ]
    residential_paths = list(
        orgs.filter(kind__in=PartyOrganization.RESIDENTIAL_KINDS).values_list("area_path", flat=True)
    )
    compounds = []
    for compound in Area.objects.subtree(area).filter(kind="compound"):
        if any(compound.path.startswith(p) for p in residential_paths):
            continue
        if members.filter(subtree_q("area_path", compound.path)).exists():
            compounds.append(compound)
    from .models import Deliberation

    active_orgs = set(
        ServiceRecord.objects.filter(served_on__year=year).values_list("organization_id", flat=True)
    ) | set(
        Deliberation.objects.filter(month__startswith=f"{year}-").values_list("organization_id", flat=True)
    )
    active_orgs |= set(
        ServiceRecord.objects.filter(served_on__year=year).values_list("member__organization_id", flat=True)
    )
    inactive = [o for o in orgs.order_by("name") if o.pk not in active_orgs]
    return {
        "units": units,
        "organizations": socs,
        "compounds": compounds,
        "inactive": inactive,
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
