"""People API: persons (masked unless the caller may and asks to unmask), households, members, dwellings."""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from gongzhi.areas.models import Area
from gongzhi.core import audit, policy
from gongzhi.core.api_schemas import ERRORS, PageOut, PageParams, paginate
from gongzhi.core.pii import mask_id_number, mask_phone
from gongzhi.core.strings import CleanStr

from . import actions, queries
from .models import Dwelling, Household, HouseholdMember, Person

router = Router(tags=["people"])
ID = Field(..., ge=1, le=2**62)


def _area_or_404(area_id: int | None) -> Area | None:
    return get_object_or_404(Area, pk=area_id) if area_id else None


# --- persons ----------------------------------------------------------------------------------------
class PersonOut(Schema):
    id: int
    name: str
    gender: Person.Gender
    birth_date: date | None = None
    id_number: str = Field("", description="Masked unless `unmask=true` and the caller may unmask.")
    phone: str = Field("", description="Masked unless `unmask=true` and the caller may unmask.")
    masked: bool
    address: str
    area_id: int
    user_id: int | None = None
    updated_at: datetime


def _person_out(person: Person, unmask: bool) -> dict:
    return {
        "id": person.pk,
        "name": person.name,
        "gender": person.gender,
        "birth_date": person.birth_date,
        "id_number": (person.id_number or "") if unmask else mask_id_number(person.id_number),
        "phone": (person.phone or "") if unmask else mask_phone(person.phone),
        "masked": not unmask,
        "address": person.address,
        "area_id": person.area_id,
        "user_id": person.user_id,
        "updated_at": person.updated_at,
    }


def _persons_out(user, persons: list[Person], unmask: bool) -> list[dict]:
    """Unmasked only where the caller holds core.unmask_pii, and every unmasking is audited."""
    shown = []
    revealed = []
    for p in persons:
        reveal = unmask and policy.can(user, actions.UNMASK, area=p.area)
        if reveal:
            revealed.append(p)
        shown.append(_person_out(p, reveal))
    if revealed:
        audit.record_bulk(
            user, "pii.unmasked", revealed, details={"via": "api", "fields": ["id_number", "phone"]}
        )
    return shown


class PersonFilter(Schema):
    area: int | None = Field(None, ge=1, le=2**62, description="Area id; default: all of your areas.")
    name_prefix: CleanStr | None = Field(None, max_length=40)
    gender: Person.Gender | None = None
    unmask: bool = False


@router.get("/persons", response={200: PageOut[PersonOut], **ERRORS})
def list_persons(request, filters: Query[PersonFilter], params: Query[PageParams]):
    policy.require(request.user, actions.VIEW)
    qs = queries.people_for(
        request.user, _area_or_404(filters.area), name_prefix=filters.name_prefix, gender=filters.gender
    )
    page = paginate(qs, params, ordering=queries.PERSON_ORDERING, name="api-persons")
    page["items"] = _persons_out(request.user, page["items"], filters.unmask)
    return page


@router.get("/persons/{person_id}", response={200: PersonOut, **ERRORS})
def get_person(request, person_id: int, unmask: bool = False):
    person = policy.get_object_for_user(
        request.user, Person.objects.select_related("area"), person_id, actions.VIEW
    )
    return _persons_out(request.user, [person], unmask)[0]


class PersonIn(Schema):
    area: int = ID
    name: CleanStr = Field(..., min_length=1, max_length=60)
    id_number: CleanStr | None = Field(None, max_length=30)
    phone: CleanStr | None = Field(None, max_length=30)
    gender: Person.Gender | None = None
    birth_date: date | None = None
    address: CleanStr = Field("", max_length=200)


class PersonPatch(Schema):
    area: int | None = Field(None, ge=1, le=2**62)
    name: CleanStr | None = Field(None, min_length=1, max_length=60)
    id_number: CleanStr | None = Field(None, max_length=30)
    phone: CleanStr | None = Field(None, max_length=30)
    gender: Person.Gender | None = None
    birth_date: date | None = None
    address: CleanStr | None = Field(None, max_length=200)


@router.post("/persons", response={201: PersonOut, **ERRORS})
def create_person(request, payload: PersonIn):
    person = actions.create_person(actor=request.user, **payload.dict())
    return Status(201, _person_out(person, False))


