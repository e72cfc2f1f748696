"""Motions and ballots (票决): one ballot per seat, secret contents kept apart from who voted."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .bodies import Seat, Threshold
from .meetings import AgendaItem


class Choice(models.TextChoices):
    YES = "yes", _("yes")
    NO = "no", _("no")
    ABSTAIN = "abstain", _("abstain")


class Motion(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("voting open")
        CLOSED = "closed", _("closed")

    class Result(models.TextChoices):
        PASSED = "passed", _("passed")
        FAILED = "failed", _("not passed")

    item = models.ForeignKey(
        AgendaItem, verbose_name=_("agenda item"), on_delete=models.CASCADE, related_name="motions"
    )
    text = models.TextField(_("motion"))
    threshold = models.CharField(_("majority required"), max_length=24, choices=Threshold.choices)
    is_major = models.BooleanField(_("major matter"), default=False)
    secret = models.BooleanField(_("secret ballot"), default=False)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.DRAFT)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Snapshots taken when voting opens (quorum is checked then).
    members_count = models.PositiveIntegerField(default=0)
    present_count = models.PositiveIntegerField(default=0)
    yes_count = models.PositiveIntegerField(default=0)
    no_count = models.PositiveIntegerField(default=0)
    abstain_count = models.PositiveIntegerField(default=0)
    result = models.CharField(_("result"), max_length=8, choices=Result.choices, blank=True)
    tally = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("motion")
        verbose_name_plural = _("motions")

    def __str__(self):
        return self.text[:60]


class Ballot(models.Model):
    """Who voted (always) and, for open ballots, how; secret ballots keep the choice in SecretChoice."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="ballots")
    seat = models.ForeignKey(Seat, on_delete=models.PROTECT, related_name="ballots")
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_proxy = models.BooleanField(default=False)
    choice = models.CharField(max_length=8, choices=Choice.choices, blank=True)
    cast_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [models.UniqueConstraint(fields=["motion", "seat"], name="ballot_one_per_seat")]

    def __str__(self):
        return f"{self.motion_id}:{self.seat_id}"


class SecretChoice(models.Model):
    """A secret ballot's content, deliberately without any link to the voter (random ids: no order)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="secret_choices")
    choice = models.CharField(max_length=8, choices=Choice.choices)
    floor_area_m2 = models.DecimalField(max_digits=12, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("secret choice")
        verbose_name_plural = _("secret choices")

    def __str__(self):
        return self.choice
