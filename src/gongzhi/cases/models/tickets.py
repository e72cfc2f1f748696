"""Queued intake (受理队列): a report stored the moment it arrives, turned into a case by a worker.

At city scale the hotline and Open311 clients send reports in bursts; numbering, routing, dispatch,
timeline, audit and figures take tens of statements per case. A ticket is the one row the request
writes; `cases.actions.intake_queue.drain_queue` receives it as a case (with the ticket's time as
the case's received time), or rejects it with the reasons, and the client follows it by its token.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core.pii import PHONE, EncryptedPIIField


class IntakeTicket(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("waiting to be received")
        DONE = "done", _("received as a case")
        REJECTED = "rejected", _("rejected")

    token = models.CharField(max_length=40, unique=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=20)
    # receive_case()'s keyword arguments as checked at the door (ids, text, coordinates as text);
    # the reporter's phone is personal data and lives encrypted in its own column.
    payload = models.JSONField(default=dict)
    reporter_phone = EncryptedPIIField(_("reporter's phone"), kind=PHONE, hash_field="reporter_phone_hash")
    # No index: tickets are found by token, never by phone.
    reporter_phone_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    errors = models.JSONField(default=dict, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("intake ticket")
        verbose_name_plural = _("intake tickets")
        indexes = [
            # The drain's queue: only waiting tickets, oldest first.
            models.Index(fields=["id"], name="intake_ticket_pending", condition=Q(state="pending")),
        ]

    def __str__(self):
        return self.token
