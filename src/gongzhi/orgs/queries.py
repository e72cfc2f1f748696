"""Read side of the orgs registry: scoped lists with filters, history, overdue reports, to-do counts.

A viewer sees the rows inside the area subtrees where a role gives them the capability, plus the
bodies a body-scoped role names (an organization's own staff see their organization; a unit's
liaison sees their unit). Lists are ordered for the keyset paginator and use the (area_path, name, id)
indexes; the name search is a substring match, always inside the viewer's scope and the chosen area.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from gongzhi.accounts.roles import ScopeKind
from gongzhi.areas import queries as area_queries
from gongzhi.areas.models import Area, AreaKind, subtree_q
from gongzhi.core import policy

from . import permissions as P
from .models import AnnualInspection, FiledTeam, OrgStatusChange, SocialOrganization, StationedUnit

ORG_ORDERING = ("name",)
TEAM_ORDERING = ("name",)
UNIT_ORDERING = ("name",)
INSPECTION_ORDERING = ("due_on",)
OPEN_STATES = (AnnualInspection.State.DRAFT, AnnualInspection.State.RETURNED)
# Areas a form offers: below these kinds the lists would run into thousands of compounds and grids.
ORG_AREA_KINDS = (AreaKind.DISTRICT, AreaKind.STREET, AreaKind.TOWN, AreaKind.COMMUNITY)
TEAM_AREA_KINDS = (
    AreaKind.STREET,
    AreaKind.TOWN,
    AreaKind.COMMUNITY,
    AreaKind.RESIDENTS_COMMITTEE,
    AreaKind.VILLAGE_COMMITTEE,
)


def _area_q(user, capability: str, prefix: str = "area_path") -> Q | None:
    paths = policy.area_paths(user, capability)
    if paths is None:
        return None
    q = Q(pk__in=[])
    for p in paths:
        q |= subtree_q(prefix, p)
    return q


def org_scope_q(user, capability: str = P.VIEW_REGISTRY) -> Q | None:
    """Organizations the user may see: area subtrees, own organizations, and (for a unit's liaison)
    the organizations of the unit's street/town. None means everything (superuser, system)."""
    q = _area_q(user, capability)
    if q is None:
        return None
    scopes = policy.body_scopes(user, capability)
    org_ids = [i for kind, i in scopes if kind == ScopeKind.SOCIAL_ORGANIZATION]
    if org_ids:
        q |= Q(pk__in=org_ids)
    unit_ids = [i for kind, i in scopes if kind == ScopeKind.STATIONED_UNIT]
    for street_id in StationedUnit.objects.filter(pk__in=unit_ids).values_list("street_id", flat=True):
        if street_id:
            q |= Q(street_id=street_id)
    return q


def own_organization_ids(user) -> list[int]:
    """Organizations the user works for (org_staff body scopes)."""
    return sorted(
        i
        for kind, i in policy.body_scopes(user, P.SUBMIT_INSPECTION)
        if kind == ScopeKind.SOCIAL_ORGANIZATION
    )


def own_unit_ids(user) -> list[int]:
    return sorted(
        i for kind, i in policy.body_scopes(user, P.MANAGE_UNITS) if kind == ScopeKind.STATIONED_UNIT
    )


def _in_area(qs, user, capability, area: Area | None):
    if area is not None:
        if not policy.can(user, capability, area=area):
            raise PermissionDenied
        qs = qs.filter(subtree_q("area_path", area.path))
    return qs


def scope_areas(user, capability: str):
    return area_queries.scope_areas(user, capability)


def form_areas(user, capability: str, kinds, limit: int = 400):
    """Areas a create form may offer: inside the user's scope, of the given kinds, not abolished."""
    return (
        Area.objects.in_paths(policy.area_paths(user, capability))
        .filter(kind__in=list(kinds), abolished_on__isnull=True)
        .order_by("path")[:limit]
    )


# --- organizations -------------------------------------------------------------------------------
def organizations_for(
    user,
    area: Area | None = None,
    *,
    org_type=None,
    subtype=None,
    status=None,
    grade=None,
    form=None,
    q: str | None = None,
):
    qs = SocialOrganization.objects.select_related("area")
    scope = org_scope_q(user)
    if scope is not None:
        qs = qs.filter(scope)
    qs = _in_area(qs, user, P.VIEW_REGISTRY, area)
    if org_type:
        qs = qs.filter(org_type=org_type)
    if subtype:
        qs = qs.filter(subtype=subtype)
    if status:
        qs = qs.filter(status=status)
    if grade == "none":
        qs = qs.filter(evaluation_grade="")
    elif grade:
        qs = qs.filter(evaluation_grade=grade)
    if form:
        qs = qs.filter(form=form)
    text = (q or "").strip()
    if text:
        compact = text.replace(" ", "").upper()
        if len(compact) == 18 and compact.isalnum():
            qs = qs.filter(Q(uscc=compact) | Q(name__contains=text))
        else:
            qs = qs.filter(name__contains=text)
    return qs


def can_view_org(user, org) -> bool:
    if policy.can(user, P.VIEW_REGISTRY, body=org):
        return True
    scope = org_scope_q(user)
    return scope is None or SocialOrganization.objects.filter(scope, pk=org.pk).exists()


def history_of(org):
    return (
        OrgStatusChange.objects.filter(organization=org)
        .select_related("recorded_by")
        .order_by("-effective_on", "-id")
    )


# --- filed teams and units -----------------------------------------------------------------------
def teams_for(user, area: Area | None = None, *, status=None, q: str | None = None):
    qs = FiledTeam.objects.select_related("area")
    scope = _area_q(user, P.VIEW_TEAMS)
    if scope is not None:
        qs = qs.filter(scope)
    qs = _in_area(qs, user, P.VIEW_TEAMS, area)
    if status:
        qs = qs.filter(status=status)
    if (q or "").strip():
        qs = qs.filter(name__contains=q.strip())
    return qs


def units_for(user, area: Area | None = None, *, kind=None, q: str | None = None, party=None):
    qs = StationedUnit.objects.select_related("area", "liaison")
    scope = _area_q(user, P.VIEW_UNITS)
    if scope is not None:
        unit_ids = [i for k, i in policy.body_scopes(user, P.VIEW_UNITS) if k == ScopeKind.STATIONED_UNIT]
        qs = qs.filter(scope | Q(pk__in=unit_ids))
    qs = _in_area(qs, user, P.VIEW_UNITS, area)
    if kind:
        qs = qs.filter(kind=kind)
    if party in (True, False):
        qs = qs.filter(has_party_organization=party)
    if (q or "").strip():
        qs = qs.filter(name__contains=q.strip())
    return qs


# --- annual inspection ---------------------------------------------------------------------------
def inspections_for(user, area: Area | None = None, *, year=None, state=None, overdue=False, result=None):
    qs = AnnualInspection.objects.select_related("organization", "area")
    scope = _area_q(user, P.VIEW_INSPECTIONS)
    if scope is not None:
        qs = qs.filter(scope | Q(organization_id__in=own_organization_ids(user)))
    qs = _in_area(qs, user, P.VIEW_INSPECTIONS, area)
    if year:
        qs = qs.filter(year=year)
    if overdue:
        qs = qs.filter(state__in=OPEN_STATES, due_on__lt=timezone.localdate())
    elif state:
        qs = qs.filter(state=state)
    if result:
        qs = qs.filter(result=result)
    return qs


def is_overdue(inspection, today: dt.date | None = None) -> bool:
    return inspection.state in OPEN_STATES and inspection.due_on < (today or timezone.localdate())


def can_view_inspection(user, inspection) -> bool:
    return policy.can(user, P.VIEW_INSPECTIONS, body=inspection.organization)


def default_year() -> int:
    """Reports are filed in the year after the one they cover."""
    return timezone.localdate().year - 1


def reports_to_review(user) -> int:
    """Submitted reports in the reviewer's areas (the (year, state, area_path) index)."""
    paths = policy.area_paths(user, P.REVIEW_INSPECTION)
    if paths == []:
        return 0
    qs = AnnualInspection.objects.filter(state=AnnualInspection.State.SUBMITTED)
    if paths is not None:
        q = Q(pk__in=[])
        for p in paths:
            q |= subtree_q("area_path", p)
        qs = qs.filter(q)
    return qs.count()


def reports_due(user) -> list[AnnualInspection]:
    """The open reports of the user's own organizations."""
    ids = own_organization_ids(user)
    if not ids:
        return []
    return list(
        AnnualInspection.objects.filter(organization_id__in=ids, state__in=OPEN_STATES)
        .select_related("organization")
        .order_by("due_on", "id")[:20]
    )
