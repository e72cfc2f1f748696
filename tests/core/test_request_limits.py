"""Request size limits: an oversized body is refused before it is read (413; structured in the API)."""

import json

import pytest
from django.test import override_settings


@pytest.fixture
def api_client(street_admin, client_for):
    return client_for(street_admin)


@override_settings(GONGZHI_MAX_API_BODY_BYTES=1000)
def test_an_oversized_api_body_gets_a_structured_413(api_client):
    body = json.dumps({"name": "x" * 2000})
    response = api_client.post("/api/v1/accounts/tokens", body, content_type="application/json")
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "too_large"
    assert "1000" in error["message"]
    assert error["fields"] == {}


@override_settings(GONGZHI_MAX_API_BODY_BYTES=1000)
def test_a_body_within_the_limit_passes(api_client):
    response = api_client.post(
        "/api/v1/accounts/tokens", json.dumps({"name": "ok"}), content_type="application/json"
    )
    assert response.status_code == 201


@override_settings(GONGZHI_MAX_REQUEST_BYTES=1000, GONGZHI_MAX_API_BODY_BYTES=10)
def test_pages_have_their_own_larger_limit(client, db):
    response = client.post("/accounts/login/", {"username": "u" * 2000, "password": "x"})
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/plain")
    small = client.post("/accounts/login/", {"username": "u", "password": "x"})
    assert small.status_code != 413


@pytest.mark.parametrize("length", ["abc", "-5", "1e9"])
def test_a_malformed_content_length_is_a_400(api_client, length):
    response = api_client.generic(
        "POST",
        "/api/v1/accounts/tokens",
        b'{"name": "x"}',
        content_type="application/json",
        CONTENT_LENGTH=length,
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


def test_the_default_api_limit_is_one_mebibyte(settings):
    assert settings.GONGZHI_MAX_API_BODY_BYTES == 1024 * 1024
