"""Matching API (/api/v1/matching/): resources, needs, proposed pairs, projects, figures."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from gongzhi.areas.models import Area
from gongzhi.core import policy
from gongzhi.core.api_schemas import ERRORS, PageOut, PageParams, paginate
from gongzhi.core.strings import CleanStr

from . import actions, queries
from . import permissions as P
from .models import MatchedProject, Need, Resource

router = Router(tags=["matching"])


# --- schemas ----------------------------------------------------------------------------------------
class ResourceOut(Schema):
    id: int
    publisher_kind: str
    publisher_id: int
    publisher_label: str
    area_id: int
    kind: str
    title: str
    description: str
    capacity: int
    remaining: int
    unit: str
    available_from: dt.datetime
    available_until: dt.datetime
    state: str


class ResourceIn(Schema):
    publisher_kind: str = Field(..., description="unit, organization or party_organization")
    publisher_id: int
    area_id: int
    kind: str
    title: CleanStr = Field(..., max_length=160)
    description: CleanStr = Field("", max_length=5000)
    capacity: int = Field(..., ge=1)
    unit: CleanStr = Field("", max_length=20)
    available_from: dt.datetime
    available_until: dt.datetime


class NeedOut(Schema):
    id: int
    area_id: int
    kind: str
    title: str
    description: str
    place: str
    wanted_from: dt.datetime
    wanted_until: dt.datetime
    people_count: int
    quantity: int
    state: str
    source_type: str
    source_id: int | None


class NeedIn(Schema):
    area_id: int
    kind: str
    title: CleanStr = Field(..., max_length=160)
    description: CleanStr = Field("", max_length=5000)
    place: CleanStr = Field("", max_length=200)
    wanted_from: dt.datetime
    wanted_until: dt.datetime
    people_count: int = Field(1, ge=1)
    quantity: int = Field(1, ge=1)
    source_type: CleanStr = Field(
        "", max_length=40, description="cases.case, councils.proposal, notices.survey …"
    )
    source_id: int | None = None


class ReasonOut(Schema):
    factor: str
    points: str
    text: str


class PairOut(Schema):
    resource_id: int
    need_id: int
    score: Decimal
    quantity: int
    reasons: list[ReasonOut]


class NeedProposalsOut(Schema):
    need: NeedOut
    pairs: list[PairOut]


class ProjectOut(Schema):
    id: int
    resource_id: int
    need_id: int
    area_id: int
    title: str
    quantity: int
    plan: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    state: str
    results: str
    score: Decimal | None
    score_reasons: list[ReasonOut]
    accepted_at: dt.datetime
    completed_at: dt.datetime | None


class AcceptIn(Schema):
    resource_id: int
    need_id: int
    quantity: int | None = Field(None, ge=1)
    title: CleanStr = Field("", max_length=160)
    plan: CleanStr = Field("", max_length=10000)
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None


class ProjectPatch(Schema):
    title: CleanStr | None = Field(None, max_length=160)
    plan: CleanStr | None = Field(None, max_length=10000)
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None


class ResultsIn(Schema):
    results: CleanStr = Field(..., max_length=10000)


class ReasonIn(Schema):
    reason: CleanStr = Field(..., max_length=1000)


class FiguresOut(Schema):
    area_id: int
    period_from: str
    period_to: str
    needs_met: int
    resources_used: int
    projects_completed: int


class ListFilter(Schema):
    area_id: int | None = None
    state: str = ""
    kind: str = ""


def _pair_out(pair) -> dict:
    return {
        "resource_id": pair.resource.pk,
        "need_id": pair.need.pk,
        "score": pair.score,
        "quantity": pair.quantity,
        "reasons": pair.reasons,
    }


def _area_or_mine(request, area_id):
    if area_id is None:
        return None
    area = get_object_or_404(Area, pk=area_id)
    policy.require(request.user, P.VIEW, area=area)
    return area


def _area(area_id) -> Area:
    return get_object_or_404(Area, pk=area_id)


# --- resources --------------------------------------------------------------------------------------
@router.get("/resources", response={200: PageOut[ResourceOut], **ERRORS})
def list_resources(request, filters: Query[ListFilter], params: Query[PageParams]):
    """Resources serving an area's subtree (area_id), or without area_id those of your own bodies."""
    area = _area_or_mine(request, filters.area_id)
    qs = queries.resources(area, user=request.user, state=filters.state, kind=filters.kind)
    return paginate(qs, params, ordering=("-created_at",), name="api.matching.resources")


@router.post("/resources", response={201: ResourceOut, **ERRORS})
def publish_resource(request, payload: ResourceIn):
    resource = actions.publish_resource(
        actor=request.user, area=_area(payload.area_id), **payload.dict(exclude={"area_id"})
    )
    return Status(201, resource)


@router.get("/resources/{resource_id}", response={200: ResourceOut, **ERRORS})
def get_resource(request, resource_id: int):
    resource = get_object_or_404(Resource, pk=resource_id)
    if not queries.can_see_resource(request.user, resource):
        raise PermissionDenied
    return resource


@router.get("/resources/{resource_id}/needs", response={200: list[PairOut], **ERRORS})
def needs_for_resource(request, resource_id: int):
    """Open needs this resource could serve, best first, with the reasons."""
    resource = get_object_or_404(Resource, pk=resource_id)
    if not queries.can_see_resource(request.user, resource):
        raise PermissionDenied
    return [_pair_out(p) for p in queries.ranked_for_resource(resource)]


