"""Checks shared by the orgs actions, forms, API and importers: USCC, type/subtype, dates, staff sums."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError as StdnumError

from .models.inspection import STAFF_GROUPS, STAFF_SUBSETS
from .models.registry import SUBTYPES_BY_TYPE, USCC_PREFIX, OrgType


def clean_uscc(value: str, org_type: str | None = None) -> str:
    """A valid 18-character USCC (GB 32100-2015) whose authority code fits the legal type."""
    try:
        code = stdnum_uscc.validate(value or "")
    except StdnumError:
        raise ValidationError({"uscc": _("Not a valid unified social credit code.")}) from None
    if org_type in USCC_PREFIX and not code.startswith(USCC_PREFIX[org_type]):
        raise ValidationError(
            {
                "uscc": _("A %(type)s's unified social credit code starts with %(prefix)s.")
                % {"type": OrgType(org_type).label, "prefix": USCC_PREFIX[org_type]}
            }
        )
    return code


def check_subtype(org_type: str, subtype: str) -> None:
    if org_type not in SUBTYPES_BY_TYPE:
        raise ValidationError({"org_type": _("Unknown organization type.")})
    if subtype not in SUBTYPES_BY_TYPE[org_type]:
        raise ValidationError({"subtype": _("This subtype does not belong to the chosen type.")})


def not_in_future(field: str, value) -> None:
    if value and value > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


def check_staff(counts: dict) -> None:
    """Every group of staff categories adds up to the total; subsets do not exceed it."""
    total = counts.get("staff_total") or 0
    errors = {}
    labels = {
        "tenure": _("Full-time and part-time staff"),
        "contract": _("Staff by contract kind"),
        "age": _("Staff by age band"),
        "education": _("Staff by education"),
    }
    for group, fields in STAFF_GROUPS.items():
        values = [counts.get(f) or 0 for f in fields]
        if any(v < 0 for v in values):
            errors[fields[0]] = _("Counts cannot be negative.")
        elif sum(values) != total:
            errors[fields[0]] = _("%(group)s add up to %(sum)d, not to the staff total %(total)d.") % {
                "group": labels[group],
                "sum": sum(values),
                "total": total,
            }
    for field in STAFF_SUBSETS:
        if (counts.get(field) or 0) > total:
            errors[field] = _("This count cannot exceed the staff total.")
    if errors:
        raise ValidationError(errors)
