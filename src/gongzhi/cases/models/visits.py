"""Visits (上门走访, 联系走访), grid patrols (巡查) and Open311 API keys."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.areas.scoped import AreaScoped


class Visit(AreaScoped):
    class VisitorKind(models.TextChoices):
        STAFF = "staff", _("community staff")
        PARTY_CONGRESS_DEPUTY = "party_congress_deputy", _("party congress deputy")
        PEOPLES_CONGRESS_DEPUTY = "peoples_congress_deputy", _("people's congress deputy")
        CPPCC_MEMBER = "cppcc_member", _("CPPCC member")
        UNIT_PARTY_ORGANIZATION = "unit_party_organization", _("unit party organization")

    class TargetKind(models.TextChoices):
        UNIT = "unit", _("stationed unit")
        COMMITTEE = "committee", _("residents' committee")
        COMPOUND = "compound", _("compound")
        HOUSEHOLD = "household", _("household")

    class State(models.TextChoices):
        PLANNED = "planned", _("planned")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    visitor_kind = models.CharField(
        _("visitor"), max_length=26, choices=VisitorKind.choices, default=VisitorKind.STAFF
    )
    visitor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    visitor_name = models.CharField(_("visitor's name"), max_length=60)
    target_kind = models.CharField(_("visited"), max_length=10, choices=TargetKind.choices)
    unit = models.ForeignKey(
        "orgs.StationedUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="visits"
    )
    household = models.ForeignKey(
        "people.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    planned_on = models.DateField(_("planned for"), null=True, blank=True)
    visited_at = models.DateTimeField(_("visited at"), null=True, blank=True)
    topics = models.CharField(_("topics"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    feedback = models.TextField(_("feedback given"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PLANNED)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [models.Index(fields=["area_path", "planned_on", "id"], name="visit_area_date")]

    def __str__(self):
        return f"{self.visitor_name} {self.planned_on or ''}"


class Patrol(AreaScoped):
    """A grid patrol: its area is the grid cell walked."""

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("patrol worker"), on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    route_notes = models.TextField(_("route"), blank=True)
    findings = models.TextField(_("findings"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        indexes = [models.Index(fields=["area_path", "started_at", "id"], name="patrol_area_time")]

    def __str__(self):
        return f"{self.area} {self.started_at:%Y-%m-%d}"


class Open311Key(models.Model):
    name = models.CharField(_("name"), max_length=60)
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    jurisdiction = models.ForeignKey(
        "areas.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")

    def __str__(self):
        return self.name
