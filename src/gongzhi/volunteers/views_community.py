"""Volunteer pages for residents and communities: my volunteering, neighbourhood points, the base, brands."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core import policy, rollups
from gongzhi.core.forms import apply_errors, flash_errors

from . import actions, queries
from . import permissions as P
from .forms import BrandForm, IndicatorForm, PersonRefForm, PointForm, ServiceForm, SlotForm
from .models import (
    Booking,
    BrandIndicator,
    BrandProject,
    NeighbourhoodPoint,
    ServiceSlot,
    SkillService,
    Volunteer,
    VolunteerTeam,
)
from .views import (
    area_choices,
    current_area,
    get_or_404,
    list_context,
    page_of,
    person_by_id_number,
    render_form,
    split,
)


# --- my volunteering (volunteers, residents, providers) ----------------------------------------------------------
@login_required
def me(request):
    volunteer = actions.own_volunteer(request.user)
    person = actions.own_person(request.user)
    services = list(volunteer.skill_services.filter(is_active=True)) if volunteer else []
    provider_bookings = (
        Booking.objects.filter(slot__service__in=services)
        .exclude(state=Booking.State.CANCELLED)
        .select_related("slot__service", "person")
        .order_by("slot__starts_at")[:50]
        if services
        else []
    )
    return render(
        request,
        "volunteers/me.html",
        {
            "volunteer": volunteer,
            "person": person,
            "open_activities": queries.open_activities_for_volunteer(volunteer)[:30] if volunteer else [],
            "signups": queries.signups_of(volunteer)[:30] if volunteer else [],
            "next_star": queries.next_star(volunteer) if volunteer else None,
            "stars": range(volunteer.star_level) if volunteer else [],
            "services": services,
            "provider_bookings": provider_bookings,
            "bookings": queries.bookings_of_person(person)[:30] if person else [],
            "bookable": queries.services_for_resident(request.user)[:50] if person else [],
        },
    )


# --- neighbourhood points -------------------------------------------------------------------------------------
@login_required
def point_list(request):
    area = current_area(request)
    page = page_of(
        request, queries.points_for(request.user, area), ("area_path", "name"), f"vpoints-{area.pk}"
    )
    return render(request, "volunteers/point_list.html", list_context(request, area, page, "points"))


@login_required
def point_create(request):
    area = current_area(request, P.MANAGE)
    form = PointForm(request.POST or None, areas=area_choices(area))
    if request.method == "POST" and form.is_valid():
        try:
            point = actions.create_neighbourhood_point(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The neighbourhood point was created."))
            return redirect("volunteers:point", point.pk)
    return render_form(request, form, _("New neighbourhood point"), area, "volunteers:points")


@login_required
def point_detail(request, point_id):
    point = policy.get_object_for_user(
        request.user, NeighbourhoodPoint.objects.select_related("area"), point_id, P.VIEW
    )
    can_manage = policy.can(request.user, P.MANAGE, area=point.area)
    form = PersonRefForm(request.POST or None)
    if request.method == "POST":
        policy.require(request.user, P.MANAGE, area=point.area)
        if form.is_valid():
            person = person_by_id_number(request.user, form.cleaned_data["id_number"])
            try:
                if person is None:
                    raise ValidationError(
                        {"id_number": _("No person with this ID number is recorded in your areas.")}
                    )
                actions.add_point_member(actor=request.user, point=point, person=person)
            except ValidationError as exc:
                if hasattr(exc, "error_dict") and "person" in exc.error_dict:
                    exc = ValidationError({"id_number": exc.error_dict["person"]})
                apply_errors(form, exc)
            else:
                messages.success(request, _("The resident joined the neighbourhood point."))
                return redirect("volunteers:point", point.pk)
    return render(
        request,
        "volunteers/point_detail.html",
        {
            "point": point,
            "members": point.members.order_by("name")[:300],
            "activities": point.activities.order_by("-starts_at")[:30],
            "can_manage": can_manage,
            "form": form,
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def point_member_remove(request, point_id, person_id):
    from gongzhi.people.models import Person

    point = policy.get_object_for_user(
        request.user, NeighbourhoodPoint.objects.select_related("area"), point_id, P.MANAGE
    )
    try:
        actions.remove_point_member(actor=request.user, point=point, person=get_or_404(Person, person_id))
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect("volunteers:point", point.pk)


# --- the volunteer base ---------------------------------------------------------------------------------------
@login_required
def service_list(request):
    if not policy.can(request.user, P.VIEW):
        return redirect("volunteers:me")
    area = current_area(request)
    page = page_of(
        request, queries.services_for(request.user, area), ("area_path", "title"), f"vserv-{area.pk}"
    )
    return render(request, "volunteers/service_list.html", list_context(request, area, page, "base"))


@login_required
def service_create(request):
    own = actions.own_volunteer(request.user)
    staff = policy.can(request.user, P.MANAGE)
    if not (own or staff):
        raise PermissionDenied
    form = ServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        number = data.pop("number")
        provider = (
            Volunteer.objects.select_related("person", "area").filter(number=number).first()
            if number
            else own
        )
        try:
            if provider is None:
                raise ValidationError({"number": _("No volunteer has this number.")})
            service = actions.create_skill_service(actor=request.user, provider=provider, **data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "provider" in exc.error_dict:
                exc = ValidationError({"number": exc.error_dict["provider"]})
            apply_errors(form, exc)
        else:
            messages.success(request, _("The service is offered at the volunteer base; add time slots."))
            return redirect("volunteers:service", service.pk)
    return render_form(
        request, form, _("Offer a skill service"), own.area if own else None, "volunteers:base"
    )


def _service_access(request, service) -> tuple[bool, bool]:
    """(may manage: provider or staff, may view)."""
    is_provider = service.provider.person.user_id == request.user.pk
    manage = is_provider or policy.can(request.user, P.MANAGE, area=service.area)
    person = actions.own_person(request.user)
    resident = (
        person is not None
        and service.is_active
        and (
            (person.street_id and person.street_id == service.street_id) or service.area.contains(person.area)
        )
    )
    return manage, manage or resident or policy.can(request.user, P.VIEW, area=service.area)


@login_required
def service_detail(request, service_id):
    service = get_or_404(SkillService, service_id, "area", "provider__person")
    manage, view = _service_access(request, service)
    if not view:
        raise PermissionDenied
    form = SlotForm(request.POST or None)
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                actions.add_slot(actor=request.user, service=service, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The time slot was added."))
                return redirect("volunteers:service", service.pk)
    person = actions.own_person(request.user)
    mine = set()
    if person:
        mine = set(
            Booking.objects.filter(person=person, slot__service=service)
            .exclude(state=Booking.State.CANCELLED)
            .values_list("slot_id", flat=True)
        )
    return render(
        request,
        "volunteers/service_detail.html",
        {
            "service": service,
            "slots": queries.open_slots(service)[:100],
            "bookings": queries.bookings_of_service(service)[:200] if manage else [],
            "manage": manage,
            "form": form,
            "mine": mine,
            "can_book": person is not None and person.pk != service.provider.person_id,
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def slot_book(request, slot_id):
    slot = get_or_404(ServiceSlot, slot_id, "service__provider__person", "service__area")
    _manage, view = _service_access(request, slot.service)
    if not view:
        raise PermissionDenied
    try:
        actions.book_slot(actor=request.user, slot=slot)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("Booked. The provider will confirm your booking."))
    return redirect("volunteers:service", slot.service_id)


@login_required
@require_POST
def booking_action(request, booking_id, op):
    booking = get_or_404(
        Booking, booking_id, "slot__service__provider__person", "slot__service__area", "person"
    )
    ops = {
        "confirm": (actions.confirm_booking, _("The booking was confirmed.")),
        "done": (actions.complete_booking, _("Marked done; the time counts as volunteer hours.")),
        "cancel": (actions.cancel_booking, _("The booking was cancelled.")),
    }
    if op not in ops:
        raise Http404
    func, success = ops[op]
    try:
        func(actor=request.user, booking=booking)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, success)
    if request.POST.get("next") == "me":
        return redirect("volunteers:me")
    return redirect("volunteers:service", booking.slot.service_id)


# --- brand projects -------------------------------------------------------------------------------------------
@login_required
def brand_list(request):
    area = current_area(request)
    page = page_of(
        request, queries.brands_for(request.user, area), ("area_path", "name"), f"vbrands-{area.pk}"
    )
    return render(request, "volunteers/brand_list.html", list_context(request, area, page, "brands"))


def _brand_form(request, area, project=None):
    # Teams of the whole street/town may take part in a community's brand.
    teams = VolunteerTeam.objects.filter(street_id=area.street_id or area.pk).order_by("name")
    initial = {"is_public": True}
    if project:
        initial = {
            "name": project.name,
            "slogan": project.slogan,
            "goals": project.goals,
            "starts_on": project.starts_on,
            "ends_on": project.ends_on,
            "partners": ", ".join(project.partners),
            "teams": list(project.teams.all()),
            "results": project.results,
            "is_public": project.is_public,
        }
    return BrandForm(
        request.POST or None,
        initial=initial,
        areas=area_choices(area),
        teams=teams,
        editing=project is not None,
    )


@login_required
def brand_create(request):
    area = current_area(request, P.MANAGE)
    form = _brand_form(request, area)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["partners"] = split(data["partners"])
        try:
            project = actions.create_brand_project(actor=request.user, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The brand project was created."))
            return redirect("volunteers:brand", project.pk)
    return render_form(request, form, _("New brand project"), area, "volunteers:brands")


@login_required
def brand_edit(request, brand_id):
    project = policy.get_object_for_user(
        request.user, BrandProject.objects.select_related("area"), brand_id, P.MANAGE
    )
    form = _brand_form(request, project.area, project)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["partners"] = split(data["partners"])
        try:
            actions.update_brand_project(actor=request.user, project=project, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The brand project was saved."))
            return redirect("volunteers:brand", project.pk)
    return render_form(request, form, project.name, project.area, "volunteers:brands")


def _brand_context(project):
    from .models import Activity

    acts = (
        Activity.objects.filter(link_type="brand_project", link_id=project.pk)
        .exclude(state=Activity.State.CANCELLED)
        .order_by("-starts_at")[:30]
    )
    indicators = list(project.indicators.order_by("id"))
    for ind in indicators:
        ind.rate = rollups.rate(ind.achieved, ind.target)
        ind.bar = min(float(ind.rate or 0), 100.0)
    return {
        "project": project,
        "indicators": indicators,
        "teams": project.teams.order_by("name"),
        "activities": acts,
    }


@login_required
def brand_detail(request, brand_id):
    project = policy.get_object_for_user(
        request.user, BrandProject.objects.select_related("area"), brand_id, P.VIEW
    )
    can_manage = policy.can(request.user, P.MANAGE, area=project.area)
    form = IndicatorForm(request.POST or None)
    if request.method == "POST":
        policy.require(request.user, P.MANAGE, area=project.area)
        if form.is_valid():
            indicator = None
            if request.POST.get("indicator"):
                indicator = BrandIndicator.objects.filter(
                    pk=request.POST["indicator"], project=project
                ).first()
            try:
                actions.set_indicator(
                    actor=request.user, project=project, indicator=indicator, **form.cleaned_data
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The indicator was saved."))
                return redirect("volunteers:brand", project.pk)
    context = _brand_context(project)
    context.update({"can_manage": can_manage, "form": form})
    return render(request, "volunteers/brand_detail.html", context, status=422 if form.errors else 200)


def brand_public(request, brand_id):
    """The public page of a brand project: no sign-in, nothing personal."""
    project = get_or_404(BrandProject, brand_id, "area")
    if not project.is_public:
        raise Http404
    return render(request, "volunteers/brand_public.html", _brand_context(project))


def brand_public_list(request):
    projects = queries.public_brands().order_by("area_path", "name")[:200]
    return render(request, "volunteers/brand_public_list.html", {"projects": projects})
