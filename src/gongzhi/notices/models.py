"""Notification core: in-app notifications, per-user preferences, scope webhooks and the delivery log."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.roles import ScopeKind
from gongzhi.core import pii

# The scope kinds a webhook may belong to now; organizations and councils join when their apps arrive.
WEBHOOK_SCOPE_KINDS = (ScopeKind.AREA, ScopeKind.DEPARTMENT)
ALL_KINDS = "*"


class Notification(models.Model):
    """One message in a user's notification centre."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Waiting for the recipient's daily digest e-mail (cleared when the digest is queued).
    digest_pending = models.BooleanField(_("waiting for digest"), default=False)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # Unread count, unread list and "mark all read": one index range each.
            models.Index(fields=["recipient", "read_at", "-id"], name="notification_unread"),
            models.Index(fields=["recipient", "-id"], name="notification_inbox"),
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(digest_pending=True),
                name="notification_digest",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """A user's channels for one kind of notification, or for all kinds ("*") as the fallback."""

    class Digest(models.TextChoices):
        OFF = "off", _("send each e-mail at once")
        DAILY = "daily", _("one e-mail a day")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=64, default=ALL_KINDS)
    in_app = models.BooleanField(_("in the notification centre"), default=True)
    email = models.BooleanField(_("by e-mail"), default=True)
    webhook = models.BooleanField(_("to my scopes' group robots"), default=False)
    digest = models.CharField(_("e-mail digest"), max_length=8, choices=Digest.choices, default=Digest.OFF)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notificationpreference_one_per_kind")
        ]

    def __str__(self):
        return f"{self.user} · {self.kind}"


class Webhook(models.Model):
    """A group robot or HTTP endpoint of a scope (area or department) that receives its messages."""

    class Format(models.TextChoices):
        GENERIC = "generic", _("generic JSON (signed with HMAC-SHA256)")
        WECOM = "wecom", _("WeCom group robot")
        DINGTALK = "dingtalk", _("DingTalk group robot")

    scope_kind = models.CharField(_("scope kind"), max_length=24, choices=ScopeKind.choices)
    scope_id = models.BigIntegerField(_("scope id"))
    # The scope's area (the area itself, or the department's area), copied for "within my scope" lists.
    area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scope_label = models.CharField(_("scope"), max_length=120, blank=True)
    name = models.CharField(_("name"), max_length=80)
    url = models.URLField(_("address"), max_length=500)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices, default=Format.GENERIC)
    # Encrypted at rest with the personal-data keys: the secret signs requests, so it must be readable.
    secret_encrypted = models.TextField(blank=True, default="")
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        indexes = [models.Index(fields=["scope_kind", "scope_id"], name="webhook_scope")]

    def __str__(self):
        return self.name

    @property
    def secret(self) -> str:
        return pii.decrypt(self.secret_encrypted) if self.secret_encrypted else ""

    @secret.setter
    def secret(self, value: str) -> None:
        self.secret_encrypted = pii.encrypt(value) if value else ""

    @property
    def has_secret(self) -> bool:
        return bool(self.secret_encrypted)

    @property
    def audit_area(self):
        return self.area

    @property
    def url_display(self) -> str:
        """The address without its query (WeCom and DingTalk put the robot's key there)."""
        return self.url.split("?", 1)[0]


class Delivery(models.Model):
    """One message on its way through one channel: the delivery log, with retries and backoff."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        WEBHOOK = "webhook", _("webhook")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    notification = models.ForeignKey(
        Notification,
        verbose_name=_("notification"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
    )
    webhook = models.ForeignKey(
        Webhook,
        verbose_name=_("webhook"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    is_digest = models.BooleanField(_("digest"), default=False)
    # What to send: {"kind", "title", "body", "url"}; kept so a retry sends the same message.
    message = models.JSONField(_("message"), default=dict)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="delivery_due"),
            models.Index(fields=["webhook", "-id"], name="delivery_webhook_log"),
            models.Index(fields=["recipient", "-id"], name="delivery_recipient_log"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} #{self.pk} · {self.get_status_display()}"

    @property
    def title(self) -> str:
        return str(self.message.get("title", ""))


from . import models_bulletins  # noqa: E402, F401 - notices, surveys and suggestions (own module)
