"""The one input string type: NUL, control characters and lone surrogates are refused.

PostgreSQL rejects NUL in text (the driver raises, the page would answer 500) and cannot store a lone
UTF-16 surrogate; other control characters corrupt exports and logs. API schemas use `CleanStr`
(a 422 with a field message), forms use `CleanCharField` (an error next to the field).
"""

import re
from typing import Annotated

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

# Tab, line feed and carriage return are text; every other C0/C1 control character is not,
# and neither is a lone surrogate (it cannot be encoded as UTF-8).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
MESSAGE = gettext_lazy("Text must not contain NUL or other control characters.")


def has_control_chars(value: str) -> bool:
    """True when `value` holds a character no text field may store."""
    return bool(_CONTROL.search(value))


def clean_text(value: str) -> str:
    """Pydantic validator: the value unchanged, or a 'control_characters' error with a clear message."""
    if has_control_chars(value):
        raise PydanticCustomError(
            "control_characters", _("Text must not contain NUL or other control characters.")
        )
    return value


def validate_text(value: str) -> None:
    """Django validator for forms and model fields."""
    if isinstance(value, str) and has_control_chars(value):
        raise ValidationError(MESSAGE, code="control")


# For pydantic / django-ninja schemas.
CleanStr = Annotated[str, AfterValidator(clean_text)]


class CleanCharField(forms.CharField):
    """For forms: a CharField that refuses control characters with one clear message."""

    default_validators = [validate_text]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Django's own NUL validator would add a second message for the same mistake.
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]
