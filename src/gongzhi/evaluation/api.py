"""Evaluation API (/api/v1/evaluation/): schemes, indicators, stage goals, metrics, rounds, scores,
rankings and the results feed into honours and grades. Lists are keyset-paginated."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from gongzhi.areas.models import Area
from gongzhi.core.api_schemas import ERRORS, PageOut, PageParams, paginate
from gongzhi.core.strings import CleanStr

from . import actions, metrics, queries
from .models import Indicator, Round, Scheme, Subject

router = Router(tags=["evaluation"])


# --- schemas ----------------------------------------------------------------------------------------
class StageGoalOut(Schema):
    stage: str
    target: Decimal


class EvaluationIndicatorOut(Schema):
    id: int
    name: str
    weight: Decimal
    target: Decimal
    direction: str
    source: str
    metric_key: str
    description: str
    stage_goals: list[StageGoalOut]

    @staticmethod
    def resolve_stage_goals(obj):
        return list(obj.stage_goals.all())


class SchemeOut(Schema):
    id: int
    area_id: int
    name: str
    year: int
    subject_kind: str
    description: str
    state: str


class SchemeDetailOut(SchemeOut):
    indicators: list[EvaluationIndicatorOut]

    @staticmethod
    def resolve_indicators(obj):
        return list(obj.indicators.prefetch_related("stage_goals"))


class EvaluationSchemeIn(Schema):
    area_id: int
    subject_kind: str = Field(
        ..., description="community, committee, social_organization or party_organization"
    )
    name: CleanStr = Field(..., max_length=120)
    year: int
    description: CleanStr = Field("", max_length=5000)


class SchemePatch(Schema):
    name: CleanStr = Field(..., max_length=120)
    year: int
    description: CleanStr = Field("", max_length=5000)


class EvaluationIndicatorIn(Schema):
    name: CleanStr = Field(..., max_length=120)
    weight: Decimal
    target: Decimal
    direction: str = Field("higher", description="higher or lower (is better)")
    source: str = Field(..., description="computed (from a metric) or reviewed")
    metric_key: CleanStr = Field("", max_length=60, description="see GET /metrics")
    description: CleanStr = Field("", max_length=3000)


class StageGoalIn(Schema):
    target: Decimal | None = Field(None, description="null removes the stage goal")


class MetricOut(Schema):
    key: str
    label: str
    unit: str
    kinds: list[str]
    basis: str


class RoundIn(Schema):
    scheme_id: int
    area_id: int | None = Field(None, description="default: the scheme's owner area")
    stage: str = Field("", description="'' (whole year), Q1–Q4, H1 or H2")
    name: CleanStr = Field("", max_length=120)


class RoundOut(Schema):
    id: int
    scheme_id: int
    area_id: int
    name: str
    stage: str
    period_from: str
    period_to: str
    state: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None


class SubjectOut(Schema):
    id: int
    round_id: int
    kind: str
    label: str
    area_id: int
    social_organization_id: int | None
    party_organization_id: int | None
    total: Decimal | None
    rank: int | None
    suggested_grade: str
    grade_applied_on: dt.date | None
    honour_id: int | None


class EvaluationScoreOut(Schema):
    indicator_id: int
    indicator: str
    weight: Decimal
    source: str
    value: Decimal | None
    target: Decimal
    points: Decimal | None
    evidence: dict
    comment: str
    scored_at: dt.datetime | None

    @staticmethod
    def resolve_indicator(obj):
        return obj.indicator.name

    @staticmethod
    def resolve_weight(obj):
        return obj.indicator.weight

    @staticmethod
    def resolve_source(obj):
        return obj.indicator.source


class SubjectDetailOut(SubjectOut):
    scores: list[EvaluationScoreOut]

    @staticmethod
    def resolve_scores(obj):
        return list(obj.scores.select_related("indicator").order_by("indicator__position", "indicator_id"))


class EvaluationScoreIn(Schema):
    indicator_id: int
    value: Decimal
    comment: CleanStr = Field(..., max_length=2000)
    evidence: CleanStr = Field("", max_length=2000)


class EvaluationHonourIn(Schema):
    awarded_by_id: int
    title: CleanStr = Field(..., max_length=120)
    citation: CleanStr = Field("", max_length=3000)


class EvaluationHonourOut(Schema):
    honour_id: int
    subject: SubjectOut


class GradeSuggestionIn(Schema):
    grade: str = Field(..., description="1A–5A, or '' for none")
    note: CleanStr = Field("", max_length=300)


class GradeApplyIn(Schema):
    awarded_on: dt.date


class SchemeFilter(Schema):
    year: int | None = None
    subject_kind: str = ""


class RoundFilter(Schema):
    scheme_id: int | None = None
    state: str = ""


# --- helpers ----------------------------------------------------------------------------------------
def _scheme(request, scheme_id) -> Scheme:
    scheme = get_object_or_404(Scheme.objects.select_related("area"), pk=scheme_id)
    if not queries.can_view_scheme(request.user, scheme):
        raise PermissionDenied
    return scheme


def _indicator(request, indicator_id) -> Indicator:
    indicator = get_object_or_404(Indicator.objects.select_related("scheme__area"), pk=indicator_id)
    if not queries.can_view_scheme(request.user, indicator.scheme):
        raise PermissionDenied
    return indicator


def _round(request, round_id) -> Round:
    round_ = get_object_or_404(Round.objects.select_related("scheme", "area"), pk=round_id)
    if not queries.can_view_round(request.user, round_):
        raise PermissionDenied
    return round_


def _subject(request, subject_id) -> Subject:
    subject = get_object_or_404(
        Subject.objects.select_related("round__scheme", "round__area", "area"), pk=subject_id
    )
    if not queries.can_view_round(request.user, subject.round):
        raise PermissionDenied
    return subject


# --- metrics and schemes ------------------------------------------------------------------------------
@router.get("/metrics", response={200: list[MetricOut], **ERRORS})
def list_metrics(request, subject_kind: str = ""):
    """The computed metrics a scheme's indicators may use, with how each is computed."""
    rows = metrics.for_kind(subject_kind) if subject_kind else list(metrics.METRICS.values())
    return [
        {"key": m.key, "label": str(m.label), "unit": m.unit, "kinds": list(m.kinds), "basis": str(m.basis)}
        for m in rows
    ]


