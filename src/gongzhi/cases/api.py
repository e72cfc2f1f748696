"""Cases API (/api/v1/cases/): intake, duplicates, every lifecycle action, tasks, files, routing rules."""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from gongzhi.accounts.models import Department
from gongzhi.areas.models import Area
from gongzhi.core import policy
from gongzhi.core.api_schemas import ERRORS, PageOut, PageParams, paginate
from gongzhi.core.strings import CleanStr

from . import files as evidence
from . import permissions, queries
from .actions import common, dispatching, feedback, intake, lifecycle, rules, supervision
from .models import Case, CaseAssignment, CaseCategory, ExtensionRequest, RoutingRule

router = Router(tags=["cases"])
ID = Field(..., ge=1, le=2**62)


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    parent_id: int | None = None
    accept_within_hours: int
    resolve_within_days: int
    urgent_resolve_within_days: int
    attributes: list = []


class TaskOut(Schema):
    id: int
    role: str
    handler_kind: str
    handler_area_id: int | None = None
    handler_department_id: int | None = None
    handler: str
    task: str
    state: str
    accept_due_at: datetime | None = None
    due_at: datetime | None = None
    answer: str
    is_overdue: bool


class CaseOut(Schema):
    id: int
    number: str
    category_id: int
    category: str
    channel: str
    title: str
    description: str
    address: str
    area_id: int
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    state: str
    urgent: bool
    is_overdue: bool
    is_supervised: bool
    anonymous: bool
    received_at: datetime
    accept_due_at: datetime | None = None
    due_at: datetime | None = None
    resolved_at: datetime | None = None
    answer: str
    solved: bool | None = None
    satisfaction: str
    merged_into_id: int | None = None


class CaseDetailOut(CaseOut):
    tasks: list[TaskOut] = []


class EventOut(Schema):
    at: datetime
    action: str
    from_state: str
    to_state: str
    note: str
    data: dict


class CaseIn(Schema):
    category: CleanStr = Field(..., max_length=40, description="Category id or code.")
    area_id: int = ID
    channel: CleanStr = Field(..., max_length=20)
    title: CleanStr = Field(..., max_length=120)
    description: CleanStr = Field(..., max_length=5000)
    address: CleanStr = Field("", max_length=200)
    latitude: float | None = None
    longitude: float | None = None
    coordinate_system: Literal["wgs84", "gcj02"] = "wgs84"
    reporter_name: CleanStr = Field("", max_length=60)
    reporter_phone: CleanStr = Field("", max_length=20)
    anonymous: bool = False
    urgent: bool = False
    attributes: dict = {}
    auto_dispatch: bool = True


class HandlerIn(Schema):
    kind: Literal["area", "department"]
    id: int = ID
    task: CleanStr = Field("", max_length=200)
    days: int | None = Field(None, ge=1, le=365)


class DispatchIn(Schema):
    lead: HandlerIn | None = None
    supports: list[HandlerIn] | None = None
    note: CleanStr = Field("", max_length=2000)


class ReassignIn(Schema):
    lead: HandlerIn
    reason: CleanStr = Field(..., max_length=2000)


class ReasonIn(Schema):
    reason: CleanStr = Field("", max_length=2000)


class NoteIn(Schema):
    note: CleanStr = Field("", max_length=2000)


class ReturnIn(Schema):
    reason: CleanStr = Field("", max_length=2000)
    legal_basis: CleanStr = Field("", max_length=300)
    escalate: bool = False


class ResolveIn(Schema):
    answer: CleanStr = Field(..., max_length=5000)
    solved: bool


class RateIn(Schema):
    satisfaction: Literal["satisfied", "basically", "dissatisfied"]
    comment: CleanStr = Field("", max_length=2000)


class CallIn(Schema):
    reached: bool = True
    satisfaction: Literal["", "satisfied", "basically", "dissatisfied"] = ""
    note: CleanStr = Field("", max_length=2000)


class ExtensionIn(Schema):
    extra_days: int = Field(..., ge=1, le=60)
    reason: CleanStr = Field(..., max_length=2000)


class DecideIn(Schema):
    approve: bool
    note: CleanStr = Field("", max_length=2000)


class ExtensionOut(Schema):
    id: int
    extra_days: int
    reason: str
    state: str
    new_due_at: datetime | None = None


