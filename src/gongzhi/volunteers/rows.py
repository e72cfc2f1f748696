"""Volunteer list rows built in Python: fifty rows through template tags were most of the list's time
(a street's list is opened by every team leader). Every value is escaped; the columns and wording are
those of volunteers/volunteer_list.html."""

import html
from decimal import Decimal

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gongzhi.core.html_cells import id_url

detail_url = id_url("volunteers:volunteer")
# What the list shows of a volunteer: the page query loads nothing else (no encrypted person fields).
LIST_FIELDS = (
    "id",
    "area_path",
    "number",
    "skills",
    "total_hours",
    "star_level",
    "is_active",
    "person__name",
    "area__name",
)


def hours(value: Decimal) -> str:
    """As the `floatformat:"-2"` filter: two decimals, none for a whole number."""
    value = Decimal(value or 0)
    return f"{value:.0f}" if value == value.to_integral_value() else f"{value:.2f}"


def list_rows(volunteers) -> str:
    """The `<tr>` rows of the volunteer list."""
    inactive = html.escape(_("inactive"))  # not inside the f-string: it would not be extracted
    inactive = f' <span class="badge text-bg-secondary">{inactive}</span>'
    rows = []
    for v in volunteers:
        stars = ngettext("%(n)s star", "%(n)s stars", v.star_level) % {"n": v.star_level}
        rows.append(
            f'<tr><td><a href="{detail_url(v.pk)}">{html.escape(v.person.name)}</a>'
            f"{'' if v.is_active else inactive}</td>"
            f"<td>{html.escape(v.number)}</td>"
            f"<td>{html.escape('、'.join(str(s) for s in v.skills or []))}</td>"
            f'<td class="text-end">{hours(v.total_hours)}</td>'
            f'<td aria-label="{html.escape(stars)}">{f"{v.star_level}★" if v.star_level else "—"}</td>'
            f"<td>{html.escape(v.area.name)}</td></tr>"
        )
    return mark_safe("".join(rows))  # noqa: S308 - built from escaped values only
