"""Registry pages: organizations (list, detail with history, register, change, deregister, grade,
contact data), filed community teams and stationed units. Thin: parse, authorize, call, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gongzhi.areas.models import Area
from gongzhi.core import exports, policy
from gongzhi.core.forms import apply_errors
from gongzhi.core.paging import InvalidCursor, KeysetPaginator

from . import actions, queries
from . import permissions as P
from .forms import (
    TEAM_STATUS_CHOICES,
    ContactForm,
    DeregisterForm,
    GradeForm,
    OrganizationForm,
    OrgFilterForm,
    TeamCancelForm,
    TeamForm,
    UnitForm,
)
from .models import FiledTeam, SocialOrganization, StationedUnit
from .models.registry import OrgStatus

EXPORT_FORMATS = ("csv", "xlsx")


# --- helpers -------------------------------------------------------------------------------------
def page_of(request, qs, ordering, name):
    paginator = KeysetPaginator(qs, ordering, page_size=50, name=name)
    try:
        return paginator.page(request.GET.get("cursor"))
    except InvalidCursor:
        messages.error(request, _("The page link is not valid; showing the first page."))
        return paginator.page(None)


def query_without(request, *keys) -> str:
    query = request.GET.copy()
    for key in ("cursor", *keys):
        query.pop(key, None)
    return query.urlencode()


def area_param(request, capability) -> Area | None:
    """The area chosen with ?area=id (404 if unknown, 403 outside the scope), or None for the whole scope."""
    raw = request.GET.get("area")
    if not raw:
        return None
    try:
        area = Area.objects.get(pk=int(raw))
    except (Area.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    policy.require(request.user, capability, area=area)
    return area


def get_or_404(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def area_choices(areas, *extra_ids):
    """A plain queryset (a form cannot validate against a sliced one) of the offered areas."""
    return Area.objects.filter(pk__in=[a.pk for a in areas] + list(extra_ids)).order_by("path")


def render_form(request, template, context, form):
    return render(request, template, {"form": form, **context}, status=422 if form.errors else 200)


ORG_EXPORT = [
    exports.ExportColumn("名称 / name", "name"),
    exports.ExportColumn("统一社会信用代码 / uscc", "uscc"),
    exports.ExportColumn("类型 / type", "org_type"),
    exports.ExportColumn("子类型 / subtype", "subtype"),
    exports.ExportColumn("组织形式 / form", "form"),
    exports.ExportColumn("登记日期 / registered on", "registered_on"),
    exports.ExportColumn("状态 / status", "status"),
    exports.ExportColumn("状态日期 / status date", "status_changed_on"),
    exports.ExportColumn("区域 / area", "area__name"),
    exports.ExportColumn("区域代码 / area code", lambda o: o.area.code),
    exports.ExportColumn("地址 / address", "address"),
    exports.ExportColumn("法定代表人 / legal representative", "legal_representative"),
    exports.ExportColumn("法定代表人身份证号 / legal rep. ID", "legal_rep_id_number", "id_number"),
    exports.ExportColumn("法定代表人电话 / legal rep. phone", "legal_rep_phone", "phone"),
    exports.ExportColumn("业务范围 / business scope", "business_scope"),
    exports.ExportColumn("业务主管单位 / supervising unit", "supervising_unit"),
    exports.ExportColumn("评估等级 / grade", "evaluation_grade"),
    exports.ExportColumn("等级有效期至 / grade valid until", "grade_valid_until"),
    exports.ExportColumn("联系人 / contact", "contact_person"),
    exports.ExportColumn("联系电话 / office phone", "contact_phone"),
]


# --- organizations -------------------------------------------------------------------------------
@login_required
def org_list(request):
    policy.require(request.user, P.VIEW_REGISTRY)
    area = area_param(request, P.VIEW_REGISTRY)
    filters = OrgFilterForm(request.GET)
    filters.is_valid()
    f = filters.cleaned_data
    qs = queries.organizations_for(
        request.user,
        area,
        org_type=f.get("org_type"),
        subtype=f.get("subtype"),
        status=f.get("status"),
        grade=f.get("grade"),
        form=f.get("form"),
        q=f.get("q"),
    )
    fmt = request.GET.get("export")
    if fmt in EXPORT_FORMATS:
        return exports.export_response(
            qs.order_by("name", "id"), ORG_EXPORT, fmt=fmt, filename="organizations", actor=request.user
        )
    page = page_of(request, qs, queries.ORG_ORDERING, f"orgs-{area.pk if area else 0}")
    return render(
        request,
        "orgs/org_list.html",
        {
            "page": page,
            "filters": filters,
            "area": area,
            "scope_areas": queries.scope_areas(request.user, P.VIEW_REGISTRY)[:20],
            "children": area.children.order_by("path")[:100] if area else [],
            "query": query_without(request),
            "export_query": query_without(request, "export"),
            "can_register": policy.can(request.user, P.REGISTER),
            "can_import": policy.can(request.user, P.IMPORT),
        },
    )


def _org(request, org_id) -> SocialOrganization:
    org = get_or_404(SocialOrganization.objects.select_related("area"), org_id)
    if not queries.can_view_org(request.user, org):
        raise PermissionDenied
    return org


@login_required
def org_detail(request, org_id):
    org = _org(request, org_id)
    user = request.user
    return render(
        request,
        "orgs/org_detail.html",
        {
            "org": org,
            "history": queries.history_of(org)[:100],
            "inspections": org.inspections.order_by("-year")[:10],
            "can_register": policy.can(user, P.REGISTER, body=org),
            "can_contact": policy.can(user, P.EDIT_CONTACT, body=org),
            "see_legal_rep": policy.can(user, P.SEE_LEGAL_REP, body=org),
            "deregistered": org.status == OrgStatus.DEREGISTERED,
        },
    )


@login_required
def my_organization(request):
    ids = queries.own_organization_ids(request.user)
    if len(ids) == 1:
        return redirect("orgs:detail", ids[0])
    return redirect("orgs:list")


@login_required
def org_create(request):
    policy.require(request.user, P.REGISTER)
    areas = queries.form_areas(request.user, P.REGISTER, queries.ORG_AREA_KINDS)
    form = OrganizationForm(request.POST or None, areas=area_choices(areas))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            org = actions.register_organization(actor=request.user, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The organization was registered."))
            return redirect("orgs:detail", org.pk)
    return render_form(
        request, "orgs/form.html", {"title": _("Register an organization"), "form_id": "org-form"}, form
    )


ORG_INITIAL = (
    "name",
    "uscc",
    "org_type",
    "subtype",
    "form",
    "registered_on",
    "address",
    "legal_representative",
    "business_scope",
    "supervising_unit",
    "contact_person",
    "contact_phone",
    "contact_email",
    "website",
)


@login_required
def org_edit(request, org_id):
    org = _org(request, org_id)
    policy.require(request.user, P.REGISTER, body=org)
    if org.status == OrgStatus.DEREGISTERED:
        messages.error(request, _("A deregistered organization cannot be changed."))
        return redirect("orgs:detail", org.pk)
    areas = queries.form_areas(request.user, P.REGISTER, queries.ORG_AREA_KINDS)
    form = OrganizationForm(
        request.POST or None,
        initial={"area": org.area, **{k: getattr(org, k) for k in ORG_INITIAL}},
        areas=area_choices(areas, org.area_id),
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        effective_on, note = data.pop("effective_on"), data.pop("note")
        for key in ("legal_rep_id_number", "legal_rep_phone"):
            if not data[key]:
                data.pop(key)  # blank keeps the recorded value; it is never sent to the browser
        try:
            actions.update_organization(
                actor=request.user, organization=org, effective_on=effective_on, note=note, **data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The registration change was recorded."))
            return redirect("orgs:detail", org.pk)
    return render_form(
        request,
        "orgs/form.html",
        {
            "title": _("Change the registration of %(name)s") % {"name": org.name},
            "org": org,
            "form_id": "org-form",
        },
        form,
    )


@login_required
def org_deregister(request, org_id):
    org = _org(request, org_id)
    policy.require(request.user, P.REGISTER, body=org)
    form = DeregisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_status(
                actor=request.user,
                organization=org,
                status=OrgStatus.DEREGISTERED,
                effective_on=form.cleaned_data["effective_on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The organization was deregistered."))
            return redirect("orgs:detail", org.pk)
    return render_form(
        request,
        "orgs/form.html",
        {
            "title": _("Deregister %(name)s") % {"name": org.name},
            "org": org,
            "form_id": "deregister-form",
            "danger": True,
        },
        form,
    )


@login_required
def org_grade(request, org_id):
    org = _org(request, org_id)
    policy.require(request.user, P.REGISTER, body=org)
    form = GradeForm(request.POST or None, initial={"grade": org.evaluation_grade})
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_grade(actor=request.user, organization=org, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The evaluation grade was recorded."))
            return redirect("orgs:detail", org.pk)
    return render_form(
        request,
        "orgs/form.html",
        {
            "title": _("Evaluation grade of %(name)s") % {"name": org.name},
            "org": org,
            "form_id": "grade-form",
        },
        form,
    )


@login_required
def org_contact(request, org_id):
    org = _org(request, org_id)
    policy.require(request.user, P.EDIT_CONTACT, body=org)
    fields = ContactForm.base_fields
    form = ContactForm(request.POST or None, initial={k: getattr(org, k) for k in fields})
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_contact(actor=request.user, organization=org, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The contact data were saved."))
            return redirect("orgs:detail", org.pk)
    return render_form(
        request,
        "orgs/form.html",
        {"title": _("Contact data of %(name)s") % {"name": org.name}, "org": org, "form_id": "contact-form"},
        form,
    )


# --- filed teams ---------------------------------------------------------------------------------
TEAM_EXPORT = [
    exports.ExportColumn("名称 / name", "name"),
    exports.ExportColumn("活动类型 / activity", "activity_kind"),
    exports.ExportColumn("负责人 / leader", "leader_name"),
    exports.ExportColumn("负责人电话 / leader's phone", "leader_phone", "phone"),
    exports.ExportColumn("人数 / members", "members_count"),
    exports.ExportColumn("区域 / area", "area__name"),
    exports.ExportColumn("备案日期 / filed on", "filed_on"),
    exports.ExportColumn("状态 / status", "status"),
    exports.ExportColumn("注销日期 / cancelled on", "cancelled_on"),
]


@login_required
def team_list(request):
    policy.require(request.user, P.VIEW_TEAMS)
    area = area_param(request, P.VIEW_TEAMS)
    status = request.GET.get("status") if request.GET.get("status") in FiledTeam.Status.values else None
    q = (request.GET.get("q") or "").strip()[:60]
    qs = queries.teams_for(request.user, area, status=status, q=q)
    fmt = request.GET.get("export")
    if fmt in EXPORT_FORMATS:
        return exports.export_response(
            qs.order_by("name", "id"), TEAM_EXPORT, fmt=fmt, filename="filed-teams", actor=request.user
        )
    return render(
        request,
        "orgs/team_list.html",
        {
            "page": page_of(request, qs, queries.TEAM_ORDERING, f"teams-{area.pk if area else 0}"),
            "area": area,
            "status": status or "",
            "q": q,
            "status_choices": TEAM_STATUS_CHOICES,
            "scope_areas": queries.scope_areas(request.user, P.VIEW_TEAMS)[:20],
            "query": query_without(request),
            "export_query": query_without(request, "export"),
            "can_file": policy.can(request.user, P.FILE_TEAMS),
        },
    )


@login_required
def team_create(request):
    policy.require(request.user, P.FILE_TEAMS)
    areas = queries.form_areas(request.user, P.FILE_TEAMS, queries.TEAM_AREA_KINDS)
    form = TeamForm(request.POST or None, areas=area_choices(areas))
    if request.method == "POST" and form.is_valid():
        try:
            team = actions.file_team(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The team was filed."))
            return redirect("orgs:team", team.pk)
    return render_form(
        request, "orgs/form.html", {"title": _("File a community team"), "form_id": "team-form"}, form
    )


def _team(request, team_id) -> FiledTeam:
    team = get_or_404(FiledTeam.objects.select_related("area"), team_id)
    policy.require(request.user, P.VIEW_TEAMS, area=team.area)
    return team


@login_required
def team_detail(request, team_id):
    team = _team(request, team_id)
    can_file = policy.can(request.user, P.FILE_TEAMS, area=team.area)
    form = None
    if can_file and team.status != FiledTeam.Status.CANCELLED:
        fields = ("name", "activity_kind", "leader_name", "members_count", "filed_on", "note")
        form = TeamForm(request.POST or None, initial={k: getattr(team, k) for k in fields}, editing=True)
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            if not data["leader_phone"]:
                data.pop("leader_phone")
            try:
                actions.update_team(actor=request.user, team=team, **data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The filing change was recorded."))
                return redirect("orgs:team", team.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "orgs/team_detail.html",
        {"team": team, "form": form, "cancel_form": TeamCancelForm() if form else None},
        status=422 if form is not None and form.errors else 200,
    )


@login_required
def team_cancel(request, team_id):
    team = _team(request, team_id)
    policy.require(request.user, P.FILE_TEAMS, area=team.area)
    form = TeamCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.cancel_team(actor=request.user, team=team, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The filing was cancelled."))
            return redirect("orgs:team", team.pk)
    return render_form(
        request,
        "orgs/form.html",
        {
            "title": _("Cancel the filing of %(name)s") % {"name": team.name},
            "form_id": "team-cancel-form",
            "danger": True,
        },
        form,
    )


# --- stationed units -----------------------------------------------------------------------------
UNIT_EXPORT = [
    exports.ExportColumn("名称 / name", "name"),
    exports.ExportColumn("统一社会信用代码 / uscc", "uscc"),
    exports.ExportColumn("类别 / kind", "kind"),
    exports.ExportColumn("区域 / area", "area__name"),
    exports.ExportColumn("地址 / address", "address"),
    exports.ExportColumn("联络员 / liaison", lambda u: u.liaison.display_name if u.liaison else ""),
    exports.ExportColumn("有党组织 / party organization", "has_party_organization"),
    exports.ExportColumn("职工人数 / employees", "employees"),
    exports.ExportColumn("在册 / active", "is_active"),
]


@login_required
def unit_list(request):
    policy.require(request.user, P.VIEW_UNITS)
    area = area_param(request, P.VIEW_UNITS)
    kind = request.GET.get("kind") if request.GET.get("kind") in StationedUnit.Kind.values else None
    party = {"yes": True, "no": False}.get(request.GET.get("party"))
    q = (request.GET.get("q") or "").strip()[:60]
    qs = queries.units_for(request.user, area, kind=kind, party=party, q=q)
    fmt = request.GET.get("export")
    if fmt in EXPORT_FORMATS:
        return exports.export_response(
            qs.order_by("name", "id"), UNIT_EXPORT, fmt=fmt, filename="stationed-units", actor=request.user
        )
    return render(
        request,
        "orgs/unit_list.html",
        {
            "page": page_of(request, qs, queries.UNIT_ORDERING, f"units-{area.pk if area else 0}"),
            "area": area,
            "kind": kind or "",
            "party": request.GET.get("party", ""),
            "q": q,
            "kinds": StationedUnit.Kind.choices,
            "scope_areas": queries.scope_areas(request.user, P.VIEW_UNITS)[:20],
            "query": query_without(request),
            "export_query": query_without(request, "export"),
            "can_create": bool(policy.area_paths(request.user, P.MANAGE_UNITS) != []),
        },
    )


@login_required
def unit_create(request):
    paths = policy.area_paths(request.user, P.MANAGE_UNITS)
    if paths == []:
        raise PermissionDenied  # a liaison keeps their own unit but adds none
    areas = queries.form_areas(request.user, P.MANAGE_UNITS, queries.TEAM_AREA_KINDS)
    form = UnitForm(request.POST or None, areas=area_choices(areas))
    if request.method == "POST" and form.is_valid():
        try:
            unit = actions.create_unit(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The unit was added."))
            return redirect("orgs:unit", unit.pk)
    return render_form(
        request, "orgs/form.html", {"title": _("Add a stationed unit"), "form_id": "unit-form"}, form
    )


@login_required
def unit_detail(request, unit_id):
    unit = get_or_404(StationedUnit.objects.select_related("area", "liaison"), unit_id)
    policy.require(request.user, P.VIEW_UNITS, body=unit)
    can_edit = policy.can(request.user, P.MANAGE_UNITS, body=unit)
    staff = policy.can(request.user, P.MANAGE_UNITS, area=unit.area)
    form = None
    if can_edit:
        fields = (
            "name",
            "uscc",
            "kind",
            "address",
            "contact_phone",
            "employees",
            "has_party_organization",
            "is_active",
        )
        initial = {k: getattr(unit, k) for k in fields}
        initial["liaison"] = unit.liaison.username if unit.liaison else ""
        form = UnitForm(request.POST or None, initial=initial, editing=True, staff=staff)
        if request.method == "POST" and form.is_valid():
            try:
                actions.update_unit(actor=request.user, unit=unit, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The unit was saved."))
                return redirect("orgs:unit", unit.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "orgs/unit_detail.html",
        {"unit": unit, "form": form},
        status=422 if form is not None and form.errors else 200,
    )


@login_required
def my_unit(request):
    ids = queries.own_unit_ids(request.user)
    if len(ids) == 1:
        return redirect("orgs:unit", ids[0])
    return redirect("orgs:units")
