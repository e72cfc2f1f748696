"""API conventions: token and session auth, CSRF on session writes, structured errors, the schema."""

import json

import pytest
from django.test import Client

from gongzhi.accounts import actions
from gongzhi.accounts.models import ApiToken, RoleAssignment, User
from gongzhi.core.models import AuditEvent

ME = "/api/v1/accounts/me"
TOKENS = "/api/v1/accounts/tokens"
GRANTS = "/api/v1/accounts/role-assignments"


def _is_error(response, status, code=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    return body["error"]


@pytest.fixture
def alice(db):
    return User.objects.create_user(username="alice", password="pw-for-tests-1")


def test_bearer_token_authenticates(client, alice, token_for):
    response = client.get(ME, headers={"Authorization": f"Bearer {token_for(alice)}"})
    assert response.status_code == 200
    assert response.json()["username"] == "alice"
    assert ApiToken.objects.get(user=alice).last_used_at is not None


def test_x_api_token_header_authenticates(client, alice, token_for):
    response = client.get(ME, headers={"X-API-Token": token_for(alice)})
    assert response.status_code == 200
    assert response.json()["username"] == "alice"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer gz_garbage"},
        {"Authorization": "Bearer nonsense"},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic YWxpY2U6cHc="},
        {"X-API-Token": "gz_garbage"},
        {"Authorization": "Bearer " + "gz_" + "x" * 5000},
    ],
    ids=["missing", "garbage", "no-prefix", "empty", "basic", "x-api-garbage", "huge"],
)
def test_missing_or_bad_tokens_get_401(client, db, headers):
    _is_error(client.get(ME, headers=headers), 401, "unauthorized")
    _is_error(client.post(TOKENS, {"name": "x"}, content_type="application/json", headers=headers), 401)


def test_revoked_token_gets_401(client, alice, token_for):
    secret = token_for(alice)
    actions.revoke_api_token(actor=alice, token=ApiToken.objects.get(user=alice))
    _is_error(client.get(ME, headers={"Authorization": f"Bearer {secret}"}), 401, "unauthorized")


def test_token_of_deactivated_user_gets_401(client, alice, token_for):
    secret = token_for(alice)
    alice.is_active = False
    alice.save()
    _is_error(client.get(ME, headers={"Authorization": f"Bearer {secret}"}), 401)


def test_bad_token_does_not_fall_back_to_the_session(client, alice):
    client.force_login(alice)
    assert client.get(ME).status_code == 200
    _is_error(client.get(ME, headers={"Authorization": "Bearer gz_garbage"}), 401)


def test_tokens_are_created_listed_and_revoked_through_the_api(client, alice, token_for):
    auth = {"Authorization": f"Bearer {token_for(alice)}"}
    created = client.post(TOKENS, {"name": "ci"}, content_type="application/json", headers=auth)
    assert created.status_code == 201
    new = created.json()
    assert new["token"].startswith("gz_")
    listed = client.get(TOKENS, headers=auth).json()
    assert {t["name"] for t in listed} == {"tests", "ci"}
    assert all("token" not in t for t in listed)
    assert client.delete(f"{TOKENS}/{new['id']}", headers=auth).status_code == 204
    _is_error(client.get(ME, headers={"Authorization": f"Bearer {new['token']}"}), 401)
    _is_error(client.delete(f"{TOKENS}/{new['id']}", headers=auth), 422, "validation_error")


def test_someone_elses_token_is_not_found(client, alice, token_for):
    bob = User.objects.create_user(username="bob")
    token_for(bob)
    bobs = ApiToken.objects.get(user=bob)
    _is_error(
        client.delete(f"{TOKENS}/{bobs.pk}", headers={"Authorization": f"Bearer {token_for(alice)}"}),
        404,
        "not_found",
    )
    bobs.refresh_from_db()
    assert bobs.revoked_at is None


def test_session_writes_need_the_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.get(ME).status_code == 200  # safe methods need no CSRF token
    error = _is_error(client.post(TOKENS, {"name": "x"}, content_type="application/json"), 403, "csrf_failed")
    assert "CSRF" in error["message"] or error["message"]
    assert not ApiToken.objects.exists()
    # With the token from the cookie, the same write passes.
    client.get("/accounts/profile/")
    csrf = client.cookies["csrftoken"].value
    response = client.post(
        TOKENS, {"name": "x"}, content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    assert response.status_code == 201


def test_token_writes_need_no_csrf_token(alice, token_for):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        TOKENS,
        {"name": "x"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token_for(alice)}"},
    )
    assert response.status_code == 201


