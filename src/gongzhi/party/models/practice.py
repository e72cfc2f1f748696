"""Six acts and six don'ts (六带头六不要), and the points handbook (积分手册)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Act(models.IntegerChoices):
    NIGHT_PATROL = 1, _("one night patrol")
    SKILL_SERVICE = 2, _("one service using a professional skill")
    CLEAN_HOME = 3, _("one clean-home labour")
    DONATION = 4, _("one charity donation")
    SUGGESTION = 5, _("one suggestion for a harmonious compound")
    PAIRING = 6, _("pairing with one household")


class Dont(models.IntegerChoices):
    ILLEGAL_BUILDING = 1, _("building illegally")
    ILLEGAL_PARKING = 2, _("parking illegally")
    GREENERY = 3, _("destroying greenery to grow vegetables")
    PETS = 4, _("letting pets roam")
    POULTRY = 5, _("keeping poultry")
    ILLEGAL_RENTING = 6, _("renting out illegally")


class SixActsCommitment(models.Model):
    member = models.ForeignKey("party.PartyMember", on_delete=models.PROTECT, related_name="commitments")
    organization = models.ForeignKey("party.PartyOrganization", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    committed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("six-acts commitment")
        verbose_name_plural = _("six-acts commitments")
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="commitment_once_a_year")]

    def __str__(self):
        return f"{self.member} {self.year}"


class SixActsRecord(models.Model):
    commitment = models.ForeignKey(SixActsCommitment, on_delete=models.CASCADE, related_name="records")
    act = models.PositiveSmallIntegerField(_("act"), choices=Act.choices)
    done_on = models.DateField(_("done on"))
    evidence = models.CharField(_("evidence"), max_length=300)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("six-acts record")
        verbose_name_plural = _("six-acts records")
        constraints = [models.UniqueConstraint(fields=["commitment", "act"], name="sixacts_act_once")]

    def __str__(self):
        return f"{self.commitment} · {self.get_act_display()}"


class Violation(models.Model):
    member = models.ForeignKey("party.PartyMember", on_delete=models.PROTECT, related_name="violations")
    organization = models.ForeignKey("party.PartyOrganization", on_delete=models.PROTECT, related_name="+")
    dont = models.PositiveSmallIntegerField(_("don't"), choices=Dont.choices)
    occurred_on = models.DateField(_("date"))
    description = models.CharField(_("what happened"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    response = models.TextField(_("member's response"), blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("violation")
        verbose_name_plural = _("violations")

    def __str__(self):
        return f"{self.member} · {self.get_dont_display()}"


class ActivityKind(models.TextChoices):
    STUDY = "study", _("study")
    SERVICE = "service", _("community service")
    PATROL = "patrol", _("patrol")
    MEETING = "meeting", _("meeting or deliberation")
    SIX_ACTS = "six_acts", _("six acts")
    TASK = "task", _("community task")
    MANUAL = "manual", _("manual entry")


class PointsScheme(models.Model):
    """Points rules of one organization for one year: a yearly base and per-kind points with caps."""

    organization = models.ForeignKey(
        "party.PartyOrganization", on_delete=models.CASCADE, related_name="points_schemes"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    base_points = models.DecimalField(_("yearly base"), max_digits=6, decimal_places=1, default=0)
    manual_cap = models.DecimalField(
        _("cap on manual points per entry"), max_digits=6, decimal_places=1, default=10
    )

    class Meta:
        verbose_name = _("points scheme")
        verbose_name_plural = _("points schemes")
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="pointsscheme_once")]

    def __str__(self):
        return f"{self.organization} {self.year}"


class PointsRule(models.Model):
    scheme = models.ForeignKey(PointsScheme, on_delete=models.CASCADE, related_name="rules")
    activity_kind = models.CharField(_("activity"), max_length=10, choices=ActivityKind.choices)
    points = models.DecimalField(
        _("points"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0)]
    )
    yearly_cap = models.DecimalField(
        _("yearly cap"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        verbose_name = _("points rule")
        verbose_name_plural = _("points rules")
        constraints = [models.UniqueConstraint(fields=["scheme", "activity_kind"], name="pointsrule_once")]

    def __str__(self):
        return f"{self.get_activity_kind_display()}: {self.points}"


class PointsEntry(models.Model):
    member = models.ForeignKey("party.PartyMember", on_delete=models.PROTECT, related_name="points")
    organization = models.ForeignKey("party.PartyOrganization", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    activity_kind = models.CharField(_("activity"), max_length=10, choices=ActivityKind.choices)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=1)
    reason = models.CharField(_("reason"), max_length=300)
    # The recorded activity that earned it ("party.servicerecord", 12); empty for manual entries.
    source_type = models.CharField(max_length=40, blank=True)
    source_id = models.BigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        constraints = [
            # An activity earns its points once, however often the event is delivered.
            models.UniqueConstraint(
                fields=["member", "source_type", "source_id"],
                condition=Q(source_id__isnull=False),
                name="points_once_per_source",
            )
        ]
        indexes = [models.Index(fields=["member", "year"], name="points_member_year")]

    def __str__(self):
        return f"{self.member} {self.points}"