@router.post("/resources/{resource_id}/withdraw", response={200: ResourceOut, **ERRORS})
def withdraw_resource(request, resource_id: int):
    return actions.withdraw_resource(actor=request.user, resource=get_object_or_404(Resource, pk=resource_id))


# --- needs ------------------------------------------------------------------------------------------
@router.get("/needs", response={200: PageOut[NeedOut], **ERRORS})
def list_needs(request, filters: Query[ListFilter], params: Query[PageParams]):
    """Needs of an area's subtree (area_id), or without area_id the needs you published."""
    area = _area_or_mine(request, filters.area_id)
    qs = queries.needs(area, user=request.user, state=filters.state, kind=filters.kind)
    return paginate(qs, params, ordering=("-created_at",), name="api.matching.needs")


@router.post("/needs", response={201: NeedOut, **ERRORS})
def publish_need(request, payload: NeedIn):
    need = actions.publish_need(
        actor=request.user, area=_area(payload.area_id), **payload.dict(exclude={"area_id"})
    )
    return Status(201, need)


@router.get("/needs/{need_id}", response={200: NeedOut, **ERRORS})
def get_need(request, need_id: int):
    need = get_object_or_404(Need, pk=need_id)
    if not queries.can_see_need(request.user, need):
        raise PermissionDenied
    return need


@router.get("/needs/{need_id}/resources", response={200: list[PairOut], **ERRORS})
def resources_for_need(request, need_id: int):
    """The matcher's ranking of resources for one need, with the reason for each score."""
    need = get_object_or_404(Need, pk=need_id)
    if not queries.can_see_need(request.user, need):
        raise PermissionDenied
    return [_pair_out(p) for p in queries.ranked_for_need(need)]


@router.post("/needs/{need_id}/close", response={200: NeedOut, **ERRORS})
def close_need(request, need_id: int):
    return actions.close_need(actor=request.user, need=get_object_or_404(Need, pk=need_id))


# --- proposals and projects -------------------------------------------------------------------------
@router.get("/proposals", response={200: list[NeedProposalsOut], **ERRORS})
def proposals(request, area_id: int, per_need: int = Query(3, ge=1, le=10)):
    """The open needs of an area (soonest first, at most 50) with the best resources for each."""
    area = get_object_or_404(Area, pk=area_id)
    policy.require(request.user, P.VIEW, area=area)
    return [
        {"need": row["need"], "pairs": [_pair_out(p) for p in row["pairs"]]}
        for row in queries.proposals(area, per_need=per_need)
    ]


@router.post("/projects", response={201: ProjectOut, **ERRORS})
def accept_pair(request, payload: AcceptIn):
    """Accept a resource–need pair: it becomes a project and consumes the resource's capacity."""
    project = actions.accept_pair(
        actor=request.user,
        resource=get_object_or_404(Resource, pk=payload.resource_id),
        need=get_object_or_404(Need, pk=payload.need_id),
        **payload.dict(exclude={"resource_id", "need_id"}),
    )
    return Status(201, project)


@router.get("/projects", response={200: PageOut[ProjectOut], **ERRORS})
def list_projects(request, filters: Query[ListFilter], params: Query[PageParams]):
    area = _area_or_mine(request, filters.area_id)
    qs = queries.projects(area, user=request.user, state=filters.state)
    return paginate(qs, params, ordering=("-accepted_at",), name="api.matching.projects")


def _project(request, project_id) -> MatchedProject:
    project = get_object_or_404(
        MatchedProject.objects.select_related("resource", "need", "area"), pk=project_id
    )
    if not queries.can_see_project(request.user, project):
        raise PermissionDenied
    return project


@router.get("/projects/{project_id}", response={200: ProjectOut, **ERRORS})
def get_project(request, project_id: int):
    return _project(request, project_id)


@router.patch("/projects/{project_id}", response={200: ProjectOut, **ERRORS})
def update_project(request, project_id: int, payload: ProjectPatch):
    return actions.update_project(actor=request.user, project=_project(request, project_id), **payload.dict())


@router.post("/projects/{project_id}/start", response={200: ProjectOut, **ERRORS})
def start_project(request, project_id: int):
    return actions.start_project(actor=request.user, project=_project(request, project_id))


@router.post("/projects/{project_id}/complete", response={200: ProjectOut, **ERRORS})
def complete_project(request, project_id: int, payload: ResultsIn):
    return actions.complete_project(
        actor=request.user, project=_project(request, project_id), results=payload.results
    )


@router.post("/projects/{project_id}/cancel", response={200: ProjectOut, **ERRORS})
def cancel_project(request, project_id: int, payload: ReasonIn):
    return actions.cancel_project(
        actor=request.user, project=_project(request, project_id), reason=payload.reason
    )


@router.get("/figures", response={200: FiguresOut, **ERRORS})
def figures(
    request,
    area_id: int,
    period_from: str = Query(..., pattern=r"^\d{4}-\d{2}$"),
    period_to: str = Query(..., pattern=r"^\d{4}-\d{2}$"),
):
    """Needs met, resources used and projects completed in an area's subtree over months (YYYY-MM)."""
    area = get_object_or_404(Area, pk=area_id)
    policy.require(request.user, P.VIEW, area=area)
    return {
        "area_id": area.pk,
        "period_from": period_from,
        "period_to": period_to,
        **queries.figures(area, period_from, period_to),
    }