class MergeIn(Schema):
    into_id: int = ID
    note: CleanStr = Field("", max_length=2000)


class CategoryChangeIn(Schema):
    category: CleanStr = Field(..., max_length=40)


class TaskDoneIn(Schema):
    answer: CleanStr = Field(..., max_length=5000)


class ListParams(PageParams):
    view: Literal["", "open", "overdue", "to_dispatch", "to_accept", "reported"] = ""
    state: CleanStr = Field("", max_length=12)


class DuplicateParams(Schema):
    category: CleanStr = Field(..., max_length=40)
    area_id: int = ID
    latitude: float | None = None
    longitude: float | None = None
    within_days: int = Field(30, ge=1, le=365)
    radius_m: int = Field(50, ge=1, le=5000)


class RuleIn(Schema):
    category: CleanStr = Field(..., max_length=40)
    area_id: int = ID
    lead_kind: Literal["area", "department"] = "area"
    lead_area_level: Literal["", "committee", "community", "street"] = "committee"
    lead_department_id: int | None = None
    supports: list[HandlerIn] = []


class RuleOut(Schema):
    id: int
    category_id: int
    area_id: int
    lead_kind: str
    lead_area_level: str
    lead_department_id: int | None = None
    is_active: bool


def _out(case: Case) -> dict:
    return {
        **{f: getattr(case, f) for f in CaseOut.model_fields if f not in ("category",)},
        "category": case.category.name,
    }


def _detail(case: Case) -> dict:
    tasks = [
        {
            **{f: getattr(a, f) for f in TaskOut.model_fields if f != "handler"},
            "handler": str(a.handler_area or a.handler_department),
        }
        for a in case.assignments.select_related("handler_area", "handler_department").order_by("role", "id")
    ]
    return _out(case) | {"tasks": tasks}


def _case(request, case_id) -> Case:
    case = get_object_or_404(Case.objects.select_related("category", "area"), pk=case_id)
    permissions.require_view(request.auth, case)
    return case


def _handler(h: HandlerIn):
    return dispatching.handler(h.kind, h.id, task=h.task, days=h.days)


@router.get("/categories", response={200: list[CategoryOut], **ERRORS})
def list_categories(request):
    return list(CaseCategory.objects.filter(is_active=True).order_by("order", "code"))


@router.get("/", response={200: PageOut[CaseOut], **ERRORS})
def list_cases(request, params: Query[ListParams]):
    qs = queries.filtered(
        queries.visible_cases(request.auth), state=params.state, view=params.view, user=request.auth
    )
    page = paginate(qs, params, ordering=("-received_at",), name="cases")
    return {"items": [_out(c) for c in page["items"]], "next_cursor": page["next_cursor"]}


@router.post("/", response={201: CaseDetailOut, **ERRORS})
def create_case(request, payload: CaseIn):
    area = Area.objects.filter(pk=payload.area_id).first()
    if area is None:
        raise ValidationError({"area_id": "Unknown area."})
    data = payload.dict()
    data.pop("area_id")
    case = intake.receive_case(actor=request.auth, area=area, **data)
    return Status(201, _detail(case))


@router.get("/duplicates", response={200: list[CaseOut], **ERRORS})
def duplicates(request, params: Query[DuplicateParams]):
    area = get_object_or_404(Area, pk=params.area_id)
    if not (policy.can(request.auth, permissions.VIEW, area=area)):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    found = intake.find_duplicates(
        category=params.category,
        area=area,
        latitude=params.latitude,
        longitude=params.longitude,
        within_days=params.within_days,
        radius_m=params.radius_m,
    )
    return [_out(c) for c in found]


@router.get("/{case_id}", response={200: CaseDetailOut, **ERRORS})
def get_case(request, case_id: int):
    return _detail(_case(request, case_id))


@router.get("/{case_id}/timeline", response={200: list[EventOut], **ERRORS})
def timeline(request, case_id: int):
    case = _case(request, case_id)
    return list(queries.timeline_for(request.auth, case)[:500])


def _done(case):
    case.refresh_from_db()
    return _detail(case)