@router.patch("/persons/{person_id}", response={200: PersonOut, **ERRORS})
def update_person(request, person_id: int, payload: PersonPatch):
    person = policy.get_object_for_user(
        request.user, Person.objects.select_related("area"), person_id, actions.VIEW
    )
    changes = payload.dict(exclude_unset=True)
    # "" clears an ID number or phone; null means "leave as is", like an absent key.
    changes = {k: v for k, v in changes.items() if v is not None}
    person = actions.update_person(actor=request.user, person=person, **changes)
    return _person_out(person, False)


class OwnRecordPatch(Schema):
    phone: CleanStr | None = Field(None, max_length=30)
    address: CleanStr | None = Field(None, max_length=200)


@router.get("/me", response={200: PersonOut, **ERRORS})
def my_record(request):
    person = actions.own_person(request.user)
    if person is None:
        from django.http import Http404

        raise Http404
    return _person_out(person, False)


@router.patch("/me", response={200: PersonOut, **ERRORS})
def correct_my_record(request, payload: OwnRecordPatch):
    person = actions.correct_own_record(actor=request.user, **payload.dict(exclude_unset=True))
    return _person_out(person, False)


# --- dwellings --------------------------------------------------------------------------------------
class DwellingOut(Schema):
    id: int
    area_id: int
    building: str
    unit: str
    room: str
    floor_area_m2: Decimal | None = None
    use: Dwelling.Use
    occupied: bool


class DwellingIn(Schema):
    area: int = Field(..., ge=1, le=2**62, description="The compound (or committee) id.")
    building: CleanStr = Field(..., min_length=1, max_length=20)
    unit: CleanStr = Field("", max_length=20)
    room: CleanStr = Field(..., min_length=1, max_length=20)
    floor_area_m2: Decimal | None = Field(None, ge=0, max_digits=9, decimal_places=2)
    use: Dwelling.Use = Dwelling.Use.RESIDENTIAL
    occupied: bool = True


class DwellingPatch(Schema):
    building: CleanStr | None = Field(None, min_length=1, max_length=20)
    unit: CleanStr | None = Field(None, max_length=20)
    room: CleanStr | None = Field(None, min_length=1, max_length=20)
    floor_area_m2: Decimal | None = Field(None, ge=0, max_digits=9, decimal_places=2)
    use: Dwelling.Use | None = None
    occupied: bool | None = None


class DwellingFilter(Schema):
    area: int | None = Field(None, ge=1, le=2**62)
    building: CleanStr | None = Field(None, max_length=20)
    use: Dwelling.Use | None = None


@router.get("/dwellings", response={200: PageOut[DwellingOut], **ERRORS})
def list_dwellings(request, filters: Query[DwellingFilter], params: Query[PageParams]):
    policy.require(request.user, actions.VIEW)
    qs = queries.dwellings_for(
        request.user, _area_or_404(filters.area), building=filters.building, use=filters.use
    )
    return paginate(qs, params, ordering=queries.DWELLING_ORDERING, name="api-dwellings")


@router.get("/dwellings/{dwelling_id}", response={200: DwellingOut, **ERRORS})
def get_dwelling(request, dwelling_id: int):
    return policy.get_object_for_user(
        request.user, Dwelling.objects.select_related("area"), dwelling_id, actions.VIEW
    )


@router.post("/dwellings", response={201: DwellingOut, **ERRORS})
def create_dwelling(request, payload: DwellingIn):
    return Status(201, actions.create_dwelling(actor=request.user, **payload.dict()))


@router.patch("/dwellings/{dwelling_id}", response={200: DwellingOut, **ERRORS})
def update_dwelling(request, dwelling_id: int, payload: DwellingPatch):
    dwelling = policy.get_object_for_user(
        request.user, Dwelling.objects.select_related("area"), dwelling_id, actions.VIEW
    )
    changes = {
        k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None or k == "floor_area_m2"
    }
    return actions.update_dwelling(actor=request.user, dwelling=dwelling, **changes)


# --- households -------------------------------------------------------------------------------------
class MemberOut(Schema):
    id: int
    person_id: int
    person_name: str
    relation: HouseholdMember.Relation

    @staticmethod
    def resolve_person_name(obj):
        return obj.person.name


