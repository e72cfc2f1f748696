"""Every change to areas, their facts and their recorded splits/merges: one function each, atomic, checked, audited."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.accounts.roles import Role
from gongzhi.core import audit, policy

from . import paths
from .models import (
    ALLOWED_PARENTS,
    COMMITTEE_KINDS,
    GB2260_KINDS,
    STAT_CODE_KINDS,
    STREET_KINDS,
    Area,
    AreaChange,
    AreaFacts,
    AreaKind,
)

EDIT_AREAS = policy.register(
    "areas.edit", [Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.STREET_ADMIN, Role.COMMUNITY_WORKER]
)
EDIT_FACTS = policy.register(
    "areas.edit_facts", [Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.STREET_ADMIN, Role.COMMUNITY_WORKER]
)
CREATE_ROOT = policy.register("areas.create_root", [Role.CITY_ADMIN])
VIEW_AREAS = policy.register("areas.view", list(Role))

audit.register_verb("area.created", gettext_lazy("area created"))
audit.register_verb("area.updated", gettext_lazy("area updated"))
audit.register_verb("area.facts_saved", gettext_lazy("yearly facts saved"))
audit.register_verb("area.change_recorded", gettext_lazy("area split or merge recorded"))

FIRST_YEAR, LAST_YEAR = 1949, 2100


def _code_prefix(parent: Area | None) -> str:
    """The digits a child's code must start with.

    A district extends its city's province (310000 → "31") or prefecture (320500 → "3205") digits;
    a street or town extends its district's six GB/T 2260 digits; a community (no official code,
    an optional statistical one) and every committee extend the nine digits of their street/town —
    under 镇管社区 that is the TOWN's prefix, never the community's own code.
    """
    node = parent
    while node is not None:
        if node.kind == AreaKind.CITY and node.gb2260:
            code = node.gb2260
            return code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code
        if node.kind == AreaKind.DISTRICT and node.gb2260:
            return node.gb2260
        if node.kind in STREET_KINDS and node.stat_code:
            return node.stat_code[:9]
        # A community, a committee or a compound, or a street without a code: ask the level above.
        node = node.parent
    return ""


def _code_shape_errors(kind, gb2260, stat_code) -> dict:
    errors = {}
    if gb2260:
        if kind not in GB2260_KINDS:
            errors["gb2260"] = _("Only a city or a district has a GB/T 2260 code.")
        elif not (gb2260.isascii() and gb2260.isdigit()) or len(gb2260) != 6:
            errors["gb2260"] = _("A GB/T 2260 code has 6 digits.")
        elif kind == AreaKind.CITY and not gb2260.endswith("00"):
            errors["gb2260"] = _("A city's GB/T 2260 code ends in 00.")
        elif kind == AreaKind.DISTRICT and gb2260.endswith("00"):
            errors["gb2260"] = _("A district's GB/T 2260 code does not end in 00.")
    if stat_code:
        if kind not in STAT_CODE_KINDS:
            errors["stat_code"] = _(
                "Only streets, towns, communities and committees have a statistical code."
            )
        elif not (stat_code.isascii() and stat_code.isdigit()) or len(stat_code) != 12:
            errors["stat_code"] = _("A statistical division code has 12 digits.")
        elif kind in STREET_KINDS and not stat_code.endswith("000"):
            errors["stat_code"] = _("A street's or town's statistical code ends in 000.")
        elif kind not in STREET_KINDS and stat_code.endswith("000"):
            errors["stat_code"] = _("A code ending in 000 belongs to a street or town itself.")
    return errors


def validate_area(*, kind, parent, gb2260=None, stat_code=None, instance=None) -> None:
    """Raise ValidationError (field → message) for a kind/parent/code combination that is not allowed."""
    errors = {}
    allowed = ALLOWED_PARENTS.get(kind)
    if allowed is None:
        errors["kind"] = _("Unknown area kind.")
    else:
        parent_kind = parent.kind if parent is not None else None
        if parent_kind not in allowed:
            errors["parent"] = _("A %(kind)s cannot be placed under a %(parent)s.") % {
                "kind": AreaKind(kind).label,
                "parent": AreaKind(parent_kind).label if parent_kind else _("(no parent)"),
            }
    if allowed is not None:
        errors.update(_code_shape_errors(kind, gb2260, stat_code))
    prefix = _code_prefix(parent)
    for field, code in (("gb2260", gb2260), ("stat_code", stat_code)):
        if not code or field in errors:
            continue
        if prefix and not code.startswith(prefix):
            errors[field] = _("The code %(code)s does not extend the parent's code %(prefix)s.") % {
                "code": code,
                "prefix": prefix,
            }
        elif Area.objects.filter(**{field: code}).exclude(pk=getattr(instance, "pk", None)).exists():
            errors[field] = _("Another area already has the code %(code)s.") % {"code": code}
    if errors:
        raise ValidationError(errors)


def _validate_dates(area: Area) -> None:
    errors = {}
    if area.abolished_on and area.established_on and area.abolished_on < area.established_on:
        errors["abolished_on"] = _("An area cannot be abolished before it was established.")
    if area.in_preparation and area.formalized_on:
        errors["formalized_on"] = _("A committee in preparation has no formal date yet.")
    if (area.in_preparation or area.formalized_on) and area.kind not in COMMITTEE_KINDS:
        field = "in_preparation" if area.in_preparation else "formalized_on"
        errors[field] = _("Only a residents' or villagers' committee can be in preparation.")
    if area.formalized_on and area.established_on and area.formalized_on < area.established_on:
        errors["formalized_on"] = _("A committee cannot become formal before it was established.")
    if errors:
        raise ValidationError(errors)


def _next_child_path(parent: Area | None) -> str:
    prefix = parent.path if parent else ""
    siblings = Area.objects.filter(parent=parent) if parent else Area.objects.filter(parent__isnull=True)
    last = siblings.aggregate(m=Max("path"))["m"]
    number = int(last[len(prefix) :]) + 1 if last else 1
    return prefix + paths.segment(number)


def child_ancestor_ids(parent: Area | None) -> dict:
    """The ancestor ids a child of `parent` carries: the parent's own plus the parent at its level."""
    if parent is None:
        return dict.fromkeys(("district_id", "street_id", "community_id", "committee_id"))
    return parent.scope_ids()


