"""Evaluation (考核评估) data: schemes with weighted indicators and stage goals, rounds, subjects, scores.

A scheme belongs to an owner area (the city, district or street that runs it) and evaluates one kind
of subject. A round evaluates every subject of that kind in an area for one period; each indicator of
each subject gets one Score row holding the value, the target used, the points and the evidence.
Closed rounds are immutable: every action refuses to change them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.areas.scoped import AreaScoped


class SubjectKind(models.TextChoices):
    COMMUNITY = "community", _("community")
    COMMITTEE = "committee", _("residents' committee")
    SOCIAL_ORGANIZATION = "social_organization", _("social organization")
    PARTY_ORGANIZATION = "party_organization", _("party organization")


AREA_KINDS = {SubjectKind.COMMUNITY, SubjectKind.COMMITTEE}


class Stage(models.TextChoices):
    """The period of a round or a stage goal inside the scheme's year ("" is the whole year)."""

    YEAR = "", _("whole year")
    Q1 = "Q1", _("first quarter")
    Q2 = "Q2", _("second quarter")
    Q3 = "Q3", _("third quarter")
    Q4 = "Q4", _("fourth quarter")
    H1 = "H1", _("first half-year")
    H2 = "H2", _("second half-year")


# Months (first, last) covered by each stage.
STAGE_MONTHS = {
    "": (1, 12),
    "Q1": (1, 3),
    "Q2": (4, 6),
    "Q3": (7, 9),
    "Q4": (10, 12),
    "H1": (1, 6),
    "H2": (7, 12),
}


class Scheme(AreaScoped):
    """An evaluation scheme; its area is the owner area (who runs it)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        ACTIVE = "active", _("active")

    name = models.CharField(_("name"), max_length=120)
    year = models.PositiveSmallIntegerField(_("year"))
    subject_kind = models.CharField(_("subjects"), max_length=24, choices=SubjectKind.choices)
    description = models.TextField(_("description"), blank=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("evaluation scheme")
        verbose_name_plural = _("evaluation schemes")
        indexes = [models.Index(fields=["area_path", "year", "id"], name="evalscheme_area_year")]
        constraints = [
            models.UniqueConstraint(fields=["area", "year", "name"], name="evalscheme_unique_name")
        ]

    def __str__(self):
        return f"{self.name}（{self.year}）"


class Indicator(models.Model):
    class Direction(models.TextChoices):
        HIGHER = "higher", _("higher is better")
        LOWER = "lower", _("lower is better")

    class Source(models.TextChoices):
        COMPUTED = "computed", _("computed from platform figures")
        REVIEWED = "reviewed", _("scored by reviewers")

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("name"), max_length=120)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2)
    target = models.DecimalField(_("target value"), max_digits=12, decimal_places=2)
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.HIGHER
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    metric_key = models.CharField(_("metric"), max_length=60, blank=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "name"], name="evalindicator_unique_name")]

    def __str__(self):
        return self.name


class StageGoal(models.Model):
    """The target of an indicator for one stage of the scheme's year (阶段目标)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="stage_goals")
    stage = models.CharField(_("stage"), max_length=2, choices=Stage.choices)
    target = models.DecimalField(_("target value"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("stage goal")
        verbose_name_plural = _("stage goals")
        ordering = ["stage"]
        constraints = [models.UniqueConstraint(fields=["indicator", "stage"], name="evalstagegoal_unique")]

    def __str__(self):
        return f"{self.indicator} {self.stage}"


class Round(AreaScoped):
    """One evaluation of a scheme for a period over the subjects in an area (its area)."""

    class State(models.TextChoices):
        OPEN = "open", _("being scored")
        CLOSED = "closed", _("finalized")

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="rounds")
    name = models.CharField(_("name"), max_length=120)
    stage = models.CharField(_("period"), max_length=2, choices=Stage.choices, blank=True)
    period_from = models.CharField(max_length=7)  # YYYY-MM, for the rollups
    period_to = models.CharField(max_length=7)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        indexes = [models.Index(fields=["area_path", "opened_at", "id"], name="evalround_area_opened")]

    def __str__(self):
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.state == self.State.CLOSED


class Subject(models.Model):
    """One evaluated subject of a round: an area (community, committee) or a body, with its result."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="subjects")
    kind = models.CharField(max_length=24, choices=SubjectKind.choices)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    social_organization = models.ForeignKey(
        "orgs.SocialOrganization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    party_organization = models.ForeignKey(
        "party.PartyOrganization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    label = models.CharField(_("evaluated subject"), max_length=120)
    total = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    # Results feed: the grade suggested for an organization, whether it was applied, the honour nominated.
    suggested_grade = models.CharField(_("suggested grade"), max_length=2, blank=True)
    grade_note = models.CharField(_("note"), max_length=300, blank=True)
    grade_applied_on = models.DateField(_("grade applied on"), null=True, blank=True)
    honour = models.ForeignKey(
        "party.Honour", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("evaluated subject")
        verbose_name_plural = _("evaluated subjects")
        indexes = [models.Index(fields=["round", "rank", "id"], name="evalsubject_round_rank")]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "area"],
                condition=models.Q(kind__in=["community", "committee"]),
                name="evalsubject_unique_area",
            ),
            models.UniqueConstraint(fields=["round", "social_organization"], name="evalsubject_unique_org"),
            models.UniqueConstraint(fields=["round", "party_organization"], name="evalsubject_unique_party"),
        ]

    def __str__(self):
        return self.label

    @property
    def audit_area(self):
        return self.area


class Score(models.Model):
    """An indicator's result for one subject: value against target, points, and the evidence behind it."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="scores")
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(_("target value"), max_digits=12, decimal_places=2)
    points = models.DecimalField(_("points earned"), max_digits=7, decimal_places=2, null=True, blank=True)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)

    class Meta:
        verbose_name = _("indicator score")
        verbose_name_plural = _("indicator scores")
        constraints = [models.UniqueConstraint(fields=["subject", "indicator"], name="evalscore_unique")]

    def __str__(self):
        return f"{self.subject} · {self.indicator}"
