"""Cell parsers shared by the orgs importers: USCC, whole-number counts, amounts and years."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gongzhi.core.imports import parse_decimal

from ..validation import clean_uscc

# Existing rows are fetched, and new and changed rows written, this many at a time.
BATCH = 1000


def parse_uscc(value: str) -> str:
    compact = value.replace(" ", "").upper()
    clean_uscc(compact)  # the type prefix is checked with the row's type in validate_row
    return compact


def parse_count(value: str) -> int:
    try:
        number = int(value.replace(",", ""))
    except ValueError:
        raise ValidationError(_("Not a whole number.")) from None
    if number < 0:
        raise ValidationError(_("Counts cannot be negative."))
    return number


def parse_money(value: str):
    if value.strip().startswith("-"):
        raise ValidationError(_("Amounts cannot be negative."))
    return parse_decimal(value)


def parse_year(value: str) -> int:
    if not (value.isdigit() and len(value) == 4 and 2000 <= int(value) <= 2100):
        raise ValidationError(_("A year like 2024."))
    return int(value)
