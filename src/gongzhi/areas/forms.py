"""Area forms: create a child area, edit an area, a year's facts, a split/merge, a department."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.models import Department
from gongzhi.core.strings import CleanCharField

from .actions import FIRST_YEAR, LAST_YEAR
from .models import ALLOWED_PARENTS, Area, AreaChange, AreaKind


class StyledForm(forms.Form):
    """Bootstrap classes on every widget, so templates only include form_field.html."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def _date():
    return forms.DateInput(attrs={"type": "date"})


class AreaEditForm(StyledForm):
    name = CleanCharField(label=_("Name"), max_length=80)
    gb2260 = CleanCharField(
        label=_("GB/T 2260 code"),
        required=False,
        max_length=6,
        help_text=_("Cities and districts: 6 digits."),
    )
    stat_code = CleanCharField(
        label=_("Statistical code"),
        required=False,
        max_length=12,
        help_text=_("Streets, towns, communities and committees: 12 digits extending the parent's code."),
    )
    established_on = forms.DateField(label=_("Established on"), required=False, widget=_date())
    abolished_on = forms.DateField(label=_("Abolished on"), required=False, widget=_date())
    in_preparation = forms.BooleanField(label=_("In preparation"), required=False)
    formalized_on = forms.DateField(label=_("Became formal on"), required=False, widget=_date())

    def clean_gb2260(self):
        return self.cleaned_data["gb2260"].strip() or None

    def clean_stat_code(self):
        return self.cleaned_data["stat_code"].strip() or None


class AreaCreateForm(AreaEditForm):
    field_order = ["name", "kind"]
    kind = forms.ChoiceField(label=_("Kind"))

    def __init__(self, *args, parent: Area, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = [(k, lbl) for k, lbl in AreaKind.choices if parent.kind in ALLOWED_PARENTS[k]]
        self.fields["kind"].choices = allowed
        if len(allowed) == 1:
            self.fields["kind"].initial = allowed[0][0]
        del self.fields["abolished_on"]


class FactsForm(StyledForm):
    year = forms.IntegerField(label=_("Year the figures describe"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    land_km2 = forms.DecimalField(
        label=_("Land area (km²)"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    registered_population = forms.IntegerField(label=_("Registered population"), required=False, min_value=0)
    resident_population = forms.IntegerField(label=_("Resident population"), required=False, min_value=0)
    nonlocal_population = forms.IntegerField(label=_("Non-local population"), required=False, min_value=0)
    dwellings_built = forms.IntegerField(label=_("Dwellings built"), required=False, min_value=0)
    dwellings_occupied = forms.IntegerField(label=_("Dwellings occupied"), required=False, min_value=0)
    staff_count = forms.IntegerField(label=_("Full-time staff"), required=False, min_value=0)
    patrol_staff_count = forms.IntegerField(
        label=_("Patrol and assistant staff"), required=False, min_value=0
    )
    budget_yuan = forms.DecimalField(
        label=_("Yearly budget (yuan)"), required=False, min_value=0, max_digits=14, decimal_places=2
    )

    def clean(self):
        data = super().clean()
        built, occupied = data.get("dwellings_built"), data.get("dwellings_occupied")
        if built is not None and occupied is not None and occupied > built:
            self.add_error("dwellings_occupied", _("Occupied dwellings cannot exceed dwellings built."))
        return data


class AreaChangeForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind of change"), choices=AreaChange.Kind.choices)
    effective_on = forms.DateField(label=_("Effective on"), widget=_date())
    sources = forms.ModelMultipleChoiceField(
        label=_("From"), queryset=Area.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    results = forms.ModelMultipleChoiceField(
        label=_("Into"), queryset=Area.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    note = CleanCharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    # The choices are the subdivisions of one area; a real division has at most a few hundred.
    MAX_CHOICES = 500

    def __init__(self, *args, parent: Area, **kwargs):
        super().__init__(*args, **kwargs)
        ids = list(parent.children.order_by("path").values_list("pk", flat=True)[: self.MAX_CHOICES])
        qs = Area.objects.filter(pk__in=ids).order_by("path")
        self.fields["sources"].queryset = qs
        self.fields["results"].queryset = qs


class DepartmentForm(StyledForm):
    name = CleanCharField(label=_("Name"), max_length=80)
    kind = forms.ChoiceField(label=_("Kind"), choices=Department.Kind.choices)
    level = forms.ChoiceField(label=_("Level"), choices=Department.Level.choices)
    uses_platform = forms.BooleanField(
        label=_("Uses the platform"),
        required=False,
        initial=True,
        help_text=_("If not, staff record its actions on its behalf."),
    )
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