@router.post("/{case_id}/dispatch", response={200: CaseDetailOut, **ERRORS})
def dispatch(request, case_id: int, payload: DispatchIn):
    case = _case(request, case_id)
    supports = [_handler(s) for s in payload.supports] if payload.supports is not None else None
    dispatching.dispatch_case(
        actor=request.auth,
        case=case,
        lead=_handler(payload.lead) if payload.lead else None,
        supports=supports,
        note=payload.note,
    )
    return _done(case)


@router.post("/{case_id}/reassign", response={200: CaseDetailOut, **ERRORS})
def reassign(request, case_id: int, payload: ReassignIn):
    case = _case(request, case_id)
    dispatching.reassign_case(
        actor=request.auth, case=case, lead=_handler(payload.lead), reason=payload.reason
    )
    return _done(case)


@router.post("/{case_id}/category", response={200: CaseDetailOut, **ERRORS})
def change_category(request, case_id: int, payload: CategoryChangeIn):
    case = _case(request, case_id)
    dispatching.change_category(actor=request.auth, case=case, category=payload.category)
    return _done(case)


@router.post("/{case_id}/accept", response={200: CaseDetailOut, **ERRORS})
def accept(request, case_id: int):
    case = _case(request, case_id)
    lifecycle.accept_case(actor=request.auth, case=case)
    return _done(case)


@router.post("/{case_id}/start", response={200: CaseDetailOut, **ERRORS})
def start(request, case_id: int):
    case = _case(request, case_id)
    lifecycle.start_case(actor=request.auth, case=case)
    return _done(case)


@router.post("/{case_id}/park", response={200: CaseDetailOut, **ERRORS})
def park(request, case_id: int, payload: ReasonIn):
    case = _case(request, case_id)
    lifecycle.park_case(actor=request.auth, case=case, reason=payload.reason)
    return _done(case)


@router.post("/{case_id}/unpark", response={200: CaseDetailOut, **ERRORS})
def unpark(request, case_id: int, payload: NoteIn):
    case = _case(request, case_id)
    lifecycle.unpark_case(actor=request.auth, case=case, note=payload.note)
    return _done(case)


@router.post("/{case_id}/resolve", response={200: CaseDetailOut, **ERRORS})
def resolve(request, case_id: int, payload: ResolveIn):
    case = _case(request, case_id)
    lifecycle.resolve_case(actor=request.auth, case=case, answer=payload.answer, solved=payload.solved)
    return _done(case)


@router.post("/{case_id}/return", response={200: CaseDetailOut, **ERRORS})
def return_(request, case_id: int, payload: ReturnIn):
    case = _case(request, case_id)
    lifecycle.return_case(
        actor=request.auth,
        case=case,
        reason=payload.reason,
        legal_basis=payload.legal_basis,
        escalate=payload.escalate,
    )
    return _done(case)


@router.post("/{case_id}/rate", response={200: CaseDetailOut, **ERRORS})
def rate(request, case_id: int, payload: RateIn):
    case = _case(request, case_id)
    feedback.rate_case(
        actor=request.auth, case=case, satisfaction=payload.satisfaction, comment=payload.comment
    )
    return _done(case)


@router.post("/{case_id}/follow-up-calls", response={201: CaseDetailOut, **ERRORS})
def follow_up_call(request, case_id: int, payload: CallIn):
    case = _case(request, case_id)
    feedback.log_follow_up_call(
        actor=request.auth,
        case=case,
        reached=payload.reached,
        satisfaction=payload.satisfaction,
        note=payload.note,
    )
    return Status(201, _done(case))


@router.post("/{case_id}/reopen", response={200: CaseDetailOut, **ERRORS})
def reopen(request, case_id: int, payload: ReasonIn):
    case = _case(request, case_id)
    feedback.reopen_case(actor=request.auth, case=case, reason=payload.reason)
    return _done(case)


@router.post("/{case_id}/close", response={200: CaseDetailOut, **ERRORS})
def close(request, case_id: int, payload: NoteIn):
    case = _case(request, case_id)
    feedback.close_case(actor=request.auth, case=case, note=payload.note)
    return _done(case)


@router.post("/{case_id}/merge", response={200: CaseDetailOut, **ERRORS})
def merge(request, case_id: int, payload: MergeIn):
    case = _case(request, case_id)
    into = _case(request, payload.into_id)
    feedback.merge_case(actor=request.auth, case=case, into=into, note=payload.note)
    return _done(case)


