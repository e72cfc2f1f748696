"""Area dashboard pages: the dashboard of an area's subtree (period, cards, charts, child areas), the
entry that opens the user's own top area, and the XLSX export of the same figures."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from gongzhi.areas.models import Area
from gongzhi.core import policy
from gongzhi.core.html_cells import td_cells

from . import dashboard, dashboard_xlsx

# The bound on staleness where the fold runs in another process without a shared cache (the embedded
# mode's cron sweep); with Redis every fold changes the key at once.
BODY_SECONDS = 120


def _area_for(request, pk) -> Area:
    area = get_object_or_404(Area, pk=pk)
    policy.require(request.user, dashboard.VIEW, area=area)
    return area


@login_required
def dashboard_home(request):
    """The menu entry: the dashboard of the user's own top area."""
    policy.require(request.user, dashboard.VIEW)
    area = dashboard.top_area(request.user)
    if area is None:
        raise PermissionDenied(dashboard.VIEW)
    return redirect("reports:dashboard", area.pk)


@login_required
def dashboard_page(request, pk):
    area = _area_for(request, pk)
    period = dashboard.parse_period(request.GET)
    visible = policy.area_paths(request.user, dashboard.VIEW)  # None: everywhere
    ancestors = [
        {"area": a, "link": visible is None or any(a.path.startswith(p) for p in visible)}
        for a in area.ancestors()
    ]
    context = {
        "area": area,
        "ancestors": ancestors,
        "period": period,
        "presets": [
            {
                "key": key,
                "label": label,
                "query": urlencode(dict(zip(("from", "to"), dashboard.preset_period(key), strict=True))),
            }
            for key, label in dashboard.PRESETS
        ],
        "query": urlencode({"from": period.period_from, "to": period.period_to}),
    }
    if period.errors:
        return render(request, "reports/dashboard.html", context, status=422)
    context.update(has_data=True, body=_body(request, area, period, context["query"]))
    return render(request, "reports/dashboard.html", context)


def _body(request, area, period, query):
    """The figures, charts and child table as HTML: built from the folded rollups (the page says "as
    of the last update by the periodic sweep"), then kept in the cache until the next fold or rebuild
    (rollups.figures_token) — at most BODY_SECONDS. The key holds the sections this user may see."""
    key = dashboard.body_cache_key(request.user, area, period)
    body = cache.get(key)
    if body is None:
        data = dashboard.build(request.user, area, period)
        for row in data["children"]:
            row["cells_html"] = td_cells(((c["display"], c["drill"]) for c in row["cells"]), "text-end")
        context = {"data": data, "chart_data": dashboard.chart_data(data), "period": period, "query": query}
        body = render_to_string("reports/_dashboard_body.html", context, request=request)
        cache.set(key, body, BODY_SECONDS)
    return mark_safe(body)  # noqa: S308 - rendered by the template above (autoescaped)


@login_required
def dashboard_export(request, pk):
    area = _area_for(request, pk)
    period = dashboard.parse_period(request.GET)
    if period.errors:
        return HttpResponse("; ".join(str(m) for m in period.errors.values()), status=422)
    content = dashboard_xlsx.workbook(dashboard.build(request.user, area, period))
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"dashboard-{area.code or area.pk}-{period.period_from}-{period.period_to}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
