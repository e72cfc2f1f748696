"""Resources published by units, organizations and party organizations; needs; matched projects."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.areas.scoped import AreaScoped


class Kind(models.TextChoices):
    VENUE = "venue", _("venue")
    EQUIPMENT = "equipment", _("equipment")
    PROFESSIONAL_SERVICE = "professional_service", _("professional service")
    VOLUNTEERS = "volunteers", _("volunteers")
    FUNDS = "funds", _("funds")


class Resource(AreaScoped):
    """The one resource model: the orgs and party apps publish through it. Its area is the area served."""

    class Publisher(models.TextChoices):
        UNIT = "unit", _("stationed unit")
        ORGANIZATION = "organization", _("social organization")
        PARTY_ORGANIZATION = "party_organization", _("party organization")

    class State(models.TextChoices):
        PUBLISHED = "published", _("published")
        EXHAUSTED = "exhausted", _("fully used")
        WITHDRAWN = "withdrawn", _("withdrawn")

    publisher_kind = models.CharField(_("publisher kind"), max_length=20, choices=Publisher.choices)
    publisher_id = models.BigIntegerField(_("publisher id"))
    publisher_label = models.CharField(_("publisher"), max_length=120)
    kind = models.CharField(_("kind"), max_length=22, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), validators=[MinValueValidator(1)])
    remaining = models.PositiveIntegerField(_("remaining"))
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    available_from = models.DateTimeField(_("available from"))
    available_until = models.DateTimeField(_("available until"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PUBLISHED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        indexes = [
            models.Index(fields=["kind", "state", "available_until"], name="resource_kind_state"),
            models.Index(fields=["publisher_kind", "publisher_id"], name="resource_publisher"),
            models.Index(fields=["area_path", "state", "id"], name="resource_area_state"),
        ]

    def __str__(self):
        return self.title


class Need(AreaScoped):
    class State(models.TextChoices):
        OPEN = "open", _("open")
        MATCHED = "matched", _("matched")
        MET = "met", _("met")
        CLOSED = "closed", _("closed")

    kind = models.CharField(_("kind"), max_length=22, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    wanted_from = models.DateTimeField(_("wanted from"))
    wanted_until = models.DateTimeField(_("wanted until"))
    people_count = models.PositiveIntegerField(_("people concerned"), default=1)
    quantity = models.PositiveIntegerField(_("quantity needed"), default=1, validators=[MinValueValidator(1)])
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Where the need came from: a case, a resident proposal, a survey answer …
    source_type = models.CharField(max_length=40, blank=True)
    source_id = models.BigIntegerField(null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        indexes = [models.Index(fields=["area_path", "state", "id"], name="need_area_state")]

    def __str__(self):
        return self.title


class MatchedProject(AreaScoped):
    """An accepted resource–need pair turned into a project (项目清单), holding the capacity it uses."""

    class State(models.TextChoices):
        PLANNED = "planned", _("planned")
        RUNNING = "running", _("running")
        COMPLETED = "completed", _("completed")
        CANCELLED = "cancelled", _("cancelled")

    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.PROTECT, related_name="projects"
    )
    need = models.ForeignKey(Need, verbose_name=_("need"), on_delete=models.PROTECT, related_name="projects")
    title = models.CharField(_("title"), max_length=160)
    quantity = models.PositiveIntegerField(_("capacity used"), validators=[MinValueValidator(1)])
    plan = models.TextField(_("plan"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PLANNED)
    results = models.TextField(_("results"), blank=True)
    score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    score_reasons = models.JSONField(default=list, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        indexes = [
            models.Index(fields=["area_path", "state", "id"], name="project_area_state"),
            models.Index(fields=["resource", "state"], name="project_resource_state"),
        ]

    def __str__(self):
        return self.title
