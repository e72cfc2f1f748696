"""Every change in the notification core: notify, read, preferences, webhooks.

`notify` and `notify_scope` are services that other apps' actions call after their own permission
check and audit event; they write no audit event of their own (a notification is itself the record,
and one audit row per recipient would swamp the log). Reading one's own notifications is not audited
either. Preferences and webhook changes are audited.
"""

import secrets
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.accounts import scopes
from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.accounts.roles import Role, ScopeKind
from gongzhi.core import audit, policy
from gongzhi.core.strings import has_control_chars

from . import delivery
from .models import ALL_KINDS, WEBHOOK_SCOPE_KINDS, Delivery, Notification, NotificationPreference, Webhook

MANAGE_WEBHOOKS = policy.register(
    "notices.manage_webhooks",
    [Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.STREET_ADMIN, Role.DEPARTMENT_HANDLER],
)

audit.register_verb("notices.preferences_saved", gettext_lazy("notification preferences saved"))
audit.register_verb("webhook.created", gettext_lazy("webhook created"))
audit.register_verb("webhook.updated", gettext_lazy("webhook updated"))
audit.register_verb("webhook.deleted", gettext_lazy("webhook deleted"))
audit.register_verb("webhook.tested", gettext_lazy("webhook test message sent"))

# Kinds of notification: apps declare theirs at import time (like audit verbs); the preferences page
# lists them. Notifying with an undeclared kind is a programming error.
KINDS: dict[str, object] = {}


def register_kind(kind: str, label) -> str:
    KINDS[kind] = label
    return kind


SYSTEM = register_kind("system", gettext_lazy("system message"))
WEBHOOK_TEST = register_kind("notices.webhook_test", gettext_lazy("webhook test message"))

MIN_SECRET_LENGTH = 16
_http_url = URLValidator(schemes=["http", "https"])


# --- preferences --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Channels:
    in_app: bool = True
    email: bool = True
    webhook: bool = False
    digest: str = NotificationPreference.Digest.OFF


DEFAULT_CHANNELS = Channels()


def channels_for(user_ids, kind: str) -> dict[int, Channels]:
    """Each user's channels for `kind`: their row for the kind, else their "*" row, else the defaults."""
    found: dict[int, dict[str, NotificationPreference]] = {}
    for pref in NotificationPreference.objects.filter(user_id__in=list(user_ids), kind__in=[kind, ALL_KINDS]):
        found.setdefault(pref.user_id, {})[pref.kind] = pref
    result = {}
    for user_id in user_ids:
        rows = found.get(user_id, {})
        pref = rows.get(kind) or rows.get(ALL_KINDS)
        result[user_id] = (
            Channels(pref.in_app, pref.email, pref.webhook, pref.digest) if pref else DEFAULT_CHANNELS
        )
    return result


def save_preferences(
    *, actor, user: User, kind: str = ALL_KINDS, in_app: bool, email: bool, webhook: bool, digest: str
) -> NotificationPreference:
    if actor is not None and actor.pk != user.pk:
        raise PermissionDenied(_("You can only change your own notification preferences."))
    if kind != ALL_KINDS and kind not in KINDS:
        raise ValidationError({"kind": _("Unknown kind of notification.")})
    if digest not in NotificationPreference.Digest.values:
        raise ValidationError({"digest": _("Choose how often to receive e-mail.")})
    with transaction.atomic():
        pref, _created = NotificationPreference.objects.update_or_create(
            user=user,
            kind=kind,
            defaults={"in_app": in_app, "email": email, "webhook": webhook, "digest": digest},
        )
        audit.record(
            actor,
            "notices.preferences_saved",
            pref,
            details={"kind": kind, "in_app": in_app, "email": email, "webhook": webhook, "digest": digest},
        )
    return pref


