"""Areas API: list with filters and keyset paging, detail, subtree, create and change areas, yearly facts,
splits and merges. Every error is the structured body of gongzhi.api."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from gongzhi.core import policy
from gongzhi.core.api_schemas import ERRORS, PageOut, PageParams, paginate
from gongzhi.core.strings import CleanStr

from . import actions, queries
from .actions import FIRST_YEAR, LAST_YEAR, VIEW_AREAS
from .models import Area, AreaChange, AreaFacts, AreaKind

router = Router(tags=["areas"])

ID = Field(..., ge=1, le=2**62)


class AreaOut(Schema):
    id: int
    name: str
    kind: AreaKind
    parent_id: int | None = None
    path: str
    depth: int
    gb2260: str | None = None
    stat_code: str | None = None
    district_id: int | None = None
    street_id: int | None = None
    community_id: int | None = None
    committee_id: int | None = None
    in_preparation: bool
    established_on: date | None = None
    abolished_on: date | None = None
    formalized_on: date | None = None


class AreaFilter(Schema):
    kind: AreaKind | None = None
    parent: int | None = Field(None, ge=1, le=2**62, description="direct children of this area")
    within: int | None = Field(None, ge=1, le=2**62, description="the subtree of this area (itself included)")
    code: CleanStr | None = Field(
        None, max_length=12, pattern=r"^\d{1,12}$", description="a full code, or the first digits of one"
    )
    name_prefix: CleanStr | None = Field(None, min_length=1, max_length=40)
    current: bool | None = Field(None, description="true: not abolished; false: abolished")
    in_preparation: bool | None = None


def _area(area_id: int) -> Area:
    if not 1 <= area_id <= 2**62:
        raise ValidationError({"area_id": [_("No area has this id.")]})
    return get_object_or_404(Area, pk=area_id)


@router.get("/", response={200: PageOut[AreaOut], **ERRORS})
def list_areas(request, filters: Query[AreaFilter], params: Query[PageParams]):
    policy.require(request.user, VIEW_AREAS)
    within = _area(filters.within) if filters.within else None
    qs = queries.filter_areas(
        Area.objects.all(),
        kind=filters.kind,
        parent=filters.parent,
        within=within,
        code=filters.code,
        name_prefix=filters.name_prefix,
        current=filters.current,
        in_preparation=filters.in_preparation,
    )
    return paginate(qs, params, ordering=("path",), name="areas")


class AreaIn(Schema):
    name: CleanStr = Field(..., min_length=1, max_length=80)
    kind: AreaKind
    parent: int | None = Field(None, ge=1, le=2**62, description="the parent area's id; null for a root")
    gb2260: CleanStr | None = Field(None, max_length=6)
    stat_code: CleanStr | None = Field(None, max_length=12)
    established_on: date | None = None
    in_preparation: bool = False
    formalized_on: date | None = None


class AreaPatch(Schema):
    name: CleanStr | None = Field(None, min_length=1, max_length=80)
    gb2260: CleanStr | None = Field(None, max_length=6)
    stat_code: CleanStr | None = Field(None, max_length=12)
    established_on: date | None = None
    abolished_on: date | None = None
    in_preparation: bool | None = None
    formalized_on: date | None = None


@router.post("/", response={201: AreaOut, **ERRORS})
def create_area(request, payload: AreaIn):
    data = payload.dict()
    parent_id = data.pop("parent")
    parent = None
    if parent_id is not None:
        parent = Area.objects.filter(pk=parent_id).first()
        if parent is None:
            raise ValidationError({"parent": [_("No area has this id.")]})
    area = actions.create_area(actor=request.user, parent=parent, **data)
    return Status(201, area)


# Declared before /{area_id} so that the literal path wins.
class ChangeIn(Schema):
    kind: AreaChange.Kind
    effective_on: date
    sources: list[int] = Field(..., min_length=1, max_length=100)
    results: list[int] = Field(..., min_length=1, max_length=100)
    note: CleanStr = Field("", max_length=2000)


class ChangeOut(Schema):
    id: int
    kind: str
    effective_on: date
    sources: list[int]
    results: list[int]
    note: str

    @staticmethod
    def resolve_sources(obj):
        return [a.pk for a in obj.sources.order_by("path")]

    @staticmethod
    def resolve_results(obj):
        return [a.pk for a in obj.results.order_by("path")]


def _areas_by_id(ids: list[int], field: str) -> list[Area]:
    found = Area.objects.in_bulk([i for i in ids if 1 <= i <= 2**62])
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError({field: [_("No area has the id %(id)s.") % {"id": missing[0]}]})
    return [found[i] for i in ids]


@router.post("/changes", response={201: ChangeOut, **ERRORS})
def record_change(request, payload: ChangeIn):
    change = actions.record_area_change(
        actor=request.user,
        kind=payload.kind,
        effective_on=payload.effective_on,
        sources=_areas_by_id(payload.sources, "sources"),
        results=_areas_by_id(payload.results, "results"),
        note=payload.note,
    )
    return Status(201, change)


@router.patch("/{area_id}", response={200: AreaOut, **ERRORS})
def update_area(request, area_id: int, payload: AreaPatch):
    area = _area(area_id)
    changes = payload.dict(exclude_unset=True)
    for key in ("name", "in_preparation"):
        if key in changes and changes[key] is None:
            raise ValidationError({key: [_("This field cannot be empty.")]})
    return actions.update_area(actor=request.user, area=area, **changes)


@router.get("/{area_id}", response={200: AreaOut, **ERRORS})
def get_area(request, area_id: int):
    policy.require(request.user, VIEW_AREAS)
    return _area(area_id)


@router.get("/{area_id}/subtree", response={200: PageOut[AreaOut], **ERRORS})
def subtree(request, area_id: int, params: Query[PageParams], kind: AreaKind | None = None):
    policy.require(request.user, VIEW_AREAS)
    area = _area(area_id)
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
    occupancy_rate: Decimal | None = Field(None, description="occupied / built, a fraction")
    occupancy_percent: str | None = Field(None, description='the same as shown on pages, e.g. "85.3%"')
    staff_count: int | None = None
    patrol_staff_count: int | None = None
    budget_yuan: Decimal | None = None

    @staticmethod
    def resolve_occupancy_percent(obj):
        return queries.percent(obj.occupancy_rate)


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
    policy.require(request.user, VIEW_AREAS)
    area = _area(area_id)
    return list(AreaFacts.objects.filter(area=area).order_by("-year")[:100])


@router.put("/{area_id}/facts/{year}", response={200: FactsOut, **ERRORS})
def put_facts(request, area_id: int, year: int, payload: FactsIn):
    """Replace one year's facts (fields left out become empty)."""
    area = _area(area_id)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError({"year": [f"{FIRST_YEAR}–{LAST_YEAR}"]})
    return actions.save_facts(actor=request.user, area=area, year=year, **payload.dict())


@router.get("/{area_id}/changes", response={200: list[ChangeOut], **ERRORS})
def changes(request, area_id: int):
    policy.require(request.user, VIEW_AREAS)
    area = _area(area_id)
    ids = set(area.changes_out.values_list("pk", flat=True)) | set(
        area.changes_in.values_list("pk", flat=True)
    )
    return list(AreaChange.objects.filter(pk__in=ids).order_by("-effective_on", "-id")[:100])
