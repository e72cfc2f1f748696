"""People forms: person, dwelling, household, member, user link and the resident's own record."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.strings import CleanCharField

from .models import Dwelling, Household, HouseholdMember, Person


class StyledForm(forms.Form):
    """Bootstrap classes on every widget, so templates stay a loop over form_field.html."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)


class AreaChoiceField(forms.ModelChoiceField):
    default_error_messages = {"invalid_choice": _("No such area in your scope: choose one from the list.")}

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_kind_display()})"


class PersonForm(StyledForm):
    area = AreaChoiceField(label=_("Area"), queryset=None)
    name = CleanCharField(label=_("Name"), max_length=60)
    id_number = CleanCharField(label=_("ID number"), max_length=30, required=False)
    gender = forms.ChoiceField(
        label=_("Gender"), choices=Person.Gender.choices, initial=Person.Gender.UNKNOWN
    )
    birth_date = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Filled from the ID number when one is given."),
    )
    phone = CleanCharField(label=_("Phone"), max_length=30, required=False)
    address = CleanCharField(label=_("Address"), max_length=200, required=False)

    def __init__(self, *args, areas=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.fields["id_number"].widget.attrs["autocomplete"] = "off"
        if editing:
            keep = _("Leave blank to keep the recorded value.")
            self.fields["id_number"].help_text = keep
            self.fields["phone"].help_text = keep


class DwellingForm(StyledForm):
    area = AreaChoiceField(
        label=_("Compound"),
        queryset=None,
        error_messages={"invalid_choice": _("No such compound in your scope: choose one from the list.")},
    )
    building = CleanCharField(label=_("Building"), max_length=20)
    unit = CleanCharField(label=_("Unit"), max_length=20, required=False)
    room = CleanCharField(label=_("Room"), max_length=20)
    floor_area_m2 = forms.DecimalField(
        label=_("Floor area (m²)"), required=False, min_value=0, max_digits=9, decimal_places=2
    )
    use = forms.ChoiceField(label=_("Use"), choices=Dwelling.Use.choices, initial=Dwelling.Use.RESIDENTIAL)
    occupied = forms.BooleanField(label=_("Occupied"), required=False, initial=True)

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        if areas is None:
            del self.fields["area"]
        else:
            self.fields["area"].queryset = areas


class DwellingChoiceField(forms.ModelChoiceField):
    default_error_messages = {"invalid_choice": _("No such dwelling in this area.")}


class HouseholdForm(StyledForm):
    area = AreaChoiceField(label=_("Area"), queryset=None)
    number = CleanCharField(label=_("Household number"), max_length=40)
    kind = forms.ChoiceField(label=_("Kind"), choices=Household.Kind.choices, initial=Household.Kind.RESIDENT)
    tenure = forms.ChoiceField(
        label=_("Tenure"), choices=[("owner", _("owner")), ("tenant", _("tenant"))], initial="owner"
    )
    dwelling = DwellingChoiceField(label=_("Dwelling"), queryset=None, required=False)

    def __init__(self, *args, areas=None, dwellings=None, **kwargs):
        super().__init__(*args, **kwargs)
        if areas is None:
            del self.fields["area"]
        else:
            self.fields["area"].queryset = areas
        self.fields["dwelling"].queryset = dwellings


class AddMemberForm(StyledForm):
    id_number = CleanCharField(
        label=_("ID number of the person"),
        max_length=30,
        help_text=_("The person must already be recorded in your area."),
    )
    relation = forms.ChoiceField(label=_("Relation"), choices=HouseholdMember.Relation.choices)


class LinkUserForm(StyledForm):
    username = CleanCharField(
        label=_("Username"), max_length=150, required=False, help_text=_("Leave blank to unlink.")
    )


class OwnRecordForm(StyledForm):
    phone = CleanCharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        help_text=_("Leave blank to keep the recorded number."),
    )
    address = CleanCharField(label=_("Address"), max_length=200, required=False)