@router.get("/schemes", response={200: PageOut[SchemeOut], **ERRORS})
def list_schemes(request, filters: Query[SchemeFilter], params: Query[PageParams]):
    qs = queries.schemes_for(request.user, year=filters.year, subject_kind=filters.subject_kind)
    return paginate(qs, params, ordering=("-year",), name="api.evaluation.schemes")


@router.post("/schemes", response={201: SchemeDetailOut, **ERRORS})
def create_scheme(request, payload: EvaluationSchemeIn):
    scheme = actions.create_scheme(
        actor=request.user,
        area=get_object_or_404(Area, pk=payload.area_id),
        **payload.dict(exclude={"area_id"}),
    )
    return Status(201, scheme)


@router.get("/schemes/{scheme_id}", response={200: SchemeDetailOut, **ERRORS})
def get_scheme(request, scheme_id: int):
    return _scheme(request, scheme_id)


@router.patch("/schemes/{scheme_id}", response={200: SchemeDetailOut, **ERRORS})
def update_scheme(request, scheme_id: int, payload: SchemePatch):
    return actions.update_scheme(actor=request.user, scheme=_scheme(request, scheme_id), **payload.dict())


@router.post("/schemes/{scheme_id}/indicators", response={201: EvaluationIndicatorOut, **ERRORS})
def add_indicator(request, scheme_id: int, payload: EvaluationIndicatorIn):
    indicator = actions.add_indicator(
        actor=request.user, scheme=_scheme(request, scheme_id), **payload.dict()
    )
    return Status(201, indicator)


@router.patch("/indicators/{indicator_id}", response={200: EvaluationIndicatorOut, **ERRORS})
def update_indicator(request, indicator_id: int, payload: EvaluationIndicatorIn):
    return actions.update_indicator(
        actor=request.user, indicator=_indicator(request, indicator_id), **payload.dict()
    )


@router.delete("/indicators/{indicator_id}", response={204: None, **ERRORS})
def remove_indicator(request, indicator_id: int):
    actions.remove_indicator(actor=request.user, indicator=_indicator(request, indicator_id))
    return Status(204, None)


@router.put(
    "/indicators/{indicator_id}/stage-goals/{stage}", response={200: EvaluationIndicatorOut, **ERRORS}
)
def set_stage_goal(request, indicator_id: int, stage: str, payload: StageGoalIn):
    """Set (or with a null target remove) the indicator's target for Q1–Q4, H1, H2 or `year`."""
    indicator = _indicator(request, indicator_id)
    actions.set_stage_goal(
        actor=request.user, indicator=indicator, stage="" if stage == "year" else stage, target=payload.target
    )
    return indicator


