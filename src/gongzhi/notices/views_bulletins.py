"""Pages for notices (with receipts), surveys (answer, results, follow-up) and the suggestion box."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.areas.models import Area, subtree_q
from gongzhi.core import policy
from gongzhi.core.paging import InvalidCursor, KeysetPaginator
from gongzhi.matching.forms import limited

from . import bulletins, suggestions, surveys
from . import queries_bulletins as queries
from .forms_bulletins import (
    AnswerForm,
    NeedFromForm,
    NoticeForm,
    ProposalFromForm,
    ResponseForm,
    SuggestionForm,
    SurveyForm,
    ToCaseForm,
    ToNeedForm,
    ToProposalForm,
)
from .models_bulletins import Notice, Suggestion, Survey, SurveyAnswer

PUBLIC_AREA_KINDS = ["street", "town", "community", "residents_committee", "village_committee"]


def _page(request, qs, ordering, name, size=30):
    paginator = KeysetPaginator(qs, ordering, page_size=size, name=name)
    try:
        return paginator.page(request.GET.get("cursor"))
    except InvalidCursor:
        messages.error(request, _("The page link is not valid; showing the first page."))
        return paginator.page(None)


def _apply(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _flash(request, exc: ValidationError) -> None:
    for m in exc.messages:
        messages.error(request, m)


def _scope_areas(user, capability, kinds=None, limit=500):
    paths = policy.area_paths(user, capability)
    qs = Area.objects.filter(
        abolished_on__isnull=True,
        kind__in=kinds or [*PUBLIC_AREA_KINDS, "city", "district", "compound", "grid"],
    )
    if paths is not None:
        from django.db.models import Q

        q = Q(pk__in=[])
        for p in paths:
            q |= subtree_q("path", p)
        qs = qs.filter(q)
    return limited(qs.order_by("path"), limit)


def _councils(user, capability):
    from gongzhi.councils.models import Council

    paths = policy.area_paths(user, capability)
    qs = Council.objects.filter(is_active=True)
    if paths is not None:
        from django.db.models import Q

        q = Q(clerk=user)
        for p in paths:
            q |= subtree_q("area_path", p)
        qs = qs.filter(q)
    return limited(qs.order_by("area_path", "name"), 300)


def _area_param(request, capability):
    raw = request.GET.get("area")
    if not raw:
        return None
    try:
        area = Area.objects.get(pk=int(raw))
    except (Area.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    policy.require(request.user, capability, area=area)
    return area


# --- notices ---------------------------------------------------------------------------------------
@login_required
def notices(request):
    """Sent notices for senders; everyone else is sent to their inbox."""
    if not policy.can(request.user, bulletins.VIEW_SENT):
        return redirect("bulletins:inbox")
    area = _area_param(request, bulletins.VIEW_SENT)
    page = _page(request, queries.sent_notices(request.user, area), ("-publish_at",), "bulletins.sent")
    return render(
        request,
        "notices/bulletins/notice_list.html",
        {"page": page, "area": area, "can_publish": policy.can(request.user, bulletins.PUBLISH)},
    )


@login_required
def notice_create(request):
    policy.require(request.user, bulletins.PUBLISH)
    form = NoticeForm(request.POST or None)
    form.setup_audience(
        _scope_areas(request.user, bulletins.PUBLISH), _councils(request.user, bulletins.PUBLISH)
    )
    if request.method == "POST" and form.is_valid():
        audience_id = form.audience_id()
        if audience_id is not None:
            d = form.cleaned_data
            try:
                notice = bulletins.publish_notice(
                    actor=request.user,
                    kind=d["kind"],
                    title=d["title"],
                    body=d["body"],
                    audience_kind=d["audience_kind"],
                    audience_id=audience_id,
                    publish_at=d["publish_at"],
                    expires_at=d["expires_at"],
                    receipts_required=d["receipts_required"],
                    is_public=d["is_public"],
                )
            except ValidationError as exc:
                _apply(form, exc)
            else:
                messages.success(request, _("Notice saved; it reaches its audience at the publication time."))
                return redirect("bulletins:notice", notice.pk)
    return render(
        request,
        "notices/bulletins/form.html",
        {"form": form, "title": _("New notice"), "back": "bulletins:notices"},
    )


def notice_detail(request, notice_id):
    notice = get_object_or_404(Notice.objects.select_related("area"), pk=notice_id)
    user = request.user if request.user.is_authenticated else None
    manage = user is not None and bulletins.can_manage(user, notice)
    receipt = None
    if user is not None and notice.state == Notice.State.PUBLISHED:
        receipt = bulletins.open_notice(actor=user, notice=notice)
    public = notice.is_public and notice.state == Notice.State.PUBLISHED and not notice.is_expired()
    if not (manage or receipt is not None or public):
        if user is None:
            return redirect(f"/accounts/login/?next={request.path}")
        raise PermissionDenied
    ctx = {"notice": notice, "manage": manage, "receipt": receipt}
    if manage and notice.state != Notice.State.SCHEDULED:
        ctx["read"] = queries.read_count(notice)
        ctx["unread_page"] = _page(
            request, queries.receipts(notice, unread_only=True), ("id",), f"bulletins.unread.{notice.pk}", 50
        )
    return render(request, "notices/bulletins/notice_detail.html", ctx)


@login_required
@require_POST
def notice_remind(request, notice_id):
    notice = get_object_or_404(Notice, pk=notice_id)
    try:
        count = bulletins.remind_unread(actor=request.user, notice=notice)
        messages.success(request, _("Reminder sent to %(n)d people who have not read it.") % {"n": count})
    except ValidationError as exc:
        _flash(request, exc)
    return redirect("bulletins:notice", notice.pk)


@login_required
@require_POST
def notice_withdraw(request, notice_id):
    notice = get_object_or_404(Notice, pk=notice_id)
    try:
        bulletins.withdraw_notice(actor=request.user, notice=notice)
        messages.success(request, _("Notice withdrawn."))
    except ValidationError as exc:
        _flash(request, exc)
    return redirect("bulletins:notice", notice.pk)


@login_required
def inbox(request):
    page = _page(request, queries.my_notices(request.user), ("-id",), "bulletins.inbox")
    surveys_open = [
        s for s in queries.surveys_for_respondent(request.user)[:50] if surveys.can_respond(request.user, s)
    ]
    return render(request, "notices/bulletins/inbox.html", {"page": page, "surveys": surveys_open})


def board(request):
    """The public board: notices their senders made public (honours publicity above all)."""
    page = _page(request, queries.public_notices(), ("-publish_at",), "bulletins.board")
    return render(request, "notices/bulletins/board.html", {"page": page})


# --- surveys ---------------------------------------------------------------------------------------
@login_required
def survey_list(request):
    runner = policy.can(request.user, surveys.RUN) or _councils(request.user, surveys.RUN).exists()
    page = (
        _page(request, queries.run_surveys(request.user), ("-opens_at",), "bulletins.surveys")
        if runner
        else None
    )
    to_answer = [
        s for s in queries.surveys_for_respondent(request.user)[:50] if surveys.can_respond(request.user, s)
    ]
    return render(
        request,
        "notices/bulletins/survey_list.html",
        {"page": page, "to_answer": to_answer, "runner": runner},
    )


@login_required
def survey_create(request):
    councils = _councils(request.user, surveys.RUN)
    if not policy.can(request.user, surveys.RUN) and not councils:
        raise PermissionDenied
    form = SurveyForm(request.POST or None)
    form.setup_audience(_scope_areas(request.user, surveys.RUN), councils)
    form.fields["council"].queryset = councils
    if request.method == "POST" and form.is_valid():
        audience_id = form.audience_id()
        if audience_id is not None:
            d = form.cleaned_data
            try:
                survey = surveys.create_survey(
                    actor=request.user,
                    title=d["title"],
                    description=d["description"],
                    council=d["council"],
                    audience_kind=d["audience_kind"],
                    audience_id=audience_id,
                    opens_at=d["opens_at"],
                    closes_at=d["closes_at"],
                    questions=d["questions"],
                )
            except ValidationError as exc:
                _apply(form, exc)
            else:
                messages.success(request, _("Survey saved as a draft; publish it when ready."))
                return redirect("bulletins:survey", survey.pk)
    return render(
        request,
        "notices/bulletins/form.html",
        {"form": form, "title": _("New survey"), "back": "bulletins:surveys"},
    )


@login_required
def survey_detail(request, survey_id):
    survey = get_object_or_404(Survey.objects.select_related("area", "council"), pk=survey_id)
    runner = surveys.can_run(request.user, survey)
    member = surveys.can_respond(request.user, survey)
    if not (runner or member):
        raise PermissionDenied
    answered = surveys.has_responded(request.user, survey)
    form = None
    if member and survey.is_open() and not answered:
        form = ResponseForm(request.POST or None, survey=survey)
        if request.method == "POST" and form.is_valid():
            try:
                surveys.submit_response(actor=request.user, survey=survey, answers=form.answers())
            except ValidationError as exc:
                _apply(form, exc)
            else:
                messages.success(request, _("Thank you: your answers are recorded."))
                return redirect("bulletins:survey", survey.pk)
    ctx = {
        "survey": survey,
        "runner": runner,
        "answered": answered,
        "form": form,
        "questions": survey.questions.all(),
    }
    return render(request, "notices/bulletins/survey_detail.html", ctx)


@login_required
@require_POST
def survey_step(request, survey_id, step):
    survey = get_object_or_404(Survey, pk=survey_id)
    action = {"publish": surveys.publish_survey, "close": surveys.close_survey}.get(step)
    if action is None:
        raise Http404
    try:
        action(actor=request.user, survey=survey)
        messages.success(request, _("Survey published.") if step == "publish" else _("Survey closed."))
    except ValidationError as exc:
        _flash(request, exc)
    return redirect("bulletins:survey", survey.pk)


@login_required
def survey_results(request, survey_id):
    survey = get_object_or_404(Survey.objects.select_related("area"), pk=survey_id)
    surveys.require_runner(request.user, survey)
    need_form = NeedFromForm(request.POST if request.POST.get("make") == "need" else None, prefix="need")
    proposal_form = ProposalFromForm(
        request.POST if request.POST.get("make") == "proposal" else None, prefix="proposal"
    )
    if request.method == "POST":
        form = need_form if request.POST.get("make") == "need" else proposal_form
        if form.is_valid():
            d = dict(form.cleaned_data)
            answer = None
            if d.pop("answer", None):
                answer = get_object_or_404(
                    SurveyAnswer.objects.select_related("response"), pk=form.cleaned_data["answer"]
                )
            try:
                if form is need_form:
                    need = surveys.need_from_survey(
                        actor=request.user, survey=survey, answer=answer, area=survey.area, **d
                    )
                    messages.success(request, _("Need published."))
                    return redirect("matching:need", need.pk)
                surveys.proposal_from_survey(actor=request.user, survey=survey, answer=answer, **d)
                messages.success(request, _("Resident proposal created."))
                return redirect("bulletins:survey_results", survey.pk)
            except ValidationError as exc:
                _apply(form, exc)
    rows = surveys.results(survey)
    charts = [
        {
            "id": f"chart-{r['question'].pk}",
            "labels": [c["label"] for c in r["choices"]],
            "counts": [c["count"] for c in r["choices"]],
        }
        for r in rows
        if "choices" in r
    ]
    ctx = {
        "survey": survey,
        "rows": rows,
        "charts": charts,
        "need_form": need_form,
        "proposal_form": proposal_form,
    }
    return render(request, "notices/bulletins/survey_results.html", ctx)


# --- suggestion box --------------------------------------------------------------------------------
def suggest(request):
    """Anyone may post; anonymous posts are rate-limited by address, signed-in ones by account."""
    areas = limited(
        Area.objects.filter(abolished_on__isnull=True, kind__in=PUBLIC_AREA_KINDS).order_by("path"), 2000
    )
    initial = {}
    if request.GET.get("area", "").isdigit():
        initial["area"] = int(request.GET["area"])
    form = SuggestionForm(request.POST or None, areas=areas, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            suggestion = suggestions.submit_suggestion(
                actor=request.user if request.user.is_authenticated else None,
                area=d["area"],
                title=d["title"],
                body=d["body"],
                publish_answer=d["publish_answer"],
                client_address=request.META.get("REMOTE_ADDR", ""),
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            if suggestion.submitter_id:
                messages.success(request, _("Thank you. You will be told what becomes of your suggestion."))
                return redirect("bulletins:my_suggestions")
            messages.success(request, _("Thank you. Answered suggestions appear on the public list."))
            return redirect("bulletins:answered")
    return render(request, "notices/bulletins/suggest.html", {"form": form})


@login_required
def my_suggestions(request):
    page = _page(request, queries.my_suggestions(request.user), ("-id",), "bulletins.my_suggestions")
    return render(request, "notices/bulletins/my_suggestions.html", {"page": page})


def answered(request):
    area = None
    if request.GET.get("area", "").isdigit():
        area = Area.objects.filter(pk=int(request.GET["area"])).first()
    page = _page(request, queries.answered_suggestions(area), ("-answered_at",), "bulletins.answered")
    return render(request, "notices/bulletins/answered.html", {"page": page, "area": area})


@login_required
def suggestion_list(request):
    policy.require(request.user, suggestions.HANDLE)
    area = _area_param(request, suggestions.HANDLE)
    state = request.GET.get("state", "")
    page = _page(
        request, queries.suggestions_for_staff(request.user, area, state), ("-id",), "bulletins.suggestions"
    )
    return render(
        request,
        "notices/bulletins/suggestion_list.html",
        {"page": page, "state": state, "states": Suggestion.State.choices, "area": area},
    )


FORMS = {"answer": AnswerForm, "case": ToCaseForm, "proposal": ToProposalForm, "need": ToNeedForm}


@login_required
def suggestion_detail(request, suggestion_id):
    suggestion = get_object_or_404(Suggestion.objects.select_related("area", "submitter"), pk=suggestion_id)
    suggestions.require_view(request.user, suggestion)
    handle = suggestions.can_handle(request.user, suggestion) and suggestion.state == Suggestion.State.NEW
    chosen = request.POST.get("do", "") if request.method == "POST" else ""
    forms = {k: cls(request.POST if chosen == k else None, prefix=k) for k, cls in FORMS.items()}
    if chosen:
        if not handle:
            raise PermissionDenied
        form = forms.get(chosen)
        if form is None:
            raise Http404
        if form.is_valid():
            d = form.cleaned_data
            try:
                if chosen == "answer":
                    suggestions.answer_suggestion(
                        actor=request.user, suggestion=suggestion, answer=d["answer"]
                    )
                elif chosen == "case":
                    suggestions.suggestion_to_case(
                        actor=request.user, suggestion=suggestion, category=d["category"], urgent=d["urgent"]
                    )
                elif chosen == "proposal":
                    suggestions.suggestion_to_proposal(
                        actor=request.user, suggestion=suggestion, title=d["title"]
                    )
                else:
                    suggestions.suggestion_to_need(actor=request.user, suggestion=suggestion, **d)
            except ValidationError as exc:
                _apply(form, exc)
            else:
                messages.success(request, _("Suggestion handled; the submitter is told."))
                return redirect("bulletins:suggestion", suggestion.pk)
    return render(
        request,
        "notices/bulletins/suggestion_detail.html",
        {"suggestion": suggestion, "handle": handle, "forms": forms, "chosen": chosen},
    )
