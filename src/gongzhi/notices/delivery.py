"""Sending deliveries: e-mail, signed generic webhooks, WeCom and DingTalk robots; retries and sweeps.

A delivery is claimed with a conditional update (attempts + 1, next attempt pushed out by a lease),
so two workers or a worker and the sweep never send the same message twice at once; a crashed worker's
claim simply expires and the retry sweep picks the delivery up again. No transaction is held open
while talking to the network.
"""

import base64
import hashlib
import hmac
import json
import logging
import time
import urllib.parse
from datetime import timedelta

import requests
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gongzhi.core import sweeps

from .models import Delivery, Notification, Webhook

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Gongzhi-Signature"
TIMESTAMP_HEADER = "X-Gongzhi-Timestamp"
# Connect and read timeouts: a slow robot must not hold a worker (or, inline, a page) for long.
TIMEOUT = (3.05, 5)
# How long a claimed delivery stays invisible to other senders before it counts as abandoned.
CLAIM_LEASE = timedelta(minutes=2)
WECOM_MAX_BYTES = 4096
DINGTALK_MAX_BYTES = 20000
DIGEST_MAX_ITEMS = 50


def max_attempts() -> int:
    return int(getattr(settings, "GONGZHI_NOTICES_MAX_ATTEMPTS", 6))


def backoff(attempts: int) -> timedelta:
    """Wait after the n-th failed attempt: 1, 2, 4, 8 … minutes, at most six hours."""
    base = int(getattr(settings, "GONGZHI_NOTICES_BACKOFF_SECONDS", 60))
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


def absolute_url(url: str) -> str:
    """Links in e-mails and robots need a host: GONGZHI_BASE_URL (e.g. https://gongzhi.example.cn)."""
    if not url or url.startswith(("http://", "https://")):
        return url
    base = getattr(settings, "GONGZHI_BASE_URL", "").rstrip("/")
    return f"{base}{url}" if base else url


# --- payloads -----------------------------------------------------------------------------------
def _truncate_bytes(text: str, limit: int) -> str:
    raw = text.encode()
    if len(raw) <= limit:
        return text
    return raw[: limit - 3].decode(errors="ignore") + "..."


def _markdown(message: dict, heading: str) -> str:
    parts = [f"{heading} {message.get('title', '')}".strip()]
    if message.get("body"):
        parts.append(str(message["body"]))
    url = absolute_url(message.get("url", ""))
    if url:
        label = pgettext("link to the page", "Open")
        parts.append(f"[{label}]({url})")
    return "\n\n".join(parts)


def generic_body(message: dict, *, timestamp: int, delivery_id: int | None = None) -> bytes:
    """The raw JSON body; the timestamp is inside it too, so the signature covers it."""
    payload = {
        "id": delivery_id,
        "kind": message.get("kind", ""),
        "title": message.get("title", ""),
        "body": message.get("body", ""),
        "url": absolute_url(message.get("url", "")),
        "timestamp": timestamp,
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def sign_body(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(secret: str, body: bytes, header: str) -> bool:
    """For receivers (and tests): constant-time check of X-Gongzhi-Signature."""
    return hmac.compare_digest(sign_body(secret, body), header or "")


def wecom_payload(message: dict) -> dict:
    return {
        "msgtype": "markdown",
        "markdown": {"content": _truncate_bytes(_markdown(message, "###"), WECOM_MAX_BYTES)},
    }


def dingtalk_payload(message: dict) -> dict:
    title = str(message.get("title", ""))[:60] or _("Notification")
    return {
        "msgtype": "markdown",
        "markdown": {"title": title, "text": _truncate_bytes(_markdown(message, "###"), DINGTALK_MAX_BYTES)},
    }


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's "加签": base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}")), URL-encoded."""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


def dingtalk_url(url: str, secret: str, timestamp_ms: int) -> str:
    if not secret:
        return url  # the robot uses keyword or IP security instead of signing
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"


def build_request(webhook: Webhook, message: dict, *, delivery_id=None, now_ts: float | None = None):
    """(url, body bytes, headers) for one webhook message."""
    now_ts = time.time() if now_ts is None else now_ts
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "Gongzhi-Notices/1"}
    if webhook.format == Webhook.Format.WECOM:
        body = json.dumps(wecom_payload(message), ensure_ascii=False).encode()
        return webhook.url, body, headers
    if webhook.format == Webhook.Format.DINGTALK:
        body = json.dumps(dingtalk_payload(message), ensure_ascii=False).encode()
        return dingtalk_url(webhook.url, webhook.secret, int(now_ts * 1000)), body, headers
    timestamp = int(now_ts)
    body = generic_body(message, timestamp=timestamp, delivery_id=delivery_id)
    headers[TIMESTAMP_HEADER] = str(timestamp)
    headers[SIGNATURE_HEADER] = sign_body(webhook.secret, body)
    return webhook.url, body, headers


# --- sending ------------------------------------------------------------------------------------
class DeliveryError(Exception):
    def __init__(self, message: str, *, code: int | None = None, permanent: bool = False):
        super().__init__(message)
        self.code = code
        self.permanent = permanent


def _send_webhook(delivery: Delivery) -> int:
    webhook = delivery.webhook
    if webhook is None or not webhook.is_active:
        raise DeliveryError(_("The webhook was switched off."), permanent=True)
    url, body, headers = build_request(webhook, delivery.message, delivery_id=delivery.pk)
    try:
        response = requests.post(url, data=body, headers=headers, timeout=TIMEOUT, allow_redirects=False)
    except requests.RequestException as exc:
        raise DeliveryError(type(exc).__name__) from exc
    if not 200 <= response.status_code < 300:
        raise DeliveryError(f"HTTP {response.status_code}", code=response.status_code)
    if webhook.format in (Webhook.Format.WECOM, Webhook.Format.DINGTALK):
        # The robots answer 200 with {"errcode": n, "errmsg": …}; anything but 0 is a failure.
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        errcode = answer.get("errcode", 0) if isinstance(answer, dict) else 0
        if errcode:
            raise DeliveryError(
                f"errcode {errcode}: {str(answer.get('errmsg', ''))[:200]}", code=response.status_code
            )
    return response.status_code


def _send_email(delivery: Delivery) -> None:
    user = delivery.recipient
    if user is None or not user.email:
        raise DeliveryError(_("The recipient has no e-mail address."), permanent=True)
    message = delivery.message
    body = str(message.get("body", ""))
    url = absolute_url(message.get("url", ""))
    if url:
        body = f"{body}\n\n{url}" if body else url
    try:
        send_mail(str(message.get("title", "")), body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except (OSError, ValueError) as exc:  # smtplib errors are OSErrors
        raise DeliveryError(type(exc).__name__) from exc


def claim(delivery_id: int, now) -> bool:
    return bool(
        Delivery.objects.filter(
            pk=delivery_id, status=Delivery.Status.PENDING, next_attempt_at__lte=now
        ).update(attempts=F("attempts") + 1, next_attempt_at=now + CLAIM_LEASE)
    )


def attempt(delivery_id: int, *, now=None) -> str | None:
    """Try one delivery once; returns its new status, or None when it was not due (or taken)."""
    now = now or timezone.now()
    if not claim(delivery_id, now):
        return None
    delivery = Delivery.objects.select_related("webhook", "recipient").get(pk=delivery_id)
    code = None
    try:
        if delivery.channel == Delivery.Channel.EMAIL:
            _send_email(delivery)
        else:
            code = _send_webhook(delivery)
    except DeliveryError as exc:
        give_up = exc.permanent or delivery.attempts >= max_attempts()
        Delivery.objects.filter(pk=delivery_id).update(
            status=Delivery.Status.FAILED if give_up else Delivery.Status.PENDING,
            next_attempt_at=None if give_up else now + backoff(delivery.attempts),
            last_error=str(exc)[:500],
            response_code=exc.code,
        )
        log.warning("delivery %s attempt %s failed: %s", delivery_id, delivery.attempts, exc)
        return Delivery.Status.FAILED if give_up else Delivery.Status.PENDING
    Delivery.objects.filter(pk=delivery_id).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), next_attempt_at=None, response_code=code
    )
    return Delivery.Status.SENT