# --- notifications ------------------------------------------------------------------------------
def _check_message(kind: str, title: str, body: str, url: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unregistered notification kind {kind!r}")
    errors = {}
    if not title or not title.strip() or len(title) > 200 or has_control_chars(title):
        errors["title"] = _("Give a title of at most 200 characters without control characters.")
    if has_control_chars(body):
        errors["body"] = _("Text must not contain NUL or other control characters.")
    if url and (len(url) > 500 or not (url.startswith("/") or url.startswith(("http://", "https://")))):
        errors["url"] = _("A link must be a path on this site or an http(s) address.")
    if errors:
        raise ValidationError(errors)


def _user_scope_webhooks(user_ids) -> dict[int, list[Webhook]]:
    """Active webhooks of the scopes each user holds a role for (for the "webhook" preference)."""
    rows = list(
        RoleAssignment.objects.active()
        .filter(user_id__in=list(user_ids), scope_kind__in=WEBHOOK_SCOPE_KINDS)
        .values_list("user_id", "scope_kind", "scope_id")
    )
    if not rows:
        return {}
    q = Q(pk__in=[])
    for _user_id, kind, scope_id in rows:
        q |= Q(scope_kind=kind, scope_id=scope_id)
    hooks = list(Webhook.objects.filter(q, is_active=True))
    by_scope: dict[tuple, list[Webhook]] = {}
    for hook in hooks:
        by_scope.setdefault((hook.scope_kind, hook.scope_id), []).append(hook)
    result: dict[int, list[Webhook]] = {}
    for user_id, kind, scope_id in rows:
        for hook in by_scope.get((kind, scope_id), []):
            if hook not in result.setdefault(user_id, []):
                result[user_id].append(hook)
    return result


def unread_key(user_id: int) -> str:
    """The cache key of a user's unread count (queries.unread_count)."""
    return f"notices:unread:{user_id}"


def forget_unread(user_ids) -> None:
    """Drop the cached unread counts of these users now and again after the commit: now, so a read in
    this transaction counts afresh; after, so no other process keeps a count from before it."""
    keys = [unread_key(uid) for uid in user_ids]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def notify(*, actor, recipients, kind: str, title: str, body: str = "", url: str = "") -> list[Notification]:
    """Notify users through the channels each prefers; sending happens after the caller's commit.

    `recipients` are users (or user ids); inactive and duplicate users are skipped.
    """
    _check_message(kind, title, body, url)
    ids = {r.pk if isinstance(r, User) else int(r) for r in recipients}
    users = {u.pk: u for u in User.objects.filter(pk__in=ids, is_active=True)}
    if not users:
        return []
    prefs = channels_for(list(users), kind)
    hooks = _user_scope_webhooks([uid for uid, p in prefs.items() if p.webhook])
    message = {"kind": kind, "title": title, "body": body, "url": url}
    actor_id = actor.pk if actor is not None and getattr(actor, "pk", None) else None
    now = timezone.now()
    with transaction.atomic():
        notifications = Notification.objects.bulk_create(
            [
                Notification(
                    recipient_id=uid,
                    actor_id=actor_id,
                    kind=kind,
                    title=title,
                    body=body,
                    url=url,
                    # A digest needs the centre's rows; without in-app the e-mail goes out at once.
                    digest_pending=p.email and p.digest == NotificationPreference.Digest.DAILY,
                )
                for uid, p in sorted(prefs.items())
                if p.in_app
            ]
        )
        by_user = {n.recipient_id: n for n in notifications}
        forget_unread(by_user)
        deliveries = []
        for uid, p in sorted(prefs.items()):
            note = by_user.get(uid)
            if p.email and users[uid].email and not (note is not None and note.digest_pending):
                deliveries.append(
                    Delivery(
                        channel=Delivery.Channel.EMAIL,
                        recipient_id=uid,
                        notification=note,
                        message=message,
                        next_attempt_at=now,
                    )
                )
            for hook in hooks.get(uid, []):
                relayed = {**message, "title": f"{users[uid]}: {title}"}
                deliveries.append(
                    Delivery(
                        channel=Delivery.Channel.WEBHOOK,
                        webhook=hook,
                        notification=note,
                        message=relayed,
                        next_attempt_at=now,
                    )
                )
        created = Delivery.objects.bulk_create(deliveries)
        delivery.enqueue([d.pk for d in created])
    return notifications


def notify_scope(
    *, actor, scope_kind: str, scope_id: int, kind: str, title: str, body: str = "", url: str = ""
) -> list[Delivery]:
    """Post a message to every active webhook of a scope (an area or a department), after commit."""
    _check_message(kind, title, body, url)
    now = timezone.now()
    message = {"kind": kind, "title": title, "body": body, "url": url}
    with transaction.atomic():
        hooks = Webhook.objects.filter(scope_kind=scope_kind, scope_id=scope_id, is_active=True)
        created = Delivery.objects.bulk_create(
            [
                Delivery(channel=Delivery.Channel.WEBHOOK, webhook=h, message=message, next_attempt_at=now)
                for h in hooks
            ]
        )
        delivery.enqueue([d.pk for d in created])
    return created


def mark_read(*, actor, notification: Notification) -> Notification:
    if actor is None or notification.recipient_id != actor.pk:
        raise PermissionDenied(_("This notification is not yours."))
    with transaction.atomic():
        now = timezone.now()
        if Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now):
            notification.read_at = now
            forget_unread([actor.pk])
        else:
            notification.refresh_from_db(fields=["read_at"])
    return notification


def mark_all_read(*, actor) -> int:
    with transaction.atomic():
        done = Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        forget_unread([actor.pk])
        return done


# --- webhooks -----------------------------------------------------------------------------------
def _resolve_scope(scope_kind: str, scope_id):
    if scope_kind not in WEBHOOK_SCOPE_KINDS:
        raise ValidationError({"scope_kind": _("Webhooks can belong to an area or a department only.")})
    return scopes.resolve(scope_kind, scope_id)


def _require_manage(actor, scope_kind: str, obj) -> None:
    if scope_kind == ScopeKind.AREA:
        policy.require(actor, MANAGE_WEBHOOKS, area=obj)
    else:
        policy.require(actor, MANAGE_WEBHOOKS, body=obj, body_kind=scope_kind)


