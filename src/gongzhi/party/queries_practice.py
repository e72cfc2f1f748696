"""Read side of the practice pages: who may see what, the members a points or violation form offers,
yearly points totals per page of members, assessments in the user's scope, pledges and the project board."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum

from gongzhi.areas.models import subtree_q
from gongzhi.core import policy

from . import permissions as P
from .actions.practice import require_handbook_view
from .models import (
    Assessment,
    PartyMember,
    PartyOrganization,
    PartyProject,
    Pledge,
    PointsEntry,
    PointsScheme,
    ReportIn,
    Violation,
)

OPINION_KINDS = (
    PartyOrganization.Kind.UNIT,
    PartyOrganization.Kind.ADMINISTRATIVE_GROUP,
    PartyOrganization.Kind.SOCIAL_ORGANIZATION,
)


# --- members ------------------------------------------------------------------------------------------
def reported_members(org: PartyOrganization):
    """Members whose report slip this organization accepted (the ones its committee records violations for)."""
    return PartyMember.objects.filter(
        is_active=True,
        pk__in=ReportIn.objects.filter(receiving=org, state=ReportIn.State.ACCEPTED).values("member_id"),
    )


def points_members(org: PartyOrganization):
    """Members whose handbook this organization keeps: its own members and those who reported in to it."""
    reported = ReportIn.objects.filter(receiving=org, state=ReportIn.State.ACCEPTED).values("member_id")
    return PartyMember.objects.filter(Q(organization=org) | Q(pk__in=reported), is_active=True)


def scheme_orgs(members, year: int) -> dict[int, PointsScheme | None]:
    """The scheme that applies to each member (the rule of `_scheme_for`, in three queries for a page)."""
    ids = [m.pk for m in members]
    reported = dict(
        ReportIn.objects.filter(member_id__in=ids, state=ReportIn.State.ACCEPTED).values_list(
            "member_id", "receiving_id"
        )
    )
    org_ids = set(reported.values()) | {m.organization_id for m in members}
    schemes = {
        s.organization_id: s for s in PointsScheme.objects.filter(organization_id__in=org_ids, year=year)
    }
    out = {}
    for m in members:
        candidates = [reported[m.pk]] if m.pk in reported else []
        candidates.append(m.organization_id)
        out[m.pk] = next((schemes[o] for o in candidates if o in schemes), None)
    return out


def points_rows(members: list, year: int) -> list[dict]:
    """Yearly total per member (the scheme's base plus every entry of the year), as the handbook counts it."""
    sums = dict(
        PointsEntry.objects.filter(member_id__in=[m.pk for m in members], year=year)
        .values("member_id")
        .annotate(s=Sum("points"))
        .values_list("member_id", "s")
    )
    schemes = scheme_orgs(members, year)
    rows = []
    for m in members:
        scheme = schemes.get(m.pk)
        base = scheme.base_points if scheme else Decimal(0)
        earned = sums.get(m.pk) or Decimal(0)
        rows.append({"member": m, "base": base, "earned": earned, "total": base + earned, "scheme": scheme})
    return rows


def can_see_handbook(user, member: PartyMember, year: int) -> bool:
    """The member, managers of their own or workplace organization, or of the organization whose rules
    apply to them (the residential-area committee they reported to)."""
    try:
        require_handbook_view(user, member)
    except PermissionDenied:
        scheme = scheme_orgs([member], year).get(member.pk)
        return bool(scheme and P.can_manage(user, scheme.organization))
    return True


# --- violations ---------------------------------------------------------------------------------------
def can_see_violation(user, v: Violation) -> bool:
    if v.member.person.user_id == user.pk:
        return True
    return P.can_manage(user, v.organization) or P.can_manage(user, v.member.organization)


# --- assessments --------------------------------------------------------------------------------------
def assessments_for(user):
    """Assessments whose opinion organization the user manages, or organizes in its area."""
    qs = Assessment.objects.select_related("opinion_organization")
    if user is None or policy._is_superuser(user):
        return qs
    q = Q(pk__in=[])
    for cap in (P.MANAGE, P.ORGANIZE):
        for path in policy.area_paths(user, cap) or []:
            q |= subtree_q("opinion_organization__area_path", path)
    own = {i for kind, i in policy.body_scopes(user, P.MANAGE) if kind == "party_organization"}
    if own:
        q |= (
            Q(opinion_organization_id__in=own)
            | Q(opinion_organization__parent_id__in=own)
            | Q(opinion_organization__parent__parent_id__in=own)
        )
    return qs.filter(q)


def can_request_opinion(user, org: PartyOrganization) -> bool:
    return P.can_manage(user, org) or policy.can(user, P.ORGANIZE, area=org.area)


def opinion_organizations_for(user):
    """Organizations the user may ask for an opinion: units', organizations' and administrative groups
    in the areas where they manage or organize, or led by the organizations they manage."""
    qs = PartyOrganization.objects.filter(kind__in=OPINION_KINDS, is_active=True)
    if user is None or policy._is_superuser(user):
        return qs.order_by("name")
    q = Q(pk__in=[])
    for cap in (P.MANAGE, P.ORGANIZE):
        for path in policy.area_paths(user, cap) or []:
            q |= subtree_q("area_path", path)
    own = {i for kind, i in policy.body_scopes(user, P.MANAGE) if kind == "party_organization"}
    if own:
        q |= Q(pk__in=own) | Q(parent_id__in=own) | Q(parent__parent_id__in=own)
    return qs.filter(q).order_by("name")


# --- pledges ------------------------------------------------------------------------------------------
def pledges_of(org: PartyOrganization):
    """Pledges of the organization's members (public within the organization)."""
    return Pledge.objects.filter(member__organization=org).select_related("member__person")


# --- projects -----------------------------------------------------------------------------------------
def project_board(org: PartyOrganization):
    """The organization's projects with milestones done / total."""
    return (
        PartyProject.objects.filter(organization=org)
        .annotate(
            total=Count("milestones", distinct=True),
            done=Count("milestones", filter=Q(milestones__done_on__isnull=False), distinct=True),
        )
        .prefetch_related("participants")
    )


def participating_in(org: PartyOrganization):
    return (
        PartyProject.objects.filter(participants=org).exclude(organization=org).select_related("organization")
    )


def participant_choices(owner: PartyOrganization):
    """Organizations that may join a project: the active ones of the owner's street/town (else its subtree)."""
    qs = PartyOrganization.objects.filter(is_active=True).exclude(pk=owner.pk)
    if owner.street_id:
        return qs.filter(street_id=owner.street_id).order_by("name")
    return qs.filter(subtree_q("area_path", owner.area_path)).order_by("name")
