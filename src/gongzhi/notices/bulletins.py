"""Notices (announcements, bulletins, honours publicity) to audiences, with read receipts and reminders.

A notice is published at its publication time (at once, or by the "notices.bulletins" sweep): its
audience is resolved to users then (notices/audiences.py), each gets a NoticeRecipient row — the read
receipt — and a notification through the notification core. Opening the notice marks it read. Where
the sender asked for receipts, the sender sees who has not read it and may send them a reminder.
Reading is not audited (like reading a notification: the receipt is itself the record).
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.accounts.roles import Role
from gongzhi.core import audit, policy, sweeps
from gongzhi.core.strings import has_control_chars

from . import audiences
from .actions import notify, register_kind
from .models_bulletins import Audience, Notice, NoticeRecipient

R = Role
SENDERS = [
    R.CITY_ADMIN,
    R.DISTRICT_ADMIN,
    R.STREET_ADMIN,
    R.COMMUNITY_WORKER,
    R.COMMITTEE_WORKER,
    R.PARTY_SECRETARY,
]
PUBLISH = policy.register("notices.publish_notice", SENDERS)
# Reading the notices sent in an area, their receipts and who has not read them.
VIEW_SENT = policy.register("notices.view_sent", [*SENDERS, R.GRID_WORKER])
# Anyone holding a role receives notices (the menu entry of the inbox).
RECEIVE = policy.register("notices.receive", list(Role))

NOTICE_KIND = register_kind("notices.notice", gettext_lazy("notice, bulletin or honours publicity"))
REMINDER_KIND = register_kind("notices.notice_reminder", gettext_lazy("reminder to read a notice"))

for _verb, _label in [
    ("notice.created", gettext_lazy("notice created")),
    ("notice.published", gettext_lazy("notice published to its audience")),
    ("notice.withdrawn", gettext_lazy("notice withdrawn")),
    ("notice.reminded", gettext_lazy("reminder sent to those who have not read a notice")),
]:
    audit.register_verb(_verb, _label)

REMINDER_INTERVAL = dt.timedelta(hours=1)


def require_sender(actor, target: audiences.Target, capability=PUBLISH) -> None:
    """Send to an audience: hold the capability over its area (or its body); a council's clerk may too."""
    obj = target.obj
    if getattr(obj, "clerk_id", None) and actor is not None and obj.clerk_id == getattr(actor, "pk", None):
        return
    if target.body_kind:
        policy.require(actor, capability, body=obj, body_kind=target.body_kind)
    else:
        policy.require(actor, capability, area=target.area)


def can_manage(actor, notice: Notice) -> bool:
    try:
        require_sender(actor, audiences.target(notice.audience_kind, notice.audience_id), VIEW_SENT)
    except (PermissionDenied, ValidationError):
        return actor is not None and notice.author_id == getattr(actor, "pk", None)
    return True


def _clean(errors, field, value, limit, *, required=True) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[field] = _("This field is required.")
    elif len(value) > limit:
        errors[field] = _("At most %(n)d characters.") % {"n": limit}
    elif has_control_chars(value):
        errors[field] = _("Text must not contain NUL or other control characters.")
    return value


def _aware(value):
    if value is None or not isinstance(value, dt.datetime):
        return value
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def publish_notice(
    *,
    actor,
    kind: str,
    title: str,
    body: str,
    audience_kind: str,
    audience_id,
    publish_at=None,
    expires_at=None,
    receipts_required: bool = False,
    is_public: bool = False,
) -> Notice:
    """Create a notice; it reaches its audience at `publish_at` (now when not given)."""
    target = audiences.target(audience_kind, audience_id)
    require_sender(actor, target)
    errors: dict = {}
    if kind not in Notice.Kind.values:
        errors["kind"] = _("Choose announcement, bulletin or honours publicity.")
    title = _clean(errors, "title", title, 160)
    body = _clean(errors, "body", body, 20000)
    now = timezone.now()
    publish_at = _aware(publish_at) or now
    expires_at = _aware(expires_at)
    if not isinstance(publish_at, dt.datetime):
        errors["publish_at"] = _("Enter a date and time.")
    elif expires_at is not None and (
        not isinstance(expires_at, dt.datetime) or expires_at <= max(publish_at, now)
    ):
        errors["expires_at"] = _("The notice must expire after it is published, in the future.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        notice = Notice(
            kind=kind,
            title=title,
            body=body,
            audience_kind=audience_kind,
            audience_id=target.obj.pk,
            audience_label=target.label,
            publish_at=publish_at,
            expires_at=expires_at,
            receipts_required=bool(receipts_required),
            is_public=bool(is_public),
            author=actor if getattr(actor, "pk", None) else None,
        )
        notice.set_area(target.area)
        notice.save()
        audit.record(
            actor,
            "notice.created",
            notice,
            details={
                "kind": kind,
                "audience": target.label,
                "publish_at": publish_at,
                "receipts": notice.receipts_required,
            },
        )
        if publish_at <= now:
            _deliver(notice, actor)
    return notice


