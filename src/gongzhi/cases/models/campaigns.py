"""Campaigns (专项整治): a locked list of targets, each rectified through a case and watched for rebound."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.areas.scoped import AreaScoped

from .cases import Case
from .routing import CaseCategory


class Campaign(AreaScoped):
    class State(models.TextChoices):
        DRAFT = "draft", _("drafting the target list")
        LOCKED = "locked", _("targets locked")
        CLOSED = "closed", _("closed")

    title = models.CharField(_("title"), max_length=160)
    category = models.ForeignKey(
        CaseCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="campaigns"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    reinspection_days = models.PositiveSmallIntegerField(
        _("re-inspection after (days)"), default=30, validators=[MinValueValidator(1)]
    )
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.DRAFT)
    locked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self):
        return self.title


class CampaignTarget(AreaScoped):
    class State(models.TextChoices):
        LOCKED = "locked", _("locked")
        IN_PROGRESS = "in_progress", _("being rectified")
        AWAITING_CHECK = "awaiting_check", _("awaiting re-inspection")
        RECTIFIED = "rectified", _("rectified and verified")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    dwelling = models.ForeignKey(
        "people.Dwelling", verbose_name=_("dwelling"), on_delete=models.PROTECT, related_name="+"
    )
    found_by = models.CharField(_("found by"), max_length=60, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.LOCKED)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="campaign_targets"
    )
    reinspect_due_on = models.DateField(_("re-inspection due"), null=True, blank=True)
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    rebound_count = models.PositiveSmallIntegerField(_("rebounds"), default=0)

    class Meta:
        verbose_name = _("campaign target")
        verbose_name_plural = _("campaign targets")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "dwelling"], name="target_once_per_campaign")
        ]
        indexes = [models.Index(fields=["campaign", "state"], name="target_campaign_state")]

    def __str__(self):
        return str(self.dwelling)
