"""Sign in and out, lockout after repeated failures, password change, profile, tokens in the profile."""

import pytest
from django.conf import settings

from gongzhi.accounts.models import ApiToken, User
from gongzhi.core.models import AuditEvent

PASSWORD = "pw-for-tests-1"


@pytest.fixture
def alice(db):
    return User.objects.create_user(username="alice", password=PASSWORD, display_name="Alice")


def _login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_login_works_and_lands_on_home(client, alice):
    response = _login(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert client.get("/accounts/profile/").status_code == 200


def test_wrong_password_shows_an_error_and_signs_nobody_in(client, alice):
    response = _login(client, "alice", "wrong-password")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert client.get("/accounts/profile/").status_code == 302


def test_repeated_failures_lock_the_account_out(client, alice):
    limit = settings.AXES_FAILURE_LIMIT
    statuses = [_login(client, "alice", f"wrong-{i}").status_code for i in range(limit)]
    assert statuses[:-1] == [200] * (limit - 1)
    assert statuses[-1] == 429
    # Even the right password is refused now, with the lockout page.
    response = _login(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    assert client.get("/accounts/profile/").status_code == 302


def test_nul_bytes_in_login_are_refused_with_a_message(client, alice):
    response = _login(client, "ali\x00ce", PASSWORD)
    assert response.status_code == 200
    assert response.context["form"].errors


def test_logout_needs_post(client, alice):
    client.force_login(alice)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/accounts/profile/").status_code == 200
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/accounts/profile/").status_code == 302


def test_password_change_with_wrong_old_password_is_refused(client, alice):
    client.force_login(alice)
    response = client.post(
        "/accounts/password/",
        {"old_password": "not-it", "new_password1": "Neue-Passwort-77", "new_password2": "Neue-Passwort-77"},
    )
    assert response.status_code == 422
    assert "old_password" in response.context["form"].errors
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(verb="user.password_changed").exists()


def test_password_change_works_and_is_audited(client, alice):
    client.force_login(alice)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Neue-Passwort-77", "new_password2": "Neue-Passwort-77"},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("Neue-Passwort-77")
    assert AuditEvent.objects.filter(verb="user.password_changed", actor=alice).count() == 1
    assert client.get("/accounts/profile/").status_code == 200  # the session survives


def test_weak_new_password_is_refused(client, alice):
    client.force_login(alice)
    response = client.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"}
    )
    assert response.status_code == 422
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_profile_save(client, alice):
    client.force_login(alice)
    response = client.post(
        "/accounts/profile/", {"display_name": "爱丽丝", "email": "alice@example.org", "language": "en"}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.display_name, alice.email, alice.language) == ("爱丽丝", "alice@example.org", "en")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert AuditEvent.objects.filter(verb="user.profile_updated").count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"display_name": "A\x00B", "email": "", "language": ""},
        {"display_name": "A", "email": "not-an-email", "language": ""},
        {"display_name": "A", "email": "", "language": "klingon"},
        {"display_name": "A" * 61, "email": "", "language": ""},
    ],
)
def test_bad_profile_input_is_refused_and_changes_nothing(client, alice, data):
    client.force_login(alice)
    response = client.post("/accounts/profile/", data)
    assert response.status_code == 422
    assert response.context["form"].errors
    alice.refresh_from_db()
    assert alice.display_name == "Alice"
    assert not AuditEvent.objects.filter(verb="user.profile_updated").exists()


def test_token_created_in_profile_is_shown_once_and_works(client, alice):
    client.force_login(alice)
    response = client.post("/accounts/profile/tokens/", {"name": "脚本"})
    assert response.status_code == 200
    secret = response.context["new_token"]
    assert secret.startswith("gz_") and secret in response.content.decode()
    token = ApiToken.objects.get(user=alice)
    assert token.digest == ApiToken.digest_of(secret) and secret not in (token.prefix, token.digest)
    # Not shown again.
    assert secret not in client.get("/accounts/profile/").content.decode()
    client.logout()
    me = client.get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.json()["username"] == "alice"


def test_token_without_name_is_refused(client, alice):
    client.force_login(alice)
    response = client.post("/accounts/profile/tokens/", {"name": "  "})
    assert response.status_code == 422
    assert response.context["token_form"].errors
    assert not ApiToken.objects.exists()


def test_token_revoked_in_profile_stops_working(client, alice):
    client.force_login(alice)
    secret = client.post("/accounts/profile/tokens/", {"name": "x"}).context["new_token"]
    token = ApiToken.objects.get(user=alice)
    assert client.post(f"/accounts/profile/tokens/{token.pk}/revoke/").status_code == 302
    client.logout()
    response = client.get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401


def test_someone_elses_token_cannot_be_revoked(client, alice):
    bob = User.objects.create_user(username="bob", password=PASSWORD)
    client.force_login(alice)
    client.post("/accounts/profile/tokens/", {"name": "x"})
    token = ApiToken.objects.get(user=alice)
    client.force_login(bob)
    assert client.post(f"/accounts/profile/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_admin_is_for_superusers_only(client, alice, street_admin):
    alice.is_staff = True
    alice.save()
    client.force_login(alice)
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/accounts/roleassignment/").status_code == 302
    boss = User.objects.create_superuser(username="boss", password=PASSWORD)
    client.force_login(boss)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/roleassignment/").status_code == 200
    assert client.get("/admin/accounts/roleassignment/add/").status_code == 403
