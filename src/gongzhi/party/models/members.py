"""Party members: a role of a people.Person (never a copy of one), classified by status."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.areas.scoped import AreaScoped


class PartyMember(AreaScoped):
    """`area` is the member's home area (committee or compound) — where they live and report in."""

    class Status(models.TextChoices):
        IN_SERVICE = "in_service", _("in service")
        RETIRED = "retired", _("retired")
        MOBILE = "mobile", _("mobile")

    person = models.OneToOneField(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="party_member"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    organization = models.ForeignKey(
        "party.PartyOrganization",
        verbose_name=_("party organization"),
        on_delete=models.PROTECT,
        related_name="members",
    )
    workplace_organization = models.ForeignKey(
        "party.PartyOrganization",
        verbose_name=_("workplace party organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="workplace_members",
    )
    workplace_name = models.CharField(_("workplace"), max_length=120, blank=True)
    skills = models.CharField(_("skills"), max_length=300, blank=True)
    service_wishes = models.CharField(_("service wishes"), max_length=300, blank=True)
    joined_on = models.DateField(_("joined the party on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        indexes = [
            models.Index(fields=["area_path", "status", "id"], name="partymember_area_status"),
            models.Index(fields=["organization", "status", "id"], name="partymember_org_status"),
            models.Index(fields=["workplace_organization", "id"], name="partymember_workplace"),
        ]

    def __str__(self):
        return self.person.name

    @property
    def user(self):
        return self.person.user