def send_many(delivery_ids, *, now=None) -> dict:
    results: dict[str, int] = {}
    for delivery_id in delivery_ids:
        status = attempt(delivery_id, now=now)
        results[status or "skipped"] = results.get(status or "skipped", 0) + 1
    return results


def enqueue(delivery_ids) -> None:
    """Hand deliveries to the task queue once the current transaction commits (inline without a broker)."""
    ids = [int(i) for i in delivery_ids]
    if not ids:
        return
    from . import tasks

    transaction.on_commit(lambda: tasks.send_deliveries.delay(ids))


# --- periodic jobs ------------------------------------------------------------------------------
@sweeps.register("notices.retry")
def retry_due(now=None, batch: int = 500) -> dict:
    """Send every delivery whose next attempt is due (failed attempts waiting out their backoff)."""
    now = now or timezone.now()
    ids = list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("id", flat=True)[:batch]
    )
    if not ids:
        return {"due": 0}
    from . import tasks

    tasks.send_deliveries.delay(ids)
    return {"due": len(ids)}


def _digest_message(notifications: list, more: int) -> dict:
    lines = []
    for n in notifications:
        lines.append(f"- {n.title}")
        if n.url:
            lines.append(f"  {absolute_url(n.url)}")
    if more:
        lines.append(_("… and %(count)d more in the notification centre.") % {"count": more})
    total = len(notifications) + more
    return {
        "kind": "notices.digest",
        "title": _("You have %(count)d unread notifications") % {"count": total},
        "body": "\n".join(lines),
        "url": "/notices/",
    }


@sweeps.register("notices.digest")
def send_digests(now=None, batch_users: int = 500) -> dict:
    """One e-mail per user with the unread notifications of earlier days that wait for a digest.

    Notifications of today wait for tomorrow, so running the sweep many times a day sends one digest.
    """
    now = now or timezone.now()
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    pending = Notification.objects.filter(digest_pending=True, created_at__lt=midnight)
    user_ids = list(pending.values_list("recipient_id", flat=True).distinct()[:batch_users])
    created = []
    for user_id in user_ids:
        with transaction.atomic():
            rows = list(pending.filter(recipient_id=user_id).order_by("-id").select_for_update())
            unread = [n for n in rows if n.read_at is None]
            if unread:
                shown = unread[:DIGEST_MAX_ITEMS]
                created.append(
                    Delivery.objects.create(
                        channel=Delivery.Channel.EMAIL,
                        recipient_id=user_id,
                        is_digest=True,
                        message=_digest_message(shown, len(unread) - len(shown)),
                        next_attempt_at=now,
                    ).pk
                )
            Notification.objects.filter(pk__in=[n.pk for n in rows]).update(digest_pending=False)
    enqueue(created)
    return {"digests": len(created)}