def build_area(*, name, kind, parent=None, gb2260=None, stat_code=None, **extra) -> Area:
    """An unsaved, validated area with its path and ancestor ids (used by create and by bulk loaders)."""
    validate_area(kind=kind, parent=parent, gb2260=gb2260, stat_code=stat_code)
    area = Area(
        name=name, kind=kind, parent=parent, gb2260=gb2260 or None, stat_code=stat_code or None, **extra
    )
    area.path = _next_child_path(parent)
    area.depth = paths.depth(area.path)
    for key, value in child_ancestor_ids(parent).items():
        setattr(area, key, value)
    _validate_dates(area)
    return area


def create_area(*, actor, name, kind, parent=None, gb2260=None, stat_code=None, **extra) -> Area:
    if parent is not None:
        policy.require(actor, EDIT_AREAS, area=parent)
    else:
        policy.require(actor, CREATE_ROOT)
    with transaction.atomic():
        if parent is not None:
            # Lock the parent: two children created at once must not get the same path.
            parent = Area.objects.select_for_update().get(pk=parent.pk)
        area = build_area(name=name, kind=kind, parent=parent, gb2260=gb2260, stat_code=stat_code, **extra)
        area.full_clean(exclude=["path", "gb2260", "stat_code"])
        area.save()
        audit.record(actor, "area.created", area, details={"kind": kind, "code": area.code})
    return area


EDITABLE_FIELDS = (
    "name",
    "gb2260",
    "stat_code",
    "established_on",
    "abolished_on",
    "in_preparation",
    "formalized_on",
)


