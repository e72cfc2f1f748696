"""Table cells built in Python for the big figure tables (dashboards, KPI page): thousands of cells
through template tags took most of those pages' time. Every value is escaped."""

import html
from collections.abc import Iterable

from django.utils.safestring import mark_safe


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
