"""Programme pages: incubation and venture calls and contests, plus the helpers the contract pages
(views_contracts.py) share.

Thin: parse the form, authorize through the policy, call the action or query, render.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q as DQ
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.areas.models import Area, subtree_q
from gongzhi.core import policy
from gongzhi.core.forms import apply_errors
from gongzhi.core.paging import InvalidCursor, KeysetPaginator

from . import permissions as P
from . import queries_programs as Q
from .actions import programs as A
from .forms_programs import (
    AdmitForm,
    ApplyForm,
    AwardForm,
    CallForm,
    CloseProjectForm,
    ExitForm,
    GraduateForm,
    MilestoneDoneForm,
    MilestoneForm,
    ScoreForm,
)
from .models import (
    Incubation,
    IncubationMilestone,
    ReviewScore,
    SocialOrganization,
    VentureApplication,
    VentureCall,
    VentureProject,
)
from .models.registry import OrgForm, OrgStatus

PROGRAM_AREA_KINDS = ["city", "district", "street", "town", "community"]


# --- helpers -------------------------------------------------------------------------------------
def _get(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def _page(request, qs, ordering, name):
    paginator = KeysetPaginator(qs, ordering, page_size=50, name=name)
    try:
        return paginator.page(request.GET.get("cursor"))
    except InvalidCursor:
        messages.error(request, _("The page link is not valid; showing the first page."))
        return paginator.page(None)


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("cursor", None)
    return query.urlencode()


def _areas(user, capability, kinds=PROGRAM_AREA_KINDS):
    return (
        Area.objects.in_paths(policy.area_paths(user, capability))
        .filter(kind__in=kinds, abolished_on__isnull=True)
        .order_by("path")
    )


def _orgs_in_scope(user, capability):
    qs = SocialOrganization.objects.exclude(status=OrgStatus.DEREGISTERED).order_by("name")
    paths = policy.area_paths(user, capability)
    if paths is None:
        return qs
    q = DQ(pk__in=[])
    for p in paths:
        q |= subtree_q("area_path", p)
    return qs.filter(q)


def _form_page(request, title, form, *, status=None, extra=None, back=None):
    return render(
        request,
        "orgs/programs/form.html",
        {"title": title, "form": form, "back": back, **(extra or {})},
        status=status or (422 if form.errors else 200),
    )


def _require_view(request):
    if not policy.can(request.user, A.VIEW_PROGRAMS):
        raise PermissionDenied


# --- incubation ----------------------------------------------------------------------------------
@login_required
def incubation_list(request):
    _require_view(request)
    state = request.GET.get("state") if request.GET.get("state") in Incubation.State.values else None
    page = _page(request, Q.incubations_for(request.user, state), Q.INCUBATION_ORDERING, "incubations")
    incubators = _incubators(request.user)
    return render(
        request,
        "orgs/programs/incubation_list.html",
        {
            "page": page,
            "query": _query(request),
            "state": state,
            "states": Incubation.State.choices,
            "can_admit": incubators.exists(),
            "tab": "incubations",
        },
    )


def _incubators(user):
    qs = SocialOrganization.objects.filter(form=OrgForm.INCUBATOR).exclude(status=OrgStatus.DEREGISTERED)
    return qs.filter(
        pk__in=[o.pk for o in qs.order_by("name")[:500] if policy.can(user, A.RUN_INCUBATOR, body=o)]
    )


@login_required
def incubation_create(request):
    incubators = _incubators(request.user)
    if not incubators.exists():
        raise PermissionDenied
    form = AdmitForm(
        request.POST or None,
        incubators=incubators.order_by("name"),
        organizations=_orgs_in_scope(request.user, A.VIEW_PROGRAMS),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            row = A.admit_incubatee(
                actor=request.user,
                incubator=d["incubator"],
                name=d["name"],
                admitted_on=d["admitted_on"],
                support=d["support"],
                grant_amount=d["grant_amount"] or 0,
                organization=d["organization"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The start-up was admitted."))
            return redirect("orgs_programs:incubation", row.pk)
    return _form_page(request, _("Admit a start-up"), form)


def _incubation(request, pk) -> Incubation:
    row = _get(Incubation.objects.select_related("incubator", "organization", "area"), pk)
    if not Q.can_view_incubation(request.user, row):
        raise PermissionDenied
    return row


@login_required
def incubation_detail(request, pk):
    row = _incubation(request, pk)
    can_run = policy.can(request.user, A.RUN_INCUBATOR, body=row.incubator)
    orgs = _orgs_in_scope(request.user, A.VIEW_PROGRAMS)
    return render(
        request,
        "orgs/programs/incubation_detail.html",
        {
            "row": row,
            "milestones": row.milestones.all(),
            "can_run": can_run and row.state == Incubation.State.ADMITTED,
            "milestone_form": MilestoneForm(),
            "done_form": MilestoneDoneForm(),
            "graduate_form": GraduateForm(organizations=orgs),
            "exit_form": ExitForm(),
            "support_labels": [str(label) for key, label in Incubation.SUPPORT_KINDS if key in row.support],
            "tab": "incubations",
        },
    )


def _incubation_post(request, pk, form_class, call, success, **form_kwargs):
    row = _incubation(request, pk)
    form = form_class(request.POST, **form_kwargs)
    if form.is_valid():
        try:
            call(row, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("orgs_programs:incubation", row.pk)
    return _form_page(request, row.name, form, back=("orgs_programs:incubation", row.pk))


@login_required
@require_POST
def incubation_milestone(request, pk):
    return _incubation_post(
        request,
        pk,
        MilestoneForm,
        lambda row, d: A.add_milestone(
            actor=request.user, incubation=row, title=d["title"], due_on=d["due_on"]
        ),
        _("The milestone was added."),
    )


@login_required
@require_POST
def incubation_milestone_done(request, pk, milestone_id):
    row = _incubation(request, pk)
    milestone = _get(
        IncubationMilestone.objects.filter(incubation=row).select_related("incubation__incubator"),
        milestone_id,
    )
    return _incubation_post(
        request,
        pk,
        MilestoneDoneForm,
        lambda _row, d: A.complete_milestone(actor=request.user, milestone=milestone, done_on=d["done_on"]),
        _("The milestone was marked as reached."),
    )


@login_required
@require_POST
def incubation_graduate(request, pk):
    return _incubation_post(
        request,
        pk,
        GraduateForm,
        lambda row, d: A.graduate_incubatee(
            actor=request.user,
            incubation=row,
            graduation=d["graduation"],
            ended_on=d["ended_on"],
            organization=d["organization"],
        ),
        _("The start-up graduated."),
        organizations=_orgs_in_scope(request.user, A.VIEW_PROGRAMS),
    )


@login_required
@require_POST
def incubation_exit(request, pk):
    return _incubation_post(
        request,
        pk,
        ExitForm,
        lambda row, d: A.exit_incubatee(
            actor=request.user, incubation=row, reason=d["reason"], ended_on=d["ended_on"]
        ),
        _("The exit was recorded."),
    )


# --- venture calls -------------------------------------------------------------------------------
@login_required
def call_list(request):
    _require_view(request)
    state = request.GET.get("state") if request.GET.get("state") in VentureCall.State.values else None
    page = _page(request, Q.calls_for(request.user, state), Q.CALL_ORDERING, "venture-calls")
    return render(
        request,
        "orgs/programs/call_list.html",
        {
            "page": page,
            "query": _query(request),
            "state": state,
            "states": VentureCall.State.choices,
            "can_create": policy.can(request.user, P.MANAGE_PROGRAMS),
            "tab": "calls",
            "my_applications": Q.my_applications(request.user).order_by("-submitted_at")[:20],
        },
    )


@login_required
def call_create(request):
    policy.require(request.user, P.MANAGE_PROGRAMS)
    form = CallForm(request.POST or None, areas=_areas(request.user, P.MANAGE_PROGRAMS))
    if request.method == "POST" and form.is_valid():
        try:
            call = A.create_call(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The call was created as a draft."))
            return redirect("orgs_programs:call", call.pk)
    return _form_page(request, _("New venture call or contest"), form)


def _call(request, pk) -> VentureCall:
    call = _get(VentureCall.objects.select_related("area", "organizer"), pk)
    if not Q.can_view_call(request.user, call):
        raise PermissionDenied
    return call


@login_required
def call_detail(request, pk):
    call = _call(request, pk)
    user = request.user
    manage = policy.can(user, P.MANAGE_PROGRAMS, area=call.area)
    reviewer = (
        policy.can(user, A.REVIEW_VENTURE, area=call.area) and call.state == VentureCall.State.REVIEWING
    )
    applications = list(Q.applications_visible(user, call))
    mine = dict(
        ReviewScore.objects.filter(reviewer=user, application__call=call).values_list(
            "application_id", "score"
        )
    )
    for app in applications:
        app.my_score = mine.get(app.pk)
    own = Q.own_orgs(user)
    ranked = A.ranking(call) if manage and call.state == VentureCall.State.REVIEWING else []
    return render(
        request,
        "orgs/programs/call_detail.html",
        {
            "call": call,
            "applications": applications,
            "manage": manage,
            "reviewer": reviewer,
            "score_form": ScoreForm(),
            "can_apply": call.state == VentureCall.State.OPEN
            and policy.can(user, P.APPLY_VENTURE)
            and own.exists(),
            "award_form": AwardForm(applications=ranked) if ranked else None,
            "projects": VentureProject.objects.filter(application__call=call).select_related(
                "application__organization"
            ),
            "close_form": CloseProjectForm(),
            "tab": "calls",
        },
    )


@login_required
@require_POST
def call_step(request, pk, step):
    call = _call(request, pk)
    steps = {"open": A.open_call, "review": A.start_review}
    if step not in steps:
        raise Http404
    try:
        steps[step](actor=request.user, call=call)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The call was updated."))
    return redirect("orgs_programs:call", call.pk)


@login_required
def call_apply(request, pk):
    call = _call(request, pk)
    policy.require(request.user, P.APPLY_VENTURE)
    orgs = Q.own_orgs(request.user)
    form = ApplyForm(request.POST or None, organizations=orgs)
    if request.method == "POST" and form.is_valid():
        try:
            A.apply_to_call(actor=request.user, call=call, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Your application was submitted."))
            return redirect("orgs_programs:call", call.pk)
    return _form_page(
        request, _("Apply to %(call)s") % {"call": call.title}, form, back=("orgs_programs:call", call.pk)
    )


def _application(request, pk, app_id) -> VentureApplication:
    call = _call(request, pk)
    return _get(call.applications.select_related("call__area", "organization"), app_id)


@login_required
@require_POST
def application_score(request, pk, app_id):
    application = _application(request, pk, app_id)
    form = ScoreForm(request.POST)
    if form.is_valid():
        try:
            A.score_application(actor=request.user, application=application, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Your score was saved."))
            return redirect("orgs_programs:call", pk)
    return _form_page(request, application.project_title, form, back=("orgs_programs:call", pk))


@login_required
@require_POST
def application_withdraw(request, pk, app_id):
    application = _application(request, pk, app_id)
    try:
        A.withdraw_application(actor=request.user, application=application)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The application was withdrawn."))
    return redirect("orgs_programs:call", pk)


@login_required
@require_POST
def call_award(request, pk):
    call = _call(request, pk)
    policy.require(request.user, P.MANAGE_PROGRAMS, area=call.area)
    form = AwardForm(request.POST, applications=A.ranking(call))
    if form.is_valid():
        try:
            A.award_call(
                actor=request.user,
                call=call,
                awards=form.awards(),
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The awards were made and the projects funded."))
            return redirect("orgs_programs:call", pk)
    return _form_page(request, _("Awards"), form, back=("orgs_programs:call", pk))


@login_required
@require_POST
def project_close(request, pk, project_id):
    call = _call(request, pk)
    project = _get(
        VentureProject.objects.filter(application__call=call).select_related("application__call__area"),
        project_id,
    )
    form = CloseProjectForm(request.POST)
    if form.is_valid():
        try:
            A.close_project(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The project was closed."))
            return redirect("orgs_programs:call", pk)
    return _form_page(request, str(project), form, back=("orgs_programs:call", pk))
