"""Incubation, venture-philanthropy calls and contests, government purchase of services and hosting."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.areas.scoped import AreaScoped

from .registry import SocialOrganization

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(0)]}


class Incubation(AreaScoped):
    """A start-up organization in an incubator, from admission to graduation or exit."""

    class State(models.TextChoices):
        ADMITTED = "admitted", _("incubating")
        GRADUATED = "graduated", _("graduated")
        EXITED = "exited", _("exited")

    class Graduation(models.TextChoices):
        REGISTERED = "registered", _("registered")
        SELF_SUSTAINING = "self_sustaining", _("self-sustaining")

    SUPPORT_KINDS = [
        ("capacity_building", _("capacity building")),
        ("space", _("space")),
        ("equipment", _("equipment")),
        ("small_grant", _("small grant")),
        ("registration_help", _("help with registration")),
    ]

    incubator = models.ForeignKey(
        SocialOrganization, verbose_name=_("incubator"), on_delete=models.PROTECT, related_name="incubatees"
    )
    name = models.CharField(_("start-up name"), max_length=120)
    organization = models.ForeignKey(
        SocialOrganization,
        verbose_name=_("registered organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incubations",
    )
    admitted_on = models.DateField(_("admitted on"))
    support = models.JSONField(_("support given"), default=list, blank=True)
    grant_amount = models.DecimalField(_("small grant (yuan)"), default=0, **MONEY)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ADMITTED)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    graduation = models.CharField(_("graduated as"), max_length=16, choices=Graduation.choices, blank=True)
    exit_reason = models.TextField(_("reason for exit"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("incubation")
        verbose_name_plural = _("incubations")

    def __str__(self):
        return self.name


class IncubationMilestone(models.Model):
    incubation = models.ForeignKey(Incubation, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=120)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["incubation", "due_on", "id"]

    def __str__(self):
        return self.title


class VentureCall(AreaScoped):
    """A venture-philanthropy call (公益创投) or contest (公益大赛) run by a street, town or district."""

    class Kind(models.TextChoices):
        VENTURE = "venture", _("venture philanthropy")
        CONTEST = "contest", _("charity contest")

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open for applications")
        REVIEWING = "reviewing", _("under review")
        AWARDED = "awarded", _("awarded")
        CLOSED = "closed", _("closed")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.VENTURE)
    title = models.CharField(_("title"), max_length=160)
    organizer = models.ForeignKey(
        SocialOrganization,
        verbose_name=_("run by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    budget = models.DecimalField(_("budget (yuan)"), **MONEY)
    criteria = models.TextField(_("criteria"))
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("venture call")
        verbose_name_plural = _("venture calls")

    def __str__(self):
        return self.title


class VentureApplication(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        AWARDED = "awarded", _("awarded")
        REJECTED = "rejected", _("not awarded")
        WITHDRAWN = "withdrawn", _("withdrawn")

    call = models.ForeignKey(
        VentureCall, verbose_name=_("call"), on_delete=models.CASCADE, related_name="applications"
    )
    organization = models.ForeignKey(
        SocialOrganization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="venture_applications",
    )
    project_title = models.CharField(_("project"), max_length=160)
    summary = models.TextField(_("summary"))
    requested_amount = models.DecimalField(_("amount requested (yuan)"), **MONEY)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.SUBMITTED)
    submitted_at = models.DateTimeField(auto_now_add=True)
    average_score = models.DecimalField(
        _("average score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    awarded_amount = models.DecimalField(_("amount awarded (yuan)"), null=True, blank=True, **MONEY)

    class Meta:
        verbose_name = _("venture application")
        verbose_name_plural = _("venture applications")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "organization", "project_title"], name="application_unique"
            )
        ]

    def __str__(self):
        return self.project_title


class ReviewScore(models.Model):
    application = models.ForeignKey(VentureApplication, on_delete=models.CASCADE, related_name="scores")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(
        _("score"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    comment = models.TextField(_("comment"), blank=True)
    scored_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("review score")
        verbose_name_plural = _("review scores")
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="score_one_per_reviewer")
        ]

    def __str__(self):
        return f"{self.application} {self.score}"


class VentureProject(models.Model):
    """A funded project: what an awarded application became."""

    class State(models.TextChoices):
        RUNNING = "running", _("running")
        COMPLETED = "completed", _("completed")
        TERMINATED = "terminated", _("terminated")

    application = models.OneToOneField(VentureApplication, on_delete=models.PROTECT, related_name="project")
    funding = models.DecimalField(_("funding (yuan)"), **MONEY)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.RUNNING)
    results = models.TextField(_("results"), blank=True)

    class Meta:
        verbose_name = _("funded project")
        verbose_name_plural = _("funded projects")

    def __str__(self):
        return str(self.application)


class ServiceContract(AreaScoped):
    """Government purchase of a service, or hosting (托管) of a centre, by a street/town from an organization."""

    class Kind(models.TextChoices):
        PURCHASE = "purchase", _("purchase of services")
        HOSTING = "hosting", _("hosting of a centre")

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        ACTIVE = "active", _("in force")
        COMPLETED = "completed", _("completed")
        TERMINATED = "terminated", _("terminated")

    class Evaluation(models.TextChoices):
        EXCELLENT = "excellent", _("excellent")
        GOOD = "good", _("good")
        PASS = "pass", _("pass")
        FAIL = "fail", _("fail")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=160)
    provider = models.ForeignKey(
        SocialOrganization, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="contracts"
    )
    centre_name = models.CharField(_("centre"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    budget = models.DecimalField(_("budget (yuan)"), **MONEY)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    evaluation = models.CharField(_("evaluation"), max_length=10, choices=Evaluation.choices, blank=True)
    evaluation_note = models.TextField(_("evaluation note"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("service contract")
        verbose_name_plural = _("service contracts")
        indexes = [models.Index(fields=["area_path", "starts_on", "id"], name="contract_area_start")]

    def __str__(self):
        return self.title


class ContractIndicator(models.Model):
    contract = models.ForeignKey(ServiceContract, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicator"), max_length=120)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    target = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    reported = models.DecimalField(
        _("reported"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    reported_on = models.DateField(_("reported on"), null=True, blank=True)

    class Meta:
        verbose_name = _("service indicator")
        verbose_name_plural = _("service indicators")
        ordering = ["contract", "id"]

    def __str__(self):
        return self.name
