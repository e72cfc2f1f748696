"""Projects, inner-party democracy and supervision: major-matter votes, deliberation month, petitions,
assessments with the party organization's opinion, reception days, and members' pledges."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.areas.scoped import AreaScoped


class PartyProject(AreaScoped):
    class State(models.TextChoices):
        PLANNED = "planned", _("planned")
        RUNNING = "running", _("running")
        COMPLETED = "completed", _("completed")

    class Method(models.TextChoices):
        SELF_GOVERNANCE = "self_governance", _("residents' self-governance")
        CO_GOVERNANCE = "co_governance", _("community co-governance")
        JOINT_RECTIFICATION = "joint_rectification", _("joint rectification")

    organization = models.ForeignKey(
        "party.PartyOrganization", verbose_name=_("owner"), on_delete=models.PROTECT, related_name="projects"
    )
    title = models.CharField(_("title"), max_length=160)
    goal = models.TextField(_("goal"))
    # 三联 work method tags (any of the three).
    methods = models.JSONField(_("三联 method"), default=list, blank=True)
    participants = models.ManyToManyField(
        "party.PartyOrganization", verbose_name=_("participating units"), blank=True, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PLANNED)
    results = models.TextField(_("results"), blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("party-building project")
        verbose_name_plural = _("party-building projects")

    def __str__(self):
        return self.title


class ProjectMilestone(models.Model):
    project = models.ForeignKey(PartyProject, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=160)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self):
        return self.title


class MajorMatter(models.Model):
    """A branch's major-matter vote (票决): the councils meeting, agenda item and motion that decide it."""

    organization = models.ForeignKey("party.PartyOrganization", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("matter"), max_length=200)
    meeting = models.ForeignKey("councils.Meeting", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey("councils.AgendaItem", on_delete=models.PROTECT, related_name="+")
    motion = models.ForeignKey("councils.Motion", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("major-matter vote")
        verbose_name_plural = _("major-matter votes")

    def __str__(self):
        return self.title


class Deliberation(models.Model):
    """党员议事月: one entry per organization and month — topics, participants, conclusions."""

    organization = models.ForeignKey("party.PartyOrganization", on_delete=models.PROTECT, related_name="+")
    month = models.CharField(_("month"), max_length=7)  # "YYYY-MM"
    topic = models.CharField(_("topic"), max_length=200)
    participants = models.PositiveIntegerField(_("members taking part"))
    conclusions = models.TextField(_("conclusions"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("deliberation month entry")
        verbose_name_plural = _("deliberation month entries")
        constraints = [models.UniqueConstraint(fields=["organization", "month"], name="deliberation_once")]

    def __str__(self):
        return f"{self.organization} {self.month}"


class Petition(AreaScoped):
    class Kind(models.TextChoices):
        OPINION = "opinion", _("opinion")
        CRITICISM = "criticism", _("criticism")
        REPORT = "report", _("report (检举)")
        ACCUSATION = "accusation", _("accusation (控告)")
        QUESTION = "question", _("question")
        EVALUATION = "evaluation", _("evaluation")

    # Visible only to the handling organization's secretary (and the submitter).
    RESTRICTED = (Kind.REPORT, Kind.ACCUSATION)

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("awaiting an answer")
        ANSWERED = "answered", _("answered")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    organization = models.ForeignKey(
        "party.PartyOrganization",
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        related_name="petitions",
    )
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="party_petitions",
    )
    submitter_name = models.CharField(_("submitted by"), max_length=60)
    title = models.CharField(_("subject"), max_length=160)
    body = models.TextField(_("text"))
    submitted_at = models.DateTimeField()
    due_at = models.DateTimeField(_("answer due"))
    overdue = models.BooleanField(_("overdue"), default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SUBMITTED)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        indexes = [
            models.Index(fields=["organization", "state", "due_at"], name="petition_org_state_due"),
            models.Index(fields=["submitter", "submitted_at"], name="petition_submitter"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_restricted(self) -> bool:
        return self.kind in self.RESTRICTED


class Assessment(models.Model):
    """An assessment of a leader that must hear the opinion of a party organization before it completes."""

    class Kind(models.TextChoices):
        YEAR_END = "year_end", _("year-end")
        MID_TERM = "mid_term", _("mid-term")
        ELECTION = "election", _("election-time")
        PROMOTION = "promotion", _("promotion")

    class State(models.TextChoices):
        REQUESTED = "requested", _("opinion requested")
        OPINION_GIVEN = "opinion_given", _("opinion given")
        WAIVED = "waived", _("opinion formally waived")
        COMPLETED = "completed", _("completed")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    leader_name = models.CharField(_("leader"), max_length=60)
    leader_position = models.CharField(_("position"), max_length=120)
    unit_name = models.CharField(_("unit or office"), max_length=120)
    opinion_organization = models.ForeignKey(
        "party.PartyOrganization",
        verbose_name=_("opinion asked of"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    state = models.CharField(max_length=14, choices=State.choices, default=State.REQUESTED)
    opinion = models.TextField(_("opinion"), blank=True)
    waiver_reason = models.CharField(_("reason for waiving"), max_length=300, blank=True)
    result = models.TextField(_("result"), blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("leader assessment")
        verbose_name_plural = _("leader assessments")

    def __str__(self):
        return f"{self.leader_name} ({self.get_kind_display()})"


class ReceptionDay(models.Model):
    class Kind(models.TextChoices):
        RECEPTION = "reception", _("leader's reception day")
        COUNSELLING = "counselling", _("counselling")

    organization = models.ForeignKey("party.PartyOrganization", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.RECEPTION)
    host_name = models.CharField(_("received by"), max_length=60)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200)
    capacity = models.PositiveIntegerField(_("appointments"))
    booked = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("reception day")
        verbose_name_plural = _("reception days")

    def __str__(self):
        return f"{self.host_name} {self.starts_at:%Y-%m-%d}"


class ReceptionAppointment(models.Model):
    reception = models.ForeignKey(ReceptionDay, on_delete=models.CASCADE, related_name="appointments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    matter = models.CharField(_("matter to raise"), max_length=300)
    petition = models.ForeignKey(Petition, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    booked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["reception", "user"], name="reception_once_per_user")]

    def __str__(self):
        return f"{self.user} @ {self.reception}"


class Pledge(models.Model):
    """党员承诺: a member's public promise with a due date and its fulfilment."""

    member = models.ForeignKey("party.PartyMember", on_delete=models.PROTECT, related_name="pledges")
    text = models.CharField(_("promise"), max_length=300)
    due_on = models.DateField(_("due on"))
    fulfilled_on = models.DateField(_("fulfilled on"), null=True, blank=True)
    fulfilment = models.CharField(_("how it was fulfilled"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        constraints = [models.CheckConstraint(condition=Q(due_on__isnull=False), name="pledge_has_due")]

    def __str__(self):
        return self.text