@router.post("/{case_id}/supervise", response={200: CaseDetailOut, **ERRORS})
def supervise(request, case_id: int, payload: NoteIn):
    case = _case(request, case_id)
    supervision.supervise_case(actor=request.auth, case=case, note=payload.note)
    return _done(case)


@router.post("/{case_id}/extensions", response={201: ExtensionOut, **ERRORS})
def request_extension(request, case_id: int, payload: ExtensionIn):
    case = _case(request, case_id)
    req = supervision.request_extension(
        actor=request.auth, case=case, extra_days=payload.extra_days, reason=payload.reason
    )
    return Status(201, req)


@router.post("/{case_id}/extensions/{request_id}/decide", response={200: ExtensionOut, **ERRORS})
def decide_extension(request, case_id: int, request_id: int, payload: DecideIn):
    case = _case(request, case_id)
    req = get_object_or_404(ExtensionRequest, pk=request_id, case=case)
    return supervision.decide_extension(
        actor=request.auth, request=req, approve=payload.approve, note=payload.note
    )


@router.post("/{case_id}/tasks/{task_id}/accept", response={200: CaseDetailOut, **ERRORS})
def accept_task(request, case_id: int, task_id: int):
    case = _case(request, case_id)
    lifecycle.accept_task(
        actor=request.auth, assignment=get_object_or_404(CaseAssignment, pk=task_id, case=case)
    )
    return _done(case)


@router.post("/{case_id}/tasks/{task_id}/done", response={200: CaseDetailOut, **ERRORS})
def complete_task(request, case_id: int, task_id: int, payload: TaskDoneIn):
    case = _case(request, case_id)
    lifecycle.complete_task(
        actor=request.auth,
        assignment=get_object_or_404(CaseAssignment, pk=task_id, case=case),
        answer=payload.answer,
    )
    return _done(case)


@router.post("/{case_id}/files", response={201: CaseDetailOut, **ERRORS})
def add_file(request, case_id: int, file: File[UploadedFile]):
    """Add evidence (an image or a document, checked by content) — by staff over the place, a handler or the reporter."""
    from django.core.exceptions import PermissionDenied
    from django.db import transaction

    case = _case(request, case_id)
    user = request.auth
    if not (
        policy.can(user, permissions.REPORT, area=case.area)
        or permissions.handles_any(user, case)
        or permissions.is_reporter(user, case)
    ):
        raise PermissionDenied
    checked = evidence.check_all([file])
    with transaction.atomic():
        event = common.timeline(case, user, "files_added", data={"files": [c.name for c in checked]})
        evidence.store(case, checked, actor=user, event=event)
        common.record(user, "files_added", case, {"files": [c.name for c in checked]})
    return Status(201, _done(case))


@router.get("/routing/rules", response={200: PageOut[RuleOut], **ERRORS})
def list_rules(request, params: Query[PageParams]):
    policy.require(request.auth, permissions.MANAGE_ROUTING)
    qs = RoutingRule.objects.filter(is_active=True)
    paths = policy.area_paths(request.auth, permissions.MANAGE_ROUTING)
    if paths is not None:
        qs = qs.filter(area__in=Area.objects.in_paths(paths))
    return paginate(qs, params, ordering=("id",), name="case-rules")


@router.post("/routing/rules", response={201: RuleOut, **ERRORS})
def create_rule(request, payload: RuleIn):
    area = get_object_or_404(Area, pk=payload.area_id)
    category = intake.resolve_category(payload.category)
    dept = (
        get_object_or_404(Department, pk=payload.lead_department_id) if payload.lead_department_id else None
    )
    supports = []
    for s in payload.supports:
        d = get_object_or_404(Department, pk=s.id)
        supports.append((d, s.task, s.days or 10))
    rule = rules.save_rule(
        actor=request.auth,
        category=category,
        area=area,
        lead_kind=payload.lead_kind,
        lead_area_level=payload.lead_area_level,
        lead_department=dept,
        supports=supports,
    )
    return Status(201, rule)


@router.post("/routing/rules/{rule_id}/deactivate", response={200: RuleOut, **ERRORS})
def deactivate_rule(request, rule_id: int):
    return rules.deactivate_rule(actor=request.auth, rule=get_object_or_404(RoutingRule, pk=rule_id))
