"""Every change to persons, dwellings and households: one function each, atomic, checked and audited."""

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.cn import ric

from gongzhi.accounts.roles import Role
from gongzhi.areas.models import COMMITTEE_KINDS, Area, AreaKind
from gongzhi.core import audit, policy
from gongzhi.core.pii import mask_id_number, normalize_phone, validate_id_number

from .models import Dwelling, Household, HouseholdMember, Person

# Staff of an area manage its people; grid workers look but do not write (their grid is a patrol beat).
MANAGE = policy.register(
    "people.manage",
    [Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.STREET_ADMIN, Role.COMMUNITY_WORKER, Role.COMMITTEE_WORKER],
)
VIEW = policy.register(
    "people.view",
    [
        Role.CITY_ADMIN,
        Role.DISTRICT_ADMIN,
        Role.STREET_ADMIN,
        Role.COMMUNITY_WORKER,
        Role.COMMITTEE_WORKER,
        Role.GRID_WORKER,
    ],
)
UNMASK = "core.unmask_pii"  # registered by accounts

audit.register_verb("person.created", gettext_lazy("person recorded"))
audit.register_verb("person.updated", gettext_lazy("person updated"))
audit.register_verb("person.user_linked", gettext_lazy("person linked to a user account"))
audit.register_verb("person.own_record_corrected", gettext_lazy("own record corrected by the resident"))
audit.register_verb("dwelling.created", gettext_lazy("dwelling recorded"))
audit.register_verb("dwelling.updated", gettext_lazy("dwelling updated"))
audit.register_verb("household.created", gettext_lazy("household recorded"))
audit.register_verb("household.updated", gettext_lazy("household updated"))
audit.register_verb("household.moved", gettext_lazy("household moved"))
audit.register_verb("household.member_added", gettext_lazy("household member added"))
audit.register_verb("household.member_removed", gettext_lazy("household member removed"))

PERSON_AREA_KINDS = {*COMMITTEE_KINDS, AreaKind.COMPOUND, AreaKind.GRID}
HOUSEHOLD_AREA_KINDS = {*COMMITTEE_KINDS, AreaKind.COMPOUND}
DWELLING_AREA_KINDS = {AreaKind.COMPOUND, *COMMITTEE_KINDS}

PERSON_FIELDS = ("name", "gender", "birth_date", "id_number", "phone", "address", "area")
PII_FIELDS = {"id_number", "phone"}
DWELLING_FIELDS = ("building", "unit", "room", "floor_area_m2", "use", "occupied")
HOUSEHOLD_FIELDS = ("number", "kind", "tenure")


# --- helpers ----------------------------------------------------------------------------------------
def _resolve_area(area, field: str, kinds: set, unknown_message: str) -> Area:
    """An Area (or its id) of one of `kinds`; a missing or wrong-kind area is a clear field error."""
    if area is None or area == "":
        raise ValidationError({field: _("Choose an area.")})
    if not isinstance(area, Area):
        try:
            area = Area.objects.get(pk=int(area))
        except (Area.DoesNotExist, ValueError, TypeError):
            raise ValidationError({field: unknown_message}) from None
    if area.kind not in kinds:
        raise ValidationError({field: unknown_message})
    if area.abolished_on is not None:
        raise ValidationError({field: _("This area has been abolished.")})
    return area


def _person_area(area) -> Area:
    return _resolve_area(
        area,
        "area",
        PERSON_AREA_KINDS,
        _("Choose a residents' or villagers' committee, a compound or a grid."),
    )


def _clean_text(value, field: str, *, required=False, max_length=None) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if max_length and len(value) > max_length:
        raise ValidationError(
            {field: _("At most %(n)d characters.") % {"n": max_length}},
        )
    return value


def _duplicate_error(actor, existing: Person) -> ValidationError:
    masked = mask_id_number(existing.id_number)
    if policy.can(actor, VIEW, area=existing.area):
        msg = _("A person with this ID number is already recorded: %(name)s (%(id)s, record %(pk)s).") % {
            "name": existing.name,
            "id": masked,
            "pk": existing.pk,
        }
    else:
        # Outside the actor's area: say that it exists, not who it is.
        msg = _(
            "A person with this ID number (%(id)s) is already recorded in another area; "
            "ask that area's staff to move the record."
        ) % {"id": masked}
    return ValidationError({"id_number": msg}, code="duplicate")


def _check_id_number(actor, value, *, instance=None) -> str | None:
    """Compact, validated ID number (or None) that no other person holds."""
    # Staff type ID numbers grouped with spaces or dashes; stdnum's compact() keeps them (see report).
    value = re.sub(r"[\s\-]", "", value or "")
    if not value:
        return None
    try:
        compact = validate_id_number(value)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from None
    existing = Person.objects.by_id_number(compact).select_related("area")
    if instance is not None and instance.pk:
        existing = existing.exclude(pk=instance.pk)
    found = existing.first()
    if found is not None:
        raise _duplicate_error(actor, found)
    return compact


def _check_phone(value) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return normalize_phone(value)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from None


def _check_birth_and_gender(id_number, birth_date, gender):
    """Fill birth date and gender from the ID number; refuse values that contradict it."""
    if not id_number:
        return birth_date, gender or Person.Gender.UNKNOWN
    from_id = ric.get_birth_date(id_number)
    if birth_date and birth_date != from_id:
        raise ValidationError({"birth_date": _("The date of birth does not match the ID number.")})
    id_gender = Person.Gender.MALE if int(id_number[16]) % 2 else Person.Gender.FEMALE
    if gender and gender != Person.Gender.UNKNOWN and gender != id_gender:
        raise ValidationError({"gender": _("The gender does not match the ID number.")})
    return from_id, id_gender


