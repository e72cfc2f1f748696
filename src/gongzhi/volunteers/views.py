"""Volunteer pages for staff: area overview and figures, teams, volunteers and their record, activities."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.areas import queries as area_queries
from gongzhi.areas.models import Area, AreaKind
from gongzhi.core import policy
from gongzhi.core.forms import apply_errors, flash_errors
from gongzhi.core.paging import InvalidCursor, KeysetPaginator
from gongzhi.core.pii import mask_id_number
from gongzhi.people.models import Person

from . import actions, certificates, queries, rows
from . import permissions as P
from .forms import (
    CorrectionForm,
    HoursForm,
    MemberForm,
    StarLevelsForm,
    TeamForm,
    VolunteerEditForm,
    VolunteerForm,
)
from .models import Certificate, ServiceRecord, Volunteer, VolunteerTeam

_TOO_HIGH = {AreaKind.CITY, AreaKind.DISTRICT}


# --- helpers shared with views_community -------------------------------------------------------------------
def current_area(request, capability=P.VIEW) -> Area:
    policy.require(request.user, capability)
    raw = request.GET.get("area")
    if raw:
        try:
            area = Area.objects.get(pk=int(raw))
        except (Area.DoesNotExist, ValueError, TypeError, OverflowError):
            raise Http404 from None
        policy.require(request.user, capability, area=area)
        return area
    area = area_queries.first_scope_area(request.user, capability)
    if area is None:
        raise PermissionDenied
    return area


def page_of(request, qs, ordering, name):
    paginator = KeysetPaginator(qs, ordering, page_size=50, name=name)
    try:
        return paginator.page(request.GET.get("cursor"))
    except InvalidCursor:
        messages.error(request, _("The page link is not valid; showing the first page."))
        return paginator.page(None)


def list_context(request, area, page, tab) -> dict:
    query = request.GET.copy()
    query.pop("cursor", None)
    return {
        "area": area,
        "ancestors": area_queries.ancestors_of(area),
        "children": area.children.order_by("path")[:200],
        "page": page,
        "query": query.urlencode(),
        "can_manage": policy.can(request.user, P.MANAGE, area=area),
        "can_create_here": area.kind not in _TOO_HIGH,
        "tab": tab,
    }


def area_choices(area: Area, kinds=None):
    if area.kind in _TOO_HIGH:
        return Area.objects.none()
    qs = area.subtree().filter(abolished_on__isnull=True).exclude(kind__in=[AreaKind.COMPOUND, AreaKind.GRID])
    return qs.filter(kind__in=kinds) if kinds else qs.order_by("path")


def split(text) -> list[str]:
    return [p.strip() for p in (text or "").replace("，", ",").split(",") if p.strip()]


def render_form(request, form, title, area, back, status=None):
    return render(
        request,
        "volunteers/form.html",
        {"form": form, "title": title, "area": area, "back": back},
        status=status or (422 if form.errors else 200),
    )


def get_or_404(model, pk, *related):
    try:
        return model.objects.select_related(*related).get(pk=pk)
    except (model.DoesNotExist, ValueError, OverflowError):
        raise Http404 from None


def person_by_id_number(user, id_number) -> Person | None:
    from gongzhi.people import queries as people_queries

    return people_queries.find_person(user, id_number)


# --- overview ------------------------------------------------------------------------------------------------
@login_required
def home(request):
    if not policy.can(request.user, P.VIEW):
        return redirect("volunteers:me")
    area = current_area(request)
    figures = queries.area_figures(area)
    chart = {
        "periods": [r["period"] for r in figures["rows"]],
        "hours": [float(r["hours"]) for r in figures["rows"]],
        "active": [r["active"] for r in figures["rows"]],
    }
    context = list_context(request, area, None, "home")
    context.update(
        {
            "figures": figures,
            "chart": chart,
            "can_configure": policy.can(request.user, P.CONFIGURE_STARS),
        }
    )
    return render(request, "volunteers/home.html", context)


@login_required
def star_levels(request):
    policy.require(request.user, P.CONFIGURE_STARS)
    current = dict(actions.star_thresholds())
    form = StarLevelsForm(request.POST or None, initial={f"stars_{s}": h for s, h in current.items()})
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_star_levels(
                actor=request.user, hours={int(k[-1]): v for k, v in form.cleaned_data.items()}
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Star levels saved; every volunteer was re-graded."))
            return redirect("volunteers:home")
    return render_form(request, form, _("Star levels"), None, "volunteers:home")


# --- teams ---------------------------------------------------------------------------------------------------
@login_required
def team_list(request):
    area = current_area(request)
    q = (request.GET.get("q") or "").strip()[:40]
    page = page_of(
        request,
        queries.teams_for(request.user, area, name_prefix=q or None),
        queries.TEAM_ORDERING,
        f"vteams-{area.pk}-{q}",
    )
    context = list_context(request, area, page, "teams")
    context["q"] = q
    return render(request, "volunteers/team_list.html", context)


def _team_form(request, area, team=None):
    grids = (team.area if team else area).subtree().filter(kind=AreaKind.GRID).order_by("path")[:300]
    grids = Area.objects.filter(pk__in=[g.pk for g in grids]).order_by("path")
    initial = {}
    if team:
        initial = {
            "name": team.name,
            "organizer_kind": team.organizer_kind,
            "organizer_label": team.organizer_label,
            "service_fields": ", ".join(team.service_fields),
            "grids": list(team.grids.all()),
            "founded_on": team.founded_on,
        }
    return TeamForm(
        request.POST or None, initial=initial, areas=area_choices(area), grids=grids, editing=team is not None
    )


@login_required
def team_create(request):
    area = current_area(request, P.MANAGE)
    form = _team_form(request, area)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["service_fields"] = split(data["service_fields"])
        try:
            team = actions.create_team(actor=request.user, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The team was created."))
            return redirect("volunteers:team", team.pk)
    return render_form(request, form, _("New volunteer team"), area, "volunteers:teams")


@login_required
def team_edit(request, team_id):
    team = policy.get_object_for_user(
        request.user, VolunteerTeam.objects.select_related("area"), team_id, P.MANAGE
    )
    form = _team_form(request, team.area, team)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["service_fields"] = split(data["service_fields"])
        try:
            actions.update_team(actor=request.user, team=team, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The team was saved."))
            return redirect("volunteers:team", team.pk)
    return render_form(request, form, team.name, team.area, "volunteers:teams")


@login_required
def team_detail(request, team_id):
    team = policy.get_object_for_user(
        request.user, VolunteerTeam.objects.select_related("area", "leader"), team_id, P.VIEW
    )
    can_manage = policy.can(request.user, P.MANAGE, area=team.area)
    form = MemberForm(request.POST or None)
    if request.method == "POST":
        policy.require(request.user, P.MANAGE, area=team.area)
        if form.is_valid():
            volunteer = Volunteer.objects.filter(number=form.cleaned_data["number"]).first()
            try:
                if volunteer is None:
                    raise ValidationError({"number": _("No volunteer has this number.")})
                actions.add_team_member(
                    actor=request.user,
                    team=team,
                    volunteer=volunteer,
                    is_leader=form.cleaned_data["is_leader"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The volunteer joined the team."))
                return redirect("volunteers:team", team.pk)
    members = team.memberships.select_related("volunteer__person").order_by("-is_leader", "joined_on", "id")[
        :500
    ]
    activities = team.activities.order_by("-starts_at")[:20]
    return render(
        request,
        "volunteers/team_detail.html",
        {
            "team": team,
            "members": members,
            "activities": activities,
            "figures": queries.team_figures(team),
            "can_manage": can_manage,
            "form": form,
            "brands": team.brand_projects.all()[:20],
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def team_member_remove(request, team_id, volunteer_id):
    team = policy.get_object_for_user(
        request.user, VolunteerTeam.objects.select_related("area"), team_id, P.MANAGE
    )
    volunteer = get_or_404(Volunteer, volunteer_id)
    try:
        actions.remove_team_member(actor=request.user, team=team, volunteer=volunteer)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("The volunteer left the team."))
    return redirect("volunteers:team", team.pk)


# --- volunteers ------------------------------------------------------------------------------------------------
@login_required
def volunteer_list(request):
    area = current_area(request)
    q = (request.GET.get("q") or "").strip()[:20]
    qs = queries.volunteers_for(request.user, area, number=q or None).only(*rows.LIST_FIELDS)
    page = page_of(request, qs, queries.VOLUNTEER_ORDERING, f"volunteers-{area.pk}-{q}")
    context = list_context(request, area, page, "volunteers")
    context["q"] = q
    context["rows"] = rows.list_rows(page.items)
    return render(request, "volunteers/volunteer_list.html", context)


@login_required
def volunteer_create(request):
    area = current_area(request, P.MANAGE)
    form = VolunteerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = person_by_id_number(request.user, form.cleaned_data["id_number"])
        try:
            if person is None:
                raise ValidationError(
                    {"id_number": _("No person with this ID number is recorded in your areas.")}
                )
            volunteer = actions.register_volunteer(
                actor=request.user,
                person=person,
                skills=split(form.cleaned_data["skills"]),
                availability=form.cleaned_data["availability"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "person" in exc.error_dict:
                exc = ValidationError({"id_number": exc.error_dict["person"]})
            apply_errors(form, exc)
        else:
            messages.success(request, _("Registered as volunteer %(n)s.") % {"n": volunteer.number})
            return redirect("volunteers:volunteer", volunteer.pk)
    return render_form(request, form, _("Register a volunteer"), area, "volunteers:volunteers")


def _visible_volunteer(request, volunteer_id) -> Volunteer:
    volunteer = get_or_404(Volunteer, volunteer_id, "person", "area")
    if volunteer.person.user_id != request.user.pk:
        policy.require(request.user, P.VIEW, area=volunteer.area)
    return volunteer


@login_required
def volunteer_detail(request, volunteer_id):
    volunteer = _visible_volunteer(request, volunteer_id)
    records = page_of(
        request, queries.records_of(volunteer, include_void=True), ("-served_on",), f"vrec-{volunteer.pk}"
    )
    can_record = policy.can(request.user, P.RECORD_HOURS, area=volunteer.area)
    return render(
        request,
        "volunteers/volunteer_detail.html",
        {
            "volunteer": volunteer,
            "id_masked": mask_id_number(volunteer.person.id_number),
            "page": records,
            "query": "",
            "teams": volunteer.memberships.select_related("team").order_by("joined_on"),
            "certificates": volunteer.certificates.order_by("-issued_on", "-id")[:20],
            "next_star": queries.next_star(volunteer),
            "stars": range(volunteer.star_level),
            "can_manage": policy.can(request.user, P.MANAGE, area=volunteer.area),
            "can_record": can_record,
            "can_certify": policy.can(request.user, P.ISSUE_CERTIFICATE, area=volunteer.area),
            "hours_form": HoursForm(initial={"recording_body": actions.default_issuer(volunteer)})
            if can_record
            else None,
            "signups": queries.signups_of(volunteer)[:10],
        },
    )


@login_required
def volunteer_edit(request, volunteer_id):
    volunteer = policy.get_object_for_user(
        request.user, Volunteer.objects.select_related("area", "person"), volunteer_id, P.MANAGE
    )
    form = VolunteerEditForm(
        request.POST or None,
        initial={
            "skills": ", ".join(volunteer.skills),
            "availability": volunteer.availability,
            "is_active": volunteer.is_active,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["skills"] = split(data["skills"])
        try:
            actions.update_volunteer(actor=request.user, volunteer=volunteer, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The volunteer was saved."))
            return redirect("volunteers:volunteer", volunteer.pk)
    return render_form(request, form, str(volunteer), volunteer.area, "volunteers:volunteers")


@login_required
def record_hours(request, volunteer_id):
    volunteer = policy.get_object_for_user(
        request.user, Volunteer.objects.select_related("area", "person"), volunteer_id, P.RECORD_HOURS
    )
    form = HoursForm(request.POST or None, initial={"recording_body": actions.default_issuer(volunteer)})
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_service(actor=request.user, volunteer=volunteer, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The service hours were recorded."))
            return redirect("volunteers:volunteer", volunteer.pk)
    return render_form(
        request,
        form,
        _("Record service hours: %(name)s") % {"name": volunteer.person.name},
        volunteer.area,
        "volunteers:volunteers",
    )


@login_required
def record_correct(request, record_id):
    record = get_or_404(ServiceRecord, record_id, "volunteer__area", "volunteer__person", "activity__area")
    policy.require(
        request.user,
        P.RECORD_HOURS,
        area=record.activity.area if record.activity_id else record.volunteer.area,
    )
    form = CorrectionForm(request.POST or None, initial={"hours": record.hours})
    if request.method == "POST" and form.is_valid():
        try:
            actions.correct_service_record(actor=request.user, record=record, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The record was corrected; the old one is kept, marked as replaced."))
            return redirect("volunteers:volunteer", record.volunteer_id)
    title = _("Correct the record of %(date)s (%(hours)s h)") % {
        "date": record.served_on,
        "hours": record.hours,
    }
    return render_form(request, form, title, record.volunteer.area, "volunteers:volunteers")


@login_required
@require_POST
def certificate_issue(request, volunteer_id):
    volunteer = policy.get_object_for_user(
        request.user, Volunteer.objects.select_related("area", "person"), volunteer_id, P.ISSUE_CERTIFICATE
    )
    try:
        cert = actions.issue_certificate(
            actor=request.user, volunteer=volunteer, issuer=request.POST.get("issuer", "")
        )
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("Certificate %(n)s issued.") % {"n": cert.number})
    return redirect("volunteers:volunteer", volunteer.pk)


@login_required
def certificate_pdf(request, certificate_id):
    """Without a token: start rendering (a task) and redirect here with the file's token; with one: the file,
    once stored, for the user the token was made for (404 for anyone else)."""
    from urllib.parse import urlencode

    from django.urls import reverse

    from gongzhi.core import files

    cert = get_or_404(Certificate, certificate_id, "volunteer__person", "volunteer__area")
    _visible_volunteer(request, cert.volunteer_id)
    token = request.GET.get("t")
    if not token:
        token = certificates.request_certificate_pdf(request.user, cert)
        return redirect(f"{reverse('volunteers:certificate_pdf', args=[cert.pk])}?{urlencode({'t': token})}")
    payload = files.open_token(token, request.user, kind=certificates.FILE_KIND)
    if payload is None or payload.get("o") != cert.pk:
        raise Http404
    return files.response(
        request, payload, filename=f"{cert.number}.pdf", content_type="application/pdf", as_attachment=False
    )
