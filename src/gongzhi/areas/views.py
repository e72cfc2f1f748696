"""Area pages: browse the tree, an area's page with its facts by year and its children."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from gongzhi.core import policy
from gongzhi.core.paging import InvalidCursor, KeysetPaginator

from .actions import VIEW_AREAS
from .models import Area


@login_required
def tree(request):
    policy.require(request.user, VIEW_AREAS)
    roots = Area.objects.filter(parent__isnull=True).order_by("path")
    return render(request, "areas/tree.html", {"roots": roots})


@login_required
def detail(request, area_id):
    area = get_object_or_404(Area, pk=area_id)
    policy.require(request.user, VIEW_AREAS)
    try:
        children = KeysetPaginator(
            area.children.all(), ("path",), page_size=100, name=f"children-{area.pk}"
        ).page(request.GET.get("cursor"))
    except InvalidCursor:
        children = KeysetPaginator(
            area.children.all(), ("path",), page_size=100, name=f"children-{area.pk}"
        ).page(None)
    return render(
        request,
        "areas/detail.html",
        {
            "area": area,
            "ancestors": area.ancestors(),
            "children": children,
            "facts": area.facts.order_by("-year")[:20],
            "can_edit": policy.can(request.user, "areas.edit", area=area),
        },
    )
