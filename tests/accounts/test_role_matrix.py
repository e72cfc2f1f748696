"""Who may grant which role where: every granting role × every role, through the action, the page
and the API — allowed inside the granter's scope, denied outside it, denied for roles it cannot grant,
and nothing written when denied."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from gongzhi.accounts import actions
from gongzhi.accounts.models import Department, RoleAssignment, User
from gongzhi.accounts.roles import GRANTABLE, ROLE_SCOPES, Role, ScopeKind
from gongzhi.core.models import AuditEvent

# granter fixture → (its role, an area inside its scope that has a code, an area outside its scope)
GRANTERS = {
    "city_admin": (Role.CITY_ADMIN, "city", None),
    "district_admin": (Role.DISTRICT_ADMIN, "songjiang", "jiading"),
    "street_admin": (Role.STREET_ADMIN, "fangsong", "yongfeng"),
    "community_worker": (Role.COMMUNITY_WORKER, "malu_committee", "committee"),
    "committee_worker": (Role.COMMITTEE_WORKER, "committee", "other_committee"),
    "registry_officer": (Role.REGISTRY_OFFICER, "songjiang", "jiading"),
    "party_secretary": (Role.PARTY_SECRETARY, "committee", "other_committee"),
}
NON_GRANTERS = ["grid_worker", "party_member", "department_handler", "volunteer", "resident"]
# Roles whose scope kind exists today (social organizations and stationed units arrive later).
TESTABLE_ROLES = [
    r for r in Role if ScopeKind.AREA in ROLE_SCOPES[r] or ScopeKind.DEPARTMENT in ROLE_SCOPES[r]
]
CHANNELS = ["action", "page", "api"]


def _cases():
    for granter, (granter_role, _inside, outside) in GRANTERS.items():
        for role in TESTABLE_ROLES:
            if role in GRANTABLE[granter_role]:
                yield pytest.param(granter, role, "inside", True, id=f"{granter}-{role}-inside-allowed")
                if outside:
                    yield pytest.param(granter, role, "outside", False, id=f"{granter}-{role}-outside-denied")
            else:
                yield pytest.param(granter, role, "inside", False, id=f"{granter}-{role}-not-grantable")


def _scope_for(role, area):
    """(scope kind, id, area code for the page) of a scope of the right kind in `area`."""
    if ScopeKind.AREA in ROLE_SCOPES[role]:
        return ScopeKind.AREA, area.pk, area.gb2260 or area.stat_code
    department = Department.objects.create(
        name=f"测试部门 {area.pk}", kind="housing", level="street", area=area
    )
    return ScopeKind.DEPARTMENT, department.pk, None


def _grant(channel, client, granter, target, role, kind, scope_id, code):
    """Try the grant through one channel; return True if it was accepted, False if refused."""
    if channel == "action":
        try:
            actions.grant_role(actor=granter, user=target, role=role, scope_kind=kind, scope_id=scope_id)
        except PermissionDenied:
            return False
        return True
    client.force_login(granter)
    if channel == "page":
        data = {"username": target.username, "role": role, "scope_kind": kind}
        data.update({"area": code} if kind == ScopeKind.AREA else {"scope_id": scope_id})
        response = client.post("/accounts/roles/", data)
        if response.status_code == 302:
            return True
        if response.status_code == 403:  # holds no role that may grant anything
            return False
        assert response.status_code == 422
        with translation.override("zh-hans"):
            expected = actions.grant_denied_message()
        assert expected in response.context["form"].non_field_errors()
        return False
    response = client.post(
        "/api/v1/accounts/role-assignments",
        {"username": target.username, "role": role, "scope_kind": kind, "scope_id": scope_id},
        content_type="application/json",
    )
    if response.status_code == 201:
        assert response.json()["role"] == role
        return True
    assert response.status_code == 403, response.content
    assert response.json()["error"]["code"] == "forbidden"
    assert response.json()["error"]["message"]
    return False


def _attempt(request, channel, granter_name, role, where):
    tree = request.getfixturevalue("tree")
    granter = request.getfixturevalue(granter_name)
    inside, outside = GRANTERS.get(granter_name, (None, "committee", None))[1:]
    area = tree[inside if where == "inside" else outside]
    target = User.objects.create_user(username="target", password="pw-for-tests-1")
    kind, scope_id, code = _scope_for(role, area)
    events_before = AuditEvent.objects.count()
    client = request.getfixturevalue("client")
    accepted = _grant(channel, client, granter, target, role, kind, scope_id, code)
    return accepted, target, kind, scope_id, events_before


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize(("granter_name", "role", "where", "allowed"), list(_cases()))
def test_granting_role_follows_the_matrix(request, channel, granter_name, role, where, allowed):
    accepted, target, kind, scope_id, events_before = _attempt(request, channel, granter_name, role, where)
    assert accepted is allowed
    held = RoleAssignment.objects.filter(user=target, role=role, scope_kind=kind, scope_id=scope_id)
    if allowed:
        assignment = held.get()
        assert assignment.granted_by.username == request.getfixturevalue(granter_name).username
        assert AuditEvent.objects.filter(verb="role.granted", object_id=str(assignment.pk)).count() == 1
    else:
        assert not RoleAssignment.objects.filter(user=target).exists()
        assert AuditEvent.objects.count() == events_before


def _non_granter_cases():
    # Every role through the action; page and API refuse before the role matters, so one role each.
    for granter in NON_GRANTERS:
        for role in TESTABLE_ROLES:
            yield pytest.param("action", granter, role, id=f"action-{granter}-{role}")
        for channel in ("page", "api"):
            yield pytest.param(channel, granter, Role.RESIDENT, id=f"{channel}-{granter}-resident")


@pytest.mark.parametrize(("channel", "granter_name", "role"), list(_non_granter_cases()))
def test_roles_that_cannot_grant_are_refused_everything(request, channel, granter_name, role):
    accepted, target, _kind, _scope_id, events_before = _attempt(
        request, channel, granter_name, role, "inside"
    )
    assert accepted is False
    assert not RoleAssignment.objects.filter(user=target).exists()
    assert AuditEvent.objects.count() == events_before


def test_page_refuses_roles_that_cannot_grant_with_403(client_for, resident, tree):
    target = User.objects.create_user(username="target")
    response = client_for(resident).post(
        "/accounts/roles/",
        {"username": target.username, "role": Role.RESIDENT, "scope_kind": "area", "area": "310117003001"},
    )
    assert response.status_code == 403
    assert not RoleAssignment.objects.filter(user=target).exists()
