"""The registry: social organizations of the three legal types, their status history, filed teams, units."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.roles import ScopeKind
from gongzhi.areas.scoped import AreaScoped
from gongzhi.core.pii import ID_NUMBER, PHONE, EncryptedPIIField, PIIQuerySet, hash_column


class OrgType(models.TextChoices):
    SOCIAL_GROUP = "social_group", _("social group")
    NON_ENTERPRISE_UNIT = "non_enterprise_unit", _("private non-enterprise unit")
    FOUNDATION = "foundation", _("foundation")


class Subtype(models.TextChoices):
    # social groups
    PROFESSIONAL = "professional", _("professional")
    FEDERATIVE = "federative", _("federative")
    ACADEMIC = "academic", _("academic")
    TRADE = "trade", _("trade")
    # private non-enterprise units, by field
    EDUCATION = "education", _("education")
    CIVIL_AFFAIRS = "civil_affairs", _("civil affairs")
    HEALTH = "health", _("health")
    CULTURE = "culture", _("culture")
    SCIENCE = "science", _("science and technology")
    SPORTS = "sports", _("sports")
    LABOUR = "labour", _("labour")
    LAW = "law", _("law")
    OTHER = "other", _("other")
    # foundations
    PUBLIC_FUNDRAISING = "public_fundraising", _("public fundraising")
    NON_PUBLIC_FUNDRAISING = "non_public_fundraising", _("non-public fundraising")


SUBTYPES_BY_TYPE = {
    OrgType.SOCIAL_GROUP: [Subtype.PROFESSIONAL, Subtype.FEDERATIVE, Subtype.ACADEMIC, Subtype.TRADE],
    OrgType.NON_ENTERPRISE_UNIT: [
        Subtype.EDUCATION,
        Subtype.CIVIL_AFFAIRS,
        Subtype.HEALTH,
        Subtype.CULTURE,
        Subtype.SCIENCE,
        Subtype.SPORTS,
        Subtype.LABOUR,
        Subtype.LAW,
        Subtype.OTHER,
    ],
    OrgType.FOUNDATION: [Subtype.PUBLIC_FUNDRAISING, Subtype.NON_PUBLIC_FUNDRAISING],
}
# The registration-authority code of a USCC (its first two characters) for each legal type.
USCC_PREFIX = {OrgType.SOCIAL_GROUP: "51", OrgType.NON_ENTERPRISE_UNIT: "52", OrgType.FOUNDATION: "53"}


class OrgForm(models.TextChoices):
    """The organizational forms the case studies describe beside ordinary organizations."""

    ORDINARY = "ordinary", _("ordinary organization")
    INCUBATOR = "incubator", _("incubator / support organization")
    SOCIAL_WORK_AGENCY = "social_work_agency", _("professional social-work agency")
    COMMUNITY_SERVICE_AGENCY = "community_service_agency", _("community service agency")
    SOCIAL_ENTERPRISE = "social_enterprise", _("social enterprise")
    VOLUNTEER_GROUP = "volunteer_group", _("community volunteer group")


class OrgStatus(models.TextChoices):
    REGISTERED = "registered", _("registered")
    CHANGED = "changed", _("registration changed")
    DEREGISTERED = "deregistered", _("deregistered")


class Grade(models.TextChoices):
    A1 = "1A", "1A"
    A2 = "2A", "2A"
    A3 = "3A", "3A"
    A4 = "4A", "4A"
    A5 = "5A", "5A"


class SocialOrganization(AreaScoped):
    scope_kind = ScopeKind.SOCIAL_ORGANIZATION
    unmask_capability = "orgs.unmask_legal_rep"  # registry officers see legal representatives unmasked

    name = models.CharField(_("name"), max_length=120)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    org_type = models.CharField(_("type"), max_length=24, choices=OrgType.choices)
    subtype = models.CharField(_("subtype"), max_length=24, choices=Subtype.choices)
    form = models.CharField(
        _("organizational form"), max_length=28, choices=OrgForm.choices, default=OrgForm.ORDINARY
    )
    service_fields = models.JSONField(_("service fields"), default=list, blank=True)
    registered_on = models.DateField(_("registration date"))
    status = models.CharField(
        _("status"), max_length=14, choices=OrgStatus.choices, default=OrgStatus.REGISTERED
    )
    status_changed_on = models.DateField(_("status date"), null=True, blank=True)
    deregistered_on = models.DateField(_("deregistration date"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=60, blank=True)
    legal_rep_id_number = EncryptedPIIField(
        _("legal representative's ID number"), kind=ID_NUMBER, hash_field="legal_rep_id_number_hash"
    )
    legal_rep_id_number_hash = hash_column()
    legal_rep_phone = EncryptedPIIField(
        _("legal representative's phone"), kind=PHONE, hash_field="legal_rep_phone_hash"
    )
    legal_rep_phone_hash = hash_column()
    business_scope = models.TextField(_("business scope"), blank=True)
    supervising_unit = models.CharField(_("supervising unit"), max_length=120, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("office phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    evaluation_grade = models.CharField(
        _("evaluation grade"), max_length=2, choices=Grade.choices, blank=True
    )
    grade_awarded_on = models.DateField(_("grade awarded on"), null=True, blank=True)
    grade_valid_until = models.DateField(_("grade valid until"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PIIQuerySet.as_manager()

    class Meta:
        verbose_name = _("social organization")
        verbose_name_plural = _("social organizations")
        indexes = [
            models.Index(fields=["area_path", "name", "id"], name="org_area_name"),
            models.Index(fields=["street_id", "name", "id"], name="org_street_name"),
            models.Index(fields=["district_id", "org_type", "registered_on"], name="org_district_type"),
            models.Index(fields=["name", "id"], name="org_name"),
            models.Index(fields=["registered_on", "id"], name="org_registered_on"),
        ]

    def __str__(self):
        return self.name


class OrgStatusChange(models.Model):
    """One dated entry of an organization's history: registered, changed (with what) or deregistered."""

    organization = models.ForeignKey(
        SocialOrganization, on_delete=models.CASCADE, related_name="status_changes"
    )
    status = models.CharField(_("status"), max_length=14, choices=OrgStatus.choices)
    effective_on = models.DateField(_("effective on"))
    note = models.TextField(_("note"), blank=True)
    changes = models.JSONField(_("changed fields"), default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["organization", "effective_on", "id"]

    def __str__(self):
        return f"{self.organization} {self.status} {self.effective_on}"


class FiledTeam(AreaScoped):
    """A community mass-activity team filed (备案, not registered) with the street/town."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("filed")
        CHANGED = "changed", _("filing changed")
        CANCELLED = "cancelled", _("filing cancelled")

    name = models.CharField(_("name"), max_length=120)
    activity_kind = models.CharField(_("kind of activity"), max_length=60)
    leader_name = models.CharField(_("leader"), max_length=60)
    leader_phone = EncryptedPIIField(_("leader's phone"), kind=PHONE, hash_field="leader_phone_hash")
    leader_phone_hash = hash_column()
    members_count = models.PositiveIntegerField(_("members"), default=0)
    filed_on = models.DateField(_("filing date"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = PIIQuerySet.as_manager()

    class Meta:
        verbose_name = _("filed team")
        verbose_name_plural = _("filed teams")
        indexes = [models.Index(fields=["area_path", "name", "id"], name="filedteam_area_name")]

    def __str__(self):
        return self.name


class StationedUnit(AreaScoped):
    """A unit located in an area (驻区单位): company, school, hospital, government office …"""

    scope_kind = ScopeKind.STATIONED_UNIT

    class Kind(models.TextChoices):
        COMPANY = "company", _("company")
        SCHOOL = "school", _("school")
        HOSPITAL = "hospital", _("hospital")
        GOVERNMENT_OFFICE = "government_office", _("government office")
        PUBLIC_INSTITUTION = "public_institution", _("public institution")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=120)
    uscc = models.CharField(
        _("unified social credit code"), max_length=18, null=True, blank=True, unique=True
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("liaison"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="liaison_units",
    )
    contact_phone = models.CharField(_("office phone"), max_length=30, blank=True)
    has_party_organization = models.BooleanField(_("has a party organization"), default=False)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("stationed unit")
        verbose_name_plural = _("stationed units")
        indexes = [models.Index(fields=["area_path", "name", "id"], name="unit_area_name")]

    def __str__(self):
        return self.name
