"""Helpers shared by the evaluation actions: text and number checks with clear messages."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gongzhi.core.strings import has_control_chars


def text(errors: dict, field: str, value, limit: int, *, required=True) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if required and not value:
        errors[field] = _("This field is required.")
    elif len(value) > limit:
        errors[field] = _("At most %(n)d characters.") % {"n": limit}
    elif has_control_chars(value):
        errors[field] = _("Text must not contain NUL or other control characters.")
    return value


def number(errors: dict, field: str, value, *, low=None, high=None, required=True):
    """A Decimal with at most two decimals inside [low, high]; an error message otherwise."""
    if value in (None, "") and not required:
        return None
    try:
        result = Decimal(str(value).strip())
        if not result.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError, TypeError):
        errors[field] = _("Enter a number.")
        return None
    if result != result.quantize(Decimal("0.01")) or abs(result) >= Decimal("1e10"):
        errors[field] = _("Enter a number with at most two decimals.")
        return None
    if low is not None and result < low:
        errors[field] = _("Enter a number of at least %(n)s.") % {"n": low}
        return None
    if high is not None and result > high:
        errors[field] = _("Enter a number of at most %(n)s.") % {"n": high}
        return None
    return result


def check_year(errors: dict, field: str, value) -> int | None:
    try:
        result = int(value)
    except (TypeError, ValueError):
        result = 0
    if not 2000 <= result <= 2100:
        errors[field] = _("Enter a year between 2000 and 2100.")
        return None
    return result


def raise_if(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def user_or_none(actor):
    return actor if getattr(actor, "pk", None) else None
