"""The report's parameters: area, a year (its 31 December) or an as-of date, and the compared date."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.strings import CleanCharField


class OrgsReportForm(forms.Form):
    area = forms.ModelChoiceField(queryset=None, label=_("Area"), empty_label=None)
    year = forms.IntegerField(label=_("Year"), min_value=1949, max_value=2100, required=False)
    as_of = forms.DateField(
        label=_("or as of"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    compare_to = forms.DateField(
        label=_("Compare with"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class",
                "form-select form-select-sm"
                if isinstance(field, forms.ModelChoiceField)
                else "form-control form-control-sm",
            )

    def clean(self):
        data = super().clean()
        year, as_of = data.get("year"), data.get("as_of")
        if year and as_of:
            raise forms.ValidationError(_("Give a year or a date, not both."))
        if not year and not as_of:
            year = timezone.localdate().year - 1
        as_of = as_of or dt.date(year, 12, 31)
        if as_of > timezone.localdate():
            self.add_error(
                "as_of" if data.get("as_of") else "year", _("The report date cannot be in the future.")
            )
            return data
        compare_to = data.get("compare_to") or as_of.replace(
            year=as_of.year - 1, day=28 if (as_of.month, as_of.day) == (2, 29) else as_of.day
        )
        if compare_to >= as_of:
            self.add_error("compare_to", _("The compared date must be before the report date."))
        data["as_of"], data["compare_to"] = as_of, compare_to
        return data


class FileForm(forms.Form):
    area = forms.IntegerField()
    as_of = forms.DateField()
    compare_to = forms.DateField()
    format = CleanCharField(max_length=8)
