"""What the people actions share: their capabilities and audit verbs, the kinds of area each record
may sit in, the editable fields, and the checks of areas and free text."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.accounts.roles import Role
from gongzhi.areas.models import COMMITTEE_KINDS, Area, AreaKind
from gongzhi.core import audit, policy

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


def _clean_text(value, field: str, *, required=False, max_length=None) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if max_length and len(value) > max_length:
        raise ValidationError(
            {field: _("At most %(n)d characters.") % {"n": max_length}},
        )
    return value


def _changed(before: dict, after: dict) -> list[str]:
    return sorted(k for k in after if before.get(k) != after.get(k))
