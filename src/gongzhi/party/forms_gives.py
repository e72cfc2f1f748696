"""Forms of the three-gives pages (tasks, honours, seats) and of the unit report slip with the resources
it offers. Fields are checked here for shape; the actions check the rules and their errors are shown
next to the same fields."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.strings import CleanCharField
from gongzhi.councils.models import Seat
from gongzhi.matching.models import Kind as ResourceKind

from .models import CommunityTask, PartyMember, PartyOrganization

DATE = {"type": "date"}


def _date_input():
    """A date picker that shows its initial value: ISO format whatever the language (zh-hans would render
    2026/11/27, which a type=date input discards)."""
    return forms.DateInput(attrs=DATE, format="%Y-%m-%d")


def _year_field():
    return forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class TaskForm(forms.Form):
    title = CleanCharField(label=_("Title"), max_length=160)
    goal = CleanCharField(label=_("Common goal"), max_length=200, required=False)
    description = CleanCharField(
        label=_("Description"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    audience = forms.ChoiceField(label=_("For"), choices=CommunityTask.Audience.choices)
    due_on = forms.DateField(label=_("Due on"), widget=_date_input())


class SignupUnitForm(forms.Form):
    unit_organization = forms.ModelChoiceField(
        label=_("Sign up the unit"), queryset=PartyOrganization.objects.none()
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit_organization"].queryset = PartyOrganization.objects.filter(
            pk__in=[u.pk for u in units]
        ).order_by("name")


class CompleteForm(forms.Form):
    note = CleanCharField(label=_("Result"), max_length=300)


class NominationForm(forms.Form):
    NOMINEE = [("organization", _("An organization")), ("member", _("A party member"))]

    title = CleanCharField(
        label=_("Honour"),
        max_length=120,
        help_text=_("For example: outstanding grassroots party organization"),
    )
    year = _year_field()
    nominee = forms.ChoiceField(label=_("Nominate"), choices=NOMINEE, widget=forms.RadioSelect)
    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=PartyOrganization.objects.none(), required=False
    )
    member = forms.ModelChoiceField(
        label=_("Party member"),
        queryset=PartyMember.objects.none(),
        required=False,
        widget=forms.RadioSelect,
    )
    citation = CleanCharField(
        label=_("Citation"), max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, organizations=None, members_qs=None, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        if organizations is not None:
            self.fields["organization"].queryset = organizations
        if members_qs is not None:
            # The whole scoped set validates; only the searched candidates are rendered as choices.
            self.fields["member"].queryset = members_qs
        self.candidates = list(candidates)

    def clean(self):
        data = super().clean()
        kind = data.get("nominee")
        if kind == "organization" and not data.get("organization") and "organization" not in self.errors:
            self.add_error("organization", _("Choose the organization to nominate."))
        if kind == "member" and not data.get("member") and "member" not in self.errors:
            self.add_error("member", _("Search for the member by name and choose one."))
        if kind == "organization":
            data["member"] = None
        elif kind == "member":
            data["organization"] = None
        return data


class GiveSeatForm(forms.Form):
    REPRESENTS = [
        (v, label)
        for v, label in Seat.Represents.choices
        if v in ("unit", "organization", "residents", "committee", "party_organization", "other")
    ]

    holder_name = CleanCharField(label=_("Representative's name"), max_length=60)
    represents = forms.ChoiceField(label=_("Represents"), choices=REPRESENTS)
    represents_label = CleanCharField(
        label=_("Unit or body represented"),
        max_length=120,
        required=False,
        help_text=_("For a unit's representative, the unit's name."),
    )
    term_start = forms.DateField(label=_("Term starts"), widget=_date_input())
    term_end = forms.DateField(label=_("Term ends"), required=False, widget=_date_input())


class EndSeatForm(forms.Form):
    on = forms.DateField(label=_("Term ends on"), widget=_date_input())


class LinkCouncilForm(forms.Form):
    council = forms.ModelChoiceField(label=_("Community members' representative meeting"), queryset=None)

    def __init__(self, *args, councils=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = councils


class UnitReportForm(forms.Form):
    receiving = forms.ModelChoiceField(label=_("Report to"), queryset=PartyOrganization.objects.none())
    year = _year_field()
    contact_person = CleanCharField(label=_("Contact person"), max_length=60)
    contact_phone = CleanCharField(label=_("Contact phone"), max_length=30)
    tasks = CleanCharField(
        label=_("Tasks the unit will take on"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, receiving=None, **kwargs):
        super().__init__(*args, **kwargs)
        if receiving is not None:
            self.fields["receiving"].queryset = receiving


class ResourceForm(forms.Form):
    """One resource the unit offers; a row left empty is skipped."""

    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *ResourceKind.choices], required=False)
    title = CleanCharField(label=_("Resource"), max_length=160, required=False)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=1_000_000, required=False)
    unit = CleanCharField(label=_("Measured in"), max_length=20, required=False)
    available_from = forms.DateField(label=_("Available from"), required=False, widget=_date_input())
    available_until = forms.DateField(label=_("Available until"), required=False, widget=_date_input())

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not any(
            data.get(f) for f in ("kind", "title", "capacity", "available_from", "available_until")
        )

    def clean(self):
        data = super().clean()
        if self.errors or self.is_blank():
            return data
        for field in ("kind", "title", "capacity", "available_from", "available_until"):
            if not data.get(field):
                self.add_error(field, _("This field is required."))
        return data

    def spec(self) -> dict:
        """The keyword arguments of matching's publish_resource (the whole of each day, local time)."""
        d = self.cleaned_data
        tz = timezone.get_current_timezone()
        return {
            "kind": d["kind"],
            "title": d["title"],
            "capacity": d["capacity"],
            "unit": d.get("unit") or "",
            "available_from": dt.datetime.combine(d["available_from"], dt.time.min, tzinfo=tz),
            "available_until": dt.datetime.combine(d["available_until"], dt.time(23, 59), tzinfo=tz),
        }


ResourceFormSet = forms.formset_factory(ResourceForm, extra=3, max_num=10, validate_max=True)


def check_resource_rows(formset) -> list[dict]:
    """The specs of the filled rows; a ValidationError when a row is malformed."""
    if not formset.is_valid():
        raise ValidationError(_("Check the resources offered."))
    return [f.spec() for f in formset.forms if not f.is_blank()]
