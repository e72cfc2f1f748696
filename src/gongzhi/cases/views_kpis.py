"""The case KPI page (figures from rollups, ECharts charts, overdue list) and its XLSX export."""

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from gongzhi.core import rollups
from gongzhi.core.html_cells import td_cells

from . import forms_field as forms
from . import kpis, kpis_export, rows
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


def _render_body(request, area, start, end, folded, pending) -> str:
    data = kpis.assemble(area, start, end, folded, pending)
    for key in ("months", "by_area", "by_category", "by_channel", "by_handler"):
        for row in data[key]:
            name = row.get("period") or row["name"]
            row["cells_html"] = td_cells(
                [(name, None)] + [(row["row"][m]["display"], None) for m in kpis.METRICS]
            )
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
    # json_script encodes the dict itself (a JSON string given to it was encoded twice: no charts).
    context = {"data": data, "chart": chart, "labels": kpis.METRIC_LABELS}
    return render_to_string("cases/field/_kpi_body.html", context, request=request)


@login_required
def kpi_page(request):
    area, start, end, form = _kpi_params(request)
    # The figures, charts and tables are rendered once for a given state of the rollups (the fold
    # counter, read first, and the pending deltas, read fresh on every view) and kept in the cache;
    # the overdue list below them is read on every view.
    token = rollups.figures_token()
    pending = kpis.read_pending(area, start, end, token=token)
    key = kpis.body_cache_key(area, start, end, token, pending)
    body = cache.get(key)
    if body is None:
        folded, _pending = kpis.read_parts(area, start, end, include_pending=False, token=token)
        body = _render_body(request, area, start, end, folded, pending)
        cache.set(key, body, kpis.FOLDED_CACHE_SECONDS)
    page = _page(request, kpis.overdue_cases(area), ("due_at",), f"overdue-{area.pk}")
    return render(
        request,
        "cases/field/kpis.html",
        {
            **_nav(request, area, kpis.VIEW),
            "body": body,
            "period_from": start,
            "period_to": end,
            "form": form,
            "page": page,
            "overdue_rows": rows.overdue_rows(page.items),
            "query": _query(request),
        },
    )


@login_required
def kpi_export(request):
    area, start, end, _form = _kpi_params(request)
    content = kpis_export.workbook(kpis.report(area, start, end))
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename=case-kpis-{area.pk}-{start}-{end}.xlsx"
    return response
