"""Volunteers API, part two: neighbourhood points, the volunteer base (services, slots, bookings), brands."""

from datetime import date, datetime
from decimal import Decimal

from django.http import Http404
from ninja import Query, Schema, Status
from pydantic import Field

from gongzhi.core import policy
from gongzhi.core.api_schemas import ERRORS, PageOut, PageParams, paginate
from gongzhi.core.strings import CleanStr
from gongzhi.people.models import Person

from . import actions, queries
from . import permissions as P
from .api import ID, OPT_ID, AreaFilter, _area, _get, _view, router
from .models import (
    Booking,
    BrandIndicator,
    BrandProject,
    NeighbourhoodPoint,
    ServiceSlot,
    SkillService,
    Volunteer,
)


# --- neighbourhood points ----------------------------------------------------------------------------------
class PointOut(Schema):
    id: int
    name: str
    interest: str
    host: str
    schedule: str
    area_id: int
    is_active: bool
    member_ids: list[int]


def _point_out(p: NeighbourhoodPoint) -> dict:
    return {
        **{f: getattr(p, f) for f in PointOut.model_fields if f != "member_ids"},
        "member_ids": [m.pk for m in p.members.all()],
    }


class PointIn(Schema):
    area: int = ID
    name: CleanStr = Field(..., min_length=1, max_length=120)
    interest: CleanStr = Field(..., min_length=1, max_length=60)
    host: CleanStr = Field(..., min_length=1, max_length=120)
    schedule: CleanStr = Field(..., min_length=1, max_length=120)


class PointPatch(Schema):
    name: CleanStr | None = Field(None, min_length=1, max_length=120)
    interest: CleanStr | None = Field(None, min_length=1, max_length=60)
    host: CleanStr | None = Field(None, min_length=1, max_length=120)
    schedule: CleanStr | None = Field(None, min_length=1, max_length=120)
    is_active: bool | None = None


@router.get("/points", response={200: PageOut[PointOut], **ERRORS})
def list_points(request, filters: Query[AreaFilter], params: Query[PageParams]):
    policy.require(request.user, P.VIEW)
    qs = queries.points_for(request.user, _area(filters.area)).prefetch_related("members")
    page = paginate(qs, params, ordering=("area_path", "name"), name="api-vpoints")
    page["items"] = [_point_out(p) for p in page["items"]]
    return page


@router.post("/points", response={201: PointOut, **ERRORS})
def create_point(request, payload: PointIn):
    return Status(201, _point_out(actions.create_neighbourhood_point(actor=request.user, **payload.dict())))


def _point(request, point_id) -> NeighbourhoodPoint:
    point = _get(NeighbourhoodPoint, point_id, ["area"])
    _view(request.user, point.area)
    return point


@router.patch("/points/{point_id}", response={200: PointOut, **ERRORS})
def update_point(request, point_id: int, payload: PointPatch):
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return _point_out(
        actions.update_neighbourhood_point(actor=request.user, point=_point(request, point_id), **changes)
    )


class PersonRef(Schema):
    person: int = ID


@router.post("/points/{point_id}/members", response={204: None, **ERRORS})
def add_point_member(request, point_id: int, payload: PersonRef):
    point = _point(request, point_id)
    actions.add_point_member(actor=request.user, point=point, person=_get(Person, payload.person))
    return Status(204, None)


@router.delete("/points/{point_id}/members/{person_id}", response={204: None, **ERRORS})
def remove_point_member(request, point_id: int, person_id: int):
    point = _point(request, point_id)
    actions.remove_point_member(actor=request.user, point=point, person=_get(Person, person_id))
    return Status(204, None)


# --- the volunteer base ----------------------------------------------------------------------------------
class SlotOut(Schema):
    id: int
    service_id: int
    starts_at: datetime
    ends_at: datetime
    capacity: int
    booked: int


class ServiceOut(Schema):
    id: int
    kind: SkillService.Kind
    title: str
    description: str
    place: str
    area_id: int
    provider_id: int
    provider_name: str
    is_active: bool


def _service_out(s: SkillService) -> dict:
    return {
        **{f: getattr(s, f) for f in ServiceOut.model_fields if f != "provider_name"},
        "provider_name": s.provider.person.name,
    }


