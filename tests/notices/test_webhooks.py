"""Webhooks: signed generic JSON, WeCom and DingTalk shapes, retries with backoff, permissions."""

import base64
import hashlib
import hmac
import json
import urllib.parse
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from freezegun import freeze_time

from gongzhi.accounts.roles import ScopeKind
from gongzhi.core.models import AuditEvent
from gongzhi.notices import actions, delivery
from gongzhi.notices.models import Delivery, Webhook

from .conftest import CASE_ASSIGNED

SECRET = "a-long-enough-test-secret-0123456789"


def make_hook(tree, url, fmt=Webhook.Format.GENERIC, secret=SECRET, scope="fangsong"):
    return actions.create_webhook(
        actor=None,
        scope_kind=ScopeKind.DEPARTMENT if scope == "department" else ScopeKind.AREA,
        scope_id=tree[scope].pk,
        name=f"{fmt} robot",
        url=url,
        format=fmt,
        secret=secret,
    )


def post_to_scope(tree, scope="fangsong", title="新诉求 #12", body="江中小区 群租", url="/cases/12/"):
    return actions.notify_scope(
        actor=None,
        scope_kind=ScopeKind.DEPARTMENT if scope == "department" else ScopeKind.AREA,
        scope_id=tree[scope].pk,
        kind=CASE_ASSIGNED,
        title=title,
        body=body,
        url=url,
    )


def test_generic_webhook_is_delivered_with_a_signature_the_receiver_verifies(tree, hook_server, send_now):
    hook_server.secret = SECRET
    make_hook(tree, hook_server.url)
    with send_now():
        [row] = post_to_scope(tree)
    row.refresh_from_db()
    assert row.status == Delivery.Status.SENT and row.attempts == 1 and row.response_code == 200
    assert hook_server.verified == [True]
    sent = hook_server.requests[0]
    assert sent["headers"]["X-Gongzhi-Signature"].startswith("sha256=")
    payload = hook_server.json()
    assert (
        payload["title"] == "新诉求 #12"
        and payload["kind"] == CASE_ASSIGNED
        and payload["url"] == "/cases/12/"
    )
    assert str(payload["timestamp"]) == sent["headers"]["X-Gongzhi-Timestamp"]
    expected = hmac.new(SECRET.encode(), sent["body"], hashlib.sha256).hexdigest()
    assert sent["headers"]["X-Gongzhi-Signature"] == f"sha256={expected}"


def test_a_wrong_secret_fails_the_receivers_check_and_is_logged(tree, hook_server, send_now):
    hook_server.secret = "the-receiver-knows-another-secret"
    make_hook(tree, hook_server.url)
    with send_now():
        [row] = post_to_scope(tree)
    row.refresh_from_db()
    assert hook_server.verified == [False]
    assert row.status == Delivery.Status.PENDING and row.response_code == 401 and "401" in row.last_error


def test_failure_is_retried_with_backoff_then_succeeds(tree, hook_server, send_now, settings):
    settings.GONGZHI_NOTICES_BACKOFF_SECONDS = 60
    hook_server.responses = [(500, {}), (503, {})]
    make_hook(tree, hook_server.url)
    start = timezone.now()
    with freeze_time(start) as frozen:
        with send_now():
            [row] = post_to_scope(tree)
        row.refresh_from_db()
        assert (row.status, row.attempts, row.response_code) == ("pending", 1, 500)
        assert row.next_attempt_at == start + timedelta(seconds=60)

        frozen.move_to(start + timedelta(seconds=30))  # not due yet
        assert delivery.retry_due() == {"due": 0}

        frozen.move_to(start + timedelta(seconds=61))
        assert delivery.retry_due() == {"due": 1}
        row.refresh_from_db()
        assert (row.status, row.attempts, row.response_code) == ("pending", 2, 503)
        assert row.next_attempt_at == start + timedelta(seconds=61 + 120)  # doubled

        frozen.move_to(start + timedelta(seconds=61 + 121))
        delivery.retry_due()
        row.refresh_from_db()
    assert (row.status, row.attempts, row.response_code) == ("sent", 3, 200)
    assert row.sent_at is not None and row.next_attempt_at is None
    assert len(hook_server.requests) == 3
    # One message, one signature: every retry sends the same content.
    assert (
        len(
            {
                json.dumps({k: v for k, v in json.loads(r["body"]).items() if k != "timestamp"})
                for r in hook_server.requests
            }
        )
        == 1
    )


