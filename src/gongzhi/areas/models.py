"""The area tree (city → district → street/town → community → committee → compound → grid) and facts."""

from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import paths


class AreaKind(models.TextChoices):
    CITY = "city", _("city")
    DISTRICT = "district", _("district")
    STREET = "street", _("street")
    TOWN = "town", _("town")
    COMMUNITY = "community", _("community (town-managed)")
    RESIDENTS_COMMITTEE = "residents_committee", _("residents' committee")
    VILLAGE_COMMITTEE = "village_committee", _("villagers' committee")
    COMPOUND = "compound", _("residential compound")
    GRID = "grid", _("grid cell")


K = AreaKind
# The table of allowed parents: a kind may only sit under one of these kinds (None = a root).
ALLOWED_PARENTS: dict[str, set] = {
    K.CITY: {None},
    K.DISTRICT: {K.CITY},
    K.STREET: {K.DISTRICT},
    K.TOWN: {K.DISTRICT},
    K.COMMUNITY: {K.TOWN},
    K.RESIDENTS_COMMITTEE: {K.STREET, K.TOWN, K.COMMUNITY},
    K.VILLAGE_COMMITTEE: {K.STREET, K.TOWN, K.COMMUNITY},
    K.COMPOUND: {K.RESIDENTS_COMMITTEE, K.VILLAGE_COMMITTEE},
    K.GRID: {K.RESIDENTS_COMMITTEE, K.VILLAGE_COMMITTEE, K.COMPOUND},
}
GB2260_KINDS = {K.CITY, K.DISTRICT}
STAT_CODE_KINDS = {K.STREET, K.TOWN, K.COMMUNITY, K.RESIDENTS_COMMITTEE, K.VILLAGE_COMMITTEE}
COMMITTEE_KINDS = {K.RESIDENTS_COMMITTEE, K.VILLAGE_COMMITTEE}
STREET_KINDS = {K.STREET, K.TOWN}
# The ancestor-id column an area of each kind fills, for its descendants and for rows placed in it.
LEVEL_FIELD = {
    K.DISTRICT: "district_id",
    K.STREET: "street_id",
    K.TOWN: "street_id",
    K.COMMUNITY: "community_id",
    K.RESIDENTS_COMMITTEE: "committee_id",
    K.VILLAGE_COMMITTEE: "committee_id",
}


class AreaQuerySet(models.QuerySet):
    def subtree(self, area, *, include_self=True):
        lower, upper = paths.subtree_range(area.path)
        qs = self.filter(path__gte=lower, path__lt=upper)
        return qs if include_self else qs.exclude(pk=area.pk)

    def in_paths(self, area_paths):
        """Areas inside any of the given subtrees (None = no restriction)."""
        if area_paths is None:
            return self
        q = Q(pk__in=[])
        for p in area_paths:
            lower, upper = paths.subtree_range(p)
            q |= Q(path__gte=lower, path__lt=upper)
        return self.filter(q)

    def current(self):
        return self.filter(abolished_on__isnull=True)


def subtree_q(prefix: str, path: str) -> Q:
    """A Q for `<prefix>path` inside the subtree at `path` — for tables that carry an area path."""
    lower, upper = paths.subtree_range(path)
    return Q(**{f"{prefix}__gte": lower, f"{prefix}__lt": upper})


