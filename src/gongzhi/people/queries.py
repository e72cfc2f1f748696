"""Read side of people: persons, households and dwellings as the viewer may see them, scoped by area."""

import re

from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Q, Value, When

from gongzhi.areas import queries as area_queries
from gongzhi.areas.models import COMMITTEE_KINDS, STREET_KINDS, Area, AreaKind, subtree_q
from gongzhi.core import policy

from .actions import VIEW
from .models import Dwelling, Household, HouseholdMember, Person

# For these kinds the copied ancestor id is the subtree, and it leads a composite (id, name, id) index.
_ID_COLUMN = {
    AreaKind.DISTRICT: "district_id",
    **dict.fromkeys(STREET_KINDS, "street_id"),
    AreaKind.COMMUNITY: "community_id",
    **dict.fromkeys(COMMITTEE_KINDS, "committee_id"),
}


def area_q(area: Area) -> Q:
    column = _ID_COLUMN.get(area.kind)
    if column:
        return Q(**{column: area.pk})
    return subtree_q("area_path", area.path)


def scope_q(user, capability: str = VIEW) -> Q | None:
    """Rows inside the user's areas for the capability; None means no restriction (superuser)."""
    paths = policy.area_paths(user, capability)
    if paths is None:
        return None
    q = Q(pk__in=[])
    for p in paths:
        q |= subtree_q("area_path", p)
    return q


def _scoped(qs, user, area: Area | None, capability: str = VIEW):
    if area is not None:
        if not policy.can(user, capability, area=area):
            raise PermissionDenied
        return qs.filter(area_q(area))
    q = scope_q(user, capability)
    return qs if q is None else qs.filter(q)


def scope_areas(user, capability: str = VIEW):
    return area_queries.scope_areas(user, capability)


def people_for(user, area: Area | None = None, *, name_prefix: str | None = None, gender=None):
    qs = _scoped(Person.objects.select_related("area"), user, area)
    if name_prefix:
        qs = qs.filter(name__startswith=name_prefix.strip())
    if gender:
        qs = qs.filter(gender=gender)
    return qs


def find_person(user, id_number: str) -> Person | None:
    """The person with this ID number (however it is spaced) inside the viewer's areas, or None."""
    compact = re.sub(r"[\s\-]", "", id_number or "")
    return people_for(user).by_id_number(compact).first() if compact else None


def households_for(user, area: Area | None = None, *, number_prefix: str | None = None, kind=None):
    qs = _scoped(Household.objects.select_related("area", "dwelling"), user, area)
    if number_prefix:
        qs = qs.filter(number__startswith=number_prefix.strip())
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def dwellings_for(user, area: Area | None = None, *, building: str | None = None, use=None):
    qs = _scoped(Dwelling.objects.select_related("area"), user, area)
    if building:
        qs = qs.filter(building=building.strip())
    if use:
        qs = qs.filter(use=use)
    return qs


def members_of(household: Household):
    return (
        HouseholdMember.objects.filter(household=household)
        .select_related("person")
        .annotate(
            head_first=Case(
                When(relation="head", then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("head_first", "person__name", "id")
    )


def memberships_of(person: Person):
    return HouseholdMember.objects.filter(person=person).select_related("household", "household__dwelling")


def households_in(dwelling: Dwelling):
    return Household.objects.filter(dwelling=dwelling).order_by("number", "id")


PERSON_ORDERING = ("name",)
HOUSEHOLD_ORDERING = ("number",)
DWELLING_ORDERING = ("building", "unit", "room")