def _slot_out(s: ServiceSlot) -> dict:
    return {f: getattr(s, f) for f in SlotOut.model_fields}


class ServiceIn(Schema):
    provider: int | None = Field(None, ge=1, le=2**62, description="Staff only; default: yourself.")
    kind: SkillService.Kind
    title: CleanStr = Field(..., min_length=1, max_length=120)
    description: CleanStr = Field("", max_length=2000)
    place: CleanStr = Field(..., min_length=1, max_length=200)
    area: int | None = OPT_ID


@router.get("/services", response={200: PageOut[ServiceOut], **ERRORS})
def list_services(request, filters: Query[AreaFilter], params: Query[PageParams]):
    if policy.can(request.user, P.VIEW):
        qs = queries.services_for(request.user, _area(filters.area))
    else:
        qs = queries.services_for_resident(request.user)
    page = paginate(qs, params, ordering=("area_path", "title"), name="api-vservices")
    page["items"] = [_service_out(s) for s in page["items"]]
    return page


@router.post("/services", response={201: ServiceOut, **ERRORS})
def create_service(request, payload: ServiceIn):
    data = payload.dict()
    provider_id = data.pop("provider")
    provider = (
        _get(Volunteer, provider_id, ["person", "area"])
        if provider_id
        else actions.own_volunteer(request.user)
    )
    if provider is None:
        raise Http404
    service = actions.create_skill_service(actor=request.user, provider=provider, **data)
    return Status(201, _service_out(service))


@router.get("/services/{service_id}/slots", response={200: list[SlotOut], **ERRORS})
def list_slots(request, service_id: int):
    service = _get(SkillService, service_id, ["area"])
    return [_slot_out(s) for s in queries.open_slots(service)[:200]]


class SlotIn(Schema):
    starts_at: datetime
    ends_at: datetime
    capacity: int = Field(1, ge=1, le=100)


@router.post("/services/{service_id}/slots", response={201: SlotOut, **ERRORS})
def add_slot(request, service_id: int, payload: SlotIn):
    service = _get(SkillService, service_id, ["area", "provider__person"])
    return Status(201, _slot_out(actions.add_slot(actor=request.user, service=service, **payload.dict())))


class BookingOut(Schema):
    id: int
    slot_id: int
    person_id: int
    state: Booking.State
    starts_at: datetime


def _booking_out(b: Booking) -> dict:
    return {
        "id": b.pk,
        "slot_id": b.slot_id,
        "person_id": b.person_id,
        "state": b.state,
        "starts_at": b.slot.starts_at,
    }


class BookingIn(Schema):
    person: int | None = Field(None, ge=1, le=2**62, description="Staff only; default: yourself.")


@router.post("/slots/{slot_id}/bookings", response={201: BookingOut, **ERRORS})
def book_slot(request, slot_id: int, payload: BookingIn):
    slot = _get(ServiceSlot, slot_id, ["service__provider__person", "service__area"])
    person = _get(Person, payload.person) if payload.person else None
    return Status(201, _booking_out(actions.book_slot(actor=request.user, slot=slot, person=person)))


def _booking(booking_id) -> Booking:
    return _get(Booking, booking_id, ["slot__service__provider__person", "slot__service__area", "person"])


@router.post("/bookings/{booking_id}/confirm", response={200: BookingOut, **ERRORS})
def confirm_booking(request, booking_id: int):
    return _booking_out(actions.confirm_booking(actor=request.user, booking=_booking(booking_id)))


@router.post("/bookings/{booking_id}/done", response={200: BookingOut, **ERRORS})
def complete_booking(request, booking_id: int):
    return _booking_out(actions.complete_booking(actor=request.user, booking=_booking(booking_id)))


@router.post("/bookings/{booking_id}/cancel", response={200: BookingOut, **ERRORS})
def cancel_booking(request, booking_id: int):
    return _booking_out(actions.cancel_booking(actor=request.user, booking=_booking(booking_id)))


# --- brand projects ---------------------------------------------------------------------------------------
class IndicatorOut(Schema):
    id: int
    name: str
    unit: str
    target: Decimal
    achieved: Decimal


