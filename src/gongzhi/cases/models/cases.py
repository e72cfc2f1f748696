"""Cases (诉求/事件/工单) with their handling tasks, timeline, files, extensions and follow-up calls."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.areas.scoped import AreaScoped
from gongzhi.core.pii import PHONE, EncryptedPIIField, PIIQuerySet, hash_column

from ..machine import OPEN_STATES
from .routing import CaseCategory, HandlerKind


class State(models.TextChoices):
    RECEIVED = "received", _("received")
    DISPATCHED = "dispatched", _("dispatched")
    ACCEPTED = "accepted", _("accepted")
    IN_PROGRESS = "in_progress", _("in progress")
    PARKED = "parked", _("parked")
    RESOLVED = "resolved", _("resolved")
    FOLLOWED_UP = "followed_up", _("followed up")
    CLOSED = "closed", _("closed")


class Channel(models.TextChoices):
    VISIT = "visit", _("visit")
    PATROL = "patrol", _("grid patrol")
    PROPERTY_COMPANY = "property_company", _("property company")
    RESIDENT_WEB = "resident_web", _("resident (web)")
    RESIDENT_MOBILE = "resident_mobile", _("resident (mobile)")
    SUGGESTION_BOX = "suggestion_box", _("suggestion box")
    DELIBERATION_DAY = "deliberation_day", _("deliberation day")
    HOTLINE = "hotline", _("hotline transfer (12345)")
    COUNCIL_RESOLUTION = "council_resolution", _("council resolution")
    OPEN311 = "open311", _("Open311 client")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("satisfied")
    BASICALLY = "basically", _("basically satisfied")
    DISSATISFIED = "dissatisfied", _("dissatisfied")


class Case(AreaScoped):
    number = models.CharField(_("case number"), max_length=24, unique=True)
    category = models.ForeignKey(
        CaseCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="cases"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    dwelling = models.ForeignKey(
        "people.Dwelling",
        verbose_name=_("dwelling"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    latitude = models.DecimalField(
        _("latitude (WGS-84)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude (WGS-84)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    attributes = models.JSONField(_("extra fields"), default=dict, blank=True)
    reporter_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_cases",
    )
    reporter_person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reporter_name = models.CharField(_("reporter"), max_length=60, blank=True)
    reporter_phone = EncryptedPIIField(_("reporter's phone"), kind=PHONE, hash_field="reporter_phone_hash")
    reporter_phone_hash = hash_column()
    anonymous = models.BooleanField(_("anonymous"), default=False)
    urgent = models.BooleanField(_("urgent"), default=False)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.RECEIVED)
    # Flags, not states.
    is_overdue = models.BooleanField(_("overdue"), default=False)
    is_supervised = models.BooleanField(_("under supervision"), default=False)
    received_at = models.DateTimeField(_("received at"))
    dispatched_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    followed_up_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Deadlines are computed once (working-day calendar) and stored.
    accept_due_at = models.DateTimeField(_("accept by"), null=True, blank=True)
    due_at = models.DateTimeField(_("resolve by"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    solved = models.BooleanField(_("problem solved"), null=True, blank=True)  # vs. merely answered
    satisfaction = models.CharField(
        _("satisfaction"), max_length=14, choices=Satisfaction.choices, blank=True
    )
    park_reason = models.TextField(_("reason for parking"), blank=True)
    return_count = models.PositiveSmallIntegerField(default=0)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_cases"
    )
    visit = models.ForeignKey(
        "cases.Visit", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    patrol = models.ForeignKey(
        "cases.Patrol", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    # Where the case came from, when it came from another app (a suggestion, a resolution …).
    source_type = models.CharField(max_length=40, blank=True)
    source_id = models.BigIntegerField(null=True, blank=True)
    open311_token = models.CharField(max_length=40, blank=True, db_index=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = PIIQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["street_id", "received_at", "id"], name="case_street_time"),
            models.Index(fields=["committee_id", "received_at", "id"], name="case_committee_time"),
            models.Index(fields=["district_id", "received_at", "id"], name="case_district_time"),
            models.Index(fields=["area_path", "received_at", "id"], name="case_area_time"),
            models.Index(fields=["received_at", "id"], name="case_time"),
            models.Index(fields=["state", "due_at"], name="case_state_due"),
            models.Index(fields=["category", "area_path", "received_at"], name="case_category_area"),
            models.Index(fields=["reporter_user", "received_at"], name="case_reporter"),
            # The few open overdue cases among millions: the to-do count and the overdue list.
            models.Index(
                fields=["area_path", "due_at"],
                condition=Q(is_overdue=True, state__in=sorted(OPEN_STATES)),
                name="case_open_overdue",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"


class CaseAssignment(models.Model):
    """A handling task: the lead (主办) or a supporting handler (协办), each with its own deadline."""

    class Role(models.TextChoices):
        LEAD = "lead", _("lead")
        SUPPORT = "support", _("support")

    class State(models.TextChoices):
        PENDING = "pending", _("waiting to be accepted")
        ACCEPTED = "accepted", _("accepted")
        DONE = "done", _("done")
        RETURNED = "returned", _("returned")
        WITHDRAWN = "withdrawn", _("withdrawn")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(_("role"), max_length=8, choices=Role.choices)
    handler_kind = models.CharField(_("handler kind"), max_length=12, choices=HandlerKind.choices)
    handler_area = models.ForeignKey(
        "areas.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handler_department = models.ForeignKey(
        "accounts.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    task = models.CharField(_("task"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    accept_due_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    is_overdue = models.BooleanField(default=False)
    on_behalf = models.BooleanField(default=False)  # recorded by staff for a department not on the platform

    class Meta:
        verbose_name = _("handling task")
        verbose_name_plural = _("handling tasks")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(role="lead", state__in=["pending", "accepted", "done"]),
                name="assignment_one_live_lead",
            )
        ]
        indexes = [
            models.Index(fields=["handler_department", "state", "due_at"], name="assignment_dept_state"),
            models.Index(fields=["handler_area", "state", "due_at"], name="assignment_area_state"),
            # Tasks waiting for acceptance (a thousand among millions): the offices' to-do counts.
            models.Index(
                fields=["handler_area", "due_at"], condition=Q(state="pending"), name="assignment_pending"
            ),
        ]

    def __str__(self):
        return f"{self.case.number} {self.role}"


class CaseEvent(models.Model):
    """The case timeline: one row per transition or note, in order."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    public = models.BooleanField(default=True)  # shown to the reporter

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["case", "at", "id"]

    def __str__(self):
        return f"{self.case_id} {self.action}"


class CaseFile(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", _("image")
        DOCUMENT = "document", _("document")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="files")
    event = models.ForeignKey(
        CaseEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="files"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    file = models.FileField(upload_to="cases/%Y/%m/")
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self):
        return self.name


class ExtensionRequest(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    assignment = models.ForeignKey(
        CaseAssignment, null=True, blank=True, on_delete=models.CASCADE, related_name="extensions"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    extra_days = models.PositiveSmallIntegerField(
        _("extra working days"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    reason = models.TextField(_("reason"))
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    new_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")

    def __str__(self):
        return f"{self.case_id} +{self.extra_days}"


class FollowUpCall(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    called_at = models.DateTimeField(_("called at"))
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reached = models.BooleanField(_("reporter reached"), default=True)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=14, choices=Satisfaction.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("follow-up call")
        verbose_name_plural = _("follow-up calls")

    def __str__(self):
        return f"{self.case_id} {self.called_at}"