def _deliver(notice: Notice, actor=None) -> int:
    """Resolve the audience, write the receipts and notify (inside the caller's transaction)."""
    claimed = Notice.objects.filter(pk=notice.pk, state=Notice.State.SCHEDULED).update(
        state=Notice.State.PUBLISHED, published_at=timezone.now()
    )
    if not claimed:
        return 0
    ids = audiences.user_ids(notice.audience_kind, notice.audience_id)
    NoticeRecipient.objects.bulk_create(
        [NoticeRecipient(notice=notice, user_id=uid) for uid in ids], batch_size=2000, ignore_conflicts=True
    )
    Notice.objects.filter(pk=notice.pk).update(recipient_count=len(ids))
    notice.refresh_from_db()
    audit.record(actor, "notice.published", notice, details={"recipients": len(ids)})
    if ids:
        notify(
            actor=actor if getattr(actor, "pk", None) else None,
            recipients=ids,
            kind=NOTICE_KIND,
            title=f"{notice.get_kind_display()}: {notice.title}"[:200],
            body=notice.body[:300],
            url=reverse("bulletins:notice", args=[notice.pk]),
        )
    return len(ids)


@sweeps.register("notices.bulletins")
def publish_due(now=None, batch: int = 200) -> dict:
    """Publish the notices whose publication time has come."""
    now = now or timezone.now()
    due = list(
        Notice.objects.filter(state=Notice.State.SCHEDULED, publish_at__lte=now).order_by("publish_at")[
            :batch
        ]
    )
    sent = 0
    for notice in due:
        with transaction.atomic():
            if _deliver(notice, None):
                sent += 1
    return {"published": sent}


def withdraw_notice(*, actor, notice: Notice) -> Notice:
    require_sender(actor, audiences.target(notice.audience_kind, notice.audience_id))
    with transaction.atomic():
        if (
            not Notice.objects.filter(pk=notice.pk)
            .exclude(state=Notice.State.WITHDRAWN)
            .update(state=Notice.State.WITHDRAWN)
        ):
            raise ValidationError({"state": _("This notice has already been withdrawn.")})
        notice.refresh_from_db()
        audit.record(actor, "notice.withdrawn", notice)
    return notice


def open_notice(*, actor, notice: Notice) -> NoticeRecipient | None:
    """The recipient opens the notice: the read receipt is stamped once (None for non-recipients)."""
    if actor is None or not getattr(actor, "pk", None):
        return None
    with transaction.atomic():
        now = timezone.now()
        NoticeRecipient.objects.filter(notice=notice, user=actor, read_at__isnull=True).update(read_at=now)
        return NoticeRecipient.objects.filter(notice=notice, user=actor).first()


def remind_unread(*, actor, notice: Notice) -> int:
    """Send those who have not read a receipt-requested notice a reminder; returns how many."""
    require_sender(actor, audiences.target(notice.audience_kind, notice.audience_id))
    now = timezone.now()
    if not notice.receipts_required:
        raise ValidationError({"notice": _("This notice does not ask for read receipts.")})
    if notice.state != Notice.State.PUBLISHED or notice.is_expired(now):
        raise ValidationError({"notice": _("Only a published notice that has not expired can be reminded.")})
    with transaction.atomic():
        unread = NoticeRecipient.objects.select_for_update().filter(notice=notice, read_at__isnull=True)
        recent = unread.filter(last_reminded_at__gt=now - REMINDER_INTERVAL).exists()
        if recent:
            raise ValidationError({"notice": _("A reminder was sent less than an hour ago.")})
        ids = list(unread.values_list("user_id", flat=True))
        if not ids:
            raise ValidationError({"notice": _("Everyone has read this notice.")})
        NoticeRecipient.objects.filter(notice=notice, user_id__in=ids).update(
            reminders=F("reminders") + 1, last_reminded_at=now
        )
        audit.record(actor, "notice.reminded", notice, details={"reminded": len(ids)})
        notify(
            actor=actor,
            recipients=ids,
            kind=REMINDER_KIND,
            title=(_("Please read: %(title)s") % {"title": notice.title})[:200],
            url=reverse("bulletins:notice", args=[notice.pk]),
        )
    return len(ids)


def audience_choices() -> list[tuple[str, str]]:
    return [(str(v), str(label)) for v, label in Audience.choices]
