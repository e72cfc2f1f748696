"""Field pages: visits (and a unit's visit history) and patrols, plus the area and paging helpers
that the campaign and KPI pages share.

Thin views: parse, authorize, call an action or a query, render. Pages work on a phone.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.areas import queries as area_queries
from gongzhi.areas.models import COMMITTEE_KINDS, Area, AreaKind, subtree_q
from gongzhi.core import policy
from gongzhi.core.forms import apply_errors
from gongzhi.core.paging import InvalidCursor, KeysetPaginator
from gongzhi.orgs.models import StationedUnit
from gongzhi.people.models import Household

from . import forms_field as forms
from . import queries_field
from .actions import patrols, visits
from .models import Patrol, Visit

_TOO_HIGH = {AreaKind.CITY, AreaKind.DISTRICT}


# --- helpers ------------------------------------------------------------------------------------------
def _area_param(request, capability) -> Area | None:
    raw = request.GET.get("area") or request.POST.get("area_id")
    if not raw:
        return None
    try:
        area = Area.objects.get(pk=int(raw))
    except (Area.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    policy.require(request.user, capability, area=area)
    return area


def _current_area(request, capability) -> Area:
    policy.require(request.user, capability)
    area = _area_param(request, capability)
    if area is None:
        area = area_queries.first_scope_area(request.user, capability)
    if area is None:
        raise PermissionDenied(capability)
    return area


def _page(request, qs, ordering, name):
    paginator = KeysetPaginator(qs, ordering, page_size=30, name=name)
    try:
        return paginator.page(request.GET.get("cursor"))
    except InvalidCursor:
        messages.error(request, _("The page link is not valid; showing the first page."))
        return paginator.page(None)


def _query(request) -> str:
    q = request.GET.copy()
    q.pop("cursor", None)
    return q.urlencode()


def _nav(request, area, capability):
    return {
        "area": area,
        "ancestors": area_queries.ancestors_of(area),
        "children": area.children.filter(abolished_on__isnull=True).order_by("path")[:100],
        "scope_areas": queries_field.scope_areas(request.user, capability)[:20],
    }


@login_required
def index(request):
    return redirect("cases_field:visits")


# --- visits -------------------------------------------------------------------------------------------
@login_required
def visit_list(request):
    user = request.user
    policy.require(user, visits.VIEW)
    area = _area_param(request, visits.VIEW)
    liaison_only = area is None and policy.area_paths(user, visits.VIEW) == []
    if area is None and not liaison_only:
        area = _current_area(request, visits.VIEW)
    qs = queries_field.visits_for(user, area, visits.VIEW)
    page = _page(request, qs, ("-planned_on",), f"visits-{area.pk if area else 'units'}")
    context = {"page": page, "query": _query(request), "liaison_only": liaison_only}
    if area is not None:
        context |= _nav(request, area, visits.VIEW)
        context["can_manage"] = policy.can(user, visits.MANAGE, area=area)
    return render(request, "cases/field/visit_list.html", context)


def _visit_form(request, area, data=None):
    units = StationedUnit.objects.filter(subtree_q("area_path", area.path), is_active=True).order_by("name")
    places = area.subtree().filter(kind__in=[*COMMITTEE_KINDS, AreaKind.COMPOUND], abolished_on__isnull=True)
    return forms.VisitForm(data, units=units, places=places, initial={"planned_on": timezone.localdate()})


@login_required
def visit_create(request):
    area = _current_area(request, visits.MANAGE)
    if area.kind in _TOO_HIGH:
        messages.info(request, _("Choose a street/town or a place inside one first."))
        return redirect(f"{request.path.rsplit('new/', 1)[0]}?area={area.pk}")
    form = _visit_form(request, area, request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        household = None
        if d["target_kind"] == Visit.TargetKind.HOUSEHOLD:
            household = Household.objects.filter(
                subtree_q("area_path", area.path), number=d["household_number"]
            ).first()
        common = {
            "actor": request.user,
            "target_kind": d["target_kind"],
            "visitor_kind": d["visitor_kind"],
            "visitor_name": d["visitor_name"],
            "area": d["place"],
            "unit": d["unit"],
            "household": household,
            "topics": d["topics"],
        }
        try:
            if d["visited_at"]:
                visit = visits.log_visit(visited_at=d["visited_at"], notes=d["notes"], **common)
            else:
                visit = visits.plan_visit(planned_on=d["planned_on"], **common)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The visit was saved."))
            return redirect("cases_field:visit", visit.pk)
    return render(
        request,
        "cases/field/form.html",
        {"form": form, "area": area, "title": _("New visit"), "back": "cases_field:visits"},
        status=422 if form.errors else 200,
    )


def _visit_for(request, visit_id, capability) -> Visit:
    visit = get_object_or_404(Visit.objects.select_related("area", "unit", "household"), pk=visit_id)
    if visit.unit_id and capability == visits.VIEW:
        if not visits.can_view_unit(request.user, visit.unit):
            raise PermissionDenied(capability)
    else:
        policy.require(request.user, capability, area=visit.area)
    return visit


@login_required
def visit_detail(request, visit_id):
    visit = _visit_for(request, visit_id, visits.VIEW)
    can_manage = policy.can(request.user, visits.MANAGE, area=visit.area)
    return render(
        request,
        "cases/field/visit_detail.html",
        {
            "visit": visit,
            "cases": queries_field.cases_of_visit(visit),
            "can_manage": can_manage,
            "log_form": forms.LogVisitForm(
                initial={"visited_at": timezone.localtime().replace(second=0, microsecond=0)}
            ),
            "case_form": forms.CaseFromFieldForm(),
            "feedback_form": forms.FeedbackForm(initial={"feedback": visit.feedback}),
        },
    )


def _visit_post(request, visit_id, form_class, template_key, action):
    visit = _visit_for(request, visit_id, visits.MANAGE)
    form = form_class(request.POST, request.FILES or None)
    if form.is_valid():
        try:
            action(visit, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("cases_field:visit", visit.pk)
    context = {
        "visit": visit,
        "cases": queries_field.cases_of_visit(visit),
        "can_manage": True,
        "log_form": forms.LogVisitForm(),
        "case_form": forms.CaseFromFieldForm(),
        "feedback_form": forms.FeedbackForm(),
    }
    context[template_key] = form
    return render(request, "cases/field/visit_detail.html", context, status=422)


@login_required
@require_POST
def visit_log(request, visit_id):
    def act(visit, d):
        visits.log_visit(
            actor=request.user, visit=visit, visited_at=d["visited_at"], topics=d["topics"], notes=d["notes"]
        )
        messages.success(request, _("The visit was logged."))

    return _visit_post(request, visit_id, forms.LogVisitForm, "log_form", act)


@login_required
@require_POST
def visit_cancel(request, visit_id):
    visit = _visit_for(request, visit_id, visits.MANAGE)
    try:
        visits.cancel_visit(actor=request.user, visit=visit, reason=request.POST.get("reason", "")[:500])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The visit was cancelled."))
    return redirect("cases_field:visit", visit.pk)


@login_required
@require_POST
def visit_case(request, visit_id):
    def act(visit, d):
        case = visits.raise_case(
            actor=request.user,
            visit=visit,
            category=d["category"],
            title=d["title"],
            description=d["description"],
            address=d["address"],
            urgent=d["urgent"],
        )
        messages.success(request, _("Case %(number)s was raised and routed.") % {"number": case.number})

    return _visit_post(request, visit_id, forms.CaseFromFieldForm, "case_form", act)


@login_required
@require_POST
def visit_feedback(request, visit_id):
    def act(visit, d):
        visits.give_feedback(actor=request.user, visit=visit, feedback=d["feedback"])
        messages.success(request, _("The feedback was recorded and sent to the unit."))

    return _visit_post(request, visit_id, forms.FeedbackForm, "feedback_form", act)


@login_required
def unit_visits(request, unit_id):
    """A stationed unit's visit history, with the cases raised and their answers (the liaison sees it too)."""
    unit = get_object_or_404(StationedUnit.objects.select_related("area"), pk=unit_id)
    if not visits.can_view_unit(request.user, unit):
        raise PermissionDenied(visits.VIEW)
    qs = Visit.objects.filter(unit=unit).select_related("area")
    page = _page(request, qs, ("-planned_on",), f"unit-visits-{unit.pk}")
    cases = {}
    for case in queries_field.Case.objects.filter(visit__in=[v.pk for v in page.items]).select_related(
        "category"
    ):
        cases.setdefault(case.visit_id, []).append(case)
    rows = [{"visit": v, "cases": cases.get(v.pk, [])} for v in page.items]
    return render(
        request,
        "cases/field/unit_visits.html",
        {
            "unit": unit,
            "rows": rows,
            "page": page,
            "query": _query(request),
            "can_manage": policy.can(request.user, visits.MANAGE, area=unit.area),
        },
    )


