"""The one input string type: NUL and control characters are refused (PostgreSQL rejects NUL)."""

import re
from typing import Annotated

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import AfterValidator

# Tab, line feed and carriage return are text; every other C0/C1 control character is not.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control_chars(value: str) -> bool:
    return bool(_CONTROL.search(value))


def clean_text(value: str) -> str:
    if has_control_chars(value):
        raise ValueError(_("Text must not contain NUL or other control characters."))
    return value


def validate_text(value: str) -> None:
    if isinstance(value, str) and has_control_chars(value):
        raise ValidationError(
            gettext_lazy("Text must not contain NUL or other control characters."), code="control"
        )


# For pydantic / django-ninja schemas.
CleanStr = Annotated[str, AfterValidator(clean_text)]


class CleanCharField(forms.CharField):
    """For forms: a CharField that refuses control characters with a clear message."""

    default_validators = [validate_text]
