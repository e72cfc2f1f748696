"""Notices, surveys and suggestion-box API (/api/v1/bulletins/): the same actions as the pages."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.errors import Throttled
from pydantic import Field

from gongzhi.api import BearerToken, HeaderToken, SessionWithCsrf
from gongzhi.areas.models import Area
from gongzhi.core.api_schemas import ERRORS, PageOut, PageParams, paginate
from gongzhi.core.strings import CleanStr
from gongzhi.matching.api import NeedOut

from . import bulletins, suggestions, surveys
from . import queries_bulletins as queries
from .models_bulletins import Notice, Suggestion, Survey, SurveyAnswer

router = Router(tags=["notices, surveys and suggestions"])


def _anyone(request):
    """Public operations: a signed-in caller is still recognised by the earlier authenticators."""
    return "anonymous"


PUBLIC = [BearerToken(), HeaderToken(), SessionWithCsrf(), _anyone]


def _user(request):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


# --- schemas ----------------------------------------------------------------------------------------
class NoticeOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    area_id: int
    audience_kind: str
    audience_id: int
    audience_label: str
    publish_at: dt.datetime
    expires_at: dt.datetime | None
    receipts_required: bool
    is_public: bool
    state: str
    published_at: dt.datetime | None
    recipient_count: int


class NoticeIn(Schema):
    kind: str = Field(..., description="announcement, bulletin or honour")
    title: CleanStr = Field(..., max_length=160)
    body: CleanStr = Field(..., max_length=20000)
    audience_kind: str = Field(
        ...,
        description="area_residents, area_party_members, party_organization, area_units, area_organizations, council",
    )
    audience_id: int = Field(..., description="the area's id, or the council's / party organization's id")
    publish_at: dt.datetime | None = None
    expires_at: dt.datetime | None = None
    receipts_required: bool = False
    is_public: bool = False


class ReceiptOut(Schema):
    id: int
    notice: NoticeOut
    read_at: dt.datetime | None


class UnreadOut(Schema):
    id: int
    user_id: int
    user: str
    reminders: int
    last_reminded_at: dt.datetime | None

    @staticmethod
    def resolve_user(obj):
        return str(obj.user)


class RemindOut(Schema):
    reminded: int


class QuestionIn(Schema):
    kind: str = Field(..., description="single, multiple, text or rating")
    text: CleanStr = Field(..., max_length=300)
    choices: list[CleanStr] = []
    required: bool = True
    rating_max: int = Field(5, ge=2, le=10)


class QuestionOut(Schema):
    id: int
    position: int
    kind: str
    text: str
    choices: list[str]
    required: bool
    rating_max: int


class SurveyIn(Schema):
    title: CleanStr = Field(..., max_length=160)
    description: CleanStr = Field("", max_length=5000)
    council_id: int | None = None
    audience_kind: str
    audience_id: int
    opens_at: dt.datetime
    closes_at: dt.datetime
    questions: list[QuestionIn]


class SurveyOut(Schema):
    id: int
    title: str
    description: str
    area_id: int
    council_id: int | None
    audience_kind: str
    audience_id: int
    audience_label: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    state: str
    response_count: int
    questions: list[QuestionOut]

    @staticmethod
    def resolve_questions(obj):
        return list(obj.questions.all())


class ResponseIn(Schema):
    answers: dict[str, int | list[int] | CleanStr | None] = Field(
        ..., description="question id → choice index, list of indices (multiple), rating, or text"
    )


class ResponseOut(Schema):
    id: int
    survey_id: int
    submitted_at: dt.datetime


class ChoiceResult(Schema):
    label: str
    count: int
    share: str


class TextResult(Schema):
    id: int
    text: str


class QuestionResult(Schema):
    question_id: int
    kind: str
    text: str
    answered: int
    average: str | None = None
    choices: list[ChoiceResult] = []
    texts: list[TextResult] = []


class NeedFromIn(Schema):
    kind: str
    title: CleanStr = Field(..., max_length=160)
    wanted_from: dt.datetime
    wanted_until: dt.datetime
    quantity: int = Field(1, ge=1)
    people_count: int = Field(1, ge=1)
    place: CleanStr = Field("", max_length=200)
    description: CleanStr = Field("", max_length=5000)
    answer_id: int | None = None


class ProposalFromIn(Schema):
    title: CleanStr = Field(..., max_length=200)
    body: CleanStr = Field(..., max_length=10000)
    answer_id: int | None = None


class ProposalOut(Schema):
    id: int
    title: str
    area_id: int
    state: str
    source_type: str
    source_id: int | None


class SuggestionIn(Schema):
    area_id: int
    title: CleanStr = Field(..., max_length=120)
    body: CleanStr = Field(..., max_length=5000)
    publish_answer: bool = True


class SuggestionOut(Schema):
    id: int
    area_id: int
    title: str
    body: str
    state: str
    answer: str
    answered_at: dt.datetime | None
    outcome_type: str
    outcome_id: int | None
    created_at: dt.datetime


class AnswerIn(Schema):
    answer: CleanStr = Field(..., max_length=5000)


class ToCaseIn(Schema):
    category: CleanStr = Field(..., max_length=40, description="case category code or id")
    urgent: bool = False


class ToProposalIn(Schema):
    title: CleanStr = Field("", max_length=200)


class ToNeedIn(Schema):
    kind: str
    wanted_from: dt.datetime
    wanted_until: dt.datetime
    quantity: int = Field(1, ge=1)
    people_count: int = Field(1, ge=1)


# --- notices ----------------------------------------------------------------------------------------
@router.get("/notices", response={200: PageOut[NoticeOut], **ERRORS})
def list_sent(request, params: Query[PageParams], area_id: int | None = None):
    """Notices sent in your areas (or one area's subtree)."""
    area = None
    if area_id is not None:
        area = get_object_or_404(Area, pk=area_id)
        from gongzhi.core import policy

        policy.require(request.user, bulletins.VIEW_SENT, area=area)
    return paginate(
        queries.sent_notices(request.user, area), params, ordering=("-publish_at",), name="api.notices.sent"
    )


@router.post("/notices", response={201: NoticeOut, **ERRORS})
def publish_notice(request, payload: NoticeIn):
    """Create a notice; it reaches its audience at publish_at (now when omitted)."""
    return Status(201, bulletins.publish_notice(actor=request.user, **payload.dict()))


def _visible_notice(request, notice_id) -> Notice:
    notice = get_object_or_404(Notice, pk=notice_id)
    user = _user(request)
    if user is not None and bulletins.can_manage(user, notice):
        return notice
    if (
        user is not None
        and notice.state == Notice.State.PUBLISHED
        and bulletins.open_notice(actor=user, notice=notice)
    ):
        return notice
    if notice.is_public and notice.state == Notice.State.PUBLISHED and not notice.is_expired():
        return notice
    raise PermissionDenied


@router.get("/notices/{notice_id}", response={200: NoticeOut, **ERRORS}, auth=PUBLIC)
def get_notice(request, notice_id: int):
    """A recipient reading the notice stamps the read receipt; public notices are open to anyone."""
    return _visible_notice(request, notice_id)


@router.get("/notices/{notice_id}/unread", response={200: PageOut[UnreadOut], **ERRORS})
def unread(request, notice_id: int, params: Query[PageParams]):
    """Who has not read the notice yet (for its sender)."""
    notice = get_object_or_404(Notice, pk=notice_id)
    if not bulletins.can_manage(request.user, notice):
        raise PermissionDenied
    return paginate(
        queries.receipts(notice, unread_only=True), params, name=f"api.notices.unread.{notice.pk}"
    )


@router.post("/notices/{notice_id}/remind", response={200: RemindOut, **ERRORS})
def remind(request, notice_id: int):
    return {
        "reminded": bulletins.remind_unread(
            actor=request.user, notice=get_object_or_404(Notice, pk=notice_id)
        )
    }


@router.post("/notices/{notice_id}/withdraw", response={200: NoticeOut, **ERRORS})
def withdraw(request, notice_id: int):
    return bulletins.withdraw_notice(actor=request.user, notice=get_object_or_404(Notice, pk=notice_id))


@router.get("/inbox", response={200: PageOut[ReceiptOut], **ERRORS})
def inbox(request, params: Query[PageParams]):
    """Your received notices (not expired or withdrawn), newest first, with your read time."""
    return paginate(queries.my_notices(request.user), params, ordering=("-id",), name="api.notices.inbox")


@router.get("/board", response={200: PageOut[NoticeOut], **ERRORS}, auth=None)
def board(request, params: Query[PageParams]):
    """The public board: published, unexpired notices their senders made public."""
    return paginate(queries.public_notices(), params, ordering=("-publish_at",), name="api.notices.board")


# --- surveys ----------------------------------------------------------------------------------------
@router.get("/surveys", response={200: PageOut[SurveyOut], **ERRORS})
def list_surveys(request, params: Query[PageParams]):
    """Surveys you run (your areas, your councils)."""
    return paginate(queries.run_surveys(request.user), params, ordering=("-opens_at",), name="api.surveys")


@router.get("/surveys/open", response={200: list[SurveyOut], **ERRORS})
def open_for_me(request):
    """Open surveys addressed to you that you have not answered yet."""
    return [
        s for s in queries.surveys_for_respondent(request.user)[:50] if surveys.can_respond(request.user, s)
    ]


@router.post("/surveys", response={201: SurveyOut, **ERRORS})
def create_survey(request, payload: SurveyIn):
    council = None
    if payload.council_id is not None:
        from gongzhi.councils.models import Council

        council = get_object_or_404(Council, pk=payload.council_id)
    data = payload.dict(exclude={"council_id"})
    return Status(201, surveys.create_survey(actor=request.user, council=council, **data))


def _survey_for(request, survey_id) -> Survey:
    survey = get_object_or_404(Survey, pk=survey_id)
    if not (surveys.can_run(request.user, survey) or surveys.can_respond(request.user, survey)):
        raise PermissionDenied
    return survey


@router.get("/surveys/{survey_id}", response={200: SurveyOut, **ERRORS})
def get_survey(request, survey_id: int):
    return _survey_for(request, survey_id)


@router.post("/surveys/{survey_id}/publish", response={200: SurveyOut, **ERRORS})
def publish_survey(request, survey_id: int):
    return surveys.publish_survey(actor=request.user, survey=get_object_or_404(Survey, pk=survey_id))


@router.post("/surveys/{survey_id}/close", response={200: SurveyOut, **ERRORS})
def close_survey(request, survey_id: int):
    return surveys.close_survey(actor=request.user, survey=get_object_or_404(Survey, pk=survey_id))


@router.post("/surveys/{survey_id}/responses", response={201: ResponseOut, **ERRORS})
def respond(request, survey_id: int, payload: ResponseIn):
    """Answer a survey once; a second response is refused with 422."""
    survey = get_object_or_404(Survey, pk=survey_id)
    return Status(201, surveys.submit_response(actor=request.user, survey=survey, answers=payload.answers))


@router.get("/surveys/{survey_id}/results", response={200: list[QuestionResult], **ERRORS})
def results(request, survey_id: int):
    survey = get_object_or_404(Survey, pk=survey_id)
    surveys.require_runner(request.user, survey)
    out = []
    for r in surveys.results(survey):
        q = r["question"]
        out.append(
            {
                "question_id": q.pk,
                "kind": q.kind,
                "text": q.text,
                "answered": r["answered"],
                "average": r.get("average"),
                "choices": r.get("choices", []),
                "texts": r.get("texts", []),
            }
        )
    return out


def _answer(survey_answer_id):
    if survey_answer_id is None:
        return None
    return get_object_or_404(SurveyAnswer.objects.select_related("response"), pk=survey_answer_id)


@router.post("/surveys/{survey_id}/need", response={201: NeedOut, **ERRORS})
def need_from_survey(request, survey_id: int, payload: NeedFromIn):
    survey = get_object_or_404(Survey, pk=survey_id)
    data = payload.dict(exclude={"answer_id"})
    need = surveys.need_from_survey(
        actor=request.user, survey=survey, answer=_answer(payload.answer_id), area=survey.area, **data
    )
    return Status(201, need)


@router.post("/surveys/{survey_id}/proposal", response={201: ProposalOut, **ERRORS})
def proposal_from_survey(request, survey_id: int, payload: ProposalFromIn):
    survey = get_object_or_404(Survey, pk=survey_id)
    proposal = surveys.proposal_from_survey(
        actor=request.user,
        survey=survey,
        answer=_answer(payload.answer_id),
        title=payload.title,
        body=payload.body,
    )
    return Status(201, proposal)


# --- suggestion box ---------------------------------------------------------------------------------
@router.post("/suggestions", response={201: SuggestionOut, **ERRORS}, auth=PUBLIC)
def submit_suggestion(request, payload: SuggestionIn):
    """Anyone may post (anonymous posts: at most 5 an hour per address); too many → 429."""
    area = Area.objects.filter(pk=payload.area_id).first()
    try:
        suggestion = suggestions.submit_suggestion(
            actor=_user(request),
            area=area,
            title=payload.title,
            body=payload.body,
            publish_answer=payload.publish_answer,
            client_address=request.META.get("REMOTE_ADDR", ""),
        )
    except suggestions.RateLimited as exc:
        raise Throttled(exc.retry_after) from None
    return Status(201, suggestion)


@router.get("/suggestions", response={200: PageOut[SuggestionOut], **ERRORS})
def list_suggestions(request, params: Query[PageParams], state: CleanStr = ""):
    """Suggestions of your areas, for the staff who handle them."""
    from gongzhi.core import policy

    policy.require(request.user, suggestions.HANDLE)
    qs = queries.suggestions_for_staff(request.user, None, state)
    return paginate(qs, params, ordering=("-id",), name="api.suggestions")


@router.get("/suggestions/mine", response={200: PageOut[SuggestionOut], **ERRORS})
def my_suggestions(request, params: Query[PageParams]):
    """Your suggestions and what became of them."""
    return paginate(
        queries.my_suggestions(request.user), params, ordering=("-id",), name="api.suggestions.mine"
    )


@router.get("/suggestions/answered", response={200: PageOut[SuggestionOut], **ERRORS}, auth=None)
def answered(request, params: Query[PageParams], area_id: int | None = None):
    """The public list of answered suggestions (without submitters)."""
    area = Area.objects.filter(pk=area_id).first() if area_id else None
    qs = queries.answered_suggestions(area)
    return paginate(qs, params, ordering=("-answered_at",), name="api.suggestions.answered")


def _suggestion(request, suggestion_id) -> Suggestion:
    suggestion = get_object_or_404(Suggestion, pk=suggestion_id)
    suggestions.require_view(request.user, suggestion)
    return suggestion


@router.get("/suggestions/{suggestion_id}", response={200: SuggestionOut, **ERRORS})
def get_suggestion(request, suggestion_id: int):
    return _suggestion(request, suggestion_id)


@router.post("/suggestions/{suggestion_id}/answer", response={200: SuggestionOut, **ERRORS})
def answer(request, suggestion_id: int, payload: AnswerIn):
    return suggestions.answer_suggestion(
        actor=request.user, suggestion=_suggestion(request, suggestion_id), answer=payload.answer
    )


@router.post("/suggestions/{suggestion_id}/case", response={200: SuggestionOut, **ERRORS})
def to_case(request, suggestion_id: int, payload: ToCaseIn):
    return suggestions.suggestion_to_case(
        actor=request.user,
        suggestion=_suggestion(request, suggestion_id),
        category=payload.category,
        urgent=payload.urgent,
    )


@router.post("/suggestions/{suggestion_id}/proposal", response={200: SuggestionOut, **ERRORS})
def to_proposal(request, suggestion_id: int, payload: ToProposalIn):
    return suggestions.suggestion_to_proposal(
        actor=request.user, suggestion=_suggestion(request, suggestion_id), title=payload.title
    )


@router.post("/suggestions/{suggestion_id}/need", response={200: SuggestionOut, **ERRORS})
def to_need(request, suggestion_id: int, payload: ToNeedIn):
    return suggestions.suggestion_to_need(
        actor=request.user, suggestion=_suggestion(request, suggestion_id), **payload.dict()
    )
