"""Matching pages: resource list, need list, the matcher's proposals, project list, figures by area."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.areas import queries as area_queries
from gongzhi.areas.models import Area
from gongzhi.core import policy, rollups
from gongzhi.core.forms import apply_errors, flash_errors
from gongzhi.core.paging import InvalidCursor, KeysetPaginator

from . import actions, queries
from . import permissions as P
from .forms import (
    AcceptForm,
    CancelForm,
    CompleteForm,
    NeedForm,
    ProjectForm,
    ResourceForm,
    areas_for,
    limited,
)
from .models import Kind, MatchedProject, Need, Resource


# --- helpers --------------------------------------------------------------------------------------
def _area(request) -> Area | None:
    """The area asked for (checked), else the user's first area; None for users who only publish."""
    raw = request.GET.get("area")
    if raw:
        try:
            area = Area.objects.get(pk=int(raw))
        except (Area.DoesNotExist, ValueError, TypeError, OverflowError):
            raise Http404 from None
        policy.require(request.user, P.VIEW, area=area)
        return area
    return area_queries.first_scope_area(request.user, P.VIEW)


def _page(request, qs, ordering, name):
    paginator = KeysetPaginator(qs, ordering, page_size=50, name=name)
    try:
        return paginator.page(request.GET.get("cursor"))
    except InvalidCursor:
        messages.error(request, _("The page link is not valid; showing the first page."))
        return paginator.page(None)


def _ctx(request, area, tab, **extra) -> dict:
    query = request.GET.copy()
    query.pop("cursor", None)
    return {
        "area": area,
        "tab": tab,
        "query": query.urlencode(),
        "ancestors": area_queries.ancestors_of(area) if area else [],
        "children": area.children.order_by("path")[:200] if area else [],
        "can_match": area is not None and policy.can(request.user, P.MATCH, area=area),
        "can_publish_resource": policy.can(request.user, P.PUBLISH_RESOURCE),
        "can_publish_need": policy.can(request.user, P.PUBLISH_NEED),
        "kinds": Kind.choices,
        **extra,
    }


def _anyone_here(user) -> None:
    if not any(policy.can(user, cap) for cap in (P.VIEW, P.PUBLISH_RESOURCE, P.PUBLISH_NEED)):
        raise PermissionDenied


def _months(request):
    now = timezone.localtime()
    default_from = f"{now.year:04d}-01"
    period_from = request.GET.get("from") or default_from
    period_to = request.GET.get("to") or rollups.period_of(now)
    try:
        rollups._check_period(period_from)
        rollups._check_period(period_to)
    except ValueError:
        messages.error(request, _("Give months as YYYY-MM."))
        period_from, period_to = default_from, rollups.period_of(now)
    return period_from, period_to


# --- home: figures by area -----------------------------------------------------------------------
@login_required
def home(request):
    _anyone_here(request.user)
    area = _area(request)
    if area is None:
        return redirect("matching:resources")
    period_from, period_to = _months(request)
    rows = queries.figures_by_child(area, period_from, period_to)
    chart = {
        "areas": [r["area"].name for r in rows],
        "needs_met": [r["needs_met"] for r in rows],
        "resources_used": [r["resources_used"] for r in rows],
        "projects_completed": [r["projects_completed"] for r in rows],
    }
    ctx = _ctx(
        request,
        area,
        "home",
        totals=queries.figures(area, period_from, period_to),
        rows=rows,
        chart=chart,
        period_from=period_from,
        period_to=period_to,
    )
    return render(request, "matching/home.html", ctx)


# --- resources -------------------------------------------------------------------------------------
@login_required
def resource_list(request):
    _anyone_here(request.user)
    area = (
        _area(request)
        if policy.can(request.user, P.VIEW) and queries.scope_areas(request.user).exists()
        else None
    )
    state, kind = request.GET.get("state", ""), request.GET.get("kind", "")
    qs = queries.resources(area, user=request.user, state=state, kind=kind)
    page = _page(request, qs, ("-created_at",), "matching.resources")
    return render(
        request,
        "matching/resource_list.html",
        _ctx(request, area, "resources", page=page, state=state, kind=kind, states=Resource.State.choices),
    )


