"""Report pages: the social-organization development report (ECharts page) and its files (PDF, XLSX, JSON)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gongzhi.areas.models import Area, AreaKind
from gongzhi.core import files as core_files
from gongzhi.core import policy
from gongzhi.orgs import permissions as P

from . import files, orgs_report
from .forms import FileForm, OrgsReportForm

REPORT_AREA_KINDS = [AreaKind.CITY, AreaKind.DISTRICT, AreaKind.STREET, AreaKind.TOWN, AreaKind.COMMUNITY]


def report_areas(user):
    """Areas the user may report on: inside their VIEW_REPORT scope, down to communities."""
    return (
        Area.objects.in_paths(policy.area_paths(user, P.VIEW_REPORT))
        .filter(kind__in=REPORT_AREA_KINDS)
        .order_by("path")
    )


@login_required
def orgs(request):
    policy.require(request.user, P.VIEW_REPORT)
    areas = report_areas(request.user)
    params = request.GET.copy()
    if "area" not in params and areas.exists():
        params["area"] = str(areas.first().pk)
    form = OrgsReportForm(params, areas=areas)
    context = {"form": form}
    if form.is_valid():
        area = form.cleaned_data["area"]
        policy.require(request.user, P.VIEW_REPORT, area=area)
        report = orgs_report.build(area, form.cleaned_data["as_of"], form.cleaned_data["compare_to"])
        context.update(files.context(report), area=area)
    return render(
        request, "reports/orgs.html", context, status=200 if form.is_valid() or not form.is_bound else 422
    )


@login_required
@require_POST
def orgs_file(request):
    policy.require(request.user, P.VIEW_REPORT)
    form = FileForm(request.POST)
    if not form.is_valid() or form.cleaned_data["format"] not in files.FORMATS:
        return HttpResponseBadRequest("bad report parameters")
    data = form.cleaned_data
    try:
        area = Area.objects.get(pk=data["area"])
    except Area.DoesNotExist:
        raise Http404 from None
    policy.require(request.user, P.VIEW_REPORT, area=area)
    if data["compare_to"] >= data["as_of"]:
        return HttpResponseBadRequest("the compared date must be before the report date")
    token = files.request_file(request.user, area, data["as_of"], data["compare_to"], data["format"])
    return redirect(reverse("reports:file", args=[token]))


@login_required
def file(request, token):
    payload = files.open_token(token, request.user)
    if payload is None:
        raise Http404
    area = Area.objects.filter(pk=payload["a"]).first()
    if area is None:
        raise Http404
    policy.require(request.user, P.VIEW_REPORT, area=area)
    content_type, ext = files.FORMATS[payload["f"]]
    # While a worker is still rendering the file, the page reloads until it is there.
    return core_files.response(
        request, payload, filename=f"orgs-report-{area.code or area.pk}.{ext}", content_type=content_type
    )
