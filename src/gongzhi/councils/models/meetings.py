"""Meetings of every kind: agenda with confidentiality, invitations, registration, attendance, minutes."""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.areas.scoped import AreaScoped

from .bodies import Council, Seat


class Meeting(AreaScoped):
    class Kind(models.TextChoices):
        ORDINARY = "ordinary", _("ordinary meeting")
        JOINT = "joint", _("joint meeting")
        HEARING = "hearing", _("decision hearing")
        COORDINATION = "coordination", _("conflict-coordination meeting")
        EVALUATION = "evaluation", _("government-affairs evaluation meeting")
        DELIBERATION_DAY = "deliberation_day", _("community deliberation day")

    # 一事一议: these kinds are about exactly one matter (a subject).
    ONE_MATTER_KINDS = {Kind.HEARING, Kind.COORDINATION, Kind.EVALUATION}

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SCHEDULED = "scheduled", _("scheduled")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")

    class MinutesState(models.TextChoices):
        NONE = "none", _("no minutes yet")
        DRAFTED = "drafted", _("minutes drafted")
        APPROVED = "approved", _("minutes approved")
        PUBLISHED = "published", _("minutes published")

    council = models.ForeignKey(
        Council, verbose_name=_("council"), on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ORDINARY)
    title = models.CharField(_("title"), max_length=160)
    # The matter of a one-matter meeting, as a generic reference ("cases.case", 42) wired by later apps.
    subject_type = models.CharField(_("subject type"), max_length=40, blank=True)
    subject_id = models.BigIntegerField(_("subject id"), null=True, blank=True)
    subject_label = models.CharField(_("subject"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    registered_count = models.PositiveIntegerField(default=0, editable=False)
    registration_open = models.BooleanField(_("registration open"), default=False)
    is_public = models.BooleanField(_("public"), default=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    minutes_state = models.CharField(
        _("minutes"), max_length=10, choices=MinutesState.choices, default=MinutesState.NONE
    )
    minutes_text = models.TextField(_("minutes (general part)"), blank=True)
    minutes_approved_at = models.DateTimeField(null=True, blank=True)
    minutes_published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)  # iCalendar UID
    sequence = models.PositiveIntegerField(default=0)  # iCalendar SEQUENCE, bumped on every change
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [
            models.Index(fields=["council", "starts_at", "id"], name="meeting_council_time"),
            models.Index(fields=["area_path", "starts_at", "id"], name="meeting_area_time"),
            models.Index(fields=["subject_type", "subject_id"], name="meeting_subject"),
        ]

    def __str__(self):
        return self.title


class AgendaItem(models.Model):
    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("everyone")
        MEMBERS = "members", _("members of the body")
        FULL_TIME_MEMBERS = "full_time_members", _("full-time members only")
        NAMED = "named", _("named people only")

    class Category(models.TextChoices):
        GENERAL = "general", _("general")
        PERSONNEL = "personnel", _("personnel (cadre appointment, admission of members)")
        DEVELOPMENT = "development", _("social and economic development")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=15, validators=[MinValueValidator(1)]
    )
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE
    )
    named_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("named people"), blank=True, related_name="+"
    )
    category = models.CharField(
        _("category"), max_length=12, choices=Category.choices, default=Category.GENERAL
    )
    # The matter raised, when it came from elsewhere (a resident proposal, a case …).
    source_type = models.CharField(max_length=40, blank=True)
    source_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "order", "id"]

    def __str__(self):
        return self.title

    @property
    def is_confidential(self) -> bool:
        return self.audience != self.Audience.EVERYONE


class AgendaPaper(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="papers")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="councils/papers/%Y/%m/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("paper")
        verbose_name_plural = _("papers")

    def __str__(self):
        return self.title


class MinutesSection(models.Model):
    """An agenda item's part of the minutes: it inherits the item's audience."""

    item = models.OneToOneField(AgendaItem, on_delete=models.CASCADE, related_name="minutes")
    text = models.TextField(_("minutes"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("minutes section")
        verbose_name_plural = _("minutes sections")

    def __str__(self):
        return str(self.item)


class Invitation(models.Model):
    class Response(models.TextChoices):
        PENDING = "pending", _("no answer yet")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="meeting_invitations",
    )
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    seat = models.ForeignKey(Seat, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(_("name"), max_length=60)
    party_label = models.CharField(_("invited as"), max_length=60, blank=True)
    response = models.CharField(
        _("answer"), max_length=10, choices=Response.choices, default=Response.PENDING
    )
    invited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=Q(user__isnull=False), name="invitation_once_per_user"
            )
        ]

    def __str__(self):
        return f"{self.name} → {self.meeting}"


class Registration(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_registrations"
    )
    registered_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=Q(cancelled_at__isnull=True),
                name="registration_once_active",
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.meeting}"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    seat = models.ForeignKey(
        Seat, null=True, blank=True, on_delete=models.SET_NULL, related_name="attendance"
    )
    proxy_for = models.ForeignKey(
        Seat, null=True, blank=True, on_delete=models.SET_NULL, related_name="proxied_attendance"
    )
    name = models.CharField(_("name"), max_length=60)
    checked_in_at = models.DateTimeField(_("checked in at"), auto_now_add=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "seat"], condition=Q(seat__isnull=False), name="attendance_once_per_seat"
            ),
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=Q(user__isnull=False), name="attendance_once_per_user"
            ),
        ]

    def __str__(self):
        return f"{self.name} @ {self.meeting}"
