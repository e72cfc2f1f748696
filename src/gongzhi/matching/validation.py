"""Field checks shared by the matching actions: each adds its message to an errors dict and returns the cleaned value."""

import datetime as dt

from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.strings import has_control_chars

from .models import Kind

# Where a need may come from, and the model that must hold the source row.
NEED_SOURCES = {
    "cases.case": "cases.Case",
    "councils.proposal": "councils.Proposal",
    "notices.survey": "notices.Survey",
    "notices.surveyanswer": "notices.SurveyAnswer",
    "notices.suggestion": "notices.Suggestion",
}


def clean_text(errors: dict, field: str, value, limit: int, *, required=True) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[field] = _("This field is required.")
    elif len(value) > limit:
        errors[field] = _("At most %(n)d characters.") % {"n": limit}
    elif has_control_chars(value):
        errors[field] = _("Text must not contain NUL or other control characters.")
    return value


def positive_int(errors: dict, field: str, value, *, default=None) -> int:
    if value in (None, "") and default is not None:
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number < 1 or number > 1_000_000_000:
        errors[field] = _("Enter a whole number of at least 1.")
    return number


def aware(errors: dict, field: str, value):
    if not isinstance(value, dt.datetime):
        errors[field] = _("Enter a date and time.")
        return None
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def check_period(errors, start_field, end_field, start, end, message):
    start, end = aware(errors, start_field, start), aware(errors, end_field, end)
    if start and end and end <= start:
        errors[end_field] = message
    return start, end


def check_kind(errors: dict, value) -> str:
    if value not in Kind.values:
        errors["kind"] = _("Choose a kind: venue, equipment, professional service, volunteers or funds.")
    return value


def check_source(errors: dict, source_type: str, source_id):
    if not source_type:
        return "", None
    label = NEED_SOURCES.get(source_type)
    if label is None:
        errors["source_type"] = _("Unknown source.")
        return source_type, source_id
    try:
        model = apps.get_model(label)
        if not model.objects.filter(pk=int(source_id)).exists():
            raise ValueError
    except (LookupError, TypeError, ValueError, OverflowError):
        errors["source_id"] = _("The source of this need does not exist.")
        return source_type, source_id
    return source_type, int(source_id)
