"""Core forms: the audit-log filter, the area-code field, and how an action's ValidationError reaches a form."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.models import User
from gongzhi.areas.models import Area

from .strings import CleanCharField


def apply_errors(form, exc: ValidationError) -> None:
    """Show an action's ValidationError on the form: next to its field, or above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def flash_errors(request, exc: ValidationError) -> None:
    """An action's ValidationError as error messages (for buttons without a form of their own)."""
    for message in exc.messages:
        messages.error(request, message)


class AreaCodeField(forms.CharField):
    """An area given by its GB/T 2260 or statistical code (what staff know), resolved to the Area."""

    default_error_messages = {
        "unknown": _("No area has this code."),
        "malformed": _("An area code has 6 or 12 digits."),
    }

    def __init__(self, *args, **kwargs):
        kwargs.pop("max_length", None)  # the length is checked on the code, not on the resolved Area
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        if not (value.isascii() and value.isdigit() and len(value) in (6, 12)):
            raise forms.ValidationError(self.error_messages["malformed"], code="malformed")
        area = (
            Area.objects.filter(gb2260=value).first()
            if len(value) == 6
            else Area.objects.filter(stat_code=value).first()
        )
        if area is None:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown")
        return area


class AuditFilterForm(forms.Form):
    area = AreaCodeField(label=_("Area code"), required=False, max_length=12)
    actor = forms.ModelChoiceField(
        label=_("Actor"),
        queryset=User.objects.none(),
        required=False,
        to_field_name="username",
        widget=forms.TextInput,
        error_messages={"invalid_choice": _("No user has this username.")},
    )
    object_type = CleanCharField(label=_("Object type"), required=False, max_length=64)
    object_id = CleanCharField(label=_("Object id"), required=False, max_length=64)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = User.objects.all()

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("The end date is before the start date."))
        return data
