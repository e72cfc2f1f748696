"""Scope checks of the one policy: area subtrees, body scopes, expiry, revocation, the system."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from gongzhi.accounts import actions, scopes
from gongzhi.accounts.models import Department, RoleAssignment, User
from gongzhi.accounts.roles import Role, ScopeKind
from gongzhi.core import policy

SEE = policy.register(
    "tests.see_things",
    [Role.STREET_ADMIN, Role.DISTRICT_ADMIN, Role.DEPARTMENT_HANDLER, Role.PARTY_SECRETARY],
)


def test_area_scope_covers_the_whole_subtree(street_admin, tree):
    for inside in ("fangsong", "committee", "other_committee", "compound", "grid"):
        assert policy.can(street_admin, SEE, area=tree[inside]), inside


def test_area_scope_does_not_reach_parents_siblings_or_other_districts(street_admin, tree):
    for outside in ("city", "songjiang", "yongfeng", "jiading", "malu", "community", "malu_committee"):
        assert not policy.can(street_admin, SEE, area=tree[outside]), outside


def test_district_scope_covers_its_streets_but_not_the_other_district(district_admin, tree):
    assert policy.can(district_admin, SEE, area=tree["grid"])
    assert policy.can(district_admin, SEE, area=tree["yongfeng"])
    assert not policy.can(district_admin, SEE, area=tree["malu_committee"])


def test_department_scope_covers_that_department_only(department_handler, tree):
    department = tree["department"]
    other = Department.objects.create(
        name="方松街道房管所", kind="housing", level="street", area=tree["fangsong"]
    )
    assert policy.can(department_handler, SEE, body=department)
    assert not policy.can(department_handler, SEE, body=other)
    # A body scope gives nothing over the area the body sits in.
    assert not policy.can(department_handler, SEE, area=tree["fangsong"])


def test_area_scope_covers_bodies_in_its_subtree(street_admin, other_street_admin, tree):
    assert policy.can(street_admin, SEE, body=tree["department"])
    assert not policy.can(other_street_admin, SEE, body=tree["department"])


def test_role_without_the_capability_is_refused_even_inside_its_scope(committee_worker, tree):
    assert not policy.can(committee_worker, SEE, area=tree["committee"])
    with pytest.raises(PermissionDenied):
        policy.require(committee_worker, SEE, area=tree["committee"])


def test_capability_without_a_place_asks_whether_the_user_holds_it_anywhere(street_admin, resident):
    assert policy.can(street_admin, SEE)
    assert not policy.can(resident, SEE)


def test_revoked_assignment_no_longer_counts(street_admin, tree):
    assignment = RoleAssignment.objects.get(user=street_admin)
    actions.revoke_role(actor=None, assignment=assignment)
    user = User.objects.get(pk=street_admin.pk)
    assert not policy.can(user, SEE, area=tree["fangsong"])


def test_expired_assignment_no_longer_counts_and_can_be_granted_again(street_admin, tree):
    RoleAssignment.objects.filter(user=street_admin).update(valid_until=timezone.now() - timedelta(days=1))
    user = User.objects.get(pk=street_admin.pk)
    assert not policy.can(user, SEE, area=tree["fangsong"])
    actions.grant_role(
        actor=None, user=user, role=Role.STREET_ADMIN, scope_kind=ScopeKind.AREA, scope_id=tree["fangsong"].pk
    )
    assert policy.can(User.objects.get(pk=user.pk), SEE, area=tree["fangsong"])


def test_inactive_user_holds_nothing(street_admin, tree):
    street_admin.is_active = False
    street_admin.save()
    assert not policy.can(User.objects.get(pk=street_admin.pk), SEE, area=tree["fangsong"])


def test_system_and_superuser_may_do_everything(tree):
    boss = User.objects.create_superuser(username="boss", password="pw-for-tests-1")
    assert policy.can(None, SEE, area=tree["grid"])
    assert policy.can(boss, SEE, area=tree["grid"])
    assert policy.area_paths(boss, SEE) is None
    assert policy.area_paths(None, SEE) is None


def test_anonymous_user_holds_nothing(tree):
    from django.contrib.auth.models import AnonymousUser

    assert not policy.can(AnonymousUser(), SEE, area=tree["grid"])


def test_unknown_capability_is_a_programming_error(street_admin):
    with pytest.raises(ValueError, match="unknown capability"):
        policy.can(street_admin, "tests.no_such_capability")


def test_area_paths_keep_only_the_outermost_scopes(tree):
    user = User.objects.create_user(username="both")
    for area in ("songjiang", "fangsong", "malu"):
        actions.grant_role(
            actor=None, user=user, role=Role.STREET_ADMIN, scope_kind=ScopeKind.AREA, scope_id=tree[area].pk
        )
    assert policy.area_paths(user, SEE) == sorted([tree["songjiang"].path, tree["malu"].path])


@pytest.fixture
def unregistered(monkeypatch):
    """Body scope kinds as they are before their apps arrive (other apps may have plugged them in)."""
    kinds = (
        ScopeKind.SOCIAL_ORGANIZATION,
        ScopeKind.STATIONED_UNIT,
        ScopeKind.PARTY_ORGANIZATION,
        ScopeKind.COUNCIL,
    )
    for kind in kinds:
        monkeypatch.delitem(scopes.SCOPE_TYPES, str(kind), raising=False)
    return kinds


def test_unregistered_body_scope_kind_is_a_clear_validation_error(city_admin, tree, unregistered):
    target = User.objects.create_user(username="target")
    for role, kind in (
        (Role.ORG_STAFF, ScopeKind.SOCIAL_ORGANIZATION),
        (Role.UNIT_LIAISON, ScopeKind.STATIONED_UNIT),
        (Role.PARTY_SECRETARY, ScopeKind.PARTY_ORGANIZATION),
    ):
        with translation.override("en"), pytest.raises(ValidationError) as exc:
            actions.grant_role(actor=city_admin, user=target, role=role, scope_kind=kind, scope_id=1)
        assert exc.value.message_dict == {"scope_kind": ["This kind of scope is not available yet."]}
    assert not RoleAssignment.objects.filter(user=target).exists()


def test_unregistered_scope_kind_through_the_api_is_422(client_for, city_admin, tree, unregistered):
    target = User.objects.create_user(username="target")
    response = client_for(city_admin).post(
        "/api/v1/accounts/role-assignments",
        {"username": "target", "role": "party_member", "scope_kind": "party_organization", "scope_id": 1},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
    assert "scope_kind" in response.json()["error"]["fields"]
    assert not RoleAssignment.objects.filter(user=target).exists()


def test_registering_a_scope_kind_plugs_a_body_model_in(city_admin, tree, monkeypatch):
    # What orgs, party and councils do in AppConfig.ready(); here with Department standing in.
    monkeypatch.setitem(scopes.SCOPE_TYPES, "council", scopes.ScopeType("council", "accounts.Department"))
    obj, area = scopes.resolve("council", tree["department"].pk)
    assert obj == tree["department"] and area == tree["fangsong"]


def test_role_given_for_a_scope_kind_it_does_not_take_is_refused(city_admin, tree):
    target = User.objects.create_user(username="target")
    with pytest.raises(ValidationError) as exc:
        actions.grant_role(
            actor=city_admin,
            user=target,
            role=Role.DEPARTMENT_HANDLER,
            scope_kind=ScopeKind.AREA,
            scope_id=tree["fangsong"].pk,
        )
    assert "scope_kind" in exc.value.message_dict


@pytest.mark.parametrize("scope_id", [0, -1, 10**6, 2**70, "abc", None])
def test_missing_scope_is_a_clear_validation_error(city_admin, tree, scope_id):
    target = User.objects.create_user(username="target")
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        actions.grant_role(
            actor=city_admin, user=target, role=Role.RESIDENT, scope_kind=ScopeKind.AREA, scope_id=scope_id
        )
    assert exc.value.message_dict == {"scope_id": ["The scope does not exist."]}


def test_granting_the_same_role_twice_is_a_clear_validation_error(street_admin, tree):
    target = User.objects.create_user(username="target")
    kwargs = dict(user=target, role=Role.RESIDENT, scope_kind=ScopeKind.AREA, scope_id=tree["committee"].pk)
    actions.grant_role(actor=street_admin, **kwargs)
    with pytest.raises(ValidationError) as exc:
        actions.grant_role(actor=street_admin, **kwargs)
    assert "role" in exc.value.message_dict
    assert RoleAssignment.objects.filter(user=target).count() == 1


def test_validity_must_end_in_the_future(street_admin, tree):
    target = User.objects.create_user(username="target")
    with pytest.raises(ValidationError) as exc:
        actions.grant_role(
            actor=street_admin,
            user=target,
            role=Role.RESIDENT,
            scope_kind=ScopeKind.AREA,
            scope_id=tree["committee"].pk,
            valid_until=timezone.now() - timedelta(minutes=1),
        )
    assert "valid_until" in exc.value.message_dict


# --- Revoking ---------------------------------------------------------------------------------------


def _resident_in(area):
    user = User.objects.create_user(username=f"r{area.pk}")
    return actions.grant_role(
        actor=None, user=user, role=Role.RESIDENT, scope_kind=ScopeKind.AREA, scope_id=area.pk
    )


@pytest.mark.parametrize(
    ("revoker", "area", "allowed"),
    [
        ("city_admin", "committee", True),
        ("district_admin", "committee", True),
        ("street_admin", "committee", True),
        ("committee_worker", "committee", True),
        ("other_street_admin", "committee", False),
        ("committee_worker", "other_committee", False),
        ("community_worker", "committee", False),
        ("party_secretary", "committee", False),  # may grant party members only
        ("registry_officer", "committee", False),
        ("grid_worker", "committee", False),
        ("resident", "committee", False),
        ("department_handler", "committee", False),
    ],
)
def test_revoke_follows_the_grant_rules(request, tree, revoker, area, allowed):
    from gongzhi.core.models import AuditEvent

    assignment = _resident_in(tree[area])
    actor = request.getfixturevalue(revoker)
    if allowed:
        actions.revoke_role(actor=actor, assignment=assignment)
        assignment.refresh_from_db()
        assert assignment.revoked_at is not None
        assert AuditEvent.objects.filter(verb="role.revoked", object_id=str(assignment.pk)).count() == 1
    else:
        with pytest.raises(PermissionDenied):
            actions.revoke_role(actor=actor, assignment=assignment)
        assignment.refresh_from_db()
        assert assignment.revoked_at is None
        assert not AuditEvent.objects.filter(verb="role.revoked").exists()


def test_street_admin_cannot_revoke_the_district_admin(street_admin, district_admin):
    assignment = RoleAssignment.objects.get(user=district_admin)
    with pytest.raises(PermissionDenied):
        actions.revoke_role(actor=street_admin, assignment=assignment)


def test_revoking_twice_is_a_clear_validation_error(street_admin, tree):
    assignment = _resident_in(tree["committee"])
    actions.revoke_role(actor=street_admin, assignment=assignment)
    with pytest.raises(ValidationError):
        actions.revoke_role(actor=street_admin, assignment=assignment)


def test_revoke_through_the_page(client_for, street_admin, other_street_admin, tree):
    assignment = _resident_in(tree["committee"])
    response = client_for(other_street_admin).post(f"/accounts/roles/{assignment.pk}/revoke/", follow=True)
    assert response.status_code == 200
    assignment.refresh_from_db()
    assert assignment.revoked_at is None
    response = client_for(street_admin).post(f"/accounts/roles/{assignment.pk}/revoke/")
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.revoked_at is not None


def test_revoke_through_the_api(client_for, street_admin, other_street_admin, tree):
    assignment = _resident_in(tree["committee"])
    url = f"/api/v1/accounts/role-assignments/{assignment.pk}"
    response = client_for(other_street_admin).delete(url)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assignment.refresh_from_db()
    assert assignment.revoked_at is None
    assert client_for(street_admin).delete(url).status_code == 204
    assignment.refresh_from_db()
    assert assignment.revoked_at is not None
    assert client_for(street_admin).delete(url).json()["error"]["code"] == "not_found"


def test_role_lists_show_only_assignments_in_scope(client_for, street_admin, other_street_admin, tree):
    mine = _resident_in(tree["committee"])
    theirs = _resident_in(tree["yongfeng"])
    items = client_for(street_admin).get("/api/v1/accounts/role-assignments").json()["items"]
    ids = {i["id"] for i in items}
    assert mine.pk in ids and theirs.pk not in ids
    page = client_for(street_admin).get("/accounts/roles/")
    assert page.status_code == 200
    shown = {a.pk for a in page.context["page"].items}
    assert mine.pk in shown and theirs.pk not in shown


def test_role_list_is_refused_to_those_who_cannot_grant(client_for, resident):
    response = client_for(resident).get("/api/v1/accounts/role-assignments")
    assert response.status_code == 403
    assert client_for(resident).get("/accounts/roles/").status_code == 403


def test_forged_cursor_on_the_role_list(client_for, street_admin):
    client = client_for(street_admin)
    response = client.get("/api/v1/accounts/role-assignments", {"cursor": "forged"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_cursor"
    page = client.get("/accounts/roles/", {"cursor": "forged"})
    assert page.status_code == 200
