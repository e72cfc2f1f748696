"""Volunteer teams and volunteers, activities with sign-up and check-in, service records (national rules),
star levels and certificates, neighbourhood points, the volunteer base's skill services, brand projects."""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.areas.scoped import AreaScoped


class OrganizerKind(models.TextChoices):
    COMMITTEE = "committee", _("residents' committee")
    ORGANIZATION = "organization", _("social organization")
    UNIT = "unit", _("stationed unit")
    PARTY_ORGANIZATION = "party_organization", _("party organization")
    TEAM = "team", _("volunteer team")


class VolunteerTeam(AreaScoped):
    name = models.CharField(_("name"), max_length=120)
    organizer_kind = models.CharField(_("organized by"), max_length=20, choices=OrganizerKind.choices)
    organizer_id = models.BigIntegerField(null=True, blank=True)
    organizer_label = models.CharField(_("organizer"), max_length=120)
    leader = models.ForeignKey(
        "people.Person",
        verbose_name=_("leader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    service_fields = models.JSONField(_("service fields"), default=list, blank=True)
    grids = models.ManyToManyField(
        "areas.Area", verbose_name=_("grid cells covered"), blank=True, related_name="volunteer_teams"
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        indexes = [models.Index(fields=["area_path", "name", "id"], name="team_area_name")]

    def __str__(self):
        return self.name


class Volunteer(AreaScoped):
    """A person registered as a volunteer; the volunteer number is never the ID number."""

    person = models.OneToOneField(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="volunteer"
    )
    number = models.CharField(_("volunteer number"), max_length=20, unique=True)
    skills = models.JSONField(_("skills"), default=list, blank=True)
    availability = models.CharField(_("availability"), max_length=200, blank=True)
    teams = models.ManyToManyField(VolunteerTeam, through="TeamMembership", related_name="volunteers")
    total_hours = models.DecimalField(_("recorded hours"), max_digits=9, decimal_places=2, default=Decimal(0))
    star_level = models.PositiveSmallIntegerField(_("stars"), default=0)
    registered_on = models.DateField(_("registered on"))
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        indexes = [models.Index(fields=["area_path", "number"], name="volunteer_area_number")]

    def __str__(self):
        return f"{self.person.name} ({self.number})"


class TeamMembership(models.Model):
    team = models.ForeignKey(VolunteerTeam, on_delete=models.CASCADE, related_name="memberships")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="memberships")
    joined_on = models.DateField(_("joined on"))
    is_leader = models.BooleanField(_("team leader"), default=False)

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        constraints = [models.UniqueConstraint(fields=["team", "volunteer"], name="membership_once")]

    def __str__(self):
        return f"{self.volunteer} @ {self.team}"


class StarLevel(models.Model):
    """Cumulative recorded hours for each star level (defaults 100 / 300 / 600 / 1,000 / 1,500)."""

    stars = models.PositiveSmallIntegerField(
        _("stars"), unique=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    hours = models.PositiveIntegerField(_("hours needed"))

    class Meta:
        verbose_name = _("star level")
        verbose_name_plural = _("star levels")
        ordering = ["stars"]

    def __str__(self):
        return f"{self.stars}★ ≥ {self.hours}h"


class NeighbourhoodPoint(AreaScoped):
    """睦邻点: a small interest group of residents meeting regularly, supported by the committee."""

    name = models.CharField(_("name"), max_length=120)
    interest = models.CharField(_("interest"), max_length=60)
    host = models.CharField(_("host home or venue"), max_length=120)
    schedule = models.CharField(_("schedule"), max_length=120)
    members = models.ManyToManyField(
        "people.Person", verbose_name=_("members"), blank=True, related_name="neighbourhood_points"
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("neighbourhood point")
        verbose_name_plural = _("neighbourhood points")

    def __str__(self):
        return self.name


def _code():
    return f"{secrets.randbelow(10**6):06d}"


class Activity(AreaScoped):
    class Kind(models.TextChoices):
        SERVICE = "service", _("volunteer service")
        GATHERING = "gathering", _("neighbourhood gathering")
        GOOD_DEED = "good_deed", _("good deed")

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SERVICE)
    team = models.ForeignKey(
        VolunteerTeam,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    neighbourhood_point = models.ForeignKey(
        NeighbourhoodPoint, null=True, blank=True, on_delete=models.PROTECT, related_name="activities"
    )
    organizer_label = models.CharField(_("organized by"), max_length=120)
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200)
    capacity = models.PositiveIntegerField(_("capacity"), validators=[MinValueValidator(1)])
    taken = models.PositiveIntegerField(default=0, editable=False)
    skills_wanted = models.JSONField(_("skills wanted"), default=list, blank=True)
    # What the activity serves, when it serves something recorded elsewhere (case, need, project, task).
    link_type = models.CharField(max_length=40, blank=True)
    link_id = models.BigIntegerField(null=True, blank=True)
    link_label = models.CharField(max_length=200, blank=True)
    checkin_code = models.CharField(_("check-in code"), max_length=6, default=_code)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["area_path", "starts_at", "id"], name="activity_area_time")]

    def __str__(self):
        return self.title


class SignUp(models.Model):
    class State(models.TextChoices):
        SIGNED_UP = "signed_up", _("signed up")
        CONFIRMED = "confirmed", _("confirmed")
        CANCELLED = "cancelled", _("cancelled")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="signups")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="signups")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.SIGNED_UP)
    signed_at = models.DateTimeField(auto_now_add=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "volunteer"], condition=~Q(state="cancelled"), name="signup_once_active"
            )
        ]

    def __str__(self):
        return f"{self.volunteer} → {self.activity}"


