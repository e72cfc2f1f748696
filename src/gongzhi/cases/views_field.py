"""Field pages: visits (and a unit's visit history), patrols, campaigns with their board, and KPIs.

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

from gongzhi.areas.models import COMMITTEE_KINDS, Area, AreaKind, subtree_q
from gongzhi.core import policy
from gongzhi.core.paging import InvalidCursor, KeysetPaginator
from gongzhi.orgs.models import StationedUnit
from gongzhi.people.models import Dwelling, Household

from . import forms_field as forms
from . import queries_field
from .actions import campaigns, patrols, visits
from .models import Campaign, CampaignTarget, Patrol, Visit

_TOO_HIGH = {AreaKind.CITY, AreaKind.DISTRICT}


# --- helpers ------------------------------------------------------------------------------------------
def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


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
        area = queries_field.scope_areas(request.user, capability).first()
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
        "ancestors": area.ancestors(),
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
            _apply_errors(form, exc)
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
            _apply_errors(form, exc)
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
            _apply_errors(form, exc)
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
            _apply_errors(form, exc)
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
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Case %(number)s was reported and routed.") % {"number": case.number})
            return redirect("cases_field:patrol", patrol.pk)
    return render(
        request,
        "cases/field/patrol_detail.html",
        _patrol_context(request, patrol, finding_form=form),
        status=422,
    )


# --- campaigns ----------------------------------------------------------------------------------------
@login_required
def campaign_list(request):
    area = _current_area(request, campaigns.VIEW)
    qs = queries_field.campaigns_for(request.user, area, campaigns.VIEW)
    page = _page(request, qs, ("-year",), f"campaigns-{area.pk}")
    due = (
        campaigns.reinspections_due_for(request.user).select_related(
            "campaign", "dwelling", "dwelling__area"
        )[:50]
        if policy.can(request.user, campaigns.REINSPECT)
        else []
    )
    return render(
        request,
        "cases/field/campaign_list.html",
        {
            **_nav(request, area, campaigns.VIEW),
            "page": page,
            "query": _query(request),
            "due": due,
            "can_manage": policy.can(request.user, campaigns.MANAGE, area=area),
        },
    )


@login_required
def campaign_create(request):
    area = _current_area(request, campaigns.MANAGE)
    form = forms.CampaignForm(
        request.POST or None, initial={"year": timezone.localdate().year, "reinspection_days": 30}
    )
    if request.method == "POST" and form.is_valid():
        try:
            campaign = campaigns.create_campaign(actor=request.user, area=area, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The campaign was created; add its targets, then lock the list."))
            return redirect("cases_field:campaign", campaign.pk)
    return render(
        request,
        "cases/field/form.html",
        {"form": form, "area": area, "title": _("New campaign"), "back": "cases_field:campaigns"},
        status=422 if form.errors else 200,
    )


def _campaign_for(request, campaign_id, capability) -> Campaign:
    campaign = get_object_or_404(Campaign.objects.select_related("area", "category"), pk=campaign_id)
    if policy.can(request.user, capability, area=campaign.area):
        return campaign
    # Staff of a committee or grid inside the campaign's area see (and re-inspect) their part of it.
    paths = policy.area_paths(request.user, capability) or []
    if capability != campaigns.MANAGE and any(p.startswith(campaign.area_path) for p in paths):
        return campaign
    raise PermissionDenied(capability)


def _campaign_context(request, campaign, **extra):
    targets = campaign.targets.select_related("dwelling", "dwelling__area", "case", "area")
    if not policy.can(request.user, campaigns.VIEW, area=campaign.area):
        targets = queries_field.in_area(targets, request.user, campaigns.VIEW, None)
    state = request.GET.get("state")
    if state in CampaignTarget.State.values:
        targets = targets.filter(state=state)
    page = _page(request, targets, ("id",), f"targets-{campaign.pk}-{state}")
    compounds = (
        campaign.area.subtree().filter(kind=AreaKind.COMPOUND, abolished_on__isnull=True).order_by("path")
    )
    can_manage = policy.can(request.user, campaigns.MANAGE, area=campaign.area)
    return {
        "campaign": campaign,
        "board": queries_field.board(campaign),
        "page": page,
        "query": _query(request),
        "state_filter": state,
        "states": CampaignTarget.State.choices,
        "can_manage": can_manage,
        "can_reinspect": policy.can(request.user, campaigns.REINSPECT),
        "today": timezone.localdate(),
        "target_form": extra.get("target_form")
        or (forms.TargetForm(compounds=compounds[:500]) if can_manage else None),
        "reinspection_form": forms.ReinspectionForm(),
        "rebound_form": forms.ReboundForm(),
        "error_target": extra.get("error_target"),
    }


@login_required
def campaign_detail(request, campaign_id):
    campaign = _campaign_for(request, campaign_id, campaigns.VIEW)
    return render(request, "cases/field/campaign_detail.html", _campaign_context(request, campaign))


@login_required
@require_POST
def campaign_add_target(request, campaign_id):
    from gongzhi.people import actions as people_actions

    campaign = _campaign_for(request, campaign_id, campaigns.MANAGE)
    compounds = campaign.area.subtree().filter(kind=AreaKind.COMPOUND, abolished_on__isnull=True)
    form = forms.TargetForm(request.POST, compounds=compounds)
    if form.is_valid():
        d = form.cleaned_data
        try:
            dwelling = Dwelling.objects.filter(
                area=d["compound"], building=d["building"], unit=d["unit"], room=d["room"]
            ).first()
            if dwelling is None:
                dwelling = people_actions.create_dwelling(
                    actor=request.user,
                    area=d["compound"],
                    building=d["building"],
                    unit=d["unit"],
                    room=d["room"],
                )
            campaigns.add_target(
                actor=request.user, campaign=campaign, dwelling=dwelling, found_by=d["found_by"]
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Target added."))
            return redirect("cases_field:campaign", campaign.pk)
    return render(
        request,
        "cases/field/campaign_detail.html",
        _campaign_context(request, campaign, target_form=form),
        status=422,
    )


@login_required
@require_POST
def campaign_lock(request, campaign_id):
    campaign = _campaign_for(request, campaign_id, campaigns.MANAGE)
    try:
        campaigns.lock_campaign(actor=request.user, campaign=campaign)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The list is locked; a case was raised and routed for each target."))
    return redirect("cases_field:campaign", campaign.pk)


@login_required
@require_POST
def campaign_close(request, campaign_id):
    campaign = _campaign_for(request, campaign_id, campaigns.MANAGE)
    try:
        campaigns.close_campaign(actor=request.user, campaign=campaign)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The campaign was closed."))
    return redirect("cases_field:campaign", campaign.pk)


def _target_for(request, target_id) -> CampaignTarget:
    target = get_object_or_404(CampaignTarget.objects.select_related("area", "campaign"), pk=target_id)
    policy.require(request.user, campaigns.REINSPECT, area=target.area)
    return target


@login_required
@require_POST
def target_reinspect(request, target_id):
    target = _target_for(request, target_id)
    form = forms.ReinspectionForm(request.POST)
    if form.is_valid():
        try:
            campaigns.record_reinspection(actor=request.user, target=target, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The re-inspection was recorded."))
    else:
        messages.error(request, _("Choose the result of the re-inspection."))
    return redirect("cases_field:campaign", target.campaign_id)


@login_required
@require_POST
def target_rebound(request, target_id):
    target = _target_for(request, target_id)
    form = forms.ReboundForm(request.POST)
    if form.is_valid():
        try:
            campaigns.report_rebound(actor=request.user, target=target, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The rebound was recorded and a new case raised."))
    else:
        messages.error(request, _("Say what was found."))
    return redirect("cases_field:campaign", target.campaign_id)
