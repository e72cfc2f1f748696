"""Three gives (三给): tasks published to units and members with sign-up and completion; honours.

Seats (给位子) are councils.Seat rows of the community members' representative meeting (see
PartyOrganization.representative_council); nothing is copied here.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.areas.scoped import AreaScoped


class CommunityTask(AreaScoped):
    class Audience(models.TextChoices):
        UNITS = "units", _("units' party organizations")
        MEMBERS = "members", _("party members")
        BOTH = "both", _("units and members")

    class State(models.TextChoices):
        OPEN = "open", _("open for sign-up")
        CLOSED = "closed", _("closed")

    organization = models.ForeignKey(
        "party.PartyOrganization",
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    goal = models.CharField(_("common goal"), max_length=200, blank=True)
    need = models.ForeignKey(
        "matching.Need", verbose_name=_("from the need"), null=True, blank=True, on_delete=models.SET_NULL
    )
    audience = models.CharField(_("for"), max_length=8, choices=Audience.choices, default=Audience.BOTH)
    due_on = models.DateField(_("due on"))
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("community task")
        verbose_name_plural = _("community tasks")
        indexes = [models.Index(fields=["area_path", "state", "id"], name="partytask_area_state")]

    def __str__(self):
        return self.title


class TaskSignup(models.Model):
    class State(models.TextChoices):
        SIGNED_UP = "signed_up", _("signed up")
        COMPLETED = "completed", _("completed")

    task = models.ForeignKey(CommunityTask, on_delete=models.CASCADE, related_name="signups")
    member = models.ForeignKey(
        "party.PartyMember", null=True, blank=True, on_delete=models.PROTECT, related_name="task_signups"
    )
    unit_organization = models.ForeignKey(
        "party.PartyOrganization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="task_signups",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.SIGNED_UP)
    signed_up_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completion_note = models.CharField(_("result"), max_length=300, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("task sign-up")
        verbose_name_plural = _("task sign-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["task", "member"], condition=Q(member__isnull=False), name="tasksignup_member_once"
            ),
            models.UniqueConstraint(
                fields=["task", "unit_organization"],
                condition=Q(unit_organization__isnull=False),
                name="tasksignup_unit_once",
            ),
            models.CheckConstraint(
                condition=Q(member__isnull=False) ^ Q(unit_organization__isnull=False),
                name="tasksignup_member_xor_unit",
            ),
        ]

    def __str__(self):
        return f"{self.member or self.unit_organization} → {self.task}"

    @property
    def participant(self):
        return self.member or self.unit_organization


class Honour(AreaScoped):
    class State(models.TextChoices):
        NOMINATED = "nominated", _("nominated")
        AWARDED = "awarded", _("awarded and published")

    awarded_by = models.ForeignKey(
        "party.PartyOrganization", verbose_name=_("awarded by"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("honour"), max_length=120)
    organization = models.ForeignKey(
        "party.PartyOrganization", null=True, blank=True, on_delete=models.PROTECT, related_name="honours"
    )
    member = models.ForeignKey(
        "party.PartyMember", null=True, blank=True, on_delete=models.PROTECT, related_name="honours"
    )
    citation = models.TextField(_("citation"), blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.NOMINATED)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    nominated_at = models.DateTimeField(auto_now_add=True)
    awarded_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=False) ^ Q(organization__isnull=False),
                name="honour_member_xor_org",
            )
        ]

    def __str__(self):
        return f"{self.title} · {self.member or self.organization}"
