"""Case list rows built in Python: the case list is the page staff open most, and fifty rows through
template tags and an include per row took most of its time. Every value is escaped."""

import html

from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from gongzhi.core.html_cells import id_url

from .models.cases import State

STATE_CSS = {"closed": "secondary", "resolved": "success", "followed_up": "success", "received": "info"}


detail_url = id_url("cases:detail")
# What a list row shows (list_rows, overdue_rows): list pages load these columns only.
LIST_FIELDS = (
    "id",
    "number",
    "title",
    "state",
    "urgent",
    "is_overdue",
    "is_supervised",
    "received_at",
    "due_at",
    "category",
    "category__name",
    "area",
    "area__name",
)


def _moment(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _labels() -> dict:
    """State and flag labels in the current language, escaped once per list."""
    labels = {key: html.escape(str(label)) for key, label in State.choices}
    labels.update(
        urgent=html.escape(_("urgent")),
        overdue=html.escape(_("overdue")),
        supervised=html.escape(_("under supervision")),
    )
    return labels


def state_badges(case, labels: dict | None = None) -> str:
    """The state badge and the flags (urgent, overdue, supervised), as in cases/_state.html."""
    labels = labels or _labels()
    css = STATE_CSS.get(case.state, "primary")
    parts = [f'<span class="badge text-bg-{css}">{labels.get(case.state, html.escape(case.state))}</span>']
    for flag, key, badge in (
        (case.urgent, "urgent", "warning"),
        (case.is_overdue, "overdue", "danger"),
        (case.is_supervised, "supervised", "dark"),
    ):
        if flag:
            parts.append(f' <span class="badge text-bg-{badge}">{labels[key]}</span>')
    return "".join(parts)


def list_rows(cases) -> str:
    """The `list-group` links of the case list (category and area must be selected with the cases)."""
    resolve_by = html.escape(_("resolve by"))
    labels = _labels()
    rows = []
    for c in cases:
        meta = " · ".join(
            html.escape(str(v)) for v in (c.number, c.category.name, c.area.name, _moment(c.received_at))
        )
        if c.due_at:
            meta += f" · {resolve_by} {_moment(c.due_at)}"
        rows.append(
            f'<a class="list-group-item list-group-item-action" href="{detail_url(c.pk)}">'
            '<div class="d-flex justify-content-between flex-wrap gap-1">'
            f"<strong>{html.escape(c.title)}</strong><span>{state_badges(c, labels)}</span></div>"
            f'<small class="text-muted">{meta}</small></a>'
        )
    return mark_safe("".join(rows))  # noqa: S308 - built from escaped values only


def overdue_rows(cases) -> str:
    """The `<tr>` rows of the KPI page's overdue table (category and area selected with the cases)."""
    labels = _labels()
    # Messages are not extracted from inside f-strings: translate first, then format.
    supervised = html.escape(_("supervised"))
    supervised = f' <span class="badge text-bg-danger">{supervised}</span>'
    rows = []
    for c in cases:
        rows.append(
            f'<tr><td><a href="{detail_url(c.pk)}">{html.escape(c.number)}</a> {html.escape(c.title)}'
            f"{supervised if c.is_supervised else ''}</td>"
            f"<td>{html.escape(c.category.name)}</td><td>{html.escape(c.area.name)}</td>"
            f"<td>{labels.get(c.state, html.escape(c.state))}</td><td>{_moment(c.due_at)}</td></tr>"
        )
    return mark_safe("".join(rows))  # noqa: S308 - built from escaped values only
