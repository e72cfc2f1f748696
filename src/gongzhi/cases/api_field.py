"""API /cases-field/: visits, patrols, campaigns (with re-inspection and rebound) and case KPIs."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from gongzhi.areas.models import Area
from gongzhi.core import policy
from gongzhi.core.api_schemas import ERRORS, PageOut, PageParams, paginate
from gongzhi.core.strings import CleanStr
from gongzhi.orgs.models import StationedUnit
from gongzhi.people.models import Dwelling, Household

from . import kpis, queries_field
from .actions import campaigns, patrols, visits
from .models import Campaign, CampaignTarget, Patrol, Visit

router = Router(tags=["cases-field"])
ID = Field(..., ge=1, le=2**62)
OPT_ID = Field(None, ge=1, le=2**62)


def _area(area_id: int | None) -> Area | None:
    return get_object_or_404(Area, pk=area_id) if area_id else None


class AreaFilter(PageParams):
    area: int | None = Field(None, ge=1, le=2**62, description="Area id; default: all of your areas.")


class CaseBrief(Schema):
    id: int
    number: str
    title: str
    state: str
    answer: str
    category: str

    @staticmethod
    def resolve_category(obj):
        return obj.category.code


# --- visits -------------------------------------------------------------------------------------------
class VisitOut(Schema):
    id: int
    state: Visit.State
    visitor_kind: Visit.VisitorKind
    visitor_name: str
    target_kind: Visit.TargetKind
    area_id: int
    unit_id: int | None = None
    household_id: int | None = None
    planned_on: dt.date | None = None
    visited_at: dt.datetime | None = None
    topics: str
    notes: str
    feedback: str


class VisitIn(Schema):
    target_kind: Visit.TargetKind
    visitor_kind: Visit.VisitorKind = Visit.VisitorKind.STAFF
    visitor_name: CleanStr = Field("", max_length=60)
    area: int | None = OPT_ID
    unit: int | None = OPT_ID
    household: int | None = OPT_ID
    planned_on: dt.date | None = None
    visited_at: dt.datetime | None = Field(
        None, description="Given: the visit is logged as done; absent: planned."
    )
    topics: CleanStr = Field("", max_length=200)
    notes: CleanStr = Field("", max_length=5000)


class LogIn(Schema):
    visited_at: dt.datetime | None = None
    topics: CleanStr = Field("", max_length=200)
    notes: CleanStr = Field("", max_length=5000)


class FieldCaseIn(Schema):
    category: CleanStr = Field(..., max_length=40, description="Category code")
    title: CleanStr = Field(..., max_length=120)
    description: CleanStr = Field(..., max_length=5000)
    address: CleanStr = Field("", max_length=200)
    urgent: bool = False
    attributes: dict = {}


class FeedbackIn(Schema):
    feedback: CleanStr = Field(..., max_length=5000)


@router.get("/visits", response={200: PageOut[VisitOut], **ERRORS})
def list_visits(request, filters: Query[AreaFilter]):
    qs = queries_field.visits_for(request.user, _area(filters.area), visits.VIEW)
    return paginate(qs, filters, ordering=("-planned_on",), name="api-visits")


@router.post("/visits", response={201: VisitOut, **ERRORS})
def create_visit(request, payload: VisitIn):
    common = {
        "actor": request.user,
        "target_kind": payload.target_kind,
        "visitor_kind": payload.visitor_kind,
        "visitor_name": payload.visitor_name,
        "area": _area(payload.area),
        "unit": get_object_or_404(StationedUnit, pk=payload.unit) if payload.unit else None,
        "household": get_object_or_404(Household, pk=payload.household) if payload.household else None,
        "topics": payload.topics,
    }
    if payload.visited_at:
        return Status(201, visits.log_visit(visited_at=payload.visited_at, notes=payload.notes, **common))
    return Status(201, visits.plan_visit(planned_on=payload.planned_on, **common))


def _visit(request, visit_id, capability) -> Visit:
    visit = get_object_or_404(Visit.objects.select_related("area", "unit"), pk=visit_id)
    if visit.unit_id and capability == visits.VIEW:
        if not visits.can_view_unit(request.user, visit.unit):
            raise PermissionDenied
    else:
        policy.require(request.user, capability, area=visit.area)
    return visit


class VisitDetailOut(VisitOut):
    cases: list[CaseBrief]

    @staticmethod
    def resolve_cases(obj):
        return list(queries_field.cases_of_visit(obj))


@router.get("/visits/{visit_id}", response={200: VisitDetailOut, **ERRORS})
def get_visit(request, visit_id: int):
    return _visit(request, visit_id, visits.VIEW)


@router.post("/visits/{visit_id}/log", response={200: VisitOut, **ERRORS})
def log_planned_visit(request, payload: LogIn, visit_id: int):
    visit = _visit(request, visit_id, visits.MANAGE)
    return visits.log_visit(
        actor=request.user,
        visit=visit,
        visited_at=payload.visited_at,
        topics=payload.topics,
        notes=payload.notes,
    )


@router.post("/visits/{visit_id}/cancel", response={200: VisitOut, **ERRORS})
def cancel_visit(request, visit_id: int):
    return visits.cancel_visit(actor=request.user, visit=_visit(request, visit_id, visits.MANAGE))


@router.post("/visits/{visit_id}/cases", response={201: CaseBrief, **ERRORS})
def raise_case_from_visit(request, payload: FieldCaseIn, visit_id: int):
    visit = _visit(request, visit_id, visits.MANAGE)
    case = visits.raise_case(actor=request.user, visit=visit, **payload.dict())
    return Status(201, case)


@router.post("/visits/{visit_id}/feedback", response={200: VisitOut, **ERRORS})
def give_visit_feedback(request, payload: FeedbackIn, visit_id: int):
    return visits.give_feedback(
        actor=request.user, visit=_visit(request, visit_id, visits.MANAGE), feedback=payload.feedback
    )


# --- patrols ------------------------------------------------------------------------------------------
class PatrolOut(Schema):
    id: int
    area_id: int
    worker_id: int
    started_at: dt.datetime
    ended_at: dt.datetime | None = None
    route_notes: str
    findings: str


class PatrolIn(Schema):
    area: int = ID
    started_at: dt.datetime | None = None
    route_notes: CleanStr = Field("", max_length=5000)


class PatrolEndIn(Schema):
    ended_at: dt.datetime | None = None
    route_notes: CleanStr | None = Field(None, max_length=5000)
    findings: CleanStr = Field("", max_length=5000)


class FindingIn(FieldCaseIn):
    area: int | None = OPT_ID
    dwelling: int | None = OPT_ID
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    coordinate_system: str = Field("wgs84", pattern="^(wgs84|gcj02)$")


@router.get("/patrols", response={200: PageOut[PatrolOut], **ERRORS})
def list_patrols(request, filters: Query[AreaFilter]):
    qs = queries_field.patrols_for(request.user, _area(filters.area), patrols.VIEW)
    return paginate(qs, filters, ordering=("-started_at",), name="api-patrols")


@router.post("/patrols", response={201: PatrolOut, **ERRORS})
def start_patrol(request, payload: PatrolIn):
    patrol = patrols.start_patrol(
        actor=request.user,
        area=_area(payload.area),
        started_at=payload.started_at,
        route_notes=payload.route_notes,
    )
    return Status(201, patrol)


def _patrol(request, patrol_id) -> Patrol:
    patrol = get_object_or_404(Patrol.objects.select_related("area"), pk=patrol_id)
    policy.require(request.user, patrols.VIEW, area=patrol.area)
    return patrol


@router.post("/patrols/{patrol_id}/end", response={200: PatrolOut, **ERRORS})
def end_patrol(request, payload: PatrolEndIn, patrol_id: int):
    return patrols.end_patrol(actor=request.user, patrol=_patrol(request, patrol_id), **payload.dict())


@router.post("/patrols/{patrol_id}/findings", response={201: CaseBrief, **ERRORS})
def report_finding(request, payload: FindingIn, patrol_id: int):
    data = payload.dict()
    data["area"] = _area(data.pop("area"))
    dwelling_id = data.pop("dwelling")
    data["dwelling"] = get_object_or_404(Dwelling, pk=dwelling_id) if dwelling_id else None
    return Status(201, patrols.report_finding(actor=request.user, patrol=_patrol(request, patrol_id), **data))


# --- campaigns ----------------------------------------------------------------------------------------
class CampaignOut(Schema):
    id: int
    title: str
    area_id: int
    category: str
    year: int
    starts_on: dt.date
    ends_on: dt.date
    reinspection_days: int
    state: Campaign.State

    @staticmethod
    def resolve_category(obj):
        return obj.category.code


class CampaignIn(Schema):
    area: int = ID
    category: CleanStr = Field(..., max_length=40)
    title: CleanStr = Field(..., max_length=160)
    year: int = Field(..., ge=2000, le=2100)
    starts_on: dt.date
    ends_on: dt.date
    reinspection_days: int = Field(30, ge=1, le=365)


class TargetOut(Schema):
    id: int
    dwelling_id: int
    dwelling: str
    area_id: int
    found_by: str
    state: CampaignTarget.State
    case_id: int | None = None
    reinspect_due_on: dt.date | None = None
    rectified_on: dt.date | None = None
    verified_on: dt.date | None = None
    rebound_count: int

    @staticmethod
    def resolve_dwelling(obj):
        return str(obj.dwelling)


class TargetIn(Schema):
    dwelling: int = ID
    found_by: str = Field("patrol", pattern="^(patrol|property_company|resident|other)$")


class ReinspectionIn(Schema):
    confirmed: bool
    note: CleanStr = Field("", max_length=2000)


class ReboundIn(Schema):
    note: CleanStr = Field(..., max_length=2000)
    found_by: str = Field("patrol", pattern="^(patrol|property_company|resident|other)$")


class BoardRow(Schema):
    id: int | None = None
    name: str = ""
    listed: int
    locked: int
    rectified: int
    rate: str
    rebounds: int
    in_progress: int
    awaiting_check: int


class BoardOut(Schema):
    total: BoardRow
    by_community: list[BoardRow]
    by_committee: list[BoardRow]


@router.get("/campaigns", response={200: PageOut[CampaignOut], **ERRORS})
def list_campaigns(request, filters: Query[AreaFilter]):
    qs = queries_field.campaigns_for(request.user, _area(filters.area), campaigns.VIEW)
    return paginate(qs, filters, ordering=("-year",), name="api-campaigns")


@router.post("/campaigns", response={201: CampaignOut, **ERRORS})
def create_campaign(request, payload: CampaignIn):
    data = payload.dict()
    data["area"] = _area(data.pop("area"))
    return Status(201, campaigns.create_campaign(actor=request.user, **data))


def _campaign(request, campaign_id, capability) -> Campaign:
    campaign = get_object_or_404(Campaign.objects.select_related("area", "category"), pk=campaign_id)
    policy.require(request.user, capability, area=campaign.area)
    return campaign


@router.get("/campaigns/{campaign_id}/board", response={200: BoardOut, **ERRORS})
def campaign_board(request, campaign_id: int):
    return queries_field.board(_campaign(request, campaign_id, campaigns.VIEW))


@router.get("/campaigns/{campaign_id}/targets", response={200: PageOut[TargetOut], **ERRORS})
def list_targets(request, filters: Query[PageParams], campaign_id: int):
    campaign = _campaign(request, campaign_id, campaigns.VIEW)
    return paginate(
        campaign.targets.select_related("dwelling", "dwelling__area"),
        filters,
        name=f"api-targets-{campaign.pk}",
    )


@router.post("/campaigns/{campaign_id}/targets", response={201: TargetOut, **ERRORS})
def add_target(request, payload: TargetIn, campaign_id: int):
    campaign = _campaign(request, campaign_id, campaigns.MANAGE)
    dwelling = get_object_or_404(Dwelling.objects.select_related("area"), pk=payload.dwelling)
    return Status(
        201,
        campaigns.add_target(
            actor=request.user, campaign=campaign, dwelling=dwelling, found_by=payload.found_by
        ),
    )


@router.post("/campaigns/{campaign_id}/lock", response={200: CampaignOut, **ERRORS})
def lock_campaign(request, campaign_id: int):
    return campaigns.lock_campaign(
        actor=request.user, campaign=_campaign(request, campaign_id, campaigns.MANAGE)
    )


@router.post("/campaigns/{campaign_id}/close", response={200: CampaignOut, **ERRORS})
def close_campaign(request, campaign_id: int):
    return campaigns.close_campaign(
        actor=request.user, campaign=_campaign(request, campaign_id, campaigns.MANAGE)
    )


def _target(request, target_id) -> CampaignTarget:
    target = get_object_or_404(
        CampaignTarget.objects.select_related("area", "dwelling", "dwelling__area"), pk=target_id
    )
    policy.require(request.user, campaigns.REINSPECT, area=target.area)
    return target


@router.post("/targets/{target_id}/reinspection", response={200: TargetOut, **ERRORS})
def reinspect_target(request, payload: ReinspectionIn, target_id: int):
    return campaigns.record_reinspection(
        actor=request.user, target=_target(request, target_id), **payload.dict()
    )


@router.post("/targets/{target_id}/rebound", response={200: TargetOut, **ERRORS})
def rebound_target(request, payload: ReboundIn, target_id: int):
    return campaigns.report_rebound(actor=request.user, target=_target(request, target_id), **payload.dict())


# --- KPIs ---------------------------------------------------------------------------------------------
class KpiQuery(Schema):
    area: int = ID
    period_from: str | None = Field(None, pattern=r"^\d{4}-\d{2}$")
    period_to: str | None = Field(None, pattern=r"^\d{4}-\d{2}$")


class Figure(Schema):
    numerator: float
    denominator: float
    value: float | None = None
    display: str


class KpiRow(Schema):
    recv: Figure
    resp: Figure
    ontime: Figure
    res: Figure
    sat: Figure
    htime: Figure
    ret: Figure
    reop: Figure


class KpiGroup(Schema):
    key: str
    name: str
    row: KpiRow


class KpiMonth(Schema):
    period: str
    row: KpiRow


class KpiOut(Schema):
    area_id: int
    period_from: str
    period_to: str
    total: KpiRow
    months: list[KpiMonth]
    by_category: list[KpiGroup]
    by_channel: list[KpiGroup]
    by_handler: list[KpiGroup]
    by_area: list[KpiGroup]


@router.get(
    "/kpis",
    response={200: KpiOut, **ERRORS},
    description='Case KPIs of an area\'s subtree per GLOSSARY.md "Rates": recv (volume), resp (response '
    "rate), ontime (on-time resolution rate), res (resolution rate), sat (satisfaction rate), htime (average "
    "working days to resolve), ret (returns), reop (reopenings). Served from rollups.",
)
def get_kpis(request, q: Query[KpiQuery]):
    area = _area(q.area)
    policy.require(request.user, kpis.VIEW, area=area)
    start, end = kpis.default_periods()
    start, end = q.period_from or start, q.period_to or end
    if start > end:
        raise ValidationError({"period_to": _("The end month must not be before the start month.")})
    data = kpis.report(area, start, end)
    for group in ("by_category", "by_channel", "by_handler", "by_area"):
        for row in data[group]:
            row["key"] = str(row["key"])
            row.pop("area", None)
    data["area_id"] = area.pk
    return data
