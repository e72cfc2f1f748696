"""Volunteer forms: teams, registration, activities, hours, points, skill services, brand projects."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.strings import CleanCharField

from .models import Activity, OrganizerKind, SkillService

DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"})
LIST_HELP = _("Separate entries with commas.")


class AreaChoiceField(forms.ModelChoiceField):
    default_error_messages = {"invalid_choice": _("No such area in your scope: choose one from the list.")}

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_kind_display()})"


class TeamForm(forms.Form):
    area = AreaChoiceField(label=_("Area"), queryset=None)
    name = CleanCharField(label=_("Name"), max_length=120)
    organizer_kind = forms.ChoiceField(label=_("Organized by"), choices=OrganizerKind.choices)
    organizer_label = CleanCharField(
        label=_("Organizing body"), max_length=120, required=False, help_text=_("Default: the area's name.")
    )
    service_fields = CleanCharField(
        label=_("Service fields"), max_length=400, required=False, help_text=LIST_HELP
    )
    grids = forms.ModelMultipleChoiceField(
        label=_("Grid cells covered"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    founded_on = forms.DateField(label=_("Founded on"), required=False, widget=DATE)

    def __init__(self, *args, areas=None, grids=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.fields["grids"].queryset = grids
        self.fields["grids"].label_from_instance = lambda a: a.name
        if editing:
            del self.fields["area"]


class VolunteerForm(forms.Form):
    id_number = CleanCharField(
        label=_("ID number of the person"),
        max_length=30,
        help_text=_(
            "The person must be recorded in People first; the volunteer number is issued separately."
        ),
    )
    skills = CleanCharField(label=_("Skills"), max_length=400, required=False, help_text=LIST_HELP)
    availability = CleanCharField(label=_("Availability"), max_length=200, required=False)


class VolunteerEditForm(forms.Form):
    skills = CleanCharField(label=_("Skills"), max_length=400, required=False, help_text=LIST_HELP)
    availability = CleanCharField(label=_("Availability"), max_length=200, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False)


class MemberForm(forms.Form):
    number = CleanCharField(label=_("Volunteer number"), max_length=20)
    is_leader = forms.BooleanField(label=_("Team leader"), required=False)


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Activity.Kind.choices)
    title = CleanCharField(label=_("Title"), max_length=160)
    description = CleanCharField(
        label=_("Description"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DT)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DT)
    place = CleanCharField(label=_("Place"), max_length=200)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=100000)
    skills_wanted = CleanCharField(
        label=_("Skills wanted"), max_length=400, required=False, help_text=LIST_HELP
    )
    link_type = forms.ChoiceField(label=_("Serves"), required=False)
    link_id = forms.IntegerField(label=_("Number of the linked record"), required=False, min_value=1)
    publish = forms.BooleanField(label=_("Publish now"), required=False, initial=True)

    def __init__(self, *args, link_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["link_type"].choices = [("", _("nothing recorded elsewhere")), *link_choices]


class HoursForm(forms.Form):
    hours = forms.DecimalField(label=_("Hours"), max_digits=5, decimal_places=2)
    served_on = forms.DateField(label=_("Date of service"), widget=DATE)
    content = CleanCharField(label=_("Service content"), max_length=200)
    recording_body = CleanCharField(label=_("Recorded by (organization)"), max_length=120)


class CorrectionForm(forms.Form):
    hours = forms.DecimalField(label=_("Corrected hours"), max_digits=5, decimal_places=2)
    reason = CleanCharField(label=_("Reason for the correction"), max_length=200)


class CodeForm(forms.Form):
    code = CleanCharField(label=_("Code shown at the place"), max_length=6)


class PointForm(forms.Form):
    area = AreaChoiceField(label=_("Area"), queryset=None)
    name = CleanCharField(label=_("Name"), max_length=120)
    interest = CleanCharField(label=_("Interest"), max_length=60)
    host = CleanCharField(label=_("Host home or venue"), max_length=120)
    schedule = CleanCharField(label=_("Schedule"), max_length=120)

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas


class PersonRefForm(forms.Form):
    id_number = CleanCharField(label=_("ID number of the resident"), max_length=30)


class ServiceForm(forms.Form):
    number = CleanCharField(
        label=_("Volunteer number of the provider"),
        max_length=20,
        required=False,
        help_text=_("Empty: yourself."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=SkillService.Kind.choices)
    title = CleanCharField(label=_("Title"), max_length=120)
    description = CleanCharField(
        label=_("Description"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    place = CleanCharField(label=_("Place"), max_length=200)


class SlotForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DT)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DT)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=100, initial=1)


class BrandForm(forms.Form):
    area = AreaChoiceField(label=_("Community"), queryset=None)
    name = CleanCharField(label=_("Name"), max_length=120)
    slogan = CleanCharField(label=_("Slogan"), max_length=200, required=False)
    goals = CleanCharField(label=_("Goals"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=DATE)
    partners = CleanCharField(
        label=_("Participating units and organizations"), max_length=2000, required=False, help_text=LIST_HELP
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("Participating teams"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    results = CleanCharField(
        label=_("Results"), max_length=8000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    is_public = forms.BooleanField(label=_("Public page"), required=False, initial=True)

    def __init__(self, *args, areas=None, teams=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.fields["teams"].queryset = teams
        if editing:
            del self.fields["area"]


class IndicatorForm(forms.Form):
    name = CleanCharField(label=_("Indicator"), max_length=120)
    unit = CleanCharField(label=_("Unit"), max_length=20, required=False)
    target = forms.DecimalField(label=_("Target"), max_digits=12, decimal_places=2)
    achieved = forms.DecimalField(label=_("Achieved"), max_digits=12, decimal_places=2, initial=0)


class StarLevelsForm(forms.Form):
    stars_1 = forms.IntegerField(label=_("1 star (hours)"))
    stars_2 = forms.IntegerField(label=_("2 stars (hours)"))
    stars_3 = forms.IntegerField(label=_("3 stars (hours)"))
    stars_4 = forms.IntegerField(label=_("4 stars (hours)"))
    stars_5 = forms.IntegerField(label=_("5 stars (hours)"))