def can_manage(actor, webhook: Webhook) -> bool:
    try:
        obj, _area = scopes.resolve(webhook.scope_kind, webhook.scope_id)
        _require_manage(actor, webhook.scope_kind, obj)
    except (PermissionDenied, ValidationError):
        return False
    return True


def _validate_fields(*, name, url, format, secret) -> dict:
    errors: dict[str, str] = {}
    if name is not None and (not name.strip() or len(name) > 80 or has_control_chars(name)):
        errors["name"] = _("Give the webhook a name of at most 80 characters.")
    if url is not None:
        try:
            if len(url) > 500 or has_control_chars(url):
                raise ValidationError("too long")
            _http_url(url)
        except ValidationError:
            errors["url"] = _("Enter a web address that starts with http:// or https://.")
    if format is not None and format not in Webhook.Format.values:
        errors["format"] = _("Choose generic JSON, WeCom or DingTalk.")
    if secret:
        if len(secret) > 200 or has_control_chars(secret) or secret != secret.strip():
            errors["secret"] = _("The secret must be at most 200 characters without spaces at the ends.")
        elif format == Webhook.Format.GENERIC and len(secret) < MIN_SECRET_LENGTH:
            errors["secret"] = _("A signing secret needs at least %(n)d characters.") % {
                "n": MIN_SECRET_LENGTH
            }
    return errors


def _details(hook: Webhook) -> dict:
    return {"name": hook.name, "format": hook.format, "url": hook.url_display, "active": hook.is_active}


def create_webhook(
    *,
    actor,
    scope_kind: str,
    scope_id,
    name: str,
    url: str,
    format: str = Webhook.Format.GENERIC,
    secret: str = "",
    is_active: bool = True,
) -> Webhook:
    """A generic webhook without a secret gets a generated one, returned once as `webhook.new_secret`."""
    obj, area = _resolve_scope(scope_kind, scope_id)
    _require_manage(actor, scope_kind, obj)
    errors = _validate_fields(name=name, url=url, format=format, secret=secret)
    if errors:
        raise ValidationError(errors)
    new_secret = ""
    if format == Webhook.Format.GENERIC and not secret:
        secret = new_secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        hook = Webhook(
            scope_kind=scope_kind,
            scope_id=obj.pk,
            area=area,
            scope_label=str(obj)[:120],
            name=name.strip(),
            url=url,
            format=format,
            is_active=is_active,
            created_by=actor if actor is not None and actor.pk else None,
        )
        hook.secret = secret
        hook.save()
        audit.record(actor, "webhook.created", hook, details=_details(hook))
    hook.new_secret = new_secret
    return hook


def update_webhook(
    *, actor, webhook: Webhook, name=None, url=None, format=None, secret=None, is_active=None
) -> Webhook:
    """Change the given fields; a secret of None or "" keeps the stored one."""
    obj, _area = _resolve_scope(webhook.scope_kind, webhook.scope_id)
    _require_manage(actor, webhook.scope_kind, obj)
    target_format = format if format is not None else webhook.format
    errors = _validate_fields(name=name, url=url, format=target_format, secret=secret)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        hook = Webhook.objects.select_for_update().get(pk=webhook.pk)
        if name is not None:
            hook.name = name.strip()
        if url is not None:
            hook.url = url
        if format is not None:
            hook.format = format
        if secret:
            hook.secret = secret
        if is_active is not None:
            hook.is_active = is_active
        if hook.format == Webhook.Format.GENERIC and not hook.has_secret:
            raise ValidationError({"secret": _("A generic webhook needs a signing secret.")})
        hook.save()
        audit.record(actor, "webhook.updated", hook, details=_details(hook))
    return hook


def delete_webhook(*, actor, webhook: Webhook) -> None:
    obj, _area = _resolve_scope(webhook.scope_kind, webhook.scope_id)
    _require_manage(actor, webhook.scope_kind, obj)
    with transaction.atomic():
        audit.record(actor, "webhook.deleted", webhook, details=_details(webhook))
        webhook.delete()


def test_webhook(*, actor, webhook: Webhook) -> Delivery:
    """Queue a test message to the webhook so its owner can check the robot or endpoint."""
    obj, _area = _resolve_scope(webhook.scope_kind, webhook.scope_id)
    _require_manage(actor, webhook.scope_kind, obj)
    message = {
        "kind": WEBHOOK_TEST,
        "title": _("Test message from Gongzhi"),
        "body": _("If you can read this, the webhook works."),
        "url": "",
    }
    with transaction.atomic():
        row = Delivery.objects.create(
            channel=Delivery.Channel.WEBHOOK, webhook=webhook, message=message, next_attempt_at=timezone.now()
        )
        audit.record(actor, "webhook.tested", webhook, details={"delivery": row.pk})
        delivery.enqueue([row.pk])
    return row


test_webhook.__test__ = False  # not a pytest test when imported into a test module
