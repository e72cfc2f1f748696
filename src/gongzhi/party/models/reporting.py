"""Dual reporting (双报到): unit report slips, members' report slips, receipts, service records, statements."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.areas.scoped import AreaScoped
from gongzhi.core.pii import PHONE, EncryptedPIIField, hash_column


class UnitReport(models.Model):
    """A unit's (or organization's) party organization reports to the community with a slip."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        CONFIRMED = "confirmed", _("confirmed by the community")

    organization = models.ForeignKey(
        "party.PartyOrganization", on_delete=models.PROTECT, related_name="unit_reports"
    )
    receiving = models.ForeignKey(
        "party.PartyOrganization",
        verbose_name=_("reported to"),
        on_delete=models.PROTECT,
        related_name="received_unit_reports",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    contact_person = models.CharField(_("contact person"), max_length=60)
    contact_phone = models.CharField(_("contact phone"), max_length=30)
    tasks = models.TextField(_("tasks the unit will take on"))
    # What the unit offers, published as matching resources (the one resource model).
    resources = models.ManyToManyField("matching.Resource", blank=True, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("unit report slip")
        verbose_name_plural = _("unit report slips")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "receiving", "year"], name="unitreport_once_a_year"
            )
        ]

    def __str__(self):
        return f"{self.organization} → {self.receiving} ({self.year})"

    @property
    def audit_area(self):
        return self.receiving.area


class ReportIn(AreaScoped):
    """An in-service member's report slip to the residential-area organization where they live."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        ACCEPTED = "accepted", _("accepted, receipt issued")
        RETURNED = "returned", _("returned")
        ENDED = "ended", _("ended (moved away)")

    ACTIVE = (State.SUBMITTED, State.ACCEPTED)

    member = models.ForeignKey("party.PartyMember", on_delete=models.PROTECT, related_name="reports")
    receiving = models.ForeignKey(
        "party.PartyOrganization",
        verbose_name=_("reported to"),
        on_delete=models.PROTECT,
        related_name="received_reports",
    )
    workplace_organization = models.ForeignKey(
        "party.PartyOrganization",
        verbose_name=_("workplace party organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    workplace_name = models.CharField(_("workplace"), max_length=120)
    contact_phone = EncryptedPIIField(_("contact phone"), kind=PHONE, hash_field="contact_phone_hash")
    contact_phone_hash = hash_column()
    skills = models.CharField(_("skills"), max_length=300, blank=True)
    service_wishes = models.CharField(_("service wishes"), max_length=300, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.CharField(_("reason"), max_length=300, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("report slip")
        verbose_name_plural = _("report slips")
        constraints = [
            # Reporting twice is refused by the database too (two tabs, two clicks).
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(state__in=["submitted", "accepted"]),
                name="reportin_one_active",
            )
        ]
        indexes = [
            models.Index(fields=["receiving", "state", "id"], name="reportin_receiving_state"),
            models.Index(fields=["area_path", "state"], name="reportin_area_state"),
        ]

    def __str__(self):
        return f"{self.member} → {self.receiving}"


class Receipt(models.Model):
    """报到回执: issued by the receiving organization, shown at the member's workplace organization."""

    report = models.OneToOneField(ReportIn, on_delete=models.PROTECT, related_name="receipt")
    number = models.CharField(_("number"), max_length=24, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"))
    acknowledged_at = models.DateTimeField(_("seen by the workplace at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")

    def __str__(self):
        return self.number

    @property
    def audit_area(self):
        return self.report.area


class ServiceRecord(AreaScoped):
    """A reported member's recorded community activity (service, study, patrol …) — feeds rates and points."""

    class Kind(models.TextChoices):
        SERVICE = "service", _("community service")
        STUDY = "study", _("study")
        PATROL = "patrol", _("patrol")
        MEETING = "meeting", _("meeting or deliberation")

    member = models.ForeignKey("party.PartyMember", on_delete=models.PROTECT, related_name="service_records")
    organization = models.ForeignKey("party.PartyOrganization", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SERVICE)
    served_on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0)])
    description = models.CharField(_("what was done"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        indexes = [
            models.Index(fields=["member", "served_on"], name="partyservice_member_day"),
            models.Index(fields=["area_path", "served_on"], name="partyservice_area_day"),
        ]

    def __str__(self):
        return f"{self.member} · {self.served_on}"


class QuarterlyStatement(models.Model):
    """The quarterly service record sent back to the member's workplace organization."""

    member = models.ForeignKey("party.PartyMember", on_delete=models.PROTECT, related_name="statements")
    workplace_organization = models.ForeignKey(
        "party.PartyOrganization", null=True, blank=True, on_delete=models.PROTECT, related_name="statements"
    )
    sender = models.ForeignKey("party.PartyOrganization", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    service_count = models.PositiveIntegerField(default=0)
    service_hours = models.DecimalField(max_digits=7, decimal_places=1, default=0)
    six_acts_done = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField()

    class Meta:
        verbose_name = _("quarterly service record")
        verbose_name_plural = _("quarterly service records")
        constraints = [
            models.UniqueConstraint(fields=["member", "year", "quarter"], name="statement_once_a_quarter")
        ]

    def __str__(self):
        return f"{self.member} {self.year}Q{self.quarter}"
