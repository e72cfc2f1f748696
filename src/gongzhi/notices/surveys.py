"""Surveys (问卷): create with questions, publish to an audience, one response per person, results,
and turning an answer or a result into a need or a resident proposal.

Committee and community workers (and admins) run surveys for their areas; a council's clerk runs
the council's surveys. Only the audience may respond, between the open and close times, once.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.accounts.roles import Role
from gongzhi.core import audit, policy, rollups
from gongzhi.core.strings import has_control_chars

from . import audiences
from .actions import notify, register_kind
from .bulletins import require_sender
from .models_bulletins import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse

R = Role
RUN = policy.register(
    "notices.run_survey",
    [R.CITY_ADMIN, R.DISTRICT_ADMIN, R.STREET_ADMIN, R.COMMUNITY_WORKER, R.COMMITTEE_WORKER],
)
SURVEY_KIND = register_kind("notices.survey", gettext_lazy("survey to answer"))
MAX_QUESTIONS = 50
MAX_CHOICES = 30
Q = SurveyQuestion.Kind

for _verb, _label in [
    ("survey.created", gettext_lazy("survey created")),
    ("survey.published", gettext_lazy("survey published")),
    ("survey.closed", gettext_lazy("survey closed")),
    ("survey.answered", gettext_lazy("survey answered")),
    ("survey.need_created", gettext_lazy("need created from a survey")),
    ("survey.proposal_created", gettext_lazy("resident proposal created from a survey")),
]:
    audit.register_verb(_verb, _label)


def _runner_target(survey_or_council, audience_target):
    """Whom a survey belongs to for permission: its council (clerk or staff over it) or its audience area."""
    if survey_or_council is not None:
        council = survey_or_council
        return audiences.Target(council, council.area, str(council))
    return audience_target


def require_runner(actor, survey: Survey) -> None:
    if survey.council_id:
        require_sender(actor, _runner_target(survey.council, None), RUN)
    else:
        policy.require(actor, RUN, area=survey.area)


def can_run(actor, survey: Survey) -> bool:
    try:
        require_runner(actor, survey)
    except PermissionDenied:
        return False
    return True


def _aware(value):
    if not isinstance(value, dt.datetime):
        return None
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _questions(errors: dict, questions) -> list[dict]:
    cleaned = []
    questions = list(questions or [])
    if not questions:
        errors["questions"] = _("Add at least one question.")
    if len(questions) > MAX_QUESTIONS:
        errors["questions"] = _("At most %(n)d questions.") % {"n": MAX_QUESTIONS}
    for i, q in enumerate(questions[:MAX_QUESTIONS], start=1):
        key = f"questions.{i}"
        kind = q.get("kind")
        text = (q.get("text") or "").strip()
        choices = [str(c).strip() for c in (q.get("choices") or []) if str(c).strip()]
        if kind not in Q.values:
            errors[key] = _("Choose single choice, multiple choice, text or rating.")
            continue
        if not text or len(text) > 300 or has_control_chars(text):
            errors[key] = _("Write the question (at most 300 characters).")
            continue
        if kind in (Q.SINGLE, Q.MULTIPLE) and not 2 <= len(choices) <= MAX_CHOICES:
            errors[key] = _("A choice question needs 2 to %(n)d choices.") % {"n": MAX_CHOICES}
            continue
        if any(len(c) > 200 or has_control_chars(c) for c in choices) or len(set(choices)) != len(choices):
            errors[key] = _("Choices must be different and at most 200 characters each.")
            continue
        rating_max = int(q.get("rating_max") or 5)
        if kind == Q.RATING and not 2 <= rating_max <= 10:
            errors[key] = _("A rating goes up to 2–10.")
            continue
        cleaned.append(
            {
                "position": i,
                "kind": kind,
                "text": text,
                "choices": choices if kind in (Q.SINGLE, Q.MULTIPLE) else [],
                "required": bool(q.get("required", True)),
                "rating_max": rating_max if kind == Q.RATING else 5,
            }
        )
    return cleaned


def create_survey(
    *,
    actor,
    title: str,
    audience_kind: str,
    audience_id,
    opens_at,
    closes_at,
    questions,
    description: str = "",
    council=None,
) -> Survey:
    """A draft survey with its questions; `publish_survey` sends it to the audience."""
    target = audiences.target(audience_kind, audience_id)
    if council is not None:
        require_sender(actor, _runner_target(council, None), RUN)
    else:
        policy.require(actor, RUN, area=target.area)
    errors: dict = {}
    title = (title or "").strip()
    if not title or len(title) > 160 or has_control_chars(title):
        errors["title"] = _("Give the survey a title of at most 160 characters.")
    description = (description or "").strip()
    if len(description) > 5000 or has_control_chars(description):
        errors["description"] = _("At most 5000 characters without control characters.")
    opens_at, closes_at = _aware(opens_at), _aware(closes_at)
    if opens_at is None:
        errors["opens_at"] = _("Enter a date and time.")
    if closes_at is None:
        errors["closes_at"] = _("Enter a date and time.")
    elif opens_at is not None and closes_at <= opens_at:
        errors["closes_at"] = _("The survey must close after it opens.")
    cleaned = _questions(errors, questions)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        survey = Survey(
            title=title,
            description=description,
            council=council,
            audience_kind=audience_kind,
            audience_id=target.obj.pk,
            audience_label=target.label,
            opens_at=opens_at,
            closes_at=closes_at,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        survey.set_area(council.area if council is not None else target.area)
        survey.save()
        SurveyQuestion.objects.bulk_create([SurveyQuestion(survey=survey, **q) for q in cleaned])
        audit.record(
            actor, "survey.created", survey, details={"questions": len(cleaned), "audience": target.label}
        )
    return survey


def publish_survey(*, actor, survey: Survey) -> Survey:
    require_runner(actor, survey)
    with transaction.atomic():
        if not Survey.objects.filter(pk=survey.pk, state=Survey.State.DRAFT).update(
            state=Survey.State.PUBLISHED
        ):
            raise ValidationError({"state": _("Only a draft survey can be published.")})
        survey.refresh_from_db()
        ids = audiences.user_ids(survey.audience_kind, survey.audience_id)
        audit.record(actor, "survey.published", survey, details={"audience_size": len(ids)})
        if ids:
            notify(
                actor=actor if getattr(actor, "pk", None) else None,
                recipients=ids,
                kind=SURVEY_KIND,
                title=(_("Survey: %(title)s") % {"title": survey.title})[:200],
                body=_("Open from %(start)s to %(end)s.")
                % {
                    "start": timezone.localtime(survey.opens_at).strftime("%Y-%m-%d %H:%M"),
                    "end": timezone.localtime(survey.closes_at).strftime("%Y-%m-%d %H:%M"),
                },
                url=reverse("bulletins:survey", args=[survey.pk]),
            )
    return survey


def close_survey(*, actor, survey: Survey) -> Survey:
    require_runner(actor, survey)
    with transaction.atomic():
        now = timezone.now()
        if not Survey.objects.filter(pk=survey.pk, state=Survey.State.PUBLISHED).update(
            state=Survey.State.CLOSED, closes_at=now
        ):
            raise ValidationError({"state": _("Only a published survey can be closed.")})
        survey.refresh_from_db()
        audit.record(actor, "survey.closed", survey, details={"responses": survey.response_count})
    return survey


def can_respond(user, survey: Survey) -> bool:
    return audiences.includes(survey.audience_kind, survey.audience_id, user)


def has_responded(user, survey: Survey) -> bool:
    return (
        bool(getattr(user, "pk", None))
        and SurveyResponse.objects.filter(survey=survey, respondent=user).exists()
    )


def _answer(errors: dict, question: SurveyQuestion, value) -> dict | None:
    key = f"q{question.pk}"
    empty = value in (None, "", [])
    if empty:
        if question.required:
            errors[key] = _("Answer this question.")
        return None
    if question.kind == Q.TEXT:
        text = str(value).strip()
        if len(text) > 2000 or has_control_chars(text):
            errors[key] = _("At most 2000 characters without control characters.")
            return None
        return {"text": text} if text else None
    if question.kind == Q.RATING:
        try:
            rating = int(value)
        except (TypeError, ValueError):
            rating = 0
        if not 1 <= rating <= question.rating_max:
            errors[key] = _("Give a rating from 1 to %(n)d.") % {"n": question.rating_max}
            return None
        return {"rating": rating}
    raw = value if isinstance(value, list | tuple) else [value]
    try:
        picked = sorted({int(v) for v in raw})
    except (TypeError, ValueError):
        picked = [-1]
    if any(not 0 <= p < len(question.choices) for p in picked) or not picked:
        errors[key] = _("Choose among the listed answers.")
        return None
    if question.kind == Q.SINGLE and len(picked) != 1:
        errors[key] = _("Choose one answer.")
        return None
    return {"selected": picked}


def submit_response(*, actor, survey: Survey, answers: dict) -> SurveyResponse:
    """One response per person: `answers` maps question ids to an index, a list of indices, text or a rating."""
    if actor is None or not getattr(actor, "pk", None):
        raise PermissionDenied(_("Sign in to answer the survey."))
    if not survey.is_open():
        raise ValidationError({"__all__": _("This survey is not open for answers.")})
    if not can_respond(actor, survey):
        raise PermissionDenied(_("This survey is not addressed to you."))
    if has_responded(actor, survey):
        raise ValidationError(
            {"__all__": _("You have already answered this survey; one response per person.")}
        )
    answers = {str(k): v for k, v in (answers or {}).items()}
    errors: dict = {}
    rows = []
    for question in survey.questions.all():
        found = _answer(errors, question, answers.get(str(question.pk)))
        if found is not None:
            rows.append((question, found))
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(survey=survey, respondent=actor)
            SurveyAnswer.objects.bulk_create(
                [SurveyAnswer(response=response, question=q, **a) for q, a in rows]
            )
            Survey.objects.filter(pk=survey.pk).update(response_count=F("response_count") + 1)
            audit.record(actor, "survey.answered", survey, details={"response": response.pk})
    except IntegrityError:
        # Two submissions at once: the unique constraint let one through.
        raise ValidationError(
            {"__all__": _("You have already answered this survey; one response per person.")}
        ) from None
    return response


def results(survey: Survey, *, texts: int = 20) -> list[dict]:
    """Per question: counts and shares (server-formatted) of each choice, the rating average and spread,
    or the latest text answers."""
    total = survey.response_count
    out = []
    for question in survey.questions.all():
        answers = SurveyAnswer.objects.filter(question=question)
        item = {"question": question, "answered": answers.count(), "total": total}
        if question.kind in (Q.SINGLE, Q.MULTIPLE):
            counts = [0] * len(question.choices)
            for selected in answers.values_list("selected", flat=True).iterator():
                for idx in selected or []:
                    if 0 <= idx < len(counts):
                        counts[idx] += 1
            item["choices"] = [
                {"label": label, "count": c, "share": rollups.rate_display(c, item["answered"])}
                for label, c in zip(question.choices, counts, strict=True)
            ]
        elif question.kind == Q.RATING:
            agg = answers.aggregate(avg=Avg("rating"))
            spread = dict(answers.values_list("rating").annotate(n=Count("id")).values_list("rating", "n"))
            item["average"] = f"{agg['avg']:.1f}" if agg["avg"] is not None else "—"
            item["choices"] = [
                {
                    "label": str(r),
                    "count": spread.get(r, 0),
                    "share": rollups.rate_display(spread.get(r, 0), item["answered"]),
                }
                for r in range(1, question.rating_max + 1)
            ]
        else:
            item["texts"] = list(
                answers.exclude(text="")
                .order_by("-id")
                .values("id", "text", "response__submitted_at")[:texts]
            )
        out.append(item)
    return out


def need_from_survey(*, actor, survey: Survey, answer: SurveyAnswer | None = None, **need_fields):
    """Publish a need that comes from a survey result (or from one answer); the need links back."""
    from gongzhi.matching.actions import publish_need

    require_runner(actor, survey)
    if answer is not None and answer.response.survey_id != survey.pk:
        raise ValidationError({"answer": _("This answer belongs to another survey.")})
    with transaction.atomic():
        need = publish_need(
            actor=actor,
            source_type="notices.surveyanswer" if answer is not None else "notices.survey",
            source_id=answer.pk if answer is not None else survey.pk,
            **need_fields,
        )
        audit.record(actor, "survey.need_created", survey, details={"need": need.pk})
    return need


def proposal_from_survey(
    *, actor, survey: Survey, title: str, body: str, answer: SurveyAnswer | None = None, area=None
):
    """Put a survey result (or one answer, proposed in its respondent's name) forward as a resident proposal."""
    from .conversions import make_proposal

    require_runner(actor, survey)
    if answer is not None and answer.response.survey_id != survey.pk:
        raise ValidationError({"answer": _("This answer belongs to another survey.")})
    area = area or survey.area
    policy.require(actor, RUN, area=area)
    with transaction.atomic():
        proposal = make_proposal(
            area=area,
            proposer=answer.response.respondent if answer is not None else actor,
            title=title,
            body=body,
            source_type="notices.surveyanswer" if answer is not None else "notices.survey",
            source_id=answer.pk if answer is not None else survey.pk,
        )
        audit.record(actor, "survey.proposal_created", survey, details={"proposal": proposal.pk})
    return proposal
