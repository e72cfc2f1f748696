"""Changes to dwellings and households: recording and editing them, moving a household to another
dwelling or area, and its members (one head, one household registration per person)."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gongzhi.areas.models import Area
from gongzhi.core import audit, policy

from ..models import Dwelling, Household, HouseholdMember, Person
from ._common import (
    DWELLING_AREA_KINDS,
    DWELLING_FIELDS,
    HOUSEHOLD_AREA_KINDS,
    HOUSEHOLD_FIELDS,
    MANAGE,
    _changed,
    _clean_text,
    _resolve_area,
)


# --- dwellings --------------------------------------------------------------------------------------
def _dwelling_area(area) -> Area:
    return _resolve_area(
        area,
        "area",
        DWELLING_AREA_KINDS,
        _("No such compound: choose a residential compound (or a committee) that exists."),
    )


def _floor_area(value):
    if value is None or value == "":
        return None
    try:
        value = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({"floor_area_m2": _("Give the floor area as a number.")}) from None
    if not value.is_finite() or value < 0:
        raise ValidationError({"floor_area_m2": _("The floor area cannot be negative.")})
    if value >= Decimal("10000000"):
        raise ValidationError({"floor_area_m2": _("The floor area is too large.")})
    return value.quantize(Decimal("0.01"))


def _apply_dwelling(dwelling: Dwelling, values: dict) -> None:
    for key in ("building", "room"):
        if key in values:
            setattr(dwelling, key, _clean_text(values[key], key, required=True, max_length=20))
    if "unit" in values:
        dwelling.unit = _clean_text(values["unit"], "unit", max_length=20)
    if "floor_area_m2" in values:
        dwelling.floor_area_m2 = _floor_area(values["floor_area_m2"])
    if "use" in values:
        if values["use"] not in Dwelling.Use.values:
            raise ValidationError({"use": _("Unknown use.")})
        dwelling.use = values["use"]
    if "occupied" in values:
        dwelling.occupied = bool(values["occupied"])


def _save_dwelling(dwelling: Dwelling) -> None:
    clash = Dwelling.objects.filter(
        area_id=dwelling.area_id, building=dwelling.building, unit=dwelling.unit, room=dwelling.room
    ).exclude(pk=dwelling.pk)
    if clash.exists():
        raise ValidationError({"room": _("This dwelling is already recorded in this compound.")})
    try:
        with transaction.atomic():
            dwelling.full_clean(exclude=["area"])
            dwelling.save()
    except IntegrityError:
        raise ValidationError({"room": _("This dwelling is already recorded in this compound.")}) from None


def create_dwelling(
    *,
    actor,
    area,
    building,
    room,
    unit="",
    floor_area_m2=None,
    use=Dwelling.Use.RESIDENTIAL,
    occupied=True,
    is_demo=False,
) -> Dwelling:
    area = _dwelling_area(area)
    policy.require(actor, MANAGE, area=area)
    with transaction.atomic():
        dwelling = Dwelling(is_demo=is_demo)
        dwelling.set_area(area)
        _apply_dwelling(
            dwelling,
            {
                "building": building,
                "unit": unit,
                "room": room,
                "floor_area_m2": floor_area_m2,
                "use": use,
                "occupied": occupied,
            },
        )
        _save_dwelling(dwelling)
        audit.record(actor, "dwelling.created", dwelling, details={"use": dwelling.use})
    return dwelling


def update_dwelling(*, actor, dwelling: Dwelling, **changes) -> Dwelling:
    unknown = set(changes) - set(DWELLING_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    policy.require(actor, MANAGE, area=dwelling.area)
    with transaction.atomic():
        dwelling = Dwelling.objects.select_for_update().select_related("area").get(pk=dwelling.pk)
        before = {k: getattr(dwelling, k) for k in DWELLING_FIELDS}
        _apply_dwelling(dwelling, changes)
        after = {k: getattr(dwelling, k) for k in DWELLING_FIELDS}
        _save_dwelling(dwelling)
        audit.record(actor, "dwelling.updated", dwelling, details={"changed": _changed(before, after)})
    return dwelling


# --- households -------------------------------------------------------------------------------------
def _household_area(area) -> Area:
    return _resolve_area(
        area, "area", HOUSEHOLD_AREA_KINDS, _("Choose a residents' or villagers' committee or a compound.")
    )


def _resolve_dwelling(dwelling) -> Dwelling | None:
    if dwelling is None or dwelling == "":
        return None
    if isinstance(dwelling, Dwelling):
        return dwelling
    try:
        return Dwelling.objects.select_related("area").get(pk=int(dwelling))
    except (Dwelling.DoesNotExist, ValueError, TypeError):
        raise ValidationError({"dwelling": _("No such dwelling.")}) from None


def _check_dwelling_in(dwelling: Dwelling | None, area: Area) -> None:
    if dwelling is not None and not dwelling.area_path.startswith(area.path):
        raise ValidationError(
            {"dwelling": _("The dwelling is not in the household's area (%(area)s).") % {"area": area.name}}
        )


def _check_tenure_and_kind(values: dict) -> None:
    if "tenure" in values and values["tenure"] not in ("owner", "tenant"):
        raise ValidationError({"tenure": _("Tenure is owner or tenant.")})
    if "kind" in values and values["kind"] not in Household.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of household.")})


def _save_household(household: Household) -> None:
    clash = Household.objects.filter(area_id=household.area_id, number=household.number).exclude(
        pk=household.pk
    )
    if clash.exists():
        raise ValidationError({"number": _("Another household in this area has this number.")})
    try:
        with transaction.atomic():
            household.full_clean(exclude=["area", "dwelling"])
            household.save()
    except IntegrityError:
        raise ValidationError({"number": _("Another household in this area has this number.")}) from None


def create_household(
    *, actor, area, number, kind=Household.Kind.RESIDENT, dwelling=None, tenure="owner", is_demo=False
) -> Household:
    area = _household_area(area)
    policy.require(actor, MANAGE, area=area)
    values = {"kind": kind, "tenure": tenure}
    _check_tenure_and_kind(values)
    number = _clean_text(number, "number", required=True, max_length=40)
    dwelling = _resolve_dwelling(dwelling)
    _check_dwelling_in(dwelling, area)
    with transaction.atomic():
        household = Household(number=number, kind=kind, tenure=tenure, dwelling=dwelling, is_demo=is_demo)
        household.set_area(area)
        _save_household(household)
        audit.record(
            actor,
            "household.created",
            household,
            details={"kind": kind, "dwelling": getattr(dwelling, "pk", None)},
        )
    return household


def update_household(*, actor, household: Household, **changes) -> Household:
    """Number, kind and tenure; moving to another dwelling or area is move_household."""
    unknown = set(changes) - set(HOUSEHOLD_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    policy.require(actor, MANAGE, area=household.area)
    _check_tenure_and_kind(changes)
    with transaction.atomic():
        household = Household.objects.select_for_update().select_related("area").get(pk=household.pk)
        before = {k: getattr(household, k) for k in HOUSEHOLD_FIELDS}
        if "number" in changes:
            household.number = _clean_text(changes["number"], "number", required=True, max_length=40)
        for key in ("kind", "tenure"):
            if key in changes:
                setattr(household, key, changes[key])
        if household.kind == Household.Kind.REGISTERED and before["kind"] != household.kind:
            _check_single_registration(household, [m.person_id for m in household.members.all()])
        after = {k: getattr(household, k) for k in HOUSEHOLD_FIELDS}
        _save_household(household)
        audit.record(actor, "household.updated", household, details={"changed": _changed(before, after)})
    return household


def move_household(*, actor, household: Household, dwelling=None, area=None, tenure=None) -> Household:
    """Move a household to another dwelling (None: no dwelling) and, if needed, another area.

    Without `area`, the household stays in its area when the dwelling lies there, and otherwise
    follows the dwelling to the dwelling's compound.
    """
    policy.require(actor, MANAGE, area=household.area)
    dwelling = _resolve_dwelling(dwelling)
    if area is not None:
        area = _household_area(area)
    elif dwelling is not None and not dwelling.area_path.startswith(household.area.path):
        area = _household_area(dwelling.area)
    if area is not None and area.pk != household.area_id:
        policy.require(actor, MANAGE, area=area)
    target = area or household.area
    _check_dwelling_in(dwelling, target)
    if tenure is not None:
        _check_tenure_and_kind({"tenure": tenure})
    with transaction.atomic():
        household = Household.objects.select_for_update().select_related("area").get(pk=household.pk)
        before = {"area": household.area_id, "dwelling": household.dwelling_id}
        household.dwelling = dwelling
        if area is not None:
            household.set_area(area)
        if tenure is not None:
            household.tenure = tenure
        _save_household(household)
        audit.record(
            actor,
            "household.moved",
            household,
            details={"from": before, "to": {"area": household.area_id, "dwelling": household.dwelling_id}},
        )
    return household


def _check_single_registration(household: Household, person_ids) -> None:
    """A person holds one household registration (hukou) at a time."""
    clash = (
        HouseholdMember.objects.filter(
            person_id__in=list(person_ids), household__kind=Household.Kind.REGISTERED
        )
        .exclude(household=household)
        .select_related("person", "household")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {
                "person": _("%(name)s is already registered in household %(number)s.")
                % {"name": clash.person.name, "number": clash.household.number}
            }
        )


def add_member(*, actor, household: Household, person: Person, relation: str) -> HouseholdMember:
    policy.require(actor, MANAGE, area=household.area)
    policy.require(actor, MANAGE, area=person.area)
    if relation not in HouseholdMember.Relation.values:
        raise ValidationError({"relation": _("Unknown relation.")})
    with transaction.atomic():
        household = Household.objects.select_for_update().get(pk=household.pk)
        if HouseholdMember.objects.filter(household=household, person=person).exists():
            raise ValidationError(
                {"person": _("%(name)s is already a member of this household.") % {"name": person.name}}
            )
        if relation == HouseholdMember.Relation.HEAD:
            head = (
                HouseholdMember.objects.filter(household=household, relation="head")
                .select_related("person")
                .first()
            )
            if head is not None:
                raise ValidationError(
                    {
                        "relation": _("This household already has a head: %(name)s.")
                        % {"name": head.person.name}
                    }
                )
        if household.kind == Household.Kind.REGISTERED:
            _check_single_registration(household, [person.pk])
        try:
            with transaction.atomic():
                member = HouseholdMember.objects.create(household=household, person=person, relation=relation)
        except IntegrityError:
            raise ValidationError(
                {"relation": _("This household already has a head, or the person is already a member.")}
            ) from None
        audit.record(
            actor,
            "household.member_added",
            household,
            details={"person": person.pk, "relation": relation},
        )
    return member


def remove_member(*, actor, member: HouseholdMember) -> None:
    household = member.household
    policy.require(actor, MANAGE, area=household.area)
    with transaction.atomic():
        deleted, _rows = HouseholdMember.objects.filter(pk=member.pk).delete()
        if not deleted:
            raise ValidationError(_("This person was already removed from the household."))
        audit.record(
            actor,
            "household.member_removed",
            household,
            details={"person": member.person_id, "relation": member.relation},
        )
