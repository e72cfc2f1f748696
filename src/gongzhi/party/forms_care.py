"""Forms of the care pages: reception days and counselling, appointments, turning a matter into a
petition or a case, major-matter votes, the deliberation month and information to members. Each field
is checked here and again by the action; the action's errors are shown next to the fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.strings import CleanCharField

from .models import Petition, ReceptionDay

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ReceptionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ReceptionDay.Kind.choices)
    host_name = CleanCharField(label=_("Received by (leader)"), max_length=60)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DATETIME)
    place = CleanCharField(label=_("Place"), max_length=200)
    capacity = forms.IntegerField(label=_("Number of appointments"), min_value=1, max_value=500, initial=10)


class BookForm(forms.Form):
    matter = CleanCharField(
        label=_("Matter you want to raise"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MatterPetitionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of petition"), choices=Petition.Kind.choices)


class MatterCaseForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Case category"), queryset=None)
    urgent = forms.BooleanField(label=_("Urgent"), required=False)

    def __init__(self, *args, **kwargs):
        from gongzhi.cases.models import CaseCategory

        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = CaseCategory.objects.filter(is_active=True).order_by("code")


class MajorMatterForm(forms.Form):
    title = CleanCharField(label=_("Matter"), max_length=200)
    motion_text = CleanCharField(
        label=_("Motion to vote on"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )
    starts_at = forms.DateTimeField(label=_("Meeting starts at"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Meeting ends at"), widget=DATETIME)
    place = CleanCharField(label=_("Place"), max_length=200, required=False)


class DeliberationForm(forms.Form):
    month = CleanCharField(
        label=_("Month"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
    )
    topic = CleanCharField(label=_("Topic"), max_length=200)
    participants = forms.IntegerField(label=_("Members taking part"), min_value=0, max_value=100000)
    conclusions = CleanCharField(
        label=_("Conclusions"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class InformForm(forms.Form):
    title = CleanCharField(label=_("Title"), max_length=160)
    body = CleanCharField(label=_("Text"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6}))
    expires_at = forms.DateTimeField(label=_("Expires at"), widget=DATETIME, required=False)
