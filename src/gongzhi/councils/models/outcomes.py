"""Resolutions and action items tracked to completion, co-construction agreements, resident proposals."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.areas.scoped import AreaScoped

from .bodies import Council
from .meetings import AgendaItem, Meeting
from .votes import Motion


class Resolution(AreaScoped):
    council = models.ForeignKey(
        Council, verbose_name=_("council"), on_delete=models.PROTECT, related_name="resolutions"
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resolutions",
    )
    motion = models.OneToOneField(
        Motion, null=True, blank=True, on_delete=models.SET_NULL, related_name="resolution"
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    decided_on = models.DateField(_("decided on"))
    is_public = models.BooleanField(_("public"), default=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        indexes = [models.Index(fields=["council", "decided_on", "id"], name="resolution_council_date")]

    def __str__(self):
        return self.title


class ActionItem(AreaScoped):
    class Status(models.TextChoices):
        OPEN = "open", _("not started")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    class OwnerKind(models.TextChoices):
        PERSON = "person", _("person")
        UNIT = "unit", _("stationed unit")
        ORGANIZATION = "organization", _("social organization")
        DEPARTMENT = "department", _("department")
        COMMITTEE = "committee", _("residents' committee")

    resolution = models.ForeignKey(
        Resolution, verbose_name=_("resolution"), on_delete=models.CASCADE, related_name="action_items"
    )
    title = models.CharField(_("action"), max_length=200)
    owner_kind = models.CharField(_("owner kind"), max_length=14, choices=OwnerKind.choices)
    owner_id = models.BigIntegerField(_("owner id"), null=True, blank=True)
    owner_label = models.CharField(_("owner"), max_length=120)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_items",
    )
    due_on = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    is_overdue = models.BooleanField(_("overdue"), default=False)  # set by `gongzhi sweep`
    last_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        indexes = [
            models.Index(fields=["status", "due_on"], name="actionitem_status_due"),
            models.Index(fields=["area_path", "status", "due_on"], name="actionitem_area_status"),
            models.Index(fields=["owner_user", "status"], name="actionitem_owner_status"),
        ]

    def __str__(self):
        return self.title


class ActionUpdate(models.Model):
    item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="updates")
    progress = models.PositiveSmallIntegerField(_("progress (%)"), validators=[MaxValueValidator(100)])
    note = models.TextField(_("update"))
    evidence = models.FileField(_("evidence"), upload_to="councils/evidence/%Y/%m/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["item", "created_at", "id"]

    def __str__(self):
        return f"{self.item} {self.progress}%"


class Agreement(AreaScoped):
    """A co-construction agreement (共建契约) between the community and a unit or organization."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        ACTIVE = "active", _("in force")
        EXPIRED = "expired", _("expired")
        RENEWED = "renewed", _("renewed")
        TERMINATED = "terminated", _("terminated")

    class Party(models.TextChoices):
        UNIT = "unit", _("stationed unit")
        ORGANIZATION = "organization", _("social organization")
        PARTY_ORGANIZATION = "party_organization", _("party organization")

    title = models.CharField(_("title"), max_length=200)
    counterparty_kind = models.CharField(_("counterparty kind"), max_length=20, choices=Party.choices)
    counterparty_id = models.BigIntegerField(_("counterparty id"), null=True, blank=True)
    counterparty_label = models.CharField(_("counterparty"), max_length=120)
    community_signatory = models.CharField(_("signed for the community by"), max_length=60)
    counterparty_signatory = models.CharField(_("signed for the counterparty by"), max_length=60)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    renewal_of = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="renewed_by"
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("co-construction agreement")
        verbose_name_plural = _("co-construction agreements")
        indexes = [models.Index(fields=["area_path", "state", "ends_on"], name="agreement_area_state")]

    def __str__(self):
        return self.title


class AgreementItem(models.Model):
    class Side(models.TextChoices):
        COMMUNITY = "community", _("the community")
        COUNTERPARTY = "counterparty", _("the counterparty")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="items")
    side = models.CharField(_("committed by"), max_length=14, choices=Side.choices)
    description = models.CharField(_("commitment"), max_length=200)
    quantity = models.DecimalField(
        _("quantity"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    period = models.CharField(_("period"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["agreement", "side", "id"]

    def __str__(self):
        return self.description


class DeliveryRecord(models.Model):
    item = models.ForeignKey(AgreementItem, on_delete=models.CASCADE, related_name="deliveries")
    delivered_on = models.DateField(_("delivered on"))
    quantity = models.DecimalField(
        _("quantity"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    note = models.TextField(_("note"), blank=True)
    evidence = models.FileField(_("evidence"), upload_to="councils/deliveries/%Y/%m/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["item", "delivered_on", "id"]

    def __str__(self):
        return f"{self.item} {self.quantity}"


class ProposalSetting(models.Model):
    """How many supports a resident proposal in this committee area needs to reach the agenda."""

    area = models.OneToOneField("areas.Area", on_delete=models.CASCADE, related_name="proposal_setting")
    support_threshold = models.PositiveIntegerField(
        _("supports needed"), default=10, validators=[MinValueValidator(1)]
    )
    council = models.ForeignKey(
        Council,
        verbose_name=_("council that takes proposals"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("proposal setting")
        verbose_name_plural = _("proposal settings")

    def __str__(self):
        return f"{self.area}: {self.support_threshold}"


class Proposal(AreaScoped):
    class State(models.TextChoices):
        OPEN = "open", _("collecting support")
        SCHEDULED = "scheduled", _("on the agenda")
        DECIDED = "decided", _("decided")
        REJECTED = "rejected", _("not taken up")
        WITHDRAWN = "withdrawn", _("withdrawn")

    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposer"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("proposal"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    threshold = models.PositiveIntegerField(_("supports needed"))
    support_count = models.PositiveIntegerField(_("supports"), default=0)
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.TextField(_("outcome"), blank=True)
    source_type = models.CharField(max_length=40, blank=True)  # e.g. "notices.suggestion"
    source_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("resident proposal")
        verbose_name_plural = _("resident proposals")
        indexes = [models.Index(fields=["area_path", "state", "created_at"], name="proposal_area_state")]

    def __str__(self):
        return self.title


class ProposalSupport(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [models.UniqueConstraint(fields=["proposal", "user"], name="support_once")]

    def __str__(self):
        return f"{self.user} + {self.proposal}"
