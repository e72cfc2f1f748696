"""Areas API: list with filters and keyset paging, detail, subtree, yearly facts."""

from datetime import date
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from pydantic import Field

from gongzhi.core.api_schemas import ERRORS, PageOut, PageParams, paginate
from gongzhi.core.strings import CleanStr

from . import actions
from .models import Area, AreaFacts, AreaKind

router = Router(tags=["areas"])


class AreaOut(Schema):
    id: int
    name: str
    kind: AreaKind
    parent_id: int | None = None
    path: str
    depth: int
    gb2260: str | None = None
    stat_code: str | None = None
    in_preparation: bool
    established_on: date | None = None
    abolished_on: date | None = None
    formalized_on: date | None = None


class AreaFilter(Schema):
    kind: AreaKind | None = None
    parent: int | None = Field(None, ge=1, le=2**62)
    code: CleanStr | None = Field(None, max_length=12, description="exact GB/T 2260 or statistical code")
    name_prefix: CleanStr | None = Field(None, max_length=40)


@router.get("/", response={200: PageOut[AreaOut], **ERRORS})
def list_areas(request, filters: Query[AreaFilter], params: Query[PageParams]):
    qs = Area.objects.all()
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.parent:
        qs = qs.filter(parent_id=filters.parent)
    if filters.code:
        qs = qs.filter(gb2260=filters.code) if len(filters.code) == 6 else qs.filter(stat_code=filters.code)
    if filters.name_prefix:
        qs = qs.filter(name__startswith=filters.name_prefix)
    return paginate(qs, params, ordering=("path",), name="areas")


@router.get("/{area_id}", response={200: AreaOut, **ERRORS})
def get_area(request, area_id: int):
    return get_object_or_404(Area, pk=area_id)


@router.get("/{area_id}/subtree", response={200: PageOut[AreaOut], **ERRORS})
def subtree(request, area_id: int, params: Query[PageParams], kind: AreaKind | None = None):
    area = get_object_or_404(Area, pk=area_id)
    qs = Area.objects.subtree(area)
    if kind:
        qs = qs.filter(kind=kind)
    return paginate(qs, params, ordering=("path",), name=f"subtree-{area.pk}")


class FactsOut(Schema):
    year: int
    land_km2: Decimal | None = None
    registered_population: int | None = None
    resident_population: int | None = None
    nonlocal_population: int | None = None
    dwellings_built: int | None = None
    dwellings_occupied: int | None = None
    occupancy_rate: Decimal | None = None
    staff_count: int | None = None
    patrol_staff_count: int | None = None
    budget_yuan: Decimal | None = None


class FactsIn(Schema):
    land_km2: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    registered_population: int | None = Field(None, ge=0, le=100_000_000)
    resident_population: int | None = Field(None, ge=0, le=100_000_000)
    nonlocal_population: int | None = Field(None, ge=0, le=100_000_000)
    dwellings_built: int | None = Field(None, ge=0, le=100_000_000)
    dwellings_occupied: int | None = Field(None, ge=0, le=100_000_000)
    staff_count: int | None = Field(None, ge=0, le=1_000_000)
    patrol_staff_count: int | None = Field(None, ge=0, le=1_000_000)
    budget_yuan: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)


@router.get("/{area_id}/facts", response={200: list[FactsOut], **ERRORS})
def facts(request, area_id: int):
    area = get_object_or_404(Area, pk=area_id)
    return list(AreaFacts.objects.filter(area=area).order_by("-year")[:100])


@router.put("/{area_id}/facts/{year}", response={200: FactsOut, **ERRORS})
def put_facts(request, area_id: int, year: int, payload: FactsIn):
    area = get_object_or_404(Area, pk=area_id)
    if not 1949 <= year <= 2100:
        from django.core.exceptions import ValidationError

        raise ValidationError({"year": ["1949–2100"]})
    return actions.save_facts(actor=request.user, area=area, year=year, **payload.dict())