def test_delivery_gives_up_after_the_maximum_attempts(tree, hook_server, send_now, settings):
    settings.GONGZHI_NOTICES_MAX_ATTEMPTS = 3
    hook_server.default = (500, {})
    make_hook(tree, hook_server.url)
    start = timezone.now()
    with freeze_time(start) as frozen:
        with send_now():
            [row] = post_to_scope(tree)
        for hours in (1, 2, 3, 4):
            frozen.move_to(start + timedelta(hours=hours))
            delivery.retry_due()
        row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 3)
    assert row.next_attempt_at is None and "500" in row.last_error
    assert len(hook_server.requests) == 3


def test_an_unreachable_endpoint_is_a_retryable_failure(tree, send_now):
    # A closed port on loopback: connection refused, logged, retried later.
    make_hook(tree, "http://127.0.0.1:9/hook")
    with send_now():
        [row] = post_to_scope(tree)
    row.refresh_from_db()
    assert row.status == "pending" and row.attempts == 1 and row.last_error == "ConnectionError"


def test_a_delivery_is_sent_once_even_if_two_senders_race(tree, hook_server, send_now):
    make_hook(tree, hook_server.url)
    with send_now():
        [row] = post_to_scope(tree)
    assert delivery.attempt(row.pk) is None  # already sent: nothing due
    Delivery.objects.filter(pk=row.pk).update(status="pending", next_attempt_at=timezone.now())
    assert delivery.claim(row.pk, timezone.now()) is True
    assert delivery.attempt(row.pk) is None  # claimed by the first sender
    assert len(hook_server.requests) == 1


def test_wecom_robot_gets_a_markdown_message(tree, hook_server, send_now):
    make_hook(tree, hook_server.url + "?key=robot-key", Webhook.Format.WECOM, secret="")
    with send_now():
        [row] = post_to_scope(tree)
    row.refresh_from_db()
    assert row.status == "sent"
    sent = hook_server.requests[0]
    assert sent["path"] == "/hook?key=robot-key"
    payload = hook_server.json()
    assert payload["msgtype"] == "markdown"
    assert set(payload["markdown"]) == {"content"}
    assert (
        "新诉求 #12" in payload["markdown"]["content"] and "江中小区 群租" in payload["markdown"]["content"]
    )
    assert "X-Gongzhi-Signature" not in sent["headers"]


def test_wecom_content_is_cut_to_the_robots_limit():
    payload = delivery.wecom_payload({"title": "t", "body": "长" * 5000, "url": ""})
    assert len(payload["markdown"]["content"].encode()) <= delivery.WECOM_MAX_BYTES


def test_wecom_error_code_counts_as_failure(tree, hook_server, send_now):
    hook_server.default = (200, {"errcode": 93000, "errmsg": "invalid webhook url"})
    make_hook(tree, hook_server.url, Webhook.Format.WECOM, secret="")
    with send_now():
        [row] = post_to_scope(tree)
    row.refresh_from_db()
    assert row.status == "pending" and "93000" in row.last_error


def test_dingtalk_robot_gets_markdown_and_a_signed_url(tree, hook_server, send_now):
    ding_secret = "SEC0123456789abcdef"
    make_hook(tree, hook_server.url + "?access_token=abc", Webhook.Format.DINGTALK, secret=ding_secret)
    with send_now():
        [row] = post_to_scope(tree)
    row.refresh_from_db()
    assert row.status == "sent"
    payload = hook_server.json()
    assert payload["msgtype"] == "markdown"
    assert payload["markdown"]["title"] == "新诉求 #12"
    assert "江中小区 群租" in payload["markdown"]["text"]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(hook_server.requests[0]["path"]).query)
    assert query["access_token"] == ["abc"]
    timestamp = query["timestamp"][0]
    # DingTalk's documented check: base64(HMAC-SHA256(secret, "timestamp\nsecret")).
    expected = base64.b64encode(
        hmac.new(ding_secret.encode(), f"{timestamp}\n{ding_secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["sign"] == [expected]
    assert abs(int(timestamp) - timezone.now().timestamp() * 1000) < 60_000


def test_dingtalk_sign_matches_a_known_value():
    sign = delivery.dingtalk_sign("SECabc", 1700000000000)
    digest = hmac.new(b"SECabc", b"1700000000000\nSECabc", hashlib.sha256).digest()
    assert sign == urllib.parse.quote_plus(base64.b64encode(digest))
    assert delivery.dingtalk_url(
        "https://oapi.dingtalk.com/robot/send?access_token=x", "SECabc", 1700000000000
    ) == (f"https://oapi.dingtalk.com/robot/send?access_token=x&timestamp=1700000000000&sign={sign}")
    assert delivery.dingtalk_url("https://h/robot", "", 1) == "https://h/robot"


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/hook",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "example.com/hook",
        "",
        "http://",
    ],
)
def test_a_webhook_url_that_is_not_http_is_refused_and_nothing_is_written(tree, street_admin, url):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        actions.create_webhook(
            actor=street_admin, scope_kind="area", scope_id=tree["fangsong"].pk, name="robot", url=url
        )
    assert exc.value.message_dict["url"] == ["Enter a web address that starts with http:// or https://."]
    assert not Webhook.objects.exists()
    assert not AuditEvent.objects.filter(verb="webhook.created").exists()


