"""Forms of the registry pages: organizations, status and grade, contact data, teams, units, inspections."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.models import User
from gongzhi.core import pii
from gongzhi.core.strings import CleanCharField

from .actions.inspection import MONEY_FIELDS, STAFF_FIELDS
from .models import AnnualInspection, FiledTeam, StationedUnit
from .models.inspection import STAFF_GROUPS, STAFF_SUBSETS
from .models.registry import Grade, OrgForm, OrgStatus, OrgType, Subtype

DATE = {"widget": forms.DateInput(attrs={"type": "date"})}


class StyledForm(forms.Form):
    """Bootstrap classes on every widget, so templates stay a loop over form_field.html."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)


class AreaChoiceField(forms.ModelChoiceField):
    default_error_messages = {"invalid_choice": _("No such area in your scope: choose one from the list.")}

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_kind_display()})"


def _id_number(value):
    return pii.validate_id_number(value) if value else ""


def _phone(value):
    return pii.normalize_phone(value) if value else ""


class OrganizationForm(StyledForm):
    """Registration, and registration changes (变更) of an existing organization."""

    area = AreaChoiceField(label=_("Area"), queryset=None)
    name = CleanCharField(label=_("Name"), max_length=120)
    uscc = CleanCharField(
        label=_("Unified social credit code"),
        max_length=30,
        help_text=_(
            "18 characters; social groups start with 51, private non-enterprise units 52, foundations 53."
        ),
    )
    org_type = forms.ChoiceField(label=_("Type"), choices=OrgType.choices)
    subtype = forms.ChoiceField(
        label=_("Subtype"),
        choices=Subtype.choices,
        help_text=_(
            "Social groups: professional, federative, academic, trade; foundations: public or non-public fundraising; private non-enterprise units: their field."
        ),
    )
    form = forms.ChoiceField(
        label=_("Organizational form"), choices=OrgForm.choices, initial=OrgForm.ORDINARY
    )
    registered_on = forms.DateField(label=_("Registration date"), **DATE)
    address = CleanCharField(label=_("Address"), max_length=200, required=False)
    legal_representative = CleanCharField(label=_("Legal representative"), max_length=60, required=False)
    legal_rep_id_number = CleanCharField(
        label=_("Legal representative's ID number"), max_length=30, required=False
    )
    legal_rep_phone = CleanCharField(label=_("Legal representative's phone"), max_length=30, required=False)
    business_scope = CleanCharField(
        label=_("Business scope"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    supervising_unit = CleanCharField(label=_("Supervising unit"), max_length=120, required=False)
    contact_person = CleanCharField(label=_("Contact person"), max_length=60, required=False)
    contact_phone = CleanCharField(label=_("Office phone"), max_length=30, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    effective_on = forms.DateField(
        label=_("Change effective on"), required=False, help_text=_("Empty: today."), **DATE
    )
    note = CleanCharField(label=_("Note on the change"), max_length=500, required=False)

    def __init__(self, *args, areas=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.fields["legal_rep_id_number"].widget.attrs["autocomplete"] = "off"
        if editing:
            keep = _("Leave blank to keep the recorded value.")
            self.fields["legal_rep_id_number"].help_text = keep
            self.fields["legal_rep_phone"].help_text = keep
        else:
            del self.fields["effective_on"]
            del self.fields["note"]

    def clean_legal_rep_id_number(self):
        return _id_number(self.cleaned_data["legal_rep_id_number"])

    def clean_legal_rep_phone(self):
        return _phone(self.cleaned_data["legal_rep_phone"])


class DeregisterForm(StyledForm):
    effective_on = forms.DateField(label=_("Deregistered on"), initial=timezone.localdate, **DATE)
    note = CleanCharField(label=_("Reason or note"), max_length=500, required=False)


class GradeForm(StyledForm):
    grade = forms.ChoiceField(label=_("Evaluation grade"), choices=Grade.choices)
    awarded_on = forms.DateField(
        label=_("Awarded on"), help_text=_("The grade is valid for five years."), **DATE
    )


class ContactForm(StyledForm):
    contact_person = CleanCharField(label=_("Contact person"), max_length=60, required=False)
    contact_phone = CleanCharField(label=_("Office phone"), max_length=30, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    address = CleanCharField(label=_("Address"), max_length=200, required=False)


class OrgFilterForm(forms.Form):
    """The list's filters (GET): invalid values are simply ignored by the view."""

    q = CleanCharField(label=_("Name contains"), max_length=60, required=False)
    org_type = forms.ChoiceField(label=_("Type"), choices=[("", _("all"))] + OrgType.choices, required=False)
    subtype = forms.ChoiceField(
        label=_("Subtype"), choices=[("", _("all"))] + Subtype.choices, required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("all"))] + OrgStatus.choices, required=False
    )
    grade = forms.ChoiceField(
        label=_("Grade"), choices=[("", _("all")), ("none", _("no grade"))] + Grade.choices, required=False
    )
    form = forms.ChoiceField(label=_("Form"), choices=[("", _("all"))] + OrgForm.choices, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = (
                "form-control form-control-sm" if name == "q" else "form-select form-select-sm"
            )


# --- filed teams and units -----------------------------------------------------------------------
class TeamForm(StyledForm):
    area = AreaChoiceField(label=_("Area"), queryset=None)
    name = CleanCharField(label=_("Name"), max_length=120)
    activity_kind = CleanCharField(
        label=_("Kind of activity"),
        max_length=60,
        help_text=_("e.g. square dancing, choir, calligraphy, patrol."),
    )
    leader_name = CleanCharField(label=_("Leader"), max_length=60)
    leader_phone = CleanCharField(label=_("Leader's phone"), max_length=30, required=False)
    members_count = forms.IntegerField(label=_("Members"), min_value=0, max_value=100000)
    filed_on = forms.DateField(label=_("Filing date"), **DATE)
    note = CleanCharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, areas=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["area"]
            self.fields["leader_phone"].help_text = _("Leave blank to keep the recorded value.")
        else:
            self.fields["area"].queryset = areas

    def clean_leader_phone(self):
        return _phone(self.cleaned_data["leader_phone"])


class TeamCancelForm(StyledForm):
    cancelled_on = forms.DateField(label=_("Cancelled on"), initial=timezone.localdate, **DATE)
    note = CleanCharField(label=_("Reason"), max_length=500, required=False)


class UsernameField(CleanCharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 150)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        user = User.objects.filter(username=value, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active user has this username."))
        return user


class UnitForm(StyledForm):
    area = AreaChoiceField(label=_("Area"), queryset=None)
    name = CleanCharField(label=_("Name"), max_length=120)
    uscc = CleanCharField(label=_("Unified social credit code"), max_length=30, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=StationedUnit.Kind.choices)
    address = CleanCharField(label=_("Address"), max_length=200, required=False)
    contact_phone = CleanCharField(label=_("Office phone"), max_length=30, required=False)
    employees = forms.IntegerField(label=_("Employees"), min_value=0, required=False)
    has_party_organization = forms.BooleanField(label=_("Has a party organization"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    liaison = UsernameField(
        label=_("Liaison (username)"),
        required=False,
        help_text=_("The liaison signs in and keeps this unit's record."),
    )

    def __init__(self, *args, areas=None, editing=False, staff=True, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["area"]
        else:
            self.fields["area"].queryset = areas
        if not staff:
            del self.fields["liaison"]


# --- annual inspection ---------------------------------------------------------------------------
GROUP_LABELS = {
    "tenure": _("Full-time and part-time"),
    "contract": _("Contract kind"),
    "age": _("Age band"),
    "education": _("Education"),
}


class InspectionForm(StyledForm):
    """The annual report: staff counts grouped as on the paper form, finances, activities, party building."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in STAFF_FIELDS:
            model_field = AnnualInspection._meta.get_field(name)
            self.fields[name] = forms.IntegerField(
                label=model_field.verbose_name,
                min_value=0,
                max_value=10_000_000,
                initial=0,
                widget=forms.NumberInput(
                    attrs={"class": "form-control gz-count", "min": 0, "inputmode": "numeric"}
                ),
            )
        for name in MONEY_FIELDS:
            model_field = AnnualInspection._meta.get_field(name)
            self.fields[name] = forms.DecimalField(
                label=model_field.verbose_name,
                min_value=0,
                max_digits=16,
                decimal_places=2,
                initial=0,
                error_messages={"min_value": _("Amounts cannot be negative.")},
                widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.01", "min": 0}),
            )
        self.fields["activities"] = CleanCharField(
            label=_("Activities"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        )
        self.fields["party_building"] = CleanCharField(
            label=_("Party building"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        )

    def groups(self):
        """(label, group key, [bound fields]) in the order of the paper form."""
        out = [(_("Staff in total"), "total", [self["staff_total"]])]
        for key, fields in STAFF_GROUPS.items():
            out.append((GROUP_LABELS[key], key, [self[f] for f in fields]))
        out.append((_("Of whom"), "subsets", [self[f] for f in STAFF_SUBSETS]))
        return out

    def money(self):
        return [self[f] for f in MONEY_FIELDS]


class ReviewForm(StyledForm):
    result = forms.ChoiceField(label=_("Result"), choices=AnnualInspection.Result.choices)
    reason = CleanCharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required unless the result is qualified."),
    )


class ReturnForm(StyledForm):
    reason = CleanCharField(label=_("What must be corrected"), widget=forms.Textarea(attrs={"rows": 2}))


class OpenYearForm(StyledForm):
    area = AreaChoiceField(label=_("Area"), queryset=None)
    year = forms.IntegerField(label=_("Year reported on"), min_value=2000, max_value=2100)
    due_on = forms.DateField(label=_("Reports due on"), **DATE)

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas


class InspectionFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    state = forms.ChoiceField(
        label=_("State"), choices=[("", _("all"))] + AnnualInspection.State.choices, required=False
    )
    result = forms.ChoiceField(
        label=_("Result"), choices=[("", _("all"))] + AnnualInspection.Result.choices, required=False
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name == "overdue":
                field.widget.attrs["class"] = "form-check-input"
            else:
                field.widget.attrs["class"] = (
                    "form-control form-control-sm" if name == "year" else "form-select form-select-sm"
                )


TEAM_STATUS_CHOICES = [("", _("all"))] + FiledTeam.Status.choices
