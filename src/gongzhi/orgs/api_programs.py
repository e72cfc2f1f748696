"""API of the programmes (/api/v1/orgs-programs/): incubation, venture calls, service contracts, OCDS.

Every write calls the same action as the pages; lists use the keyset paginator.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from gongzhi.areas.models import Area
from gongzhi.core import policy
from gongzhi.core.api_schemas import ERRORS, PageOut, PageParams, paginate
from gongzhi.core.strings import CleanStr

from . import ocds
from . import queries_programs as Q
from .actions import contracts as C
from .actions import programs as A
from .models import (
    ContractIndicator,
    Incubation,
    IncubationMilestone,
    ServiceContract,
    SocialOrganization,
    VentureApplication,
    VentureCall,
)

router = Router(tags=["orgs-programs"])


def _get(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist:
        raise Http404 from None


def _org(pk) -> SocialOrganization:
    return _get(SocialOrganization.objects.select_related("area"), pk)


def _area(pk) -> Area:
    return _get(Area.objects.all(), pk)


# --- schemas -------------------------------------------------------------------------------------
class IncubationOut(Schema):
    id: int
    incubator_id: int
    name: str
    organization_id: int | None
    admitted_on: dt.date
    support: list[str]
    grant_amount: Decimal
    state: str
    graduation: str
    ended_on: dt.date | None
    exit_reason: str


class AdmitIn(Schema):
    incubator_id: int
    name: CleanStr = Field(max_length=120)
    admitted_on: dt.date
    support: list[CleanStr] = []
    grant_amount: Decimal = Decimal(0)
    organization_id: int | None = None


class MilestoneIn(Schema):
    title: CleanStr = Field(max_length=120)
    due_on: dt.date | None = None


class MilestoneOut(Schema):
    id: int
    title: str
    due_on: dt.date | None
    done_on: dt.date | None


class DoneIn(Schema):
    done_on: dt.date


class GraduateIn(Schema):
    graduation: CleanStr
    ended_on: dt.date
    organization_id: int | None = None


class ExitIn(Schema):
    reason: CleanStr = Field(max_length=2000)
    ended_on: dt.date


class CallOut(Schema):
    id: int
    area_id: int
    kind: str
    title: str
    budget: Decimal
    criteria: str
    opens_on: dt.date
    closes_on: dt.date
    state: str


class CallIn(Schema):
    area_id: int
    kind: CleanStr = "venture"
    title: CleanStr = Field(max_length=160)
    budget: Decimal
    criteria: CleanStr = Field(max_length=5000)
    opens_on: dt.date
    closes_on: dt.date


class ApplicationOut(Schema):
    id: int
    call_id: int
    organization_id: int
    project_title: str
    summary: str
    requested_amount: Decimal
    state: str
    average_score: Decimal | None
    rank: int | None
    awarded_amount: Decimal | None


class ApplyIn(Schema):
    organization_id: int
    project_title: CleanStr = Field(max_length=160)
    summary: CleanStr = Field(max_length=5000)
    requested_amount: Decimal


class ScoreIn(Schema):
    score: Decimal
    comment: CleanStr = Field("", max_length=2000)


class ScoreOut(Schema):
    application_id: int
    score: Decimal
    average_score: Decimal | None


class AwardIn(Schema):
    awards: dict[int, Decimal]
    starts_on: dt.date
    ends_on: dt.date


class IndicatorIn(Schema):
    name: CleanStr = Field(max_length=120)
    unit: CleanStr = Field("", max_length=20)
    target: Decimal


class IndicatorOut(Schema):
    id: int
    name: str
    unit: str
    target: Decimal
    reported: Decimal | None
    reported_on: dt.date | None


class ContractIn(Schema):
    area_id: int
    kind: CleanStr
    title: CleanStr = Field(max_length=160)
    provider_id: int
    centre_name: CleanStr = Field("", max_length=120)
    description: CleanStr = Field("", max_length=5000)
    budget: Decimal
    starts_on: dt.date
    ends_on: dt.date
    indicators: list[IndicatorIn] = []


class ContractOut(Schema):
    id: int
    area_id: int
    kind: str
    title: str
    provider_id: int
    centre_name: str
    budget: Decimal
    starts_on: dt.date
    ends_on: dt.date
    signed_on: dt.date | None
    state: str
    evaluation: str
    evaluation_note: str
    indicators: list[IndicatorOut]

    @staticmethod
    def resolve_indicators(obj):
        return list(obj.indicators.all())


class SignIn(Schema):
    signed_on: dt.date


class ReportIn(Schema):
    reported: Decimal
    reported_on: dt.date


class EvaluateIn(Schema):
    evaluation: CleanStr
    note: CleanStr = Field("", max_length=2000)


class TerminateIn(Schema):
    reason: CleanStr = Field(max_length=2000)


class StateFilter(PageParams):
    state: CleanStr | None = None


# --- incubation ----------------------------------------------------------------------------------
def _incubation(request, pk) -> Incubation:
    row = _get(Incubation.objects.select_related("incubator__area", "area"), pk)
    if not Q.can_view_incubation(request.auth, row):
        raise PermissionDenied
    return row


@router.get("/incubations", response={200: PageOut[IncubationOut], **ERRORS})
def list_incubations(request, params: Query[StateFilter]):
    policy.require(request.auth, A.VIEW_PROGRAMS)
    return paginate(Q.incubations_for(request.auth, params.state), params, ordering=Q.INCUBATION_ORDERING)


@router.post("/incubations", response={201: IncubationOut, **ERRORS})
def admit(request, payload: AdmitIn):
    organization = _org(payload.organization_id) if payload.organization_id else None
    row = A.admit_incubatee(
        actor=request.auth,
        incubator=_org(payload.incubator_id),
        name=payload.name,
        admitted_on=payload.admitted_on,
        support=payload.support,
        grant_amount=payload.grant_amount,
        organization=organization,
    )
    return Status(201, row)


@router.get("/incubations/{pk}", response={200: IncubationOut, **ERRORS})
def get_incubation(request, pk: int):
    return _incubation(request, pk)


@router.post("/incubations/{pk}/milestones", response={201: MilestoneOut, **ERRORS})
def add_milestone(request, pk: int, payload: MilestoneIn):
    row = _incubation(request, pk)
    milestone = A.add_milestone(
        actor=request.auth, incubation=row, title=payload.title, due_on=payload.due_on
    )
    return Status(201, milestone)


@router.post("/incubations/{pk}/milestones/{milestone_id}/done", response={200: MilestoneOut, **ERRORS})
def milestone_done(request, pk: int, milestone_id: int, payload: DoneIn):
    row = _incubation(request, pk)
    milestone = _get(
        IncubationMilestone.objects.filter(incubation=row).select_related("incubation__incubator"),
        milestone_id,
    )
    return A.complete_milestone(actor=request.auth, milestone=milestone, done_on=payload.done_on)


@router.post("/incubations/{pk}/graduate", response={200: IncubationOut, **ERRORS})
def graduate(request, pk: int, payload: GraduateIn):
    row = _incubation(request, pk)
    organization = _org(payload.organization_id) if payload.organization_id else None
    return A.graduate_incubatee(
        actor=request.auth,
        incubation=row,
        graduation=payload.graduation,
        ended_on=payload.ended_on,
        organization=organization,
    )


@router.post("/incubations/{pk}/exit", response={200: IncubationOut, **ERRORS})
def exit_incubation(request, pk: int, payload: ExitIn):
    row = _incubation(request, pk)
    return A.exit_incubatee(
        actor=request.auth, incubation=row, reason=payload.reason, ended_on=payload.ended_on
    )


# --- venture calls -------------------------------------------------------------------------------
def _call(request, pk) -> VentureCall:
    call = _get(VentureCall.objects.select_related("area"), pk)
    if not Q.can_view_call(request.auth, call):
        raise PermissionDenied
    return call


@router.get("/calls", response={200: PageOut[CallOut], **ERRORS})
def list_calls(request, params: Query[StateFilter]):
    policy.require(request.auth, A.VIEW_PROGRAMS)
    return paginate(Q.calls_for(request.auth, params.state), params, ordering=Q.CALL_ORDERING)


@router.post("/calls", response={201: CallOut, **ERRORS})
def create_call(request, payload: CallIn):
    data = payload.dict()
    area = _area(data.pop("area_id"))
    return Status(201, A.create_call(actor=request.auth, area=area, **data))


@router.get("/calls/{pk}", response={200: CallOut, **ERRORS})
def get_call(request, pk: int):
    return _call(request, pk)


@router.post("/calls/{pk}/open", response={200: CallOut, **ERRORS})
def open_call(request, pk: int):
    return A.open_call(actor=request.auth, call=_call(request, pk))


@router.post("/calls/{pk}/review", response={200: CallOut, **ERRORS})
def start_review(request, pk: int):
    return A.start_review(actor=request.auth, call=_call(request, pk))


@router.get("/calls/{pk}/applications", response={200: list[ApplicationOut], **ERRORS})
def list_applications(request, pk: int):
    return list(Q.applications_visible(request.auth, _call(request, pk))[:500])


@router.post("/calls/{pk}/applications", response={201: ApplicationOut, **ERRORS})
def apply(request, pk: int, payload: ApplyIn):
    call = _call(request, pk)
    data = payload.dict()
    organization = _org(data.pop("organization_id"))
    return Status(201, A.apply_to_call(actor=request.auth, call=call, organization=organization, **data))


def _application(request, pk, app_id) -> VentureApplication:
    call = _call(request, pk)
    return _get(call.applications.select_related("call__area", "organization"), app_id)


@router.put("/calls/{pk}/applications/{app_id}/score", response={200: ScoreOut, **ERRORS})
def score(request, pk: int, app_id: int, payload: ScoreIn):
    application = _application(request, pk, app_id)
    row = A.score_application(
        actor=request.auth, application=application, score=payload.score, comment=payload.comment
    )
    application.refresh_from_db()
    return {"application_id": application.pk, "score": row.score, "average_score": application.average_score}


@router.post("/calls/{pk}/applications/{app_id}/withdraw", response={200: ApplicationOut, **ERRORS})
def withdraw(request, pk: int, app_id: int):
    return A.withdraw_application(actor=request.auth, application=_application(request, pk, app_id))


@router.post("/calls/{pk}/award", response={200: list[ApplicationOut], **ERRORS})
def award(request, pk: int, payload: AwardIn):
    call = _call(request, pk)
    A.award_call(
        actor=request.auth,
        call=call,
        awards=payload.awards,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
    )
    return list(call.applications.order_by("rank", "id"))


# --- contracts -----------------------------------------------------------------------------------
def _contract(request, pk) -> ServiceContract:
    contract = _get(ServiceContract.objects.select_related("provider", "area"), pk)
    if not Q.can_view_contract(request.auth, contract):
        raise PermissionDenied
    return contract


class ContractFilter(PageParams):
    state: CleanStr | None = None
    kind: CleanStr | None = None


@router.get("/contracts", response={200: PageOut[ContractOut], **ERRORS})
def list_contracts(request, params: Query[ContractFilter]):
    policy.require(request.auth, A.VIEW_PROGRAMS)
    qs = Q.contracts_for(request.auth, kind=params.kind, state=params.state).prefetch_related("indicators")
    return paginate(qs, params, ordering=Q.CONTRACT_ORDERING)


@router.post("/contracts", response={201: ContractOut, **ERRORS})
def create_contract(request, payload: ContractIn):
    data = payload.dict()
    area, provider = _area(data.pop("area_id")), _org(data.pop("provider_id"))
    return Status(201, C.create_contract(actor=request.auth, area=area, provider=provider, **data))


@router.get("/contracts/ocds", response={200: dict, **ERRORS})
def contracts_ocds(request, area_id: int | None = None):
    """The contracts the caller may see as an OCDS 1.1 release package."""
    policy.require(request.auth, A.VIEW_PROGRAMS)
    area = None
    if area_id:
        area = _area(area_id)
        policy.require(request.auth, A.VIEW_PROGRAMS, area=area)
    contracts = list(
        Q.contracts_for(request.auth, area=area).prefetch_related("indicators").order_by("id")[:5000]
    )
    if not contracts:
        raise Http404
    return HttpResponse(ocds.dumps(ocds.release_package(contracts)), content_type="application/json")


@router.get("/contracts/{pk}", response={200: ContractOut, **ERRORS})
def get_contract(request, pk: int):
    return _contract(request, pk)


@router.post("/contracts/{pk}/sign", response={200: ContractOut, **ERRORS})
def sign(request, pk: int, payload: SignIn):
    return C.sign_contract(actor=request.auth, contract=_contract(request, pk), signed_on=payload.signed_on)


@router.post("/contracts/{pk}/indicators/{indicator_id}/report", response={200: IndicatorOut, **ERRORS})
def report_value(request, pk: int, indicator_id: int, payload: ReportIn):
    contract = _contract(request, pk)
    indicator = _get(
        ContractIndicator.objects.filter(contract=contract).select_related(
            "contract__provider", "contract__area"
        ),
        indicator_id,
    )
    return C.report_indicator(
        actor=request.auth, indicator=indicator, reported=payload.reported, reported_on=payload.reported_on
    )


@router.post("/contracts/{pk}/evaluate", response={200: ContractOut, **ERRORS})
def evaluate(request, pk: int, payload: EvaluateIn):
    return C.evaluate_contract(
        actor=request.auth, contract=_contract(request, pk), evaluation=payload.evaluation, note=payload.note
    )


@router.post("/contracts/{pk}/terminate", response={200: ContractOut, **ERRORS})
def terminate(request, pk: int, payload: TerminateIn):
    return C.terminate_contract(actor=request.auth, contract=_contract(request, pk), reason=payload.reason)