def test_updating_to_a_non_http_url_is_refused_and_nothing_changes(tree, street_admin):
    hook = make_hook(tree, "https://example.com/hook")
    with pytest.raises(ValidationError):
        actions.update_webhook(actor=street_admin, webhook=hook, url="gopher://example.com/")
    hook.refresh_from_db()
    assert hook.url == "https://example.com/hook"


def test_a_generic_webhook_without_secret_gets_one_shown_once_and_stored_encrypted(tree, street_admin):
    hook = actions.create_webhook(
        actor=street_admin, scope_kind="area", scope_id=tree["fangsong"].pk, name="n", url="https://e.com/h"
    )
    assert len(hook.new_secret) >= 32
    stored = Webhook.objects.get(pk=hook.pk)
    assert stored.secret == hook.new_secret and hook.new_secret not in stored.secret_encrypted
    event = AuditEvent.objects.get(verb="webhook.created")
    assert hook.new_secret not in json.dumps(event.details)


def test_a_short_generic_secret_is_refused(tree, street_admin):
    with pytest.raises(ValidationError) as exc:
        actions.create_webhook(
            actor=street_admin,
            scope_kind="area",
            scope_id=tree["fangsong"].pk,
            name="n",
            url="https://e.com/h",
            secret="short",
        )
    assert "secret" in exc.value.message_dict


@pytest.mark.parametrize(
    ("fixture", "scope", "allowed"),
    [
        ("city_admin", "fangsong", True),
        ("district_admin", "fangsong", True),
        ("street_admin", "fangsong", True),
        ("street_admin", "department", True),  # the department lies in the street's area
        ("department_handler", "department", True),
        ("department_handler", "fangsong", False),
        ("other_street_admin", "fangsong", False),
        ("other_street_admin", "department", False),
        ("community_worker", "fangsong", False),
        ("committee_worker", "committee", False),
        ("grid_worker", "grid", False),
        ("party_secretary", "committee", False),
        ("resident", "committee", False),
        ("volunteer", "committee", False),
        ("outsider", "fangsong", False),
    ],
)
def test_webhook_management_is_allowed_only_to_admins_and_department_holders(
    request, tree, fixture, scope, allowed
):
    user = request.getfixturevalue(fixture)
    kind = ScopeKind.DEPARTMENT if scope == "department" else ScopeKind.AREA
    create = lambda: actions.create_webhook(  # noqa: E731
        actor=user, scope_kind=kind, scope_id=tree[scope].pk, name="robot", url="https://e.com/h"
    )
    if not allowed:
        with pytest.raises(PermissionDenied):
            create()
        assert not Webhook.objects.exists()
        existing = make_hook(tree, "https://e.com/x", scope=scope)
        with pytest.raises(PermissionDenied):
            actions.update_webhook(actor=user, webhook=existing, name="mine now")
        with pytest.raises(PermissionDenied):
            actions.delete_webhook(actor=user, webhook=existing)
        with pytest.raises(PermissionDenied):
            actions.test_webhook(actor=user, webhook=existing)
        assert Webhook.objects.get(pk=existing.pk).name != "mine now"
        return
    hook = create()
    assert hook.area_id == (tree["department"].area_id if scope == "department" else tree[scope].pk)
    actions.update_webhook(actor=user, webhook=hook, name="renamed", is_active=False)
    assert Webhook.objects.get(pk=hook.pk).name == "renamed"
    actions.delete_webhook(actor=user, webhook=hook)
    assert not Webhook.objects.exists()
    verbs = list(AuditEvent.objects.filter(verb__startswith="webhook.").values_list("verb", flat=True))
    assert sorted(verbs) == ["webhook.created", "webhook.deleted", "webhook.updated"]


