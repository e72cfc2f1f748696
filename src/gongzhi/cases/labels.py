"""What the case page calls its actions and timeline events, in the reader's language.

Looked up in Python rather than by a chain of `{% if %}` in an included template: the case page shows
a dozen actions and events, and the chains were a third of its rendering time.
"""

from django.utils.translation import gettext_lazy as _

from .models.cases import Satisfaction

ACTIONS = {
    "dispatch": _("Dispatch"),
    "reassign": _("Reassign"),
    "category": _("Change category"),
    "accept": _("Accept"),
    "start": _("Start handling"),
    "park": _("Park"),
    "unpark": _("Resume"),
    "resolve": _("Resolve"),
    "return": _("Return"),
    "extension": _("Ask for an extension"),
    "rate": _("Rate the answer"),
    "reopen": _("Reopen"),
    "call": _("Log a follow-up call"),
    "close": _("Close"),
    "merge": _("Merge as duplicate"),
    "supervise": _("Supervise (督办)"),
}

EVENTS = {
    "received": _("Received"),
    "dispatch": _("Dispatched"),
    "redispatch": _("Dispatched again"),
    "reassign": _("Reassigned"),
    "accept": _("Accepted"),
    "start": _("Handling started"),
    "park": _("Parked"),
    "unpark": _("Resumed"),
    "resolve": _("Resolved"),
    "follow_up": _("Feedback"),
    "close": _("Closed"),
    "return": _("Returned"),
    "reopen": _("Reopened"),
    "extend": _("Deadline extended"),
    "merge": _("Merged"),
    "supervise": _("Supervision notice (督办)"),
    "task_accepted": _("Supporting task accepted"),
    "task_done": _("Supporting task done"),
    "overdue": _("Overdue"),
    "follow_up_call": _("Follow-up call"),
    "extension_requested": _("Extension requested"),
    "extension_rejected": _("Extension rejected"),
    "category_changed": _("Category changed"),
}
_SATISFACTION = dict(Satisfaction.choices)


def action(name: str) -> str:
    return str(ACTIONS.get(name, name))


def event(action_name: str, data: dict | None) -> str:
    """The timeline's label of an event: its name, with the rating or the department where it has one."""
    label = str(EVENTS.get(action_name, action_name))
    data = data or {}
    if action_name == "follow_up" and data.get("satisfaction"):
        rating = data["satisfaction"]
        return f"{label}: {_SATISFACTION.get(rating, rating)}"
    if action_name in ("task_accepted", "task_done"):
        return f"{label}: {data.get('department', '')}"
    return label
