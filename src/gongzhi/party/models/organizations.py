"""Party organizations: the tree (党工委 and its "1+3", residential-area, units' and organizations' ones)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.roles import ScopeKind
from gongzhi.areas.scoped import AreaScoped


class PartyOrganization(AreaScoped):
    scope_kind = ScopeKind.PARTY_ORGANIZATION

    class Kind(models.TextChoices):
        WORKING_COMMITTEE = "working_committee", _("community party working committee")
        ADMINISTRATIVE_GROUP = "administrative_group", _("administrative party group")
        COMPREHENSIVE_COMMITTEE = "comprehensive_committee", _("community comprehensive party committee")
        RESIDENTIAL_COMMITTEE = "residential_committee", _("residential-area party committee")
        RESIDENTIAL_GENERAL_BRANCH = "residential_general_branch", _("residential-area party general branch")
        RESIDENTIAL_BRANCH = "residential_branch", _("residential-area party branch")
        UNIT = "unit", _("stationed unit's party organization")
        SOCIAL_ORGANIZATION = "social_organization", _("social organization's party organization")

    RESIDENTIAL_KINDS = {Kind.RESIDENTIAL_COMMITTEE, Kind.RESIDENTIAL_GENERAL_BRANCH, Kind.RESIDENTIAL_BRANCH}
    # The "3" led by the working committee ("1"): the residential kinds count as one of the three.
    THREE = (Kind.ADMINISTRATIVE_GROUP, Kind.COMPREHENSIVE_COMMITTEE, "residential")

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=28, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("higher organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    stationed_unit = models.ForeignKey(
        "orgs.StationedUnit",
        verbose_name=_("stationed unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="party_organizations",
    )
    social_organization = models.ForeignKey(
        "orgs.SocialOrganization",
        verbose_name=_("social organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="party_organizations",
    )
    # The committee's membership is the seats of this council (never a copy).
    council = models.OneToOneField(
        "councils.Council",
        verbose_name=_("committee (council)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="party_organization",
    )
    # A working committee's community members' representative meeting (社区成员代表会议): 给位子.
    representative_council = models.ForeignKey(
        "councils.Council",
        verbose_name=_("community members' representative meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    secretary_name = models.CharField(_("secretary"), max_length=60, blank=True)
    contact_phone = models.CharField(_("office phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("party organization")
        verbose_name_plural = _("party organizations")
        ordering = ["area_path", "name"]
        indexes = [models.Index(fields=["area_path", "kind", "id"], name="partyorg_area_kind")]
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="partyorg_unique_name_in_area")]

    def __str__(self):
        return self.name

    @property
    def is_residential(self) -> bool:
        return self.kind in self.RESIDENTIAL_KINDS

    @property
    def is_unit_kind(self) -> bool:
        return self.kind in (self.Kind.UNIT, self.Kind.SOCIAL_ORGANIZATION)

    def ancestors(self) -> list["PartyOrganization"]:
        out, node, seen = [], self.parent, set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            out.append(node)
            node = node.parent
        return out
