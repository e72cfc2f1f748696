"""Bodies (议事机构) and their seats: the one record of who sits where, full-time or part-time."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.roles import ScopeKind
from gongzhi.areas.scoped import AreaScoped


class Threshold(models.TextChoices):
    """Counting rules (GLOSSARY): 过半数 is strictly more than half; 以上 includes the boundary."""

    MAJORITY_OF_VOTES_CAST = "votes_cast_majority", _("more than half of the votes cast")
    MAJORITY_OF_PRESENT = "present_majority", _("more than half of the members present")
    TWO_THIRDS_OF_PRESENT = "present_two_thirds", _("two thirds or more of the members present")
    MAJORITY_OF_MEMBERS = "members_majority", _("more than half of all members")
    TWO_THIRDS_OF_MEMBERS = "members_two_thirds", _("two thirds or more of all members")
    OWNERS_ORDINARY = "owners_ordinary", _("owners' double majority: ordinary matter")
    OWNERS_MAJOR = "owners_major", _("owners' double majority: major matter")


class Council(AreaScoped):
    scope_kind = ScopeKind.COUNCIL

    class Kind(models.TextChoices):
        REPRESENTATIVE_ASSEMBLY = "representative_assembly", _("community representative assembly")
        JOINT_MEETING = "joint_meeting", _("joint meeting of party building and co-construction")
        REGIONAL_COUNCIL = "regional_council", _("regional council")
        PROFESSIONAL_COMMITTEE = "professional_committee", _("professional committee")
        OWNERS_COMMITTEE = "owners_committee", _("owners' committee")
        OWNERS_ASSEMBLY = "owners_assembly", _("owners' assembly")
        RESIDENTS_MEETING = "residents_meeting", _("residents' meeting")
        PARTY_WORKING_COMMITTEE = "party_working_committee", _("community party working committee")
        PARTY_COMMITTEE = "party_committee", _("party committee")
        PARTY_BRANCH = "party_branch", _("party branch")

    kind = models.CharField(_("kind"), max_length=28, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=120)
    purpose = models.TextField(_("purpose"), blank=True)
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("clerk"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="clerked_councils",
    )
    # Quorum: present members / all members must exceed (or reach, when inclusive) this fraction.
    quorum_numerator = models.PositiveSmallIntegerField(_("quorum numerator"), default=1)
    quorum_denominator = models.PositiveSmallIntegerField(
        _("quorum denominator"), default=2, validators=[MinValueValidator(1)]
    )
    quorum_inclusive = models.BooleanField(_("quorum boundary counts"), default=False)
    default_threshold = models.CharField(
        _("default majority"), max_length=24, choices=Threshold.choices, default=Threshold.MAJORITY_OF_PRESENT
    )
    proxies_allowed = models.BooleanField(_("proxies allowed"), default=False)
    # Owners' assemblies: the double-majority fractions, configurable per body.
    owners_rules = models.JSONField(_("owners' voting rules"), default=dict, blank=True)
    # Seat composition rules, e.g. [{"represents": ["unit"], "min": [1, 2], "label": "..."}].
    composition_rules = models.JSONField(_("seat composition rules"), default=list, blank=True)
    roster_published_at = models.DateTimeField(_("roster published at"), null=True, blank=True)
    is_public = models.BooleanField(_("public accountability page"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("council")
        verbose_name_plural = _("councils")
        indexes = [models.Index(fields=["area_path", "kind", "id"], name="council_area_kind")]

    def __str__(self):
        return self.name


class Seat(models.Model):
    class Represents(models.TextChoices):
        UNIT = "unit", _("stationed unit")
        ORGANIZATION = "organization", _("social organization")
        RESIDENTS = "residents", _("residents")
        COMMITTEE = "committee", _("residents' committee")
        PARTY_ORGANIZATION = "party_organization", _("party organization")
        DEPARTMENT = "department", _("department")
        POLICE = "police", _("police station")
        PROPERTY_COMPANY = "property_company", _("property company")
        OWNERS = "owners", _("owners")
        OTHER = "other", _("other")

    class Tenure(models.TextChoices):
        FULL_TIME = "full_time", _("full-time")
        PART_TIME = "part_time", _("part-time")

    class Position(models.TextChoices):
        CHAIR = "chair", _("chair / secretary")
        VICE_CHAIR = "vice_chair", _("vice chair / deputy secretary")
        MEMBER = "member", _("member")
        REPRESENTATIVE = "representative", _("representative")

    council = models.ForeignKey(
        Council, verbose_name=_("council"), on_delete=models.CASCADE, related_name="seats"
    )
    holder_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("holder's account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="seats",
    )
    holder_person = models.ForeignKey(
        "people.Person",
        verbose_name=_("holder"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="seats",
    )
    holder_name = models.CharField(_("holder's name"), max_length=60)
    position = models.CharField(
        _("position"), max_length=16, choices=Position.choices, default=Position.MEMBER
    )
    represents = models.CharField(_("represents"), max_length=20, choices=Represents.choices)
    represents_id = models.BigIntegerField(_("represented body id"), null=True, blank=True)
    represents_label = models.CharField(_("represented body"), max_length=120, blank=True)
    tenure = models.CharField(_("tenure"), max_length=10, choices=Tenure.choices, default=Tenure.PART_TIME)
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"), null=True, blank=True)
    # Owners' assemblies vote with the floor area of the owner's dwelling.
    dwelling = models.ForeignKey(
        "people.Dwelling",
        verbose_name=_("dwelling"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    may_vote = models.BooleanField(_("may vote"), default=True)

    class Meta:
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        ordering = ["council", "position", "id"]
        indexes = [
            models.Index(fields=["council", "term_end"], name="seat_council_term"),
            models.Index(fields=["holder_user", "council"], name="seat_user_council"),
        ]

    def __str__(self):
        return f"{self.holder_name} · {self.council}"

    def is_current(self, on) -> bool:
        return self.term_start <= on and (self.term_end is None or self.term_end >= on)
