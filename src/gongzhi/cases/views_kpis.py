"""The case KPI page (figures from rollups, ECharts charts, overdue list) and its XLSX export."""

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from gongzhi.core.html_cells import td_cells

from . import forms_field as forms
from . import kpis
from .views_field import _current_area, _nav, _page, _query


def _kpi_params(request):
    area = _current_area(request, kpis.VIEW)
    start, end = kpis.default_periods()
    form = forms.KpiFilterForm(request.GET or None, initial={"period_from": start, "period_to": end})
    if request.GET.get("period_from") and form.is_valid():
        start, end = form.cleaned_data["period_from"], form.cleaned_data["period_to"]
    elif not request.GET.get("period_from"):
        form = forms.KpiFilterForm(initial={"period_from": start, "period_to": end})
    return area, start, end, form


@login_required
def kpi_page(request):
    area, start, end, form = _kpi_params(request)
    data = kpis.report(area, start, end, cached=True)
    for key in ("months", "by_area", "by_category", "by_channel", "by_handler"):
        for row in data[key]:
            name = row.get("period") or row["name"]
            row["cells_html"] = td_cells(
                [(name, None)] + [(row["row"][m]["display"], None) for m in kpis.METRICS]
            )
    page = _page(request, kpis.overdue_cases(area), ("due_at",), f"overdue-{area.pk}")
    chart = {
        "months": [m["period"] for m in data["months"]],
        "received": [m["row"]["recv"]["value"] for m in data["months"]],
        "rates": {
            key: [
                float(m["row"][key]["value"]) if m["row"][key]["value"] is not None else None
                for m in data["months"]
            ]
            for key in kpis.RATES
        },
        "rate_names": {key: str(kpis.METRIC_LABELS[key]) for key in kpis.RATES},
        "categories": [c["name"] for c in data["by_category"][:15]],
        "category_counts": [c["row"]["recv"]["value"] for c in data["by_category"][:15]],
        "received_name": str(kpis.METRIC_LABELS["recv"]),
    }
    return render(
        request,
        "cases/field/kpis.html",
        {
            **_nav(request, area, kpis.VIEW),
            "data": data,
            "form": form,
            "page": page,
            "query": _query(request),
            "chart_json": json.dumps(chart, ensure_ascii=False),
            "labels": kpis.METRIC_LABELS,
        },
    )


@login_required
def kpi_export(request):
    area, start, end, _form = _kpi_params(request)
    content = kpis.workbook(kpis.report(area, start, end))
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename=case-kpis-{area.pk}-{start}-{end}.xlsx"
    return response