@router.post("/schemes/{scheme_id}/activate", response={200: SchemeDetailOut, **ERRORS})
def activate_scheme(request, scheme_id: int):
    """Fix the scheme for rounds: refused unless the weights sum to 100."""
    return actions.activate_scheme(actor=request.user, scheme=_scheme(request, scheme_id))


# --- rounds and scores ------------------------------------------------------------------------------
@router.get("/rounds", response={200: PageOut[RoundOut], **ERRORS})
def list_rounds(request, filters: Query[RoundFilter], params: Query[PageParams]):
    scheme = _scheme(request, filters.scheme_id) if filters.scheme_id else None
    qs = queries.rounds_for(request.user, scheme=scheme, state=filters.state)
    return paginate(qs, params, ordering=("-opened_at",), name="api.evaluation.rounds")


@router.post("/rounds", response={201: RoundOut, **ERRORS})
def open_round(request, payload: RoundIn):
    """Open a round over every subject of the scheme's kind in the area; computed indicators are filled."""
    scheme = _scheme(request, payload.scheme_id)
    area = get_object_or_404(Area, pk=payload.area_id) if payload.area_id else None
    round_ = actions.open_round(
        actor=request.user, scheme=scheme, area=area, stage=payload.stage, name=payload.name
    )
    return Status(201, round_)


@router.get("/rounds/{round_id}", response={200: RoundOut, **ERRORS})
def get_round(request, round_id: int):
    return _round(request, round_id)


@router.get("/rounds/{round_id}/subjects", response={200: PageOut[SubjectOut], **ERRORS})
def list_subjects(request, round_id: int, params: Query[PageParams]):
    """The subjects with total and rank: in ranking order once the round is closed, by name before."""
    round_ = _round(request, round_id)
    ordering = ("rank", "label") if round_.is_closed else ("label",)
    return paginate(
        round_.subjects.all(), params, ordering=ordering, name=f"api.evaluation.subjects.{round_.pk}"
    )


@router.post("/rounds/{round_id}/refresh", response={200: RoundOut, **ERRORS})
def refresh_round(request, round_id: int):
    return actions.refresh_computed(actor=request.user, round_=_round(request, round_id))


@router.post("/rounds/{round_id}/close", response={200: RoundOut, **ERRORS})
def close_round(request, round_id: int):
    """Compute totals and the ranking and freeze the round (refused while reviewed scores are missing)."""
    return actions.close_round(actor=request.user, round_=_round(request, round_id))


@router.get("/subjects/{subject_id}", response={200: SubjectDetailOut, **ERRORS})
def get_subject(request, subject_id: int):
    """One subject's result: every indicator's value, target, points and evidence."""
    return _subject(request, subject_id)


@router.post("/subjects/{subject_id}/scores", response={200: SubjectDetailOut, **ERRORS})
def score_indicator(request, subject_id: int, payload: EvaluationScoreIn):
    subject = _subject(request, subject_id)
    indicator = get_object_or_404(Indicator, pk=payload.indicator_id)
    actions.score_indicator(
        actor=request.user,
        subject=subject,
        indicator=indicator,
        value=payload.value,
        comment=payload.comment,
        evidence=payload.evidence,
    )
    return subject


@router.post("/subjects/{subject_id}/honour", response={201: EvaluationHonourOut, **ERRORS})
def nominate_for_honour(request, subject_id: int, payload: EvaluationHonourIn):
    """Nominate a party organization of a closed round for an honour (the party app's eligibility rule applies)."""
    from gongzhi.party.models import PartyOrganization

    subject = _subject(request, subject_id)
    awarded_by = get_object_or_404(PartyOrganization, pk=payload.awarded_by_id)
    honour = actions.nominate_for_honour(
        actor=request.user,
        subject=subject,
        awarded_by=awarded_by,
        title=payload.title,
        citation=payload.citation,
    )
    subject.refresh_from_db()
    return Status(201, {"honour_id": honour.pk, "subject": subject})


@router.post("/subjects/{subject_id}/grade-suggestion", response={200: SubjectOut, **ERRORS})
def suggest_grade(request, subject_id: int, payload: GradeSuggestionIn):
    return actions.suggest_grade(
        actor=request.user, subject=_subject(request, subject_id), grade=payload.grade, note=payload.note
    )


@router.post("/subjects/{subject_id}/grade", response={200: SubjectOut, **ERRORS})
def apply_grade(request, subject_id: int, payload: GradeApplyIn):
    """Apply the suggested grade to the organization (through the orgs app's grade action)."""
    return actions.apply_grade(
        actor=request.user, subject=_subject(request, subject_id), awarded_on=payload.awarded_on
    )
