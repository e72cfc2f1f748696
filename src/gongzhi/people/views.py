"""People pages: lists by area, person, household and dwelling pages, and the resident's own record."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.accounts.models import User
from gongzhi.areas import queries as area_queries
from gongzhi.areas.models import Area, AreaKind
from gongzhi.core import policy
from gongzhi.core.exports import ExportColumn, columns_for, export_response
from gongzhi.core.forms import apply_errors
from gongzhi.core.paging import InvalidCursor, KeysetPaginator
from gongzhi.core.pii import mask_id_number, mask_phone

from . import actions, queries
from .forms import AddMemberForm, DwellingForm, HouseholdForm, LinkUserForm, OwnRecordForm, PersonForm
from .models import Dwelling, Household, HouseholdMember, Person

EXPORT_FORMATS = ("csv", "xlsx")

# Forms offer areas only from a street down: a city-wide select would list thousands of committees.
_TOO_HIGH = {AreaKind.CITY, AreaKind.DISTRICT}


def _current_area(request, capability=actions.VIEW) -> Area:
    """The area picked with ?area=id (inside the user's scope) or the user's first scope area."""
    policy.require(request.user, capability)
    raw = request.GET.get("area")
    if raw:
        try:
            area = Area.objects.get(pk=int(raw))
        except (Area.DoesNotExist, ValueError, TypeError):
            raise Http404 from None
        policy.require(request.user, capability, area=area)
        return area
    area = area_queries.first_scope_area(request.user, capability)
    if area is None:
        raise PermissionDenied
    return area


def _page(request, qs, ordering, name):
    paginator = KeysetPaginator(qs, ordering, page_size=50, name=name)
    try:
        return paginator.page(request.GET.get("cursor"))
    except InvalidCursor:
        messages.error(request, _("The page link is not valid; showing the first page."))
        return paginator.page(None)


def _query_without_cursor(request) -> str:
    query = request.GET.copy()
    query.pop("cursor", None)
    return query.urlencode()


def _area_choices(area: Area, kinds):
    if area.kind in _TOO_HIGH:
        return Area.objects.none()
    return area.subtree().filter(kind__in=list(kinds), abolished_on__isnull=True).order_by("path")


def _list_context(request, area, page, kind):
    return {
        "area": area,
        "ancestors": area_queries.ancestors_of(area),
        "children": area.children.order_by("path")[:200],
        "scope_areas": queries.scope_areas(request.user, actions.VIEW)[:20],
        "page": page,
        "query": _query_without_cursor(request),
        "can_manage": policy.can(request.user, actions.MANAGE, area=area),
        "can_create_here": area.kind not in _TOO_HIGH,
        "list_kind": kind,
    }


# --- persons ----------------------------------------------------------------------------------------
@login_required
def person_list(request):
    area = _current_area(request)
    q = (request.GET.get("q") or "").strip()[:40]
    qs = queries.people_for(request.user, area, name_prefix=q or None)
    if request.GET.get("export") in EXPORT_FORMATS:
        columns = columns_for(Person, ["name", "gender", "birth_date", "id_number", "phone", "address"])
        columns.append(ExportColumn(str(_("Area")), "area__name"))
        return export_response(
            qs.select_related("area"),
            columns,
            fmt=request.GET["export"],
            filename=f"people-{area.code or area.pk}",
        )
    page = _page(request, qs, queries.PERSON_ORDERING, f"people-{area.pk}-{q}")
    context = _list_context(request, area, page, "people")
    context["q"] = q
    return render(request, "people/person_list.html", context)


def _masked(person: Person) -> dict:
    return {"id_number": mask_id_number(person.id_number), "phone": mask_phone(person.phone)}


@login_required
def person_detail(request, person_id):
    person = policy.get_object_for_user(
        request.user, Person.objects.select_related("area", "user"), person_id, actions.VIEW
    )
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "masked": _masked(person),
            "memberships": queries.memberships_of(person),
            "can_manage": policy.can(request.user, actions.MANAGE, area=person.area),
            "link_form": LinkUserForm(initial={"username": person.user.username if person.user else ""}),
        },
    )


@login_required
def person_create(request):
    area = _current_area(request, actions.MANAGE)
    form = PersonForm(request.POST or None, areas=_area_choices(area, actions.PERSON_AREA_KINDS))
    if request.method == "POST" and form.is_valid():
        try:
            person = actions.create_person(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The person was recorded."))
            return redirect("people:detail", person.pk)
    return render(
        request,
        "people/form.html",
        {"form": form, "area": area, "title": _("New person"), "cancel": "people:list"},
        status=422 if form.errors else 200,
    )


@login_required
def person_edit(request, person_id):
    person = policy.get_object_for_user(
        request.user, Person.objects.select_related("area"), person_id, actions.MANAGE
    )
    areas = _area_choices(
        person.area.parent if person.area.parent else person.area, actions.PERSON_AREA_KINDS
    )
    initial = {
        "area": person.area,
        "name": person.name,
        "gender": person.gender,
        "birth_date": person.birth_date,
        "address": person.address,
    }
    form = PersonForm(
        request.POST or None,
        initial=initial,
        areas=areas | Area.objects.filter(pk=person.area_id),
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        for key in ("id_number", "phone"):
            if not data[key]:
                data.pop(key)  # blank keeps the recorded value; it is never sent to the browser
        if data.get("id_number") and data.get("birth_date") is None:
            data.pop("birth_date")
        try:
            actions.update_person(actor=request.user, person=person, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The person was saved."))
            return redirect("people:detail", person.pk)
    return render(
        request,
        "people/form.html",
        {
            "form": form,
            "area": person.area,
            "title": _("Edit %(name)s") % {"name": person.name},
            "masked": _masked(person),
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def person_link_user(request, person_id):
    person = policy.get_object_for_user(
        request.user, Person.objects.select_related("area"), person_id, actions.MANAGE
    )
    form = LinkUserForm(request.POST)
    if form.is_valid():
        username = form.cleaned_data["username"]
        user = User.objects.filter(username=username).first() if username else None
        if username and user is None:
            messages.error(request, _("No user has this username."))
            return redirect("people:detail", person.pk)
        try:
            actions.link_person_to_user(actor=request.user, person=person, user=user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The user account link was saved."))
    return redirect("people:detail", person.pk)


# --- the resident's own record ----------------------------------------------------------------------
@login_required
def my_record(request):
    person = actions.own_person(request.user)
    form = OwnRecordForm(request.POST or None, initial={"address": person.address if person else ""})
    if request.method == "POST" and person is not None and form.is_valid():
        data = {"address": form.cleaned_data["address"]}
        if form.cleaned_data["phone"]:
            data["phone"] = form.cleaned_data["phone"]
        try:
            actions.correct_own_record(actor=request.user, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Your record was corrected."))
            return redirect("people:me")
    return render(
        request,
        "people/my_record.html",
        {
            "person": person,
            "masked": _masked(person) if person else {},
            "memberships": queries.memberships_of(person) if person else [],
            "form": form,
        },
        status=422 if form.errors else 200,
    )


# --- households -------------------------------------------------------------------------------------
@login_required
def household_list(request):
    area = _current_area(request)
    q = (request.GET.get("q") or "").strip()[:40]
    qs = queries.households_for(request.user, area, number_prefix=q or None)
    if request.GET.get("export") in EXPORT_FORMATS:
        columns = columns_for(Household, ["number", "kind", "tenure"])
        columns += [ExportColumn(str(_("Dwelling")), "dwelling"), ExportColumn(str(_("Area")), "area__name")]
        return export_response(
            qs.select_related("area", "dwelling__area"),
            columns,
            fmt=request.GET["export"],
            filename=f"households-{area.code or area.pk}",
        )
    page = _page(request, qs, queries.HOUSEHOLD_ORDERING, f"households-{area.pk}-{q}")
    context = _list_context(request, area, page, "households")
    context["q"] = q
    return render(request, "people/household_list.html", context)


def _dwellings_under(area: Area):
    if area.kind in _TOO_HIGH:
        return Dwelling.objects.none()
    return (
        Dwelling.objects.filter(queries.area_q(area))
        .select_related("area")
        .order_by("area_path", *queries.DWELLING_ORDERING)
    )


@login_required
def household_create(request):
    area = _current_area(request, actions.MANAGE)
    initial = {}
    dwelling_id = request.GET.get("dwelling")
    if dwelling_id:
        dwelling = Dwelling.objects.filter(pk=dwelling_id).select_related("area").first()
        if dwelling is not None and policy.can(request.user, actions.MANAGE, area=dwelling.area):
            area = dwelling.area
            initial = {"dwelling": dwelling, "area": dwelling.area}
    form = HouseholdForm(
        request.POST or None,
        initial=initial,
        areas=_area_choices(area, actions.HOUSEHOLD_AREA_KINDS),
        dwellings=_dwellings_under(area),
    )
    if request.method == "POST" and form.is_valid():
        try:
            household = actions.create_household(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The household was recorded."))
            return redirect("people:household", household.pk)
    return render(
        request,
        "people/form.html",
        {"form": form, "area": area, "title": _("New household"), "cancel": "people:households"},
        status=422 if form.errors else 200,
    )


@login_required
def household_detail(request, household_id):
    household = policy.get_object_for_user(
        request.user,
        Household.objects.select_related("area", "dwelling", "dwelling__area"),
        household_id,
        actions.VIEW,
    )
    can_manage = policy.can(request.user, actions.MANAGE, area=household.area)
    form = AddMemberForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            person = queries.find_person(request.user, form.cleaned_data["id_number"])
            if person is None:
                form.add_error("id_number", _("No person with this ID number is recorded in your area."))
            else:
                try:
                    actions.add_member(
                        actor=request.user,
                        household=household,
                        person=person,
                        relation=form.cleaned_data["relation"],
                    )
                except ValidationError as exc:
                    apply_errors(form, exc)
                except PermissionDenied:
                    form.add_error("id_number", _("You cannot manage this person."))
                else:
                    messages.success(
                        request, _("%(name)s was added to the household.") % {"name": person.name}
                    )
                    return redirect("people:household", household.pk)
    return render(
        request,
        "people/household_detail.html",
        {
            "household": household,
            "members": queries.members_of(household),
            "can_manage": can_manage,
            "form": form,
        },
        status=422 if form.errors else 200,
    )


@login_required
def household_edit(request, household_id):
    household = policy.get_object_for_user(
        request.user, Household.objects.select_related("area", "dwelling"), household_id, actions.MANAGE
    )
    base = household.area.parent if household.area.kind == AreaKind.COMPOUND else household.area
    areas = _area_choices(base, actions.HOUSEHOLD_AREA_KINDS)
    form = HouseholdForm(
        request.POST or None,
        initial={
            "area": household.area,
            "number": household.number,
            "kind": household.kind,
            "tenure": household.tenure,
            "dwelling": household.dwelling,
        },
        areas=areas,
        dwellings=_dwellings_under(base),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # One form, two actions (details, then the move): both or neither.
            with transaction.atomic():
                actions.update_household(
                    actor=request.user,
                    household=household,
                    number=data["number"],
                    kind=data["kind"],
                    tenure=data["tenure"],
                )
                if data["dwelling"] != household.dwelling or data["area"] != household.area:
                    actions.move_household(
                        actor=request.user, household=household, dwelling=data["dwelling"], area=data["area"]
                    )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The household was saved."))
            return redirect("people:household", household.pk)
    return render(
        request,
        "people/form.html",
        {
            "form": form,
            "area": household.area,
            "title": _("Edit household %(number)s") % {"number": household.number},
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def member_remove(request, household_id, member_id):
    member = get_object_or_404(
        HouseholdMember.objects.select_related("household", "household__area"),
        pk=member_id,
        household_id=household_id,
    )
    try:
        actions.remove_member(actor=request.user, member=member)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The member was removed."))
    return redirect("people:household", household_id)


# --- dwellings --------------------------------------------------------------------------------------
@login_required
def dwelling_list(request):
    area = _current_area(request)
    building = (request.GET.get("building") or "").strip()[:20]
    qs = queries.dwellings_for(request.user, area, building=building or None)
    if request.GET.get("export") in EXPORT_FORMATS:
        columns = columns_for(Dwelling, ["building", "unit", "room", "floor_area_m2", "use", "occupied"])
        columns.append(ExportColumn(str(_("Area")), "area__name"))
        return export_response(
            qs.select_related("area"),
            columns,
            fmt=request.GET["export"],
            filename=f"dwellings-{area.code or area.pk}",
        )
    page = _page(request, qs, queries.DWELLING_ORDERING, f"dwellings-{area.pk}-{building}")
    context = _list_context(request, area, page, "dwellings")
    context["building"] = building
    return render(request, "people/dwelling_list.html", context)


@login_required
def dwelling_create(request):
    area = _current_area(request, actions.MANAGE)
    form = DwellingForm(request.POST or None, areas=_area_choices(area, actions.DWELLING_AREA_KINDS))
    if request.method == "POST" and form.is_valid():
        try:
            dwelling = actions.create_dwelling(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The dwelling was recorded."))
            return redirect("people:dwelling", dwelling.pk)
    return render(
        request,
        "people/form.html",
        {"form": form, "area": area, "title": _("New dwelling"), "cancel": "people:dwellings"},
        status=422 if form.errors else 200,
    )


@login_required
def dwelling_detail(request, dwelling_id):
    dwelling = policy.get_object_for_user(
        request.user, Dwelling.objects.select_related("area"), dwelling_id, actions.VIEW
    )
    return render(
        request,
        "people/dwelling_detail.html",
        {
            "dwelling": dwelling,
            "households": queries.households_in(dwelling),
            "can_manage": policy.can(request.user, actions.MANAGE, area=dwelling.area),
        },
    )


@login_required
def dwelling_edit(request, dwelling_id):
    dwelling = policy.get_object_for_user(
        request.user, Dwelling.objects.select_related("area"), dwelling_id, actions.MANAGE
    )
    form = DwellingForm(
        request.POST or None,
        initial={k: getattr(dwelling, k) for k in actions.DWELLING_FIELDS},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_dwelling(actor=request.user, dwelling=dwelling, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The dwelling was saved."))
            return redirect("people:dwelling", dwelling.pk)
    return render(
        request,
        "people/form.html",
        {"form": form, "area": dwelling.area, "title": _("Edit dwelling %(d)s") % {"d": dwelling}},
        status=422 if form.errors else 200,
    )