class ServiceRecord(models.Model):
    """Recorded service time (national recording rules): actual hours, travel excluded, by the organizer."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="records")
    activity = models.ForeignKey(
        Activity, null=True, blank=True, on_delete=models.PROTECT, related_name="records"
    )
    booking = models.OneToOneField(
        "volunteers.Booking", null=True, blank=True, on_delete=models.PROTECT, related_name="record"
    )
    served_on = models.DateField(_("date of service"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(24)],
    )
    content = models.CharField(_("service content"), max_length=200)
    recording_body = models.CharField(_("recorded by (organization)"), max_length=120)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    # A correction replaces a record: the old one is voided, never edited in place.
    voided = models.BooleanField(default=False)
    corrects = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrected_by"
    )
    correction_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        indexes = [models.Index(fields=["volunteer", "served_on"], name="record_volunteer_date")]

    def __str__(self):
        return f"{self.volunteer} {self.hours}h"


class Certificate(models.Model):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="certificates")
    number = models.CharField(_("certificate number"), max_length=30, unique=True)
    issued_on = models.DateField(_("issued on"))
    issuer = models.CharField(_("issued by"), max_length=120)
    hours = models.DecimalField(_("hours"), max_digits=9, decimal_places=2)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("service certificate")
        verbose_name_plural = _("service certificates")

    def __str__(self):
        return self.number


class SkillService(AreaScoped):
    """A skill a resident offers at the volunteer base (haircut, knife sharpening, repairs, classes …)."""

    class Kind(models.TextChoices):
        HAIRCUT = "haircut", _("haircut")
        KNIFE_SHARPENING = "knife_sharpening", _("knife sharpening")
        REPAIRS = "repairs", _("repairs")
        CLASSES = "classes", _("classes")
        CONSULTATION = "consultation", _("consultation")
        OTHER = "other", _("other")

    provider = models.ForeignKey(
        Volunteer, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="skill_services"
    )
    kind = models.CharField(_("kind"), max_length=18, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    place = models.CharField(_("place"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("skill service")
        verbose_name_plural = _("skill services")

    def __str__(self):
        return self.title


class ServiceSlot(models.Model):
    service = models.ForeignKey(SkillService, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=1, validators=[MinValueValidator(1)])
    booked = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("time slot")
        verbose_name_plural = _("time slots")
        ordering = ["service", "starts_at"]

    def __str__(self):
        return f"{self.service} {self.starts_at:%Y-%m-%d %H:%M}"


class Booking(models.Model):
    class State(models.TextChoices):
        BOOKED = "booked", _("booked")
        CONFIRMED = "confirmed", _("confirmed")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    slot = models.ForeignKey(ServiceSlot, on_delete=models.CASCADE, related_name="bookings")
    person = models.ForeignKey(
        "people.Person", verbose_name=_("booked for"), on_delete=models.PROTECT, related_name="+"
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.BOOKED)
    booked_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "person"], condition=~Q(state="cancelled"), name="booking_once_active"
            )
        ]

    def __str__(self):
        return f"{self.person} @ {self.slot}"


class BrandProject(AreaScoped):
    """一社一品: a community's named flagship project with goals, indicators and results."""

    name = models.CharField(_("name"), max_length=120)
    slogan = models.CharField(_("slogan"), max_length=200, blank=True)
    goals = models.TextField(_("goals"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    teams = models.ManyToManyField(
        VolunteerTeam, verbose_name=_("participating teams"), blank=True, related_name="brand_projects"
    )
    partners = models.JSONField(_("participating units and organizations"), default=list, blank=True)
    results = models.TextField(_("results"), blank=True)
    is_public = models.BooleanField(_("public"), default=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("brand project")
        verbose_name_plural = _("brand projects")

    def __str__(self):
        return self.name


class BrandIndicator(models.Model):
    project = models.ForeignKey(BrandProject, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicator"), max_length=120)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    target = models.DecimalField(
        _("target"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    achieved = models.DecimalField(
        _("achieved"), max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self):
        return self.name
