"""Every change to areas and their facts: one function each, atomic, checked and audited."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.accounts.roles import Role
from gongzhi.core import audit, policy

from . import paths
from .models import ALLOWED_PARENTS, GB2260_KINDS, STAT_CODE_KINDS, Area, AreaFacts, AreaKind

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


def _code_prefix(parent: Area | None) -> str:
    """The digits a child's code must start with, taken from the nearest coded ancestor."""
    node = parent
    while node is not None:
        if node.stat_code:
            return node.stat_code[:9] if node.kind in {AreaKind.STREET, AreaKind.TOWN} else node.stat_code[:9]
        if node.gb2260:
            code = node.gb2260
            return code[:2] if code.endswith("0000") else (code[:4] if code.endswith("00") else code)
        node = node.parent
    return ""


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
    if gb2260 and kind not in GB2260_KINDS:
        errors["gb2260"] = _("Only a city or a district has a GB/T 2260 code.")
    if stat_code and kind not in STAT_CODE_KINDS:
        errors["stat_code"] = _("Only streets, towns, communities and committees have a statistical code.")
    prefix = _code_prefix(parent)
    for field, code in (("gb2260", gb2260), ("stat_code", stat_code)):
        if code and prefix and not code.startswith(prefix):
            errors[field] = _("The code %(code)s does not extend the parent's code %(prefix)s.") % {
                "code": code,
                "prefix": prefix,
            }
        if code and not code.isdigit():
            errors[field] = _("A division code has digits only.")
    if gb2260 and len(gb2260) != 6:
        errors["gb2260"] = _("A GB/T 2260 code has 6 digits.")
    if stat_code and len(stat_code) != 12:
        errors["stat_code"] = _("A statistical division code has 12 digits.")
    for field, code in (("gb2260", gb2260), ("stat_code", stat_code)):
        if code and Area.objects.filter(**{field: code}).exclude(pk=getattr(instance, "pk", None)).exists():
            errors[field] = _("Another area already has the code %(code)s.") % {"code": code}
    if errors:
        raise ValidationError(errors)


def _next_child_path(parent: Area | None) -> str:
    prefix = parent.path if parent else ""
    siblings = Area.objects.filter(parent=parent) if parent else Area.objects.filter(parent__isnull=True)
    last = siblings.aggregate(m=Max("path"))["m"]
    number = int(last[len(prefix) :]) + 1 if last else 1
    return prefix + paths.segment(number)


def _ancestor_ids(parent: Area | None, kind: str, self_id=None) -> dict:
    ids = (
        parent.ancestor_ids()
        if parent
        else dict.fromkeys(("district_id", "street_id", "community_id", "committee_id"))
    )
    if parent is not None:
        if parent.kind == AreaKind.DISTRICT:
            ids["district_id"] = parent.pk
        elif parent.kind in {AreaKind.STREET, AreaKind.TOWN}:
            ids["street_id"] = parent.pk
        elif parent.kind == AreaKind.COMMUNITY:
            ids["community_id"] = parent.pk
        elif parent.kind in {AreaKind.RESIDENTS_COMMITTEE, AreaKind.VILLAGE_COMMITTEE}:
            ids["committee_id"] = parent.pk
    return ids


def build_area(*, name, kind, parent=None, gb2260=None, stat_code=None, **extra) -> Area:
    """An unsaved, validated area with its path and ancestor ids (used by create and by bulk loaders)."""
    validate_area(kind=kind, parent=parent, gb2260=gb2260, stat_code=stat_code)
    area = Area(
        name=name, kind=kind, parent=parent, gb2260=gb2260 or None, stat_code=stat_code or None, **extra
    )
    area.path = _next_child_path(parent)
    area.depth = paths.depth(area.path)
    for key, value in _ancestor_ids(parent, kind).items():
        setattr(area, key, value)
    return area


def create_area(*, actor, name, kind, parent=None, gb2260=None, stat_code=None, **extra) -> Area:
    if parent is not None:
        policy.require(actor, EDIT_AREAS, area=parent)
    else:
        policy.require(actor, CREATE_ROOT)
    with transaction.atomic():
        area = build_area(name=name, kind=kind, parent=parent, gb2260=gb2260, stat_code=stat_code, **extra)
        area.full_clean(exclude=["path"])
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
    with transaction.atomic():
        area = Area.objects.select_for_update().get(pk=area.pk)
        validate_area(
            kind=area.kind,
            parent=area.parent,
            gb2260=changes.get("gb2260", area.gb2260),
            stat_code=changes.get("stat_code", area.stat_code),
            instance=area,
        )
        before = {k: str(getattr(area, k)) for k in changes}
        for key, value in changes.items():
            setattr(area, key, value if value != "" else None if key in ("gb2260", "stat_code") else value)
        if area.abolished_on and area.established_on and area.abolished_on < area.established_on:
            raise ValidationError(
                {"abolished_on": _("An area cannot be abolished before it was established.")}
            )
        if area.in_preparation and area.formalized_on:
            raise ValidationError({"formalized_on": _("A committee in preparation has no formal date yet.")})
        area.full_clean(exclude=["path"])
        area.save()
        audit.record(actor, "area.updated", area, details={"before": before})
    return area


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
    policy.require(actor, EDIT_FACTS, area=area)
    unknown = set(values) - set(FACT_FIELDS)
    if unknown:
        raise ValueError(f"unknown facts: {sorted(unknown)}")
    built, occupied = values.get("dwellings_built"), values.get("dwellings_occupied")
    if built is not None and occupied is not None and occupied > built:
        raise ValidationError({"dwellings_occupied": _("Occupied dwellings cannot exceed dwellings built.")})
    with transaction.atomic():
        facts, _created = AreaFacts.objects.select_for_update().get_or_create(area=area, year=year)
        for key, value in values.items():
            setattr(facts, key, value)
        facts.full_clean()
        facts.save()
        audit.record(actor, "area.facts_saved", facts, details={"year": year})
    return facts