def test_webhooks_cannot_belong_to_other_kinds_of_scope(tree, city_admin):
    with pytest.raises(ValidationError) as exc:
        actions.create_webhook(
            actor=city_admin, scope_kind="council", scope_id=1, name="n", url="https://e.com"
        )
    assert "scope_kind" in exc.value.message_dict


def test_inactive_webhooks_receive_nothing(tree, hook_server, send_now):
    hook = make_hook(tree, hook_server.url)
    actions.update_webhook(actor=None, webhook=hook, is_active=False)
    with send_now():
        assert post_to_scope(tree) == []
    assert hook_server.requests == []


# --- pages and API ------------------------------------------------------------------------------
def test_webhooks_page_lists_only_hooks_in_scope_and_shows_the_delivery_log(
    tree, client_for, street_admin, hook_server, send_now
):
    mine = make_hook(tree, hook_server.url)
    theirs = make_hook(tree, "https://e.com/jiading", scope="jiading")
    with send_now():
        post_to_scope(tree, title="Log me")
    client = client_for(street_admin)
    html = client.get(reverse("notices:webhooks")).content.decode()
    assert mine.name in html and reverse("notices:webhook", args=[mine.pk]) in html
    assert reverse("notices:webhook", args=[theirs.pk]) not in html
    detail = client.get(reverse("notices:webhook", args=[mine.pk])).content.decode()
    assert "Log me" in detail and SECRET not in detail
    assert client.get(reverse("notices:webhook", args=[theirs.pk])).status_code == 404


def test_webhooks_page_is_forbidden_to_residents(client_for, resident):
    assert client_for(resident).get(reverse("notices:webhooks")).status_code == 403


def test_adding_a_webhook_with_a_bad_url_on_the_page_shows_the_message_next_to_the_field(
    tree, client_for, street_admin
):
    response = client_for(street_admin).post(
        reverse("notices:webhooks"),
        {"scope": f"area:{tree['fangsong'].pk}", "name": "robot", "url": "ftp://x", "format": "wecom"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    with translation.override("zh-hans"):
        message = translation.gettext("Enter a web address that starts with http:// or https://.")
    assert 'id="id_url-errors"' in html and message in html and "is-invalid" in html
    assert not Webhook.objects.exists()


def test_adding_and_testing_a_webhook_on_the_page(tree, client_for, street_admin, hook_server, send_now):
    client = client_for(street_admin)
    response = client.post(
        reverse("notices:webhooks"),
        {
            "scope": f"area:{tree['fangsong'].pk}",
            "name": "WeCom group",
            "url": hook_server.url,
            "format": "wecom",
            "is_active": "on",
        },
    )
    hook = Webhook.objects.get()
    assert response.status_code == 302 and hook.format == "wecom" and hook.scope_label == "方松街道"
    with send_now():
        client.post(reverse("notices:webhook_test", args=[hook.pk]))
    assert hook_server.json()["msgtype"] == "markdown"
    assert Delivery.objects.get().status == "sent"


def test_webhooks_api_create_list_patch_delete(tree, client_for, street_admin, resident):
    client = client_for(street_admin)
    base = "/api/v1/notices/webhooks"
    bad = client.post(
        base,
        {"scope_kind": "area", "scope_id": tree["fangsong"].pk, "name": "x", "url": "ftp://x"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["error"]["fields"]["url"]
    created = client.post(
        base,
        {"scope_kind": "area", "scope_id": tree["fangsong"].pk, "name": "robot", "url": "https://e.com/h"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["has_secret"] and len(body["secret"]) >= 32
    listed = client.get(base).json()
    assert [h["id"] for h in listed["items"]] == [body["id"]] and "secret" not in listed["items"][0]
    patched = client.patch(f"{base}/{body['id']}", {"name": "renamed"}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["name"] == "renamed"
    assert client.get(f"{base}/{body['id']}/deliveries").json() == {"items": [], "next_cursor": None}
    client.force_login(resident)
    assert client.get(base).status_code == 403
    assert client.delete(f"{base}/{body['id']}").status_code == 403
    client.force_login(street_admin)
    assert client.delete(f"{base}/{body['id']}").status_code == 204
    assert not Webhook.objects.exists()
