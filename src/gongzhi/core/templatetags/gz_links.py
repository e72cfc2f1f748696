"""Links built in Python for the templates' long loops (an area bar lists a street's sixty-odd committees)."""

from django import template
from django.db.models import QuerySet

from gongzhi.core import html_cells

register = template.Library()


@register.filter
def area_links(areas, base=""):
    """`{{ children|area_links }}`: a "go to" link per area, to `base?area=<id>` (the current page);
    empty when there is none. A queryset is read as (id, name) pairs only, never as models."""
    if isinstance(areas, QuerySet):
        pairs = areas.values_list("pk", "name")
    else:
        pairs = ((a.pk, a.name) for a in areas)
    return html_cells.area_links(pairs, base)
