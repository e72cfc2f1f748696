"""Annual-inspection pages: the list by year and state (with the overdue list), opening a year, the
report form of an organization's staff (grouped staff tables with live sums), review and return."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import exports, policy
from gongzhi.core.forms import apply_errors

from . import actions, queries
from . import permissions as P
from .actions.inspection import REPORT_FIELDS, STAFF_FIELDS
from .forms import InspectionFilterForm, InspectionForm, OpenYearForm, ReturnForm, ReviewForm
from .models import AnnualInspection
from .views import EXPORT_FORMATS, area_choices, area_param, get_or_404, page_of, query_without

_HEADERS = {
    "staff_total": "从业人员总数 / staff",
    "full_time": "专职 / full-time",
    "part_time": "兼职 / part-time",
    "contract_labour": "劳动合同 / labour contract",
    "contract_rehired_retiree": "离退休返聘 / rehired retirees",
    "contract_enterprise_employee": "企事业单位在职 / enterprise employees",
    "contract_other_unit_part_time": "其他单位兼职 / part-time from other units",
    "contract_civil_servant": "国家机关在职 / civil servants",
    "contract_other": "其他合同 / other contract",
    "age_35_or_under": "35岁及以下 / 35 or under",
    "age_36_to_50": "36至50岁 / 36-50",
    "age_51_to_60": "51至60岁 / 51-60",
    "age_over_60": "60岁以上 / over 60",
    "edu_high_school_or_below": "高中及以下 / high school or below",
    "edu_college_or_bachelor": "大专及本科 / college or bachelor",
    "edu_master_or_above": "硕士及以上 / master or above",
    "returned_from_abroad": "留学归国 / returned from abroad",
    "social_worker_certified": "社工证书 / social-worker certificate",
    "other_certified": "其他职业资格 / other qualifications",
    "net_assets": "净资产 / net assets",
    "total_income": "总收入 / total income",
    "total_expenditure": "总支出 / total expenditure",
}
INSPECTION_EXPORT = [
    exports.ExportColumn("名称 / name", "organization__name"),
    exports.ExportColumn("统一社会信用代码 / uscc", "organization__uscc"),
    exports.ExportColumn("类型 / type", "organization__org_type"),
    exports.ExportColumn("年度 / year", "year"),
    exports.ExportColumn("状态 / state", "state"),
    exports.ExportColumn("截止日期 / due on", "due_on"),
    exports.ExportColumn("提交时间 / submitted at", "submitted_at"),
    exports.ExportColumn("结果 / result", "result"),
    exports.ExportColumn("结果说明 / reason", "result_reason"),
    *[
        exports.ExportColumn(_HEADERS[f], f)
        for f in [*STAFF_FIELDS, "net_assets", "total_income", "total_expenditure"]
    ],
]


@login_required
def inspection_list(request):
    policy.require(request.user, P.VIEW_INSPECTIONS)
    area = area_param(request, P.VIEW_INSPECTIONS)
    filters = InspectionFilterForm(request.GET)
    filters.is_valid()
    f = filters.cleaned_data
    year = f.get("year")
    if year is None and "year" not in request.GET and not f.get("overdue"):
        year = queries.default_year()  # an empty ?year= means every year
    qs = queries.inspections_for(
        request.user, area, year=year, state=f.get("state"), result=f.get("result"), overdue=f.get("overdue")
    )
    fmt = request.GET.get("export")
    if fmt in EXPORT_FORMATS:
        return exports.export_response(
            qs.order_by("due_on", "id"),
            INSPECTION_EXPORT,
            fmt=fmt,
            filename=f"inspections-{year or 'all'}",
            actor=request.user,
        )
    page = page_of(request, qs, queries.INSPECTION_ORDERING, f"inspections-{area.pk if area else 0}")
    today = timezone.localdate()
    for row in page.items:
        row.overdue = queries.is_overdue(row, today)
    return render(
        request,
        "orgs/inspection_list.html",
        {
            "page": page,
            "filters": filters,
            "year": year,
            "area": area,
            "scope_areas": queries.scope_areas(request.user, P.VIEW_INSPECTIONS)[:20],
            "query": query_without(request),
            "export_query": query_without(request, "export"),
            "can_open": policy.area_paths(request.user, P.REVIEW_INSPECTION) != [],
        },
    )


@login_required
def inspection_open(request):
    if policy.area_paths(request.user, P.REVIEW_INSPECTION) == []:
        raise PermissionDenied
    areas = queries.form_areas(request.user, P.REVIEW_INSPECTION, queries.ORG_AREA_KINDS)
    year = queries.default_year()
    form = OpenYearForm(
        request.POST or None,
        areas=area_choices(areas),
        initial={"year": year, "due_on": timezone.localdate().replace(month=5, day=31)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            count = actions.open_inspection_year(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(n)d report(s) opened for %(year)d.") % {"n": count, "year": form.cleaned_data["year"]},
            )
            return redirect(f"{reverse('orgs:inspections')}?year={form.cleaned_data['year']}")
    return render(
        request,
        "orgs/form.html",
        {"form": form, "title": _("Open an inspection year"), "form_id": "open-year-form"},
        status=422 if form.errors else 200,
    )


def _report_values(inspection) -> dict:
    return {f: getattr(inspection, f) for f in REPORT_FIELDS}


@login_required
def inspection_detail(request, inspection_id):
    inspection = get_or_404(AnnualInspection.objects.select_related("organization", "area"), inspection_id)
    user = request.user
    org = inspection.organization
    if not queries.can_view_inspection(user, inspection):
        raise PermissionDenied
    editable = inspection.state in queries.OPEN_STATES and policy.can(user, P.SUBMIT_INSPECTION, body=org)
    reviewer = policy.can(user, P.REVIEW_INSPECTION, body=org)
    can_review = reviewer and inspection.state == AnnualInspection.State.SUBMITTED
    form = review_form = return_form = None
    status = 200
    if editable:
        form = InspectionForm(request.POST or None, initial=_report_values(inspection))
    if can_review:
        review_form, return_form = ReviewForm(), ReturnForm()
    if request.method == "POST":
        op = request.POST.get("op")
        try:
            if op in ("save", "submit") and editable and form.is_valid():
                if op == "save":
                    actions.save_inspection(actor=user, inspection=inspection, **form.cleaned_data)
                    messages.success(request, _("The report was saved as a draft."))
                else:
                    actions.submit_inspection(actor=user, inspection=inspection, **form.cleaned_data)
                    messages.success(request, _("The report was submitted."))
                return redirect("orgs:inspection", inspection.pk)
            if op == "review" and can_review:
                review_form = ReviewForm(request.POST)
                if review_form.is_valid():
                    actions.review_inspection(
                        actor=user,
                        inspection=inspection,
                        result=review_form.cleaned_data["result"],
                        reason=review_form.cleaned_data["reason"],
                    )
                    messages.success(request, _("The inspection result was recorded."))
                    return redirect("orgs:inspection", inspection.pk)
            elif op == "return" and can_review:
                return_form = ReturnForm(request.POST)
                if return_form.is_valid():
                    actions.return_inspection(
                        actor=user, inspection=inspection, reason=return_form.cleaned_data["reason"]
                    )
                    messages.success(request, _("The report was returned for correction."))
                    return redirect("orgs:inspection", inspection.pk)
            elif op not in ("save", "submit") or not editable:
                raise PermissionDenied
        except ValidationError as exc:
            target = {"review": review_form, "return": return_form}.get(op, form)
            if hasattr(exc, "error_dict") and "result_reason" in exc.error_dict and target is review_form:
                target.add_error("reason", exc.error_dict["result_reason"])
            elif hasattr(exc, "error_dict") and "return_reason" in exc.error_dict and target is return_form:
                target.add_error("reason", exc.error_dict["return_reason"])
            else:
                apply_errors(target, exc)
        status = 422
    return render(
        request,
        "orgs/inspection_detail.html",
        {
            "inspection": inspection,
            "org": org,
            "form": form,
            "review_form": review_form,
            "return_form": return_form,
            "overdue": queries.is_overdue(inspection),
            "figures": [
                (AnnualInspection._meta.get_field(f).verbose_name, getattr(inspection, f))
                for f in [*STAFF_FIELDS, "net_assets", "total_income", "total_expenditure"]
            ],
        },
        status=status,
    )