class HouseholdOut(Schema):
    id: int
    area_id: int
    number: str
    kind: Household.Kind
    tenure: str
    dwelling_id: int | None = None


class HouseholdDetailOut(HouseholdOut):
    members: list[MemberOut]


class HouseholdIn(Schema):
    area: int = Field(..., ge=1, le=2**62, description="A committee or compound id.")
    number: CleanStr = Field(..., min_length=1, max_length=40)
    kind: Household.Kind = Household.Kind.RESIDENT
    tenure: str = Field("owner", pattern="^(owner|tenant)$")
    dwelling: int | None = Field(None, ge=1, le=2**62)


class HouseholdPatch(Schema):
    number: CleanStr | None = Field(None, min_length=1, max_length=40)
    kind: Household.Kind | None = None
    tenure: str | None = Field(None, pattern="^(owner|tenant)$")


class MoveIn(Schema):
    dwelling: int | None = Field(None, ge=1, le=2**62, description="null: no dwelling")
    area: int | None = Field(None, ge=1, le=2**62, description="default: the dwelling's area if outside")
    tenure: str | None = Field(None, pattern="^(owner|tenant)$")


class MemberIn(Schema):
    person: int = ID
    relation: HouseholdMember.Relation


class HouseholdFilter(Schema):
    area: int | None = Field(None, ge=1, le=2**62)
    number_prefix: CleanStr | None = Field(None, max_length=40)
    kind: Household.Kind | None = None


def _household(request, household_id, capability=actions.VIEW) -> Household:
    return policy.get_object_for_user(
        request.user, Household.objects.select_related("area"), household_id, capability
    )


def _detail(household: Household) -> dict:
    data = HouseholdOut.from_orm(household).dict()
    data["members"] = list(queries.members_of(household))
    return data


@router.get("/households", response={200: PageOut[HouseholdOut], **ERRORS})
def list_households(request, filters: Query[HouseholdFilter], params: Query[PageParams]):
    policy.require(request.user, actions.VIEW)
    qs = queries.households_for(
        request.user, _area_or_404(filters.area), number_prefix=filters.number_prefix, kind=filters.kind
    )
    return paginate(qs, params, ordering=queries.HOUSEHOLD_ORDERING, name="api-households")


@router.get("/households/{household_id}", response={200: HouseholdDetailOut, **ERRORS})
def get_household(request, household_id: int):
    return _detail(_household(request, household_id))


@router.post("/households", response={201: HouseholdDetailOut, **ERRORS})
def create_household(request, payload: HouseholdIn):
    return Status(201, _detail(actions.create_household(actor=request.user, **payload.dict())))


@router.patch("/households/{household_id}", response={200: HouseholdDetailOut, **ERRORS})
def update_household(request, household_id: int, payload: HouseholdPatch):
    household = _household(request, household_id)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return _detail(actions.update_household(actor=request.user, household=household, **changes))


@router.post("/households/{household_id}/move", response={200: HouseholdDetailOut, **ERRORS})
def move_household(request, household_id: int, payload: MoveIn):
    household = _household(request, household_id)
    return _detail(actions.move_household(actor=request.user, household=household, **payload.dict()))


@router.post("/households/{household_id}/members", response={201: MemberOut, **ERRORS})
def add_member(request, household_id: int, payload: MemberIn):
    household = _household(request, household_id)
    person = Person.objects.select_related("area").filter(pk=payload.person).first()
    if person is None or not policy.can(request.user, actions.VIEW, area=person.area):
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext as _

        raise ValidationError({"person": _("No such person in your area.")})
    member = actions.add_member(
        actor=request.user, household=household, person=person, relation=payload.relation
    )
    return Status(201, member)


@router.delete("/households/{household_id}/members/{member_id}", response={204: None, **ERRORS})
def remove_member(request, household_id: int, member_id: int):
    member = get_object_or_404(
        HouseholdMember.objects.select_related("household", "household__area", "person"),
        pk=member_id,
        household_id=household_id,
    )
    if not policy.can(request.user, actions.VIEW, area=member.household.area):
        raise PermissionDenied
    actions.remove_member(actor=request.user, member=member)
    return Status(204, None)
