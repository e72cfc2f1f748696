"""Evaluation pages: scheme list, detail and edit (indicators, weights, stage goals), the round page
(scores table, ranking, evidence), the subject's result page (reviewer forms, results feed)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core import policy
from gongzhi.core.forms import apply_errors as _apply_errors
from gongzhi.core.forms import flash_errors as _flash
from gongzhi.core.paging import InvalidCursor, KeysetPaginator

from . import actions, queries
from . import permissions as P
from .forms import (
    GradeApplyForm,
    GradeSuggestionForm,
    HonourForm,
    IndicatorForm,
    RoundForm,
    SchemeForm,
    ScoreForm,
    StageGoalForm,
    owner_areas,
)
from .models import Indicator, Round, Scheme, Stage, Subject, SubjectKind

# --- helpers --------------------------------------------------------------------------------------


def _page(request, qs, ordering, name):
    paginator = KeysetPaginator(qs, ordering, page_size=50, name=name)
    try:
        return paginator.page(request.GET.get("cursor"))
    except InvalidCursor:
        messages.error(request, _("The page link is not valid; showing the first page."))
        return paginator.page(None)


def _scheme(request, scheme_id) -> Scheme:
    scheme = get_object_or_404(Scheme.objects.select_related("area"), pk=scheme_id)
    if not queries.can_view_scheme(request.user, scheme):
        raise PermissionDenied
    return scheme


def _managed_scheme(request, scheme_id) -> Scheme:
    scheme = _scheme(request, scheme_id)
    policy.require(request.user, P.MANAGE, area=scheme.area)
    return scheme


def _round(request, round_id) -> Round:
    round_ = get_object_or_404(Round.objects.select_related("scheme", "area"), pk=round_id)
    if not queries.can_view_round(request.user, round_):
        raise PermissionDenied
    return round_


def _subject(request, subject_id) -> Subject:
    subject = get_object_or_404(
        Subject.objects.select_related(
            "round__scheme", "round__area", "area", "social_organization", "party_organization", "honour"
        ),
        pk=subject_id,
    )
    if not queries.can_view_round(request.user, subject.round):
        raise PermissionDenied
    return subject


def _form_page(request, form, title, back, submit=None):
    return render(
        request,
        "evaluation/form.html",
        {"form": form, "title": title, "back": back, "submit": submit or _("Save")},
    )


def _visible(user):
    if not policy.can(user, P.VIEW):
        raise PermissionDenied


# --- schemes --------------------------------------------------------------------------------------
@login_required
def scheme_list(request):
    _visible(request.user)
    kind = request.GET.get("kind", "")
    qs = queries.schemes_for(request.user, subject_kind=kind if kind in SubjectKind.values else "")
    page = _page(request, qs, ("-year",), "evaluation.schemes")
    rounds = _page(request, queries.rounds_for(request.user), ("-opened_at",), "evaluation.rounds.recent")
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(
        request,
        "evaluation/scheme_list.html",
        {
            "page": page,
            "recent_rounds": rounds.items[:10],
            "kind": kind,
            "kinds": SubjectKind.choices,
            "query": query.urlencode(),
            "can_manage": policy.can(request.user, P.MANAGE),
        },
    )


@login_required
def scheme_create(request):
    policy.require(request.user, P.MANAGE)
    form = SchemeForm(request.POST or None, areas=owner_areas(request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            scheme = actions.create_scheme(
                actor=request.user,
                area=d["area"],
                subject_kind=d["subject_kind"],
                name=d["name"],
                year=d["year"],
                description=d["description"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Scheme created; now add its indicators."))
            return redirect("evaluation:scheme", scheme.pk)
    return _form_page(request, form, _("New evaluation scheme"), "evaluation:schemes")


@login_required
def scheme_detail(request, scheme_id):
    scheme = _scheme(request, scheme_id)
    rows = queries.indicators(scheme)
    return render(
        request,
        "evaluation/scheme_detail.html",
        {
            "scheme": scheme,
            "rows": rows,
            "weight_sum": sum((r["indicator"].weight for r in rows), 0),
            "stages": [s for s in Stage.choices if s[0]],
            "rounds": queries.rounds_for(request.user, scheme=scheme).order_by("-opened_at")[:50],
            "can_manage": queries.can_manage(request.user, scheme),
        },
    )


@login_required
def scheme_edit(request, scheme_id):
    scheme = _managed_scheme(request, scheme_id)
    initial = {"name": scheme.name, "year": scheme.year, "description": scheme.description}
    form = SchemeForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_scheme(actor=request.user, scheme=scheme, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Scheme saved."))
            return redirect("evaluation:scheme", scheme.pk)
    return _form_page(request, form, _("Edit scheme"), "evaluation:schemes")


@login_required
@require_POST
def scheme_activate(request, scheme_id):
    scheme = _managed_scheme(request, scheme_id)
    try:
        actions.activate_scheme(actor=request.user, scheme=scheme)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Scheme activated; rounds can now be opened."))
    return redirect("evaluation:scheme", scheme.pk)


@login_required
def indicator_create(request, scheme_id):
    scheme = _managed_scheme(request, scheme_id)
    form = IndicatorForm(
        request.POST or None, subject_kind=scheme.subject_kind, initial={"direction": "higher"}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_indicator(actor=request.user, scheme=scheme, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Indicator added."))
            return redirect("evaluation:scheme", scheme.pk)
    return _form_page(request, form, _("Add an indicator"), "evaluation:schemes")


def _managed_indicator(request, indicator_id) -> Indicator:
    indicator = get_object_or_404(Indicator.objects.select_related("scheme__area"), pk=indicator_id)
    _managed_scheme(request, indicator.scheme_id)
    return indicator


@login_required
def indicator_edit(request, indicator_id):
    indicator = _managed_indicator(request, indicator_id)
    initial = {
        f: getattr(indicator, f)
        for f in ("name", "weight", "target", "direction", "source", "metric_key", "description")
    }
    form = IndicatorForm(request.POST or None, subject_kind=indicator.scheme.subject_kind, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_indicator(actor=request.user, indicator=indicator, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Indicator saved."))
            return redirect("evaluation:scheme", indicator.scheme_id)
    return _form_page(request, form, _("Edit indicator"), "evaluation:schemes")


@login_required
@require_POST
def indicator_remove(request, indicator_id):
    indicator = _managed_indicator(request, indicator_id)
    try:
        actions.remove_indicator(actor=request.user, indicator=indicator)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Indicator removed."))
    return redirect("evaluation:scheme", indicator.scheme_id)


@login_required
def stage_goal(request, indicator_id):
    indicator = _managed_indicator(request, indicator_id)
    form = StageGoalForm(request.POST or None, initial={"stage": request.GET.get("stage", "Q1")})
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_stage_goal(actor=request.user, indicator=indicator, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Stage goal saved."))
            return redirect("evaluation:scheme", indicator.scheme_id)
    title = _("Stage goal: %(name)s") % {"name": indicator.name}
    return _form_page(request, form, title, "evaluation:schemes")


# --- rounds ---------------------------------------------------------------------------------------
@login_required
def round_create(request, scheme_id):
    scheme = _managed_scheme(request, scheme_id)
    form = RoundForm(request.POST or None, scheme=scheme)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            round_ = actions.open_round(
                actor=request.user, scheme=scheme, area=d["area"], stage=d["stage"] or "", name=d["name"]
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Round opened; computed indicators are filled in."))
            return redirect("evaluation:round", round_.pk)
    return _form_page(request, form, _("Open an evaluation round"), "evaluation:schemes", _("Open the round"))


@login_required
def round_detail(request, round_id):
    round_ = _round(request, round_id)
    ordering = ("rank", "label") if round_.is_closed else ("label",)
    page = _page(request, round_.subjects.select_related("area"), ordering, f"evaluation.round.{round_.pk}")
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(
        request,
        "evaluation/round_detail.html",
        {
            "round": round_,
            "scheme": round_.scheme,
            "page": page,
            "table": queries.score_table(round_, page.items),
            "missing": 0 if round_.is_closed else queries.missing_reviews(round_),
            "can_manage": queries.can_manage(request.user, round_),
            "query": query.urlencode(),
        },
    )


@login_required
@require_POST
def round_refresh(request, round_id):
    round_ = _round(request, round_id)
    try:
        actions.refresh_computed(actor=request.user, round_=round_)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Computed indicators refreshed."))
    return redirect("evaluation:round", round_.pk)


@login_required
@require_POST
def round_close(request, round_id):
    round_ = _round(request, round_id)
    try:
        actions.close_round(actor=request.user, round_=round_)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Round closed: totals and ranking are final."))
    return redirect("evaluation:round", round_.pk)


# --- a subject's result ---------------------------------------------------------------------------
def _honour_givers(user, subject):
    """Higher party organizations of the subject's area that the user manages (the honour's giver)."""
    from gongzhi.party import permissions as party_p
    from gongzhi.party.models import PartyOrganization

    org = subject.party_organization
    candidates = PartyOrganization.objects.filter(is_active=True, area__in=subject.area.ancestors()).exclude(
        pk=org.pk
    ) | PartyOrganization.objects.filter(pk__in=[a.pk for a in org.ancestors()])
    ids = [o.pk for o in candidates.distinct() if party_p.can_manage(user, o)]
    return PartyOrganization.objects.filter(pk__in=ids).order_by("name")


def _subject_context(request, subject, score_forms=None, **forms):
    rows = queries.subject_scores(subject)
    round_ = subject.round
    can_review = not round_.is_closed and policy.can(request.user, P.REVIEW, area=subject.area)
    score_forms = score_forms or {}
    for row in rows:
        if can_review and row["indicator"].source == Indicator.Source.REVIEWED:
            sc = row["score"]
            row["form"] = score_forms.get(row["indicator"].pk) or ScoreForm(
                initial={"value": sc.value, "comment": sc.comment},
                prefix=f"i{row['indicator'].pk}",
            )
    ctx = {
        "subject": subject,
        "round": round_,
        "scheme": round_.scheme,
        "rows": rows,
        "can_review": can_review,
    }
    ctx["history"] = queries.history(subject, request.user)
    if round_.is_closed and subject.kind == SubjectKind.PARTY_ORGANIZATION:
        ctx["eligible"], ctx["eligibility_reason"] = actions.honour_eligibility(subject)
        givers = _honour_givers(request.user, subject)
        if givers.exists() and subject.honour_id is None:
            ctx["honour_form"] = forms.get("honour_form") or HonourForm(givers=givers)
    if round_.is_closed and subject.kind == SubjectKind.SOCIAL_ORGANIZATION:
        if (
            policy.can(request.user, P.SUGGEST_GRADE, body=subject.social_organization)
            and not subject.grade_applied_on
        ):
            ctx["grade_form"] = forms.get("grade_form") or GradeSuggestionForm(
                initial={"grade": subject.suggested_grade, "note": subject.grade_note}
            )
            ctx["apply_form"] = forms.get("apply_form") or GradeApplyForm()
    return ctx


@login_required
def subject_detail(request, subject_id):
    subject = _subject(request, subject_id)
    return render(request, "evaluation/subject_detail.html", _subject_context(request, subject))


@login_required
@require_POST
def subject_score(request, subject_id):
    subject = _subject(request, subject_id)
    try:
        indicator_id = int(request.POST.get("indicator", ""))
    except ValueError:
        indicator_id = 0
    indicator = get_object_or_404(Indicator, pk=indicator_id, scheme_id=subject.round.scheme_id)
    form = ScoreForm(request.POST, prefix=f"i{indicator.pk}")
    if form.is_valid():
        d = form.cleaned_data
        try:
            actions.score_indicator(
                actor=request.user,
                subject=subject,
                indicator=indicator,
                value=d["value"],
                comment=d["comment"],
                evidence=d["evidence"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Score saved."))
            return redirect("evaluation:subject", subject.pk)
    ctx = _subject_context(request, subject, score_forms={indicator.pk: form})
    return render(request, "evaluation/subject_detail.html", ctx, status=422)


@login_required
@require_POST
def subject_honour(request, subject_id):
    subject = _subject(request, subject_id)
    if subject.kind != SubjectKind.PARTY_ORGANIZATION:
        raise PermissionDenied
    form = HonourForm(request.POST, givers=_honour_givers(request.user, subject))
    if form.is_valid():
        d = form.cleaned_data
        try:
            actions.nominate_for_honour(
                actor=request.user,
                subject=subject,
                awarded_by=d["awarded_by"],
                title=d["title"],
                citation=d["citation"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Nominated for the honour."))
            return redirect("evaluation:subject", subject.pk)
    return render(
        request,
        "evaluation/subject_detail.html",
        _subject_context(request, subject, honour_form=form),
        status=422,
    )


@login_required
@require_POST
def subject_grade(request, subject_id):
    subject = _subject(request, subject_id)
    form = GradeSuggestionForm(request.POST)
    if form.is_valid():
        try:
            actions.suggest_grade(actor=request.user, subject=subject, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Grade suggestion saved."))
            return redirect("evaluation:subject", subject.pk)
    return render(
        request,
        "evaluation/subject_detail.html",
        _subject_context(request, subject, grade_form=form),
        status=422,
    )


@login_required
@require_POST
def subject_grade_apply(request, subject_id):
    subject = _subject(request, subject_id)
    form = GradeApplyForm(request.POST)
    if form.is_valid():
        try:
            actions.apply_grade(
                actor=request.user, subject=subject, awarded_on=form.cleaned_data["awarded_on"]
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Grade applied to the organization."))
            return redirect("evaluation:subject", subject.pk)
    return render(
        request,
        "evaluation/subject_detail.html",
        _subject_context(request, subject, apply_form=form),
        status=422,
    )