def update_area(*, actor, area: Area, **changes) -> Area:
    policy.require(actor, EDIT_AREAS, area=area)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for key in ("gb2260", "stat_code"):
        if key in changes and not changes[key]:
            changes[key] = None
    with transaction.atomic():
        area = Area.objects.select_for_update().get(pk=area.pk)
        validate_area(
            kind=area.kind,
            parent=area.parent,
            gb2260=changes.get("gb2260", area.gb2260),
            stat_code=changes.get("stat_code", area.stat_code),
            instance=area,
        )
        before = {k: _plain(getattr(area, k)) for k in changes}
        for key, value in changes.items():
            setattr(area, key, value)
        _validate_dates(area)
        area.full_clean(exclude=["path", "gb2260", "stat_code"])
        area.save()
        after = {k: _plain(getattr(area, k)) for k in changes}
        changed = {k: [before[k], after[k]] for k in changes if before[k] != after[k]}
        audit.record(actor, "area.updated", area, details={"changed": changed})
    return area


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


FACT_FIELDS = (
    "land_km2",
    "registered_population",
    "resident_population",
    "nonlocal_population",
    "dwellings_built",
    "dwellings_occupied",
    "staff_count",
    "patrol_staff_count",
    "budget_yuan",
)


def save_facts(*, actor, area: Area, year: int, **values) -> AreaFacts:
    """Create or change the facts of one area for one year (the year the figures describe)."""
    policy.require(actor, EDIT_FACTS, area=area)
    unknown = set(values) - set(FACT_FIELDS)
    if unknown:
        raise ValueError(f"unknown facts: {sorted(unknown)}")
    errors = {}
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        errors["year"] = _("The year must be between %(first)s and %(last)s.") % {
            "first": FIRST_YEAR,
            "last": LAST_YEAR,
        }
    for key, value in values.items():
        if value is not None and Decimal(value) < 0:
            errors[key] = _("This figure cannot be negative.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        facts = AreaFacts.objects.select_for_update().filter(area=area, year=year).first()
        created = facts is None
        if created:
            facts = AreaFacts(area=area, year=year)
        for key, value in values.items():
            setattr(facts, key, value)
        # Checked on the merged row, so a partial change cannot sneak past it.
        if (
            facts.dwellings_built is not None
            and facts.dwellings_occupied is not None
            and facts.dwellings_occupied > facts.dwellings_built
        ):
            raise ValidationError(
                {"dwellings_occupied": _("Occupied dwellings cannot exceed dwellings built.")}
            )
        facts.full_clean()
        facts.save()
        audit.record(
            actor,
            "area.facts_saved",
            facts,
            details={"year": year, "created": created, "fields": sorted(values)},
        )
    return facts


def record_area_change(*, actor, kind, effective_on, sources, results, note="") -> AreaChange:
    """Record a split (one into several), a merge (several into one) or a rename (one into one).

    The actor must be allowed to edit every area involved; the areas themselves are not changed
    (abolishing the old ones is a separate edit, so history stays as it was decided).
    """
    sources, results = list(dict.fromkeys(sources)), list(dict.fromkeys(results))
    for a in [*sources, *results]:
        policy.require(actor, EDIT_AREAS, area=a)
    errors = {}
    if kind not in AreaChange.Kind.values:
        errors["kind"] = _("Unknown kind of change.")
    if not sources:
        errors["sources"] = _("Choose the area or areas the change starts from.")
    if not results:
        errors["results"] = _("Choose the area or areas the change results in.")
    if not errors:
        if kind == AreaChange.Kind.SPLIT and (len(sources) != 1 or len(results) < 2):
            errors["results"] = _("A split turns one area into two or more.")
        elif kind == AreaChange.Kind.MERGE and (len(sources) < 2 or len(results) != 1):
            errors["sources"] = _("A merge turns two or more areas into one.")
        elif kind == AreaChange.Kind.RENAME and (len(sources) != 1 or len(results) != 1):
            errors["results"] = _("A rename turns one area into one.")
    if effective_on is None:
        errors["effective_on"] = _("Give the date the change took effect.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        change = AreaChange(kind=kind, effective_on=effective_on, note=note or "")
        change.full_clean()
        change.save()
        change.sources.set(sources)
        change.results.set(results)
        audit.record(
            actor,
            "area.change_recorded",
            change,
            area=sources[0],
            details={
                "kind": kind,
                "effective_on": effective_on.isoformat(),
                "sources": [a.pk for a in sources],
                "results": [a.pk for a in results],
            },
        )
    return change