class Area(models.Model):
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=24, choices=AreaKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=paths.SEGMENT * paths.MAX_DEPTH, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(editable=False, default=1)
    gb2260 = models.CharField(
        _("GB/T 2260 code"),
        max_length=6,
        null=True,
        blank=True,
        unique=True,
        validators=[RegexValidator(r"^\d{6}$", _("A GB/T 2260 code has 6 digits."))],
    )
    stat_code = models.CharField(
        _("statistical code"),
        max_length=12,
        null=True,
        blank=True,
        unique=True,
        validators=[RegexValidator(r"^\d{12}$", _("A statistical division code has 12 digits."))],
    )
    # Ancestor ids: large tables copy these so a scoped list is one composite-index range.
    district_id = models.BigIntegerField(null=True, blank=True, editable=False)
    street_id = models.BigIntegerField(null=True, blank=True, editable=False)
    community_id = models.BigIntegerField(null=True, blank=True, editable=False)
    committee_id = models.BigIntegerField(null=True, blank=True, editable=False)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    abolished_on = models.DateField(_("abolished on"), null=True, blank=True)
    in_preparation = models.BooleanField(_("in preparation"), default=False)
    formalized_on = models.DateField(_("became formal on"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["path"]
        indexes = [models.Index(fields=["parent", "name"], name="area_parent_name")]

    def __str__(self):
        return self.name

    scope_kind = None  # an Area is a place, not a body

    @property
    def audit_area(self):
        return self

    @property
    def is_committee(self):
        return self.kind in COMMITTEE_KINDS

    @property
    def code(self):
        return self.gb2260 or self.stat_code or ""

    def ancestors(self):
        return Area.objects.filter(path__in=paths.ancestors(self.path)).order_by("path")

    def subtree(self, include_self=True):
        return Area.objects.subtree(self, include_self=include_self)

    def contains(self, other) -> bool:
        return other.path.startswith(self.path)

    def ancestor_ids(self) -> dict:
        """The ids of the district, street/town, community and committee ABOVE this area."""
        return {
            "district_id": self.district_id,
            "street_id": self.street_id,
            "community_id": self.community_id,
            "committee_id": self.committee_id,
        }

    def scope_ids(self) -> dict:
        """What a row placed IN this area copies: the ancestor ids plus this area's own at its level.

        The convention for large tables: a case in a committee has committee_id = that committee,
        street_id = its street/town, and so on; a case at street level has committee_id None.
        """
        ids = self.ancestor_ids()
        level = LEVEL_FIELD.get(self.kind)
        if level:
            ids[level] = self.pk
        return ids


class AreaFacts(models.Model):
    """One row per area and year: the figures reports use for that year."""

    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.CASCADE, related_name="facts")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1949)])
    land_km2 = models.DecimalField(
        _("land area (km²)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    registered_population = models.PositiveIntegerField(_("registered population"), null=True, blank=True)
    resident_population = models.PositiveIntegerField(_("resident population"), null=True, blank=True)
    nonlocal_population = models.PositiveIntegerField(_("non-local population"), null=True, blank=True)
    dwellings_built = models.PositiveIntegerField(_("dwellings built"), null=True, blank=True)
    dwellings_occupied = models.PositiveIntegerField(_("dwellings occupied"), null=True, blank=True)
    staff_count = models.PositiveIntegerField(_("full-time staff"), null=True, blank=True)
    patrol_staff_count = models.PositiveIntegerField(_("patrol and assistant staff"), null=True, blank=True)
    budget_yuan = models.DecimalField(
        _("yearly budget (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("yearly facts")
        verbose_name_plural = _("yearly facts")
        ordering = ["area", "-year"]
        constraints = [models.UniqueConstraint(fields=["area", "year"], name="areafacts_one_per_year")]

    def __str__(self):
        return f"{self.area} {self.year}"

    @property
    def audit_area(self):
        return self.area

    @property
    def occupancy_rate(self) -> Decimal | None:
        if not self.dwellings_built or self.dwellings_occupied is None:
            return None
        return Decimal(self.dwellings_occupied) / Decimal(self.dwellings_built)


class AreaChange(models.Model):
    """A split or merge of areas, recorded so reports can follow an area across years."""

    class Kind(models.TextChoices):
        SPLIT = "split", _("split")
        MERGE = "merge", _("merge")
        RENAME = "rename", _("rename")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    effective_on = models.DateField(_("effective on"))
    sources = models.ManyToManyField(Area, verbose_name=_("from"), related_name="changes_out")
    results = models.ManyToManyField(Area, verbose_name=_("into"), related_name="changes_in")
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("area change")
        verbose_name_plural = _("area changes")

    def __str__(self):
        return f"{self.get_kind_display()} {self.effective_on}"

    @property
    def audit_area(self):
        first = self.sources.order_by("path").first() if self.pk else None
        return first