# --- patrols ------------------------------------------------------------------------------------------
@login_required
def patrol_list(request):
    area = _current_area(request, patrols.VIEW)
    qs = queries_field.patrols_for(request.user, area, patrols.VIEW)
    page = _page(request, qs, ("-started_at",), f"patrols-{area.pk}")
    grids = (
        area.subtree()
        .filter(kind__in=list(patrols.PATROL_AREA_KINDS), abolished_on__isnull=True)
        .order_by("path")
    )
    can_record = policy.can(request.user, patrols.RECORD, area=area)
    open_patrol = (
        Patrol.objects.filter(worker=request.user, ended_at__isnull=True).order_by("-started_at").first()
    )
    return render(
        request,
        "cases/field/patrol_list.html",
        {
            **_nav(request, area, patrols.VIEW),
            "page": page,
            "query": _query(request),
            "can_record": can_record,
            "open_patrol": open_patrol,
            "start_form": forms.PatrolStartForm(areas=grids[:500]) if can_record else None,
        },
    )


@login_required
@require_POST
def patrol_start(request):
    area = _current_area(request, patrols.RECORD)
    grids = area.subtree().filter(kind__in=list(patrols.PATROL_AREA_KINDS), abolished_on__isnull=True)
    form = forms.PatrolStartForm(request.POST, areas=grids)
    if form.is_valid():
        try:
            patrol = patrols.start_patrol(
                actor=request.user,
                area=form.cleaned_data["area"],
                route_notes=form.cleaned_data["route_notes"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Patrol started."))
            return redirect("cases_field:patrol", patrol.pk)
    return render(
        request,
        "cases/field/form.html",
        {"form": form, "area": area, "title": _("Start a patrol"), "back": "cases_field:patrols"},
        status=422,
    )


def _patrol_context(request, patrol, **forms_):
    return {
        "patrol": patrol,
        "cases": patrol.cases.select_related("category").order_by("received_at", "id"),
        "can_record": policy.can(request.user, patrols.RECORD, area=patrol.area),
        "is_mine": patrol.worker_id == request.user.pk,
        "end_form": forms_.get("end_form")
        or forms.PatrolEndForm(initial={"route_notes": patrol.route_notes}),
        "finding_form": forms_.get("finding_form") or forms.FindingForm(),
    }


@login_required
def patrol_detail(request, patrol_id):
    patrol = get_object_or_404(Patrol.objects.select_related("area", "worker"), pk=patrol_id)
    policy.require(request.user, patrols.VIEW, area=patrol.area)
    return render(request, "cases/field/patrol_detail.html", _patrol_context(request, patrol))


@login_required
@require_POST
def patrol_end(request, patrol_id):
    patrol = get_object_or_404(Patrol.objects.select_related("area", "worker"), pk=patrol_id)
    policy.require(request.user, patrols.RECORD, area=patrol.area)
    form = forms.PatrolEndForm(request.POST)
    if form.is_valid():
        try:
            patrols.end_patrol(actor=request.user, patrol=patrol, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Patrol ended."))
            return redirect("cases_field:patrol", patrol.pk)
    return render(
        request, "cases/field/patrol_detail.html", _patrol_context(request, patrol, end_form=form), status=422
    )


@login_required
@require_POST
def patrol_finding(request, patrol_id):
    patrol = get_object_or_404(Patrol.objects.select_related("area", "worker"), pk=patrol_id)
    policy.require(request.user, patrols.RECORD, area=patrol.area)
    form = forms.FindingForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        try:
            case = patrols.report_finding(
                actor=request.user,
                patrol=patrol,
                category=d["category"],
                title=d["title"],
                description=d["description"],
                address=d["address"],
                urgent=d["urgent"],
                latitude=d["latitude"],
                longitude=d["longitude"],
                files=[d["photo"]] if d.get("photo") else (),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Case %(number)s was reported and routed.") % {"number": case.number})
            return redirect("cases_field:patrol", patrol.pk)
    return render(
        request,
        "cases/field/patrol_detail.html",
        _patrol_context(request, patrol, finding_form=form),
        status=422,
    )
