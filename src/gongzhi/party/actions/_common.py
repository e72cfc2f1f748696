"""Helpers shared by the party actions: text checks, look-ups with clear messages, the member's own record."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.strings import has_control_chars

from .. import permissions as P
from ..models import PartyMember, PartyOrganization


def text(errors: dict, field: str, value, limit: int, *, required=True) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if required and not value:
        errors[field] = _("This field is required.")
    elif len(value) > limit:
        errors[field] = _("At most %(n)d characters.") % {"n": limit}
    elif has_control_chars(value):
        errors[field] = _("Text must not contain NUL or other control characters.")
    return value


def raise_if(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def organization(value, field="organization") -> PartyOrganization:
    if isinstance(value, PartyOrganization):
        return value
    try:
        return PartyOrganization.objects.select_related("area", "parent").get(pk=int(value), is_active=True)
    except (PartyOrganization.DoesNotExist, TypeError, ValueError, OverflowError):
        raise ValidationError({field: _("This party organization does not exist.")}) from None


def member(value, field="member") -> PartyMember:
    if isinstance(value, PartyMember):
        return value
    try:
        return PartyMember.objects.select_related("person", "organization", "area").get(pk=int(value))
    except (PartyMember.DoesNotExist, TypeError, ValueError, OverflowError):
        raise ValidationError({field: _("This party member does not exist.")}) from None


def member_of(user) -> PartyMember | None:
    """The party-member record of the signed-in user (through their Person), if any."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return (
        PartyMember.objects.select_related("person", "organization", "area", "workplace_organization")
        .filter(person__user=user, is_active=True)
        .first()
    )


def require_self(actor, m: PartyMember) -> None:
    """The member acting for themself (or the system)."""
    if actor is None:
        return
    if m.person.user_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("You can only do this for yourself."))


def require_manage(actor, org: PartyOrganization) -> None:
    if actor is not None and not P.can_manage(actor, org):
        raise PermissionDenied(P.MANAGE)


def day(errors: dict, field: str, value, *, not_future=False):
    if isinstance(value, dt.datetime):
        value = timezone.localdate(value)
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            value = None
    if not isinstance(value, dt.date):
        errors[field] = _("Give a date.")
        return None
    if not_future and value > timezone.localdate():
        errors[field] = _("The date cannot lie in the future.")
    return value


def decimal(errors: dict, field: str, value, *, minimum=Decimal(0), maximum=None):
    try:
        value = Decimal(str(value))
        if not value.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError, TypeError):
        errors[field] = _("Give a number.")
        return None
    if value < minimum:
        errors[field] = _("The number cannot be below %(n)s.") % {"n": minimum}
    elif maximum is not None and value > maximum:
        errors[field] = _("The number cannot be above %(n)s.") % {"n": maximum}
    return value


def year(errors: dict, value, field="year") -> int | None:
    try:
        value = int(value)
    except (TypeError, ValueError):
        value = 0
    if not 2000 <= value <= 2100:
        errors[field] = _("Give a year between 2000 and 2100.")
        return None
    return value
