"""Read side of the three-gives pages: open tasks for a member or a unit, the units a user acts for,
nomination candidates, the representative meeting's share of units' seats, where a unit reports to."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils import timezone

from gongzhi.accounts.roles import ScopeKind
from gongzhi.areas import paths
from gongzhi.areas.models import subtree_q
from gongzhi.core import policy

from . import permissions as P
from .models import CommunityTask, PartyMember, PartyOrganization

K = PartyOrganization.Kind
UNIT_KINDS = (K.UNIT, K.SOCIAL_ORGANIZATION)
RECEIVING_KINDS = (K.WORKING_COMMITTEE, K.COMPREHENSIVE_COMMITTEE)
# Seats on the representative meeting that count as units' representatives (the ≥ half rule).
UNIT_REPRESENTS = ("unit",)


def path_prefixes(path: str) -> list[str]:
    """The area path and those of every area above it."""
    return [*paths.ancestors(path), path] if path else []


def _open_tasks(audiences, area_path: str, org_ids) -> "CommunityTask.objects":
    return CommunityTask.objects.filter(
        Q(area_path__in=path_prefixes(area_path)) | Q(organization_id__in=org_ids),
        state=CommunityTask.State.OPEN,
        audience__in=audiences,
        due_on__gte=timezone.localdate(),
    ).select_related("organization")


def open_tasks_for_member(member: PartyMember):
    """Open tasks for members published by an organization over the member's home or above their own
    organization."""
    chain = [member.organization_id, *(o.pk for o in member.organization.ancestors())]
    return _open_tasks((CommunityTask.Audience.MEMBERS, CommunityTask.Audience.BOTH), member.area_path, chain)


def open_tasks_for_unit(unit_org: PartyOrganization):
    chain = [o.pk for o in unit_org.ancestors()]
    return _open_tasks((CommunityTask.Audience.UNITS, CommunityTask.Audience.BOTH), unit_org.area_path, chain)


def unit_organizations_for(user, limit=100) -> list[PartyOrganization]:
    """Units' and organizations' party organizations the user may act for (liaison or secretary)."""
    qs = PartyOrganization.objects.filter(kind__in=UNIT_KINDS, is_active=True).select_related(
        "area", "parent"
    )
    if user is None or policy._is_superuser(user):
        return list(qs.order_by("name")[:limit])
    q = Q(pk__in=[])
    for cap in (P.MANAGE, P.UNIT_ACT):
        for path in policy.area_paths(user, cap) or []:
            q |= subtree_q("area_path", path)
    own = policy.body_ids(user, P.MANAGE, ScopeKind.PARTY_ORGANIZATION) | policy.body_ids(
        user, P.UNIT_ACT, ScopeKind.PARTY_ORGANIZATION
    )
    if own:
        q |= Q(pk__in=own) | Q(parent_id__in=own) | Q(parent__parent_id__in=own)
    units = policy.body_ids(user, P.UNIT_ACT, ScopeKind.STATIONED_UNIT)
    if units:
        q |= Q(stationed_unit_id__in=units)
    orgs = policy.body_ids(user, P.UNIT_ACT, ScopeKind.SOCIAL_ORGANIZATION)
    if orgs:
        q |= Q(social_organization_id__in=orgs)
    return [o for o in qs.filter(q).order_by("name")[:limit] if P.can_act_for_unit(user, o)]


def managed_organizations(user, limit=50) -> list[PartyOrganization]:
    """Organizations the user runs (for the gives landing page): their own first, then by area."""
    from .queries import organizations_for

    qs = organizations_for(user, PartyOrganization.objects.filter(is_active=True)).select_related("area")
    return [o for o in qs.order_by("area_path", "name")[: limit * 2] if P.can_manage(user, o)][:limit]


def receiving_choices(unit_org: PartyOrganization):
    """The working or comprehensive committees over the unit's area: where a unit reports to."""
    return PartyOrganization.objects.filter(
        kind__in=RECEIVING_KINDS, is_active=True, area_path__in=path_prefixes(unit_org.area_path)
    ).order_by("kind", "name")


def nominee_organizations(org: PartyOrganization):
    """Organizations an awarding organization may nominate: those in its area's subtree (an index range;
    a street holds hundreds of party organizations, not more)."""
    return (
        PartyOrganization.objects.filter(subtree_q("area_path", org.area_path), is_active=True)
        .exclude(pk=org.pk)
        .order_by("name")
    )


def nominee_members_qs(org: PartyOrganization):
    """Members living in the organization's area or belonging to an organization there."""
    org_ids = PartyOrganization.objects.filter(subtree_q("area_path", org.area_path)).values("id")
    return PartyMember.objects.filter(
        Q(subtree_q("area_path", org.area_path)) | Q(organization_id__in=org_ids), is_active=True
    ).select_related("person", "organization")


def search_members(org: PartyOrganization, q: str, limit=20) -> list[PartyMember]:
    """Candidates by the start of the name, scoped to the organization's area (an index range, no scan)."""
    q = (q or "").strip()
    if not q:
        return []
    return list(
        nominee_members_qs(org).filter(person__name__startswith=q).order_by("person__name", "id")[:limit]
    )


def percent(n: int, d: int) -> str:
    if not d:
        return "—"
    return f"{(Decimal(n) * 100 / Decimal(d)).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def seat_share(council, on: dt.date | None = None) -> dict:
    """Current seats of the representative meeting and the units' share of them (server-formatted)."""
    on = on or timezone.localdate()
    seats = [s for s in council.seats.order_by("represents", "holder_name", "id") if s.is_current(on)]
    units = sum(1 for s in seats if s.represents in UNIT_REPRESENTS)
    total = len(seats)
    return {
        "seats": seats,
        "units": units,
        "total": total,
        "share": percent(units, total),
        "holds": total == 0 or 2 * units >= total,
        # How many more residents' (non-unit) seats the rule allows now.
        "room": max(0, 2 * units - total),
    }
