"""The party app's capabilities, registered with the one policy, and the organization-tree rule.

A capability over a party organization is held through an area assignment covering its area, an
assignment for that very organization, or an assignment for one of its higher organizations (the
working committee's secretary manages the organizations it leads).
"""

from gongzhi.accounts.roles import Role
from gongzhi.core import policy

R = Role
ADMINS = [R.CITY_ADMIN, R.DISTRICT_ADMIN, R.STREET_ADMIN]

# Run organizations: committee seats, accept report slips, issue receipts, record activities, tasks, honours.
MANAGE = policy.register("party.manage", [*ADMINS, R.COMMUNITY_WORKER, R.PARTY_SECRETARY])
# Read the party pages of an area or organization (lists, boards, figures).
VIEW = policy.register(
    "party.view",
    [*ADMINS, R.COMMUNITY_WORKER, R.COMMITTEE_WORKER, R.PARTY_SECRETARY, R.PARTY_MEMBER, R.UNIT_LIAISON],
)
# Set up the organization tree itself and import members (street staff and secretaries above).
ORGANIZE = policy.register("party.organize", [*ADMINS, R.COMMUNITY_WORKER, R.PARTY_SECRETARY])
# A member acts for themself (report in, sign up, respond, petition) — checked against their own record.
ACT_AS_MEMBER = policy.register("party.act_as_member", [R.PARTY_MEMBER, R.PARTY_SECRETARY])
# A unit's liaison submits the unit's report slip and signs the unit up for tasks.
UNIT_ACT = policy.register("party.unit_act", [R.UNIT_LIAISON, R.PARTY_SECRETARY, *ADMINS])


def _covers(user, capability, org) -> bool:
    if policy.can(user, capability, body=org):
        return True
    return any(policy.can(user, capability, body=a) for a in org.ancestors())


def can_manage(user, org) -> bool:
    return _covers(user, MANAGE, org)


def is_member_of(user, org) -> bool:
    """The user's own party membership is in this organization (a member sees their own branch)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    from .models import PartyMember

    return PartyMember.objects.filter(person__user=user, organization=org).exists()


def can_view(user, org) -> bool:
    return _covers(user, VIEW, org) or can_manage(user, org) or is_member_of(user, org)


def is_secretary_of(user, org) -> bool:
    """A secretary holding party_secretary for this very organization (or its area): the handler of
    reports and accusations. Area staff do not qualify: those petitions are the secretary's alone."""
    if user is None:
        return True
    if policy._is_superuser(user):
        return True
    for g in policy.grants(user):
        if g.role != R.PARTY_SECRETARY:
            continue
        if g.scope_kind == "party_organization" and g.scope_id == org.pk:
            return True
    return False


def can_act_for_unit(user, org) -> bool:
    """A unit's party organization: its secretary, or the liaison of its stationed unit."""
    if can_manage(user, org):
        return True
    if org.stationed_unit_id and policy.can(
        user, UNIT_ACT, body=org.stationed_unit, body_kind="stationed_unit"
    ):
        return True
    if org.social_organization_id and policy.can(
        user, UNIT_ACT, body=org.social_organization, body_kind="social_organization"
    ):
        return True
    return False