@login_required
def resource_create(request):
    policy.require(request.user, P.PUBLISH_RESOURCE)
    publishers = queries.publisher_choices(request.user)
    if not publishers:
        messages.error(request, _("You do not publish for any unit or organization."))
        return redirect("matching:resources")
    areas = _resource_areas(request.user, publishers)
    form = ResourceForm(request.POST or None, publishers=publishers, areas=areas)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        pub_kind, pub_id = d["publisher"]
        try:
            resource = actions.publish_resource(
                actor=request.user,
                publisher_kind=pub_kind,
                publisher_id=pub_id,
                area=d["area"],
                kind=d["kind"],
                title=d["title"],
                description=d["description"],
                capacity=d["capacity"],
                unit=d["unit"],
                available_from=d["available_from"],
                available_until=d["available_until"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Resource published."))
            return redirect("matching:resource", resource.pk)
    return render(
        request,
        "matching/form.html",
        {"form": form, "title": _("Publish a resource"), "back": "matching:resources"},
    )


def _resource_areas(user, publishers):
    """Areas a resource may serve: the staff's areas, or the subtree of the publisher's street."""
    from django.db.models import Q

    from gongzhi.areas.models import subtree_q

    paths = policy.area_paths(user, P.PUBLISH_RESOURCE)
    if paths:
        return areas_for(user, P.PUBLISH_RESOURCE)
    bodies = []
    for value, _label in publishers:
        kind, _sep, pk = value.partition(":")
        try:
            body, _scope = actions.resolve_publisher(kind, pk)
        except ValidationError:
            continue
        bodies.append(body.area)
    q = Q(pk__in=[])
    for body_area in bodies:
        street = Area.objects.filter(pk=body_area.street_id).first() or body_area
        q |= subtree_q("path", street.path)
    areas = Area.objects.filter(
        q, kind__in=["street", "town", "community", "residents_committee", "village_committee", "compound"]
    ).order_by("path")
    return limited(areas, 500)


@login_required
def resource_detail(request, resource_id):
    resource = get_object_or_404(Resource.objects.select_related("area"), pk=resource_id)
    if not queries.can_see_resource(request.user, resource):
        raise PermissionDenied
    can_withdraw = resource.state != Resource.State.WITHDRAWN and _can_publish_for(request.user, resource)
    ctx = {
        "resource": resource,
        "projects": resource.projects.select_related("need").order_by("-id")[:100],
        "pairs": queries.ranked_for_resource(resource),
        "can_withdraw": can_withdraw,
        "can_match_user": policy.can(request.user, P.MATCH),
    }
    return render(request, "matching/resource_detail.html", ctx)


def _can_publish_for(user, resource) -> bool:
    try:
        actions._require_publisher(user, resource)
    except (PermissionDenied, ValidationError):
        return False
    return True


@login_required
@require_POST
def resource_withdraw(request, resource_id):
    resource = get_object_or_404(Resource, pk=resource_id)
    try:
        actions.withdraw_resource(actor=request.user, resource=resource)
        messages.success(request, _("Resource withdrawn."))
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect("matching:resource", resource.pk)


# --- needs ---------------------------------------------------------------------------------------
@login_required
def need_list(request):
    _anyone_here(request.user)
    area = (
        _area(request)
        if policy.can(request.user, P.VIEW) and queries.scope_areas(request.user).exists()
        else None
    )
    state, kind = request.GET.get("state", ""), request.GET.get("kind", "")
    qs = queries.needs(area, user=request.user, state=state, kind=kind)
    page = _page(request, qs, ("-created_at",), "matching.needs")
    return render(
        request,
        "matching/need_list.html",
        _ctx(request, area, "needs", page=page, state=state, kind=kind, states=Need.State.choices),
    )


@login_required
def need_create(request):
    policy.require(request.user, P.PUBLISH_NEED)
    areas = areas_for(request.user, P.PUBLISH_NEED)
    initial = {}
    source = request.GET.get("source", "")
    if ":" in source:
        initial["source_type"], _sep, raw_id = source.partition(":")
        initial["source_id"] = raw_id if raw_id.isdigit() else None
    for key in ("title", "description"):
        if request.GET.get(key):
            initial[key] = request.GET[key][: 160 if key == "title" else 5000]
    form = NeedForm(request.POST or None, areas=areas, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            need = actions.publish_need(
                actor=request.user,
                area=d["area"],
                kind=d["kind"],
                title=d["title"],
                description=d["description"],
                place=d["place"],
                wanted_from=d["wanted_from"],
                wanted_until=d["wanted_until"],
                people_count=d["people_count"],
                quantity=d["quantity"],
                source_type=d["source_type"] or "",
                source_id=d["source_id"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Need published."))
            return redirect("matching:need", need.pk)
    return render(
        request, "matching/form.html", {"form": form, "title": _("Publish a need"), "back": "matching:needs"}
    )


@login_required
def need_detail(request, need_id):
    need = get_object_or_404(Need.objects.select_related("area"), pk=need_id)
    if not queries.can_see_need(request.user, need):
        raise PermissionDenied
    can_match = policy.can(request.user, P.MATCH, area=need.area)
    ctx = {
        "need": need,
        "pairs": queries.ranked_for_need(need) if need.state == Need.State.OPEN else [],
        "projects": need.projects.select_related("resource").order_by("-id"),
        "can_match": can_match,
        "can_close": need.state == Need.State.OPEN and (can_match or need.created_by_id == request.user.pk),
        "accept_form": AcceptForm(),
    }
    return render(request, "matching/need_detail.html", ctx)


@login_required
@require_POST
def need_close(request, need_id):
    need = get_object_or_404(Need, pk=need_id)
    try:
        actions.close_need(actor=request.user, need=need)
        messages.success(request, _("Need closed."))
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect("matching:need", need.pk)


# --- the matcher and accepting a pair ---------------------------------------------------------------
@login_required
def proposals(request):
    policy.require(request.user, P.VIEW)
    area = _area(request)
    if area is None:
        raise PermissionDenied
    return render(
        request, "matching/proposals.html", _ctx(request, area, "proposals", rows=queries.proposals(area))
    )


@login_required
@require_POST
def accept(request):
    try:
        need = Need.objects.get(pk=int(request.POST.get("need", "")))
        resource = Resource.objects.get(pk=int(request.POST.get("resource", "")))
    except (Need.DoesNotExist, Resource.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    form = AcceptForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect("matching:need", need.pk)
    d = form.cleaned_data
    try:
        project = actions.accept_pair(
            actor=request.user,
            resource=resource,
            need=need,
            quantity=d.get("quantity"),
            title=d.get("title") or "",
            plan=d.get("plan") or "",
            starts_at=d.get("starts_at"),
            ends_at=d.get("ends_at"),
        )
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect(
            request.POST.get("back") == "proposals"
            and f"/matching/proposals/?area={need.area_id}"
            or f"/matching/needs/{need.pk}/"
        )
    messages.success(request, _("The pair was accepted: the project is created."))
    return redirect("matching:project", project.pk)


# --- projects ------------------------------------------------------------------------------------
@login_required
def project_list(request):
    _anyone_here(request.user)
    area = (
        _area(request)
        if policy.can(request.user, P.VIEW) and queries.scope_areas(request.user).exists()
        else None
    )
    state = request.GET.get("state", "")
    qs = queries.projects(area, user=request.user, state=state)
    page = _page(request, qs, ("-accepted_at",), "matching.projects")
    return render(
        request,
        "matching/project_list.html",
        _ctx(request, area, "projects", page=page, state=state, states=MatchedProject.State.choices),
    )


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


@login_required
def project_detail(request, project_id):
    project = get_object_or_404(
        MatchedProject.objects.select_related("area", "resource", "need"), pk=project_id
    )
    if not queries.can_see_project(request.user, project):
        raise PermissionDenied
    can_run = policy.can(request.user, P.MATCH, area=project.area)
    live = project.state in actions.LIVE
    edit_form = ProjectForm(
        initial={
            "title": project.title,
            "plan": project.plan,
            "starts_at": _local(project.starts_at),
            "ends_at": _local(project.ends_at),
        }
    )
    if request.method == "POST":
        if not can_run:
            raise PermissionDenied
        edit_form = ProjectForm(request.POST)
        if edit_form.is_valid():
            try:
                actions.update_project(actor=request.user, project=project, **edit_form.cleaned_data)
            except ValidationError as exc:
                apply_errors(edit_form, exc)
            else:
                messages.success(request, _("Project saved."))
                return redirect("matching:project", project.pk)
    ctx = {
        "project": project,
        "can_run": can_run and live,
        "edit_form": edit_form,
        "complete_form": CompleteForm(),
        "cancel_form": CancelForm(),
    }
    return render(request, "matching/project_detail.html", ctx)


def _project_step(request, project_id, step, form_class=None):
    project = get_object_or_404(MatchedProject, pk=project_id)
    kwargs = {}
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for e in errors:
                    messages.error(request, e)
            return redirect("matching:project", project.pk)
        kwargs = form.cleaned_data
    try:
        step(actor=request.user, project=project, **kwargs)
        messages.success(request, _("Project updated."))
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect("matching:project", project.pk)


@login_required
@require_POST
def project_start(request, project_id):
    return _project_step(request, project_id, actions.start_project)


@login_required
@require_POST
def project_complete(request, project_id):
    return _project_step(request, project_id, actions.complete_project, CompleteForm)


@login_required
@require_POST
def project_cancel(request, project_id):
    return _project_step(request, project_id, actions.cancel_project, CancelForm)
