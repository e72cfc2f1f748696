"""Notices API: my notifications (list, unread count, mark read), preferences, webhooks and their log."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from gongzhi.core import policy
from gongzhi.core.api_schemas import ERRORS, PageOut, PageParams, paginate
from gongzhi.core.strings import CleanStr

from . import actions, queries
from .models import ALL_KINDS, Notification, NotificationPreference, Webhook

router = Router(tags=["notices"])


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None = None


class NotificationFilter(Schema):
    unread: bool = False


class UnreadOut(Schema):
    count: int = Field(..., description=f"Unread notifications, counted up to {queries.UNREAD_CAP + 1}.")
    badge: str = Field(..., description=f'What the bell shows, e.g. "{queries.UNREAD_CAP}+".')


class MarkedOut(Schema):
    updated: int


@router.get("/notifications", response={200: PageOut[NotificationOut], **ERRORS})
def list_notifications(request, filters: Query[NotificationFilter], params: Query[PageParams]):
    qs = queries.notifications_for(request.user, unread_only=filters.unread)
    return paginate(qs, params, ordering=("-id",), name="notices-unread" if filters.unread else "notices")


@router.get("/notifications/unread-count", response={200: UnreadOut, **ERRORS})
def unread_count(request):
    count = queries.unread_count(request.user)
    return {"count": count, "badge": queries.badge(count)}


@router.post("/notifications/read-all", response={200: MarkedOut, **ERRORS})
def mark_all_read(request):
    return {"updated": actions.mark_all_read(actor=request.user)}


@router.post("/notifications/{notification_id}/read", response={200: NotificationOut, **ERRORS})
def mark_read(request, notification_id: int):
    notification = get_object_or_404(Notification, pk=notification_id, recipient=request.user)
    return actions.mark_read(actor=request.user, notification=notification)


class PreferenceIn(Schema):
    kind: CleanStr = Field(ALL_KINDS, max_length=64, description='A kind of notification, or "*" for all.')
    in_app: bool = True
    email: bool = True
    webhook: bool = False
    digest: NotificationPreference.Digest = NotificationPreference.Digest.OFF


class PreferenceOut(Schema):
    kind: str
    in_app: bool
    email: bool
    webhook: bool
    digest: str


class KindOut(Schema):
    kind: str
    label: str


class PreferencesOut(Schema):
    preferences: list[PreferenceOut]
    kinds: list[KindOut]


@router.get("/preferences", response={200: PreferencesOut, **ERRORS})
def get_preferences(request):
    return {
        "preferences": list(queries.preferences_for(request.user)),
        "kinds": [{"kind": k, "label": str(label)} for k, label in sorted(actions.KINDS.items())],
    }


@router.put("/preferences", response={200: PreferenceOut, **ERRORS})
def put_preference(request, payload: PreferenceIn):
    return actions.save_preferences(
        actor=request.user,
        user=request.user,
        kind=payload.kind,
        in_app=payload.in_app,
        email=payload.email,
        webhook=payload.webhook,
        digest=str(payload.digest),
    )


class WebhookIn(Schema):
    scope_kind: CleanStr = Field(..., max_length=24, description='"area" or "department".')
    scope_id: int = Field(..., ge=1, le=2**62)
    name: CleanStr = Field(..., max_length=80)
    url: CleanStr = Field(..., max_length=500)
    format: Webhook.Format = Webhook.Format.GENERIC
    secret: CleanStr = Field("", max_length=200)
    is_active: bool = True


class WebhookPatch(Schema):
    name: CleanStr | None = Field(None, max_length=80)
    url: CleanStr | None = Field(None, max_length=500)
    format: Webhook.Format | None = None
    secret: CleanStr | None = Field(None, max_length=200, description="Empty or absent keeps the stored one.")
    is_active: bool | None = None


class WebhookOut(Schema):
    id: int
    scope_kind: str
    scope_id: int
    scope_label: str
    name: str
    url: str
    format: str
    has_secret: bool
    is_active: bool
    created_at: datetime


class WebhookCreatedOut(WebhookOut):
    secret: str = Field("", description="The generated signing secret, shown once (empty if you gave one).")


class DeliveryOut(Schema):
    id: int
    channel: str
    status: str
    title: str
    attempts: int
    next_attempt_at: datetime | None = None
    last_error: str
    response_code: int | None = None
    created_at: datetime
    sent_at: datetime | None = None


def _require_any(request):
    if not policy.can(request.user, actions.MANAGE_WEBHOOKS):
        raise PermissionDenied


def _webhook(request, webhook_id: int) -> Webhook:
    _require_any(request)
    return get_object_or_404(queries.webhooks_for(request.user), pk=webhook_id)


@router.get("/webhooks", response={200: PageOut[WebhookOut], **ERRORS})
def list_webhooks(request, params: Query[PageParams]):
    _require_any(request)
    return paginate(queries.webhooks_for(request.user), params, ordering=("-id",), name="webhooks")


@router.post("/webhooks", response={201: WebhookCreatedOut, **ERRORS})
def create_webhook(request, payload: WebhookIn):
    hook = actions.create_webhook(
        actor=request.user,
        scope_kind=payload.scope_kind,
        scope_id=payload.scope_id,
        name=payload.name,
        url=payload.url,
        format=str(payload.format),
        secret=payload.secret,
        is_active=payload.is_active,
    )
    return Status(201, {**WebhookOut.from_orm(hook).dict(), "secret": hook.new_secret})


@router.get("/webhooks/{webhook_id}", response={200: WebhookOut, **ERRORS})
def get_webhook(request, webhook_id: int):
    return _webhook(request, webhook_id)


@router.patch("/webhooks/{webhook_id}", response={200: WebhookOut, **ERRORS})
def update_webhook(request, webhook_id: int, payload: WebhookPatch):
    hook = _webhook(request, webhook_id)
    fields = payload.dict(exclude_unset=True)
    if fields.get("format") is not None:
        fields["format"] = str(fields["format"])
    return actions.update_webhook(actor=request.user, webhook=hook, **fields)


@router.delete("/webhooks/{webhook_id}", response={204: None, **ERRORS})
def delete_webhook(request, webhook_id: int):
    actions.delete_webhook(actor=request.user, webhook=_webhook(request, webhook_id))
    return Status(204, None)


@router.post("/webhooks/{webhook_id}/test", response={201: DeliveryOut, **ERRORS})
def test_webhook(request, webhook_id: int):
    row = actions.test_webhook(actor=request.user, webhook=_webhook(request, webhook_id))
    row.refresh_from_db()
    return Status(201, row)


@router.get("/webhooks/{webhook_id}/deliveries", response={200: PageOut[DeliveryOut], **ERRORS})
def list_deliveries(request, webhook_id: int, params: Query[PageParams]):
    hook = _webhook(request, webhook_id)
    return paginate(
        queries.deliveries_for_webhook(hook), params, ordering=("-id",), name=f"deliveries-{hook.pk}"
    )
