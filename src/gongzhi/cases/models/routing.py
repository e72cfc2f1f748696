"""The category tree with deadlines, and routing rules: category × area → lead and supporting handlers."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CaseCategory(models.Model):
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    description = models.TextField(_("description"), blank=True)
    # Deadlines, counted on the working-day calendar once, at dispatch.
    accept_within_hours = models.PositiveSmallIntegerField(
        _("accept within (working hours)"), default=2, validators=[MinValueValidator(1)]
    )
    resolve_within_days = models.PositiveSmallIntegerField(
        _("resolve within (working days)"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    urgent_resolve_within_days = models.PositiveSmallIntegerField(
        _("urgent: resolve within (working days)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    # Extra fields for this category (also Open311 service attributes): [{"code", "label", "type", "required", "values"}].
    attributes = models.JSONField(_("extra fields"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        verbose_name = _("case category")
        verbose_name_plural = _("case categories")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class HandlerKind(models.TextChoices):
    AREA = "area", _("area office (community, committee, street/town)")
    DEPARTMENT = "department", _("department")


class RoutingRule(models.Model):
    """For a category in an area (and its subtree, unless a deeper rule exists): who leads."""

    category = models.ForeignKey(
        CaseCategory, verbose_name=_("category"), on_delete=models.CASCADE, related_name="rules"
    )
    area = models.ForeignKey("areas.Area", verbose_name=_("area"), on_delete=models.CASCADE, related_name="+")
    area_depth = models.PositiveSmallIntegerField(editable=False, default=1)  # deeper rules win
    # The lead (the "block"): an area office — "same" means the case's own committee/community.
    lead_kind = models.CharField(
        _("lead kind"), max_length=12, choices=HandlerKind.choices, default=HandlerKind.AREA
    )
    lead_area_level = models.CharField(
        _("lead level"),
        max_length=12,
        blank=True,
        choices=[
            ("committee", _("the case's committee")),
            ("community", _("the case's community")),
            ("street", _("the street/town")),
        ],
        default="committee",
    )
    lead_department = models.ForeignKey(
        "accounts.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "area"], condition=Q(is_active=True), name="routingrule_one_active"
            ),
        ]

    def __str__(self):
        return f"{self.category} @ {self.area}"


class RoutingSupport(models.Model):
    """A supporting handler (the "lines": 城管, 房管, 公安, 市场监管 …) with its own task and deadline."""

    rule = models.ForeignKey(RoutingRule, on_delete=models.CASCADE, related_name="supports")
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    task = models.CharField(_("task"), max_length=200)
    resolve_within_days = models.PositiveSmallIntegerField(
        _("within (working days)"), default=10, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("supporting handler")
        verbose_name_plural = _("supporting handlers")

    def __str__(self):
        return f"{self.department}: {self.task}"


class DefaultHandler(models.Model):
    """The street/town's catch-all (兜底) for cases no rule matches."""

    street = models.OneToOneField(
        "areas.Area",
        verbose_name=_("street/town"),
        on_delete=models.CASCADE,
        related_name="default_case_handler",
    )
    handler_area = models.ForeignKey(
        "areas.Area", verbose_name=_("handled by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("default handler")
        verbose_name_plural = _("default handlers")

    def __str__(self):
        return f"{self.street} → {self.handler_area}"
