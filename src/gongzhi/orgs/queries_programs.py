"""Read side of the programmes: scoped lists of incubations, venture calls and service contracts.

Officials see the rows inside the area subtrees where they hold orgs.view_programs. Organization
staff see their own organization's records: its incubatees (when it runs an incubator), the calls
published for the areas their organization lies in (to apply), their applications, and the contracts
their organization provides.
"""

from django.db.models import Q

from gongzhi.accounts.roles import ScopeKind
from gongzhi.areas import paths
from gongzhi.areas.models import subtree_q
from gongzhi.core import policy

from .actions.programs import VIEW_PROGRAMS
from .models import Incubation, ServiceContract, SocialOrganization, VentureApplication, VentureCall

INCUBATION_ORDERING = ("-admitted_on",)
CALL_ORDERING = ("-opens_on",)
CONTRACT_ORDERING = ("-starts_on",)


def _area_q(user, prefix="area_path") -> Q | None:
    area_paths = policy.area_paths(user, VIEW_PROGRAMS)
    if area_paths is None:
        return None
    q = Q(pk__in=[])
    for p in area_paths:
        q |= subtree_q(prefix, p)
    return q


def own_org_ids(user) -> list[int]:
    return sorted(
        i for kind, i in policy.body_scopes(user, VIEW_PROGRAMS) if kind == ScopeKind.SOCIAL_ORGANIZATION
    )


def own_orgs(user):
    return SocialOrganization.objects.filter(pk__in=own_org_ids(user)).order_by("name")


def incubations_for(user, state=None):
    qs = Incubation.objects.select_related("incubator", "organization")
    q = _area_q(user)
    if q is not None:
        qs = qs.filter(q | Q(incubator_id__in=own_org_ids(user)))
    return qs.filter(state=state) if state else qs


def calls_for(user, state=None):
    qs = VentureCall.objects.all()
    q = _area_q(user)
    if q is not None:
        # Staff of an organization see the calls published (not drafts) for the areas above it.
        above = {a for org in own_orgs(user) for a in [*paths.ancestors(org.area_path), org.area_path]}
        if above:
            q |= Q(area_path__in=above) & ~Q(state=VentureCall.State.DRAFT)
        qs = qs.filter(q)
    return qs.filter(state=state) if state else qs


def can_view_call(user, call) -> bool:
    return calls_for(user).filter(pk=call.pk).exists()


def applications_visible(user, call):
    """Officials in scope see every application; organization staff their own organizations' only."""
    qs = call.applications.select_related("organization").order_by(
        "rank", "-average_score", "submitted_at", "id"
    )
    if policy.can(user, VIEW_PROGRAMS, area=call.area):
        return qs
    return qs.filter(organization_id__in=own_org_ids(user))


def my_applications(user):
    return VentureApplication.objects.filter(organization_id__in=own_org_ids(user)).select_related("call")


def contracts_for(user, *, kind=None, state=None, area=None):
    qs = ServiceContract.objects.select_related("provider", "area")
    q = _area_q(user)
    if q is not None:
        qs = qs.filter(q | Q(provider_id__in=own_org_ids(user)))
    if area is not None:
        qs = qs.filter(subtree_q("area_path", area.path))
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state=state)
    return qs


def can_view_contract(user, contract) -> bool:
    return policy.can(user, VIEW_PROGRAMS, area=contract.area) or contract.provider_id in own_org_ids(user)


def can_view_incubation(user, incubation) -> bool:
    return policy.can(user, VIEW_PROGRAMS, area=incubation.area) or incubation.incubator_id in own_org_ids(
        user
    )
