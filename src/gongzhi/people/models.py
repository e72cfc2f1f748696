"""Persons, households and dwellings: one person may be a user, party member, volunteer, reporter, voter."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.pii import ID_NUMBER, PHONE, EncryptedPIIField, PIIQuerySet, hash_column


class AreaScoped(models.Model):
    """Large tables copy their area's ancestor ids and path so a scoped list is one index range."""

    area = models.ForeignKey("areas.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(max_length=60, editable=False, db_index=True)
    district_id = models.BigIntegerField(null=True, blank=True, editable=False)
    street_id = models.BigIntegerField(null=True, blank=True, editable=False)
    community_id = models.BigIntegerField(null=True, blank=True, editable=False)
    committee_id = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def set_area(self, area) -> None:
        """Assign the area and copy its path and ancestor ids (and its own id at its own level)."""
        self.area = area
        self.area_path = area.path
        ids = area.ancestor_ids()
        level = {
            "district": "district_id",
            "street": "street_id",
            "town": "street_id",
            "community": "community_id",
            "residents_committee": "committee_id",
            "village_committee": "committee_id",
        }.get(area.kind)
        if level:
            ids[level] = area.pk
        for key, value in ids.items():
            setattr(self, key, value)

    @property
    def audit_area(self):
        return self.area


class Person(AreaScoped):
    class Gender(models.TextChoices):
        MALE = "male", _("male")
        FEMALE = "female", _("female")
        UNKNOWN = "unknown", _("not stated")

    name = models.CharField(_("name"), max_length=60)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, default=Gender.UNKNOWN)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    id_number = EncryptedPIIField(_("ID number"), kind=ID_NUMBER, hash_field="id_number_hash")
    id_number_hash = hash_column(unique=True)
    phone = EncryptedPIIField(_("phone"), kind=PHONE, hash_field="phone_hash")
    phone_hash = hash_column()
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = PIIQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        indexes = [
            models.Index(fields=["committee_id", "name", "id"], name="person_committee_name"),
            models.Index(fields=["street_id", "name", "id"], name="person_street_name"),
            models.Index(fields=["area_path", "id"], name="person_area_path"),
        ]

    def __str__(self):
        return self.name


class Dwelling(AreaScoped):
    """A flat or house in a compound: building, unit, room, floor area, use and occupancy."""

    class Use(models.TextChoices):
        RESIDENTIAL = "residential", _("residential")
        COMMERCIAL = "commercial", _("commercial")
        MIXED = "mixed", _("mixed")
        OTHER = "other", _("other")

    building = models.CharField(_("building"), max_length=20)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    room = models.CharField(_("room"), max_length=20)
    floor_area_m2 = models.DecimalField(
        _("floor area (m²)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    use = models.CharField(_("use"), max_length=12, choices=Use.choices, default=Use.RESIDENTIAL)
    occupied = models.BooleanField(_("occupied"), default=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("dwelling")
        verbose_name_plural = _("dwellings")
        constraints = [
            models.UniqueConstraint(
                fields=["area", "building", "unit", "room"], name="dwelling_unique_address"
            ),
        ]
        indexes = [models.Index(fields=["committee_id", "building", "room", "id"], name="dwelling_committee")]

    def __str__(self):
        unit = f"{self.unit}单元" if self.unit else ""
        return f"{self.area.name if self.area_id else ''}{self.building}号{unit}{self.room}室"


class Household(AreaScoped):
    class Kind(models.TextChoices):
        REGISTERED = "registered", _("registered (hukou)")
        RESIDENT = "resident", _("resident")

    number = models.CharField(_("household number"), max_length=40)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.RESIDENT)
    dwelling = models.ForeignKey(
        Dwelling,
        verbose_name=_("dwelling"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="households",
    )
    tenure = models.CharField(
        _("tenure"), max_length=8, choices=[("owner", _("owner")), ("tenant", _("tenant"))], default="owner"
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [models.UniqueConstraint(fields=["area", "number"], name="household_unique_number")]
        indexes = [models.Index(fields=["committee_id", "number", "id"], name="household_committee")]

    def __str__(self):
        return self.number


class HouseholdMember(models.Model):
    class Relation(models.TextChoices):
        HEAD = "head", _("head of household")
        SPOUSE = "spouse", _("spouse")
        CHILD = "child", _("child")
        PARENT = "parent", _("parent")
        GRANDCHILD = "grandchild", _("grandchild")
        OTHER_RELATIVE = "relative", _("other relative")
        OTHER = "other", _("other")

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="members"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="memberships"
    )
    relation = models.CharField(_("relation"), max_length=12, choices=Relation.choices)

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        constraints = [
            models.UniqueConstraint(fields=["household", "person"], name="householdmember_once"),
            models.UniqueConstraint(
                fields=["household"], condition=models.Q(relation="head"), name="householdmember_one_head"
            ),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_relation_display()})"