def test_anonymous_write_without_csrf_gets_401_not_403(db):
    client = Client(enforce_csrf_checks=True)
    _is_error(client.post(TOKENS, {"name": "x"}, content_type="application/json"), 401)


@pytest.mark.parametrize(
    "body",
    [b"{not json", b'{"name": ', b"\xff\xfe\x00", b"[1, 2", b"null x"],
    ids=["broken", "truncated", "binary", "array", "trailing"],
)
def test_malformed_json_is_a_structured_400(client, alice, token_for, body):
    auth = {"Authorization": f"Bearer {token_for(alice)}"}
    _is_error(client.post(TOKENS, body, content_type="application/json", headers=auth), 400, "bad_request")
    assert ApiToken.objects.filter(user=alice).count() == 1


@pytest.mark.parametrize(
    "payload",
    [[], "x", 5, {}, {"name": ""}, {"name": "a\x00b"}, {"name": "x" * 61}, {"name": None}, {"name": ["x"]}],
)
def test_invalid_bodies_are_a_structured_422(client, alice, token_for, payload):
    auth = {"Authorization": f"Bearer {token_for(alice)}"}
    error = _is_error(
        client.post(TOKENS, json.dumps(payload), content_type="application/json", headers=auth),
        422,
        "validation_error",
    )
    assert error["fields"]
    assert ApiToken.objects.filter(user=alice).count() == 1


def test_oversized_body_is_a_structured_413(client, alice, token_for, settings):
    settings.GONGZHI_MAX_API_BODY_BYTES = 1000
    auth = {"Authorization": f"Bearer {token_for(alice)}"}
    body = json.dumps({"name": "x" * 2000})
    _is_error(client.post(TOKENS, body, content_type="application/json", headers=auth), 413, "too_large")
    assert ApiToken.objects.filter(user=alice).count() == 1


def test_grant_with_nul_or_unknown_user_is_422_and_writes_nothing(client_for, city_admin, tree):
    client = client_for(city_admin)
    events = AuditEvent.objects.count()
    for username in ("no-such-user", "ci\x00ty"):
        response = client.post(
            GRANTS,
            {
                "username": username,
                "role": "resident",
                "scope_kind": "area",
                "scope_id": tree["committee"].pk,
            },
            content_type="application/json",
        )
        assert "username" in _is_error(response, 422, "validation_error")["fields"]
    assert AuditEvent.objects.count() == events
    assert RoleAssignment.objects.count() == 1


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/no-such-thing",
        "/api/v1/accounts/role-assignments/999999",
        "/api/v1/areas/999999",
        "/api/v1/x/y/z/",
    ],
)
def test_not_found_is_structured(client_for, city_admin, path):
    method = "delete" if "role-assignments" in path else "get"
    _is_error(getattr(client_for(city_admin), method)(path), 404, "not_found")


def test_unknown_path_is_a_structured_404_even_anonymously(client, db):
    _is_error(client.get("/api/v1/nothing/here"), 404, "not_found")


def test_bad_path_parameter_is_422(client_for, city_admin):
    _is_error(client_for(city_admin).delete(f"{GRANTS}/abc"), 422, "validation_error")
    _is_error(client_for(city_admin).delete(f"{GRANTS}/{2**70}"), 422, "validation_error")


def test_forged_cursor_is_a_structured_400(client_for, city_admin):
    error = _is_error(client_for(city_admin).get(GRANTS, {"cursor": "eyJmb3JnZWQiOjF9:abc:def"}), 400)
    assert error["code"] == "invalid_cursor"


def test_openapi_schema_is_valid(client, db):
    import schemathesis

    schemathesis.experimental.OPEN_API_3_1.enable()  # django-ninja writes OpenAPI 3.1
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    schemathesis.from_dict(schema, validate_schema=True)  # raises on a schema that is not valid OpenAPI
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/accounts/role-assignments" in schema["paths"]
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} >= {"http", "apiKey"}


def test_docs_page_renders(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content
