"""The area page's list of subdivisions built in Python: a street's committees (or a district's
streets) through template tags were most of the page's time. Every value is escaped; the markup is
that of areas/detail.html."""

import html

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from gongzhi.core.html_cells import id_url

from .models import AreaKind

detail_url = id_url("areas:detail")


def children_rows(children) -> str:
    """The `list-group` items of the subdivisions: link, kind, code, and the in-preparation mark."""
    kinds = {key: html.escape(str(label)) for key, label in AreaKind.choices}
    preparing = html.escape(_("in preparation"))  # not inside the f-string: it would not be extracted
    preparing = f" · {preparing}"
    rows = []
    for c in children:
        code = f" · {html.escape(c.code)}" if c.code else ""
        rows.append(
            f'<li class="list-group-item"><a href="{detail_url(c.pk)}">{html.escape(c.name)}</a> '
            f'<span class="text-muted small">{kinds.get(c.kind, html.escape(c.kind))}{code}'
            f"{preparing if c.in_preparation else ''}</span></li>"
        )
    return mark_safe("".join(rows))  # noqa: S308 - built from escaped values only