def _save_person(actor, person: Person) -> None:
    """Save, turning a lost race on the unique hash into the same message as the look-up."""
    try:
        with transaction.atomic():
            person.full_clean(exclude=["area", "user", "id_number", "phone"])
            person.save()
    except IntegrityError:
        found = Person.objects.by_id_number(person.id_number).first() if person.id_number else None
        if found is None:
            raise
        raise _duplicate_error(actor, found) from None


def _changed(before: dict, after: dict) -> list[str]:
    return sorted(k for k in after if before.get(k) != after.get(k))


# --- persons ----------------------------------------------------------------------------------------
def create_person(
    *,
    actor,
    area,
    name,
    id_number=None,
    phone=None,
    gender=None,
    birth_date=None,
    address="",
    user=None,
    is_demo=False,
) -> Person:
    area = _person_area(area)
    policy.require(actor, MANAGE, area=area)
    name = _clean_text(name, "name", required=True, max_length=60)
    address = _clean_text(address, "address", max_length=200)
    if gender and gender not in Person.Gender.values:
        raise ValidationError({"gender": _("Unknown gender.")})
    with transaction.atomic():
        compact = _check_id_number(actor, id_number)
        normalized_phone = _check_phone(phone)
        birth_date, gender = _check_birth_and_gender(compact, birth_date, gender)
        if user is not None and Person.objects.filter(user=user).exists():
            raise ValidationError({"user": _("This user account is already linked to another person.")})
        person = Person(
            name=name,
            gender=gender,
            birth_date=birth_date,
            id_number=compact,
            phone=normalized_phone,
            address=address,
            user=user,
            is_demo=is_demo,
        )
        person.set_area(area)
        _save_person(actor, person)
        audit.record(
            actor,
            "person.created",
            person,
            details={"has_id_number": bool(compact), "has_phone": bool(normalized_phone)},
        )
    return person


def update_person(*, actor, person: Person, **changes) -> Person:
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    policy.require(actor, MANAGE, area=person.area)
    new_area = None
    if "area" in changes and changes["area"] is not None:
        new_area = _person_area(changes["area"])
        if new_area.pk != person.area_id:
            policy.require(actor, MANAGE, area=new_area)
    with transaction.atomic():
        person = Person.objects.select_for_update().select_related("area").get(pk=person.pk)
        before = {k: getattr(person, k) for k in PERSON_FIELDS if k != "area"}
        before["area"] = person.area_id
        if "name" in changes:
            person.name = _clean_text(changes["name"], "name", required=True, max_length=60)
        if "address" in changes:
            person.address = _clean_text(changes["address"], "address", max_length=200)
        if "id_number" in changes:
            person.id_number = _check_id_number(actor, changes["id_number"], instance=person)
        if "phone" in changes:
            person.phone = _check_phone(changes["phone"])
        gender = changes.get("gender", person.gender)
        if gender and gender not in Person.Gender.values:
            raise ValidationError({"gender": _("Unknown gender.")})
        birth_date = changes.get("birth_date", person.birth_date if not person.id_number else None)
        person.birth_date, person.gender = _check_birth_and_gender(person.id_number, birth_date, gender)
        if new_area is not None:
            person.set_area(new_area)
        after = {k: getattr(person, k) for k in PERSON_FIELDS if k != "area"}
        after["area"] = person.area_id
        _save_person(actor, person)
        audit.record(actor, "person.updated", person, details={"changed": _changed(before, after)})
    return person


def link_person_to_user(*, actor, person: Person, user) -> Person:
    """Link the person to a user account (or unlink with user=None); one account, one person."""
    policy.require(actor, MANAGE, area=person.area)
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if user is not None:
            other = Person.objects.filter(user=user).exclude(pk=person.pk).first()
            if other is not None:
                raise ValidationError(
                    {
                        "user": _("This user account is already linked to another person (record %(pk)s).")
                        % {"pk": other.pk}
                    }
                )
        previous = person.user_id
        person.user = user
        person.save(update_fields=["user", "updated_at"])
        audit.record(
            actor,
            "person.user_linked",
            person,
            details={"user": getattr(user, "username", None), "previous_user_id": previous},
        )
    return person


OWN_FIELDS = ("phone", "address")


def own_person(user) -> Person | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.select_related("area").filter(user=user).first()


def correct_own_record(*, actor, person: Person | None = None, **changes) -> Person:
    """A resident corrects their own phone and address; nothing else, nobody else's."""
    unknown = set(changes) - set(OWN_FIELDS)
    if unknown:
        raise ValueError(f"not editable by the resident: {sorted(unknown)}")
    own = own_person(actor)
    if own is None:
        if person is not None:
            raise PermissionDenied(_("You can only correct your own record."))
        raise ValidationError(_("No personal record is linked to your account; ask your committee."))
    if person is not None and person.pk != own.pk:
        raise PermissionDenied(_("You can only correct your own record."))
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=own.pk)
        changed = []
        if "phone" in changes and changes["phone"] is not None:
            phone = _check_phone(changes["phone"])
            if phone != person.phone:
                person.phone = phone
                changed.append("phone")
        if "address" in changes and changes["address"] is not None:
            address = _clean_text(changes["address"], "address", max_length=200)
            if address != person.address:
                person.address = address
                changed.append("address")
        person.save()
        audit.record(actor, "person.own_record_corrected", person, details={"changed": changed})
    return person


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