class BrandOut(Schema):
    id: int
    name: str
    slogan: str
    goals: str
    results: str
    area_id: int
    starts_on: date
    ends_on: date | None = None
    partners: list[str]
    team_ids: list[int]
    is_public: bool
    indicators: list[IndicatorOut]


def _brand_out(b: BrandProject) -> dict:
    return {
        **{f: getattr(b, f) for f in BrandOut.model_fields if f not in ("team_ids", "indicators")},
        "team_ids": [t.pk for t in b.teams.all()],
        "indicators": [
            {f: getattr(i, f) for f in IndicatorOut.model_fields} for i in b.indicators.order_by("id")
        ],
    }


class BrandIn(Schema):
    area: int = ID
    name: CleanStr = Field(..., min_length=1, max_length=120)
    slogan: CleanStr = Field("", max_length=200)
    goals: CleanStr = Field(..., min_length=1, max_length=4000)
    starts_on: date
    ends_on: date | None = None
    partners: list[CleanStr] = Field(default_factory=list, max_length=40)
    teams: list[int] = Field(default_factory=list, max_length=100)
    results: CleanStr = Field("", max_length=8000)
    is_public: bool = True


class BrandPatch(Schema):
    name: CleanStr | None = Field(None, min_length=1, max_length=120)
    slogan: CleanStr | None = Field(None, max_length=200)
    goals: CleanStr | None = Field(None, min_length=1, max_length=4000)
    starts_on: date | None = None
    ends_on: date | None = None
    partners: list[CleanStr] | None = Field(None, max_length=40)
    teams: list[int] | None = Field(None, max_length=100)
    results: CleanStr | None = Field(None, max_length=8000)
    is_public: bool | None = None


@router.get("/brands", response={200: PageOut[BrandOut], **ERRORS}, auth=None)
def list_brands(request, params: Query[PageParams]):
    """Public brand projects (no sign-in needed)."""
    page = paginate(
        queries.public_brands().prefetch_related("teams"),
        params,
        ordering=("area_path", "name"),
        name="api-brands",
    )
    page["items"] = [_brand_out(b) for b in page["items"]]
    return page


@router.get("/brands/{brand_id}", response={200: BrandOut, **ERRORS}, auth=None)
def get_brand(request, brand_id: int):
    brand = _get(BrandProject, brand_id, ["area"])
    if not brand.is_public and not policy.can(request.user, P.VIEW, area=brand.area):
        raise Http404
    return _brand_out(brand)


@router.post("/brands", response={201: BrandOut, **ERRORS})
def create_brand(request, payload: BrandIn):
    return Status(201, _brand_out(actions.create_brand_project(actor=request.user, **payload.dict())))


def _brand(request, brand_id) -> BrandProject:
    brand = _get(BrandProject, brand_id, ["area"])
    _view(request.user, brand.area)
    return brand


@router.patch("/brands/{brand_id}", response={200: BrandOut, **ERRORS})
def update_brand(request, brand_id: int, payload: BrandPatch):
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None or k == "ends_on"}
    return _brand_out(
        actions.update_brand_project(actor=request.user, project=_brand(request, brand_id), **changes)
    )


class IndicatorIn(Schema):
    name: CleanStr = Field(..., min_length=1, max_length=120)
    unit: CleanStr = Field("", max_length=20)
    target: Decimal
    achieved: Decimal = Decimal(0)


@router.post("/brands/{brand_id}/indicators", response={201: IndicatorOut, **ERRORS})
def add_indicator(request, brand_id: int, payload: IndicatorIn):
    ind = actions.set_indicator(actor=request.user, project=_brand(request, brand_id), **payload.dict())
    return Status(201, {f: getattr(ind, f) for f in IndicatorOut.model_fields})


@router.put("/brands/{brand_id}/indicators/{indicator_id}", response={200: IndicatorOut, **ERRORS})
def update_indicator(request, brand_id: int, indicator_id: int, payload: IndicatorIn):
    brand = _brand(request, brand_id)
    indicator = _get(BrandIndicator, indicator_id)
    ind = actions.set_indicator(actor=request.user, project=brand, indicator=indicator, **payload.dict())
    return {f: getattr(ind, f) for f in IndicatorOut.model_fields}
