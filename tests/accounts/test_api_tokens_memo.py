"""The per-process memo of API tokens (core/memo.py) never outlives a change made in this process."""

from gongzhi.accounts.actions import create_api_token, grant_role, revoke_api_token, revoke_role
from gongzhi.accounts.models import RoleAssignment
from gongzhi.accounts.roles import ScopeKind


def _me(client, secret):
    return client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_a_revoked_token_is_refused_on_the_next_request(client, street_admin):
    token, secret = create_api_token(actor=street_admin, name="12345")
    assert _me(client, secret).status_code == 200
    revoke_api_token(actor=street_admin, token=token)
    assert _me(client, secret).status_code == 401


def test_a_deactivated_user_is_refused_on_the_next_request(client, street_admin):
    _token, secret = create_api_token(actor=street_admin, name="12345")
    assert _me(client, secret).status_code == 200
    street_admin.is_active = False
    street_admin.save()
    assert _me(client, secret).status_code == 401


def test_a_role_granted_or_revoked_applies_to_the_next_request(client, tree, city_admin, outsider):
    _token, secret = create_api_token(actor=outsider, name="12345")
    area = tree["fangsong"].pk
    assert (
        client.get(f"/api/v1/cases-field/kpis?area={area}", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code
        == 403
    )
    assignment = grant_role(
        actor=city_admin,
        user=outsider,
        role="street_admin",
        scope_kind=ScopeKind.AREA,
        scope_id=tree["fangsong"].pk,
    )
    assert (
        client.get(f"/api/v1/cases-field/kpis?area={area}", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code
        == 200
    )
    revoke_role(actor=city_admin, assignment=RoleAssignment.objects.get(pk=assignment.pk))
    assert (
        client.get(f"/api/v1/cases-field/kpis?area={area}", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code
        == 403
    )
