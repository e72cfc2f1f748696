"""Forms of the field pages: visits, patrols, campaigns and the KPI filter."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.strings import CleanCharField

from .actions.campaigns import FOUND_BY_CHOICES
from .models import CaseCategory, Visit

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"})
DATETIME = forms.DateTimeInput(
    attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M"
)
TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


def _categories():
    return CaseCategory.objects.filter(is_active=True).order_by("order", "code")


class BootstrapMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class VisitForm(BootstrapMixin, forms.Form):
    target_kind = forms.ChoiceField(label=_("Visited"), choices=Visit.TargetKind.choices)
    unit = forms.ModelChoiceField(label=_("Stationed unit"), queryset=None, required=False)
    place = forms.ModelChoiceField(label=_("Committee or compound"), queryset=None, required=False)
    household_number = CleanCharField(label=_("Household number"), max_length=40, required=False)
    visitor_kind = forms.ChoiceField(label=_("Visitor"), choices=Visit.VisitorKind.choices)
    visitor_name = CleanCharField(label=_("Visitor's name"), max_length=60, required=False)
    planned_on = forms.DateField(label=_("Planned for"), required=False, widget=DATE)
    visited_at = forms.DateTimeField(
        label=_("Visited at (leave empty to plan the visit)"), required=False, widget=DATETIME
    )
    topics = CleanCharField(label=_("Topics"), max_length=200, required=False)
    notes = CleanCharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, units, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["place"].queryset = places


class LogVisitForm(BootstrapMixin, forms.Form):
    visited_at = forms.DateTimeField(label=_("Visited at"), widget=DATETIME)
    topics = CleanCharField(label=_("Topics"), max_length=200, required=False)
    notes = CleanCharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CaseFromFieldForm(BootstrapMixin, forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=None)
    title = CleanCharField(label=_("Title"), max_length=120)
    description = CleanCharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))
    address = CleanCharField(label=_("Address"), max_length=200, required=False)
    urgent = forms.BooleanField(label=_("Urgent"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = _categories()


class FindingForm(CaseFromFieldForm):
    latitude = forms.DecimalField(label=_("Latitude"), required=False, max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(label=_("Longitude"), required=False, max_digits=9, decimal_places=6)
    photo = forms.FileField(label=_("Photo or document"), required=False)


class FeedbackForm(BootstrapMixin, forms.Form):
    feedback = CleanCharField(label=_("Feedback given"), widget=forms.Textarea(attrs={"rows": 3}))


class PatrolStartForm(BootstrapMixin, forms.Form):
    area = forms.ModelChoiceField(label=_("Grid cell"), queryset=None)
    route_notes = CleanCharField(label=_("Route"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas


class PatrolEndForm(BootstrapMixin, forms.Form):
    route_notes = CleanCharField(label=_("Route"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    findings = CleanCharField(label=_("Findings"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CampaignForm(BootstrapMixin, forms.Form):
    title = CleanCharField(label=_("Title"), max_length=160)
    category = forms.ModelChoiceField(label=_("Category"), queryset=None)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    reinspection_days = forms.IntegerField(
        label=_("Re-inspection after (days)"), min_value=1, max_value=365, initial=30
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = _categories()


class TargetForm(BootstrapMixin, forms.Form):
    building = CleanCharField(label=_("Building"), max_length=20)
    unit = CleanCharField(label=_("Unit"), max_length=20, required=False)
    room = CleanCharField(label=_("Room"), max_length=20)
    compound = forms.ModelChoiceField(label=_("Compound"), queryset=None)
    found_by = forms.ChoiceField(label=_("Found by"), choices=FOUND_BY_CHOICES)

    def __init__(self, *args, compounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].queryset = compounds


class ReinspectionForm(BootstrapMixin, forms.Form):
    confirmed = forms.TypedChoiceField(
        label=_("Result"),
        choices=[("1", _("rectification holds")), ("0", _("problem found again"))],
        coerce=lambda v: v == "1",
    )
    note = CleanCharField(label=_("Note"), required=False, max_length=2000)


class ReboundForm(BootstrapMixin, forms.Form):
    note = CleanCharField(label=_("What was found"), max_length=2000)
    found_by = forms.ChoiceField(label=_("Found by"), choices=FOUND_BY_CHOICES)


class KpiFilterForm(BootstrapMixin, forms.Form):
    period_from = forms.RegexField(
        label=_("From month"), regex=r"^\d{4}-\d{2}$", widget=forms.TextInput(attrs={"type": "month"})
    )
    period_to = forms.RegexField(
        label=_("To month"), regex=r"^\d{4}-\d{2}$", widget=forms.TextInput(attrs={"type": "month"})
    )

    def clean(self):
        data = super().clean()
        a, b = data.get("period_from"), data.get("period_to")
        if a and b and a > b:
            self.add_error("period_to", _("The end month must not be before the start month."))
        return data
