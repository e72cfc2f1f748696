"""Area pages: browse the tree (lazy children, code/name search), an area's page, create and edit forms,
a year's facts, splits and merges, and the departments covering each area."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from gongzhi.accounts.models import Department
from gongzhi.core import policy
from gongzhi.core.forms import apply_errors
from gongzhi.core.paging import InvalidCursor, KeysetPaginator

from . import actions, department_actions, queries, rows
from .actions import EDIT_AREAS, EDIT_FACTS, VIEW_AREAS
from .department_actions import LEVEL_AREA_KINDS, MANAGE_DEPARTMENTS
from .forms import AreaChangeForm, AreaCreateForm, AreaEditForm, DepartmentForm, FactsForm
from .models import Area, AreaFacts

CHILDREN_PAGE = 100


def _page(request, qs, ordering, name, size=CHILDREN_PAGE):
    paginator = KeysetPaginator(qs, ordering, page_size=size, name=name)
    try:
        return paginator.page(request.GET.get("cursor"))
    except InvalidCursor:
        messages.error(request, _("The page link is not valid; showing the first page."))
        return paginator.page(None)


@login_required
def tree(request):
    policy.require(request.user, VIEW_AREAS)
    q = (request.GET.get("q") or "").strip()[:40]
    if q:
        results = _page(request, queries.search_areas(q), ("path",), "area-search", size=50)
        return render(request, "areas/tree.html", {"q": q, "results": results, "query": urlencode({"q": q})})
    roots = Area.objects.filter(parent__isnull=True).order_by("path")[:200]
    return render(request, "areas/tree.html", {"q": "", "roots": roots})


@login_required
def children(request, area_id):
    """The htmx fragment that unfolds one level of the tree (and its next pages)."""
    policy.require(request.user, VIEW_AREAS)
    area = get_object_or_404(Area, pk=area_id)
    page = _page(request, area.children.all(), ("path",), f"children-{area.pk}")
    return render(request, "areas/_children.html", {"area": area, "page": page})


@login_required
def detail(request, area_id):
    area = get_object_or_404(Area, pk=area_id)
    policy.require(request.user, VIEW_AREAS)
    children_page = _page(request, area.children.all(), ("path",), f"children-{area.pk}")
    return render(
        request,
        "areas/detail.html",
        {
            "area": area,
            "ancestors": area.ancestors(),
            "children": children_page,
            "children_rows": rows.children_rows(children_page.items),
            "facts": queries.facts_by_year(area),
            "departments": Department.objects.filter(area=area).order_by("name")[:100],
            "changes_out": area.changes_out.order_by("-effective_on")[:20],
            "changes_in": area.changes_in.order_by("-effective_on")[:20],
            "can_edit": policy.can(request.user, EDIT_AREAS, area=area),
            "can_edit_facts": policy.can(request.user, EDIT_FACTS, area=area),
            "can_manage_departments": policy.can(request.user, MANAGE_DEPARTMENTS, area=area)
            and any(area.kind in kinds for kinds in LEVEL_AREA_KINDS.values()),
            "can_add_child": policy.can(request.user, EDIT_AREAS, area=area)
            and AreaCreateForm(parent=area).fields["kind"].choices,
        },
    )


@login_required
def create_child(request, area_id):
    parent = get_object_or_404(Area, pk=area_id)
    policy.require(request.user, EDIT_AREAS, area=parent)
    form = AreaCreateForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            area = actions.create_area(
                actor=request.user,
                parent=parent,
                name=data.pop("name"),
                kind=data.pop("kind"),
                gb2260=data.pop("gb2260"),
                stat_code=data.pop("stat_code"),
                **data,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The area was created."))
            return redirect("areas:detail", area.pk)
    return render(request, "areas/form.html", {"form": form, "area": parent, "creating": True})


@login_required
def edit(request, area_id):
    area = get_object_or_404(Area, pk=area_id)
    policy.require(request.user, EDIT_AREAS, area=area)
    initial = {f: getattr(area, f) for f in actions.EDITABLE_FIELDS}
    form = AreaEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_area(actor=request.user, area=area, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The area was saved."))
            return redirect("areas:detail", area.pk)
    return render(request, "areas/form.html", {"form": form, "area": area, "creating": False})


@login_required
def edit_facts(request, area_id):
    area = get_object_or_404(Area, pk=area_id)
    policy.require(request.user, EDIT_FACTS, area=area)
    initial = {}
    year = request.GET.get("year", "")
    if year.isdigit():
        existing = AreaFacts.objects.filter(area=area, year=int(year)).first()
        initial = {f: getattr(existing, f) for f in actions.FACT_FIELDS} if existing else {}
        initial["year"] = int(year)
    form = FactsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            actions.save_facts(actor=request.user, area=area, year=data.pop("year"), **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The facts were saved."))
            return redirect("areas:detail", area.pk)
    return render(request, "areas/facts_form.html", {"form": form, "area": area})


@login_required
def record_change(request, area_id):
    """Record a split, merge or rename among the subdivisions of this area."""
    parent = get_object_or_404(Area, pk=area_id)
    policy.require(request.user, EDIT_AREAS, area=parent)
    form = AreaChangeForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_area_change(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The change was recorded."))
            return redirect("areas:detail", parent.pk)
    return render(request, "areas/change_form.html", {"form": form, "area": parent})


@login_required
def departments(request):
    policy.require(request.user, VIEW_AREAS)
    qs = Department.objects.select_related("area")
    within = None
    code = (request.GET.get("area") or "").strip()
    if code:
        within = Area.objects.filter(gb2260=code).first() or Area.objects.filter(stat_code=code).first()
        if within is None:
            messages.error(request, _("No area has this code."))
            qs = qs.none()
        else:
            qs = queries.departments_in(within)
    page = _page(request, qs, ("name",), f"departments-{within.pk if within else 0}", size=50)
    return render(
        request,
        "areas/departments.html",
        {"page": page, "code": code, "within": within, "query": urlencode({"area": code}) if code else ""},
    )


@login_required
def create_department(request, area_id):
    area = get_object_or_404(Area, pk=area_id)
    policy.require(request.user, MANAGE_DEPARTMENTS, area=area)
    level = next((lvl for lvl, kinds in LEVEL_AREA_KINDS.items() if area.kind in kinds), None)
    form = DepartmentForm(request.POST or None, initial={"level": level})
    if request.method == "POST" and form.is_valid():
        try:
            department_actions.create_department(actor=request.user, area=area, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The department was created."))
            return redirect("areas:detail", area.pk)
    return render(request, "areas/department_form.html", {"form": form, "area": area, "department": None})


@login_required
def edit_department(request, department_id):
    department = get_object_or_404(Department.objects.select_related("area"), pk=department_id)
    policy.require(request.user, MANAGE_DEPARTMENTS, area=department.area)
    initial = {f: getattr(department, f) for f in department_actions.DEPARTMENT_FIELDS}
    form = DepartmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            department_actions.update_department(
                actor=request.user, department=department, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The department was saved."))
            return redirect("areas:detail", department.area_id)
    return render(
        request,
        "areas/department_form.html",
        {"form": form, "area": department.area, "department": department},
    )
