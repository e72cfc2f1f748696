"""Table cells and list rows built in Python for the big tables and hot lists (dashboards, KPI page,
case and volunteer lists): thousands of cells through template tags took most of those pages' time.
Every value is escaped."""

import html
from collections.abc import Callable, Iterable
from functools import cache

from django.urls import reverse
from django.utils.safestring import mark_safe

PROBE_ID = 987654321


@cache
def _url_parts(name: str) -> tuple[str, str]:
    url = reverse(name, args=[PROBE_ID])
    before, _sep, after = url.partition(str(PROBE_ID))
    return before, after


def id_url(name: str) -> Callable[[int], str]:
    """A function of an object id to the URL named `name` (one `<int:…>` argument): reversed once
    per process, not once per row."""

    def url(pk: int) -> str:
        before, after = _url_parts(name)
        return f"{before}{pk}{after}"

    return url


def td_cells(cells: Iterable[tuple[object, str | None]], css: str = "") -> str:
    """`<td>` elements for (text, link or None) pairs, as safe HTML."""
    attrs = f' class="{html.escape(css)}"' if css else ""
    parts = []
    for text, href in cells:
        shown = html.escape(str(text))
        if href:
            shown = f'<a href="{html.escape(href)}">{shown}</a>'
        parts.append(f"<td{attrs}>{shown}</td>")
    return mark_safe("".join(parts))  # noqa: S308 - built from escaped values only


def area_links(areas, base: str = "") -> str:
    """An area bar's "go to" links for (id, name) pairs, each to `base?area=<id>`: a street has
    sixty-odd committees, and the template loop took a fifth of each such page's time."""
    prefix = f"{html.escape(base)}?area="
    links = [f'<a class="me-2" href="{prefix}{pk}">{html.escape(name)}</a>' for pk, name in areas]
    return mark_safe("".join(links))  # noqa: S308 - built from escaped values only
