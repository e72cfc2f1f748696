"""Changes to persons: recording and editing them (ID number, phone, birth date and gender kept
consistent and unique), linking a user account, and a resident correcting their own record."""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from stdnum.cn import ric

from gongzhi.areas.models import Area
from gongzhi.core import audit, policy
from gongzhi.core.pii import mask_id_number, normalize_phone, validate_id_number

from ..models import Person
from ._common import MANAGE, PERSON_AREA_KINDS, PERSON_FIELDS, VIEW, _changed, _clean_text, _resolve_area


def _person_area(area) -> Area:
    return _resolve_area(
        area,
        "area",
        PERSON_AREA_KINDS,
        _("Choose a residents' or villagers' committee, a compound or a grid."),
    )


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
