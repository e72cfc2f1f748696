"""Forms of the practice pages (points rules, manual points, violations, assessments, pledges, projects).

Fields are validated here for a message next to the field, and again by the action, which has the last word.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.strings import CleanCharField

from .models import Assessment, PartyMember, PartyOrganization, PartyProject
from .models.practice import ActivityKind, Dont

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
POINTS = {"max_digits": 6, "decimal_places": 1}


def _member_field(queryset, label):
    field = forms.ModelChoiceField(label=label, queryset=queryset.select_related("person"))
    field.label_from_instance = lambda m: m.person.name
    return field


class SchemeForm(forms.Form):
    """The points scheme of one organization and year: base, manual cap, and per activity kind points
    with an optional yearly cap (a kind left empty earns nothing)."""

    base_points = forms.DecimalField(label=_("Yearly base points"), min_value=0, max_value=1000, **POINTS)
    manual_cap = forms.DecimalField(
        label=_("Largest manual entry (points)"), min_value=0, max_value=1000, initial=10, **POINTS
    )

    KINDS = [k for k in ActivityKind if k != ActivityKind.MANUAL]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in self.KINDS:
            self.fields[f"points_{kind.value}"] = forms.DecimalField(
                label=_("Points per activity"), min_value=0, max_value=100, required=False, **POINTS
            )
            self.fields[f"cap_{kind.value}"] = forms.DecimalField(
                label=_("Yearly cap"), min_value=0, max_value=1000, required=False, **POINTS
            )

    def rows(self):
        return [(kind, self[f"points_{kind.value}"], self[f"cap_{kind.value}"]) for kind in self.KINDS]

    def clean(self):
        data = super().clean()
        for kind in self.KINDS:
            if data.get(f"points_{kind.value}") is None and data.get(f"cap_{kind.value}") is not None:
                self.add_error(f"points_{kind.value}", _("Give the points before a cap."))
        return data

    def rules(self) -> dict:
        d = self.cleaned_data
        return {
            k.value: (d[f"points_{k.value}"], d.get(f"cap_{k.value}"))
            for k in self.KINDS
            if d.get(f"points_{k.value}") is not None
        }

    @staticmethod
    def initial_for(scheme) -> dict:
        if scheme is None:
            return {"base_points": 0, "manual_cap": 10}
        out = {"base_points": scheme.base_points, "manual_cap": scheme.manual_cap}
        for r in scheme.rules.all():
            out[f"points_{r.activity_kind}"] = r.points
            out[f"cap_{r.activity_kind}"] = r.yearly_cap
        return out


class ManualPointsForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member"), queryset=PartyMember.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    points = forms.DecimalField(
        label=_("Points (negative to deduct)"), min_value=-100, max_value=100, **POINTS
    )
    reason = CleanCharField(label=_("Reason"), max_length=300)

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"] = _member_field(
            (members if members is not None else PartyMember.objects.none()).order_by("person__name"),
            _("Member"),
        )


class ViolationForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member"), queryset=PartyMember.objects.none())
    dont = forms.TypedChoiceField(label=_("Which of the six don'ts"), choices=Dont.choices, coerce=int)
    occurred_on = forms.DateField(label=_("Date"), widget=DATE)
    description = CleanCharField(
        label=_("What happened"), max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"] = _member_field(
            (members if members is not None else PartyMember.objects.none()).order_by("person__name"),
            _("Member"),
        )


class ResponseForm(forms.Form):
    response = CleanCharField(
        label=_("Your response"), max_length=3000, widget=forms.Textarea(attrs={"rows": 4})
    )


class AssessmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of assessment"), choices=Assessment.Kind.choices)
    leader_name = CleanCharField(label=_("Leader assessed"), max_length=60)
    leader_position = CleanCharField(label=_("Position"), max_length=120)
    unit_name = CleanCharField(label=_("Unit or vertically managed office"), max_length=120)
    opinion_organization = forms.ModelChoiceField(
        label=_("Ask the opinion of"),
        queryset=PartyOrganization.objects.none(),
        help_text=_(
            "The unit's party organization, or the administrative party group for a vertically managed office."
        ),
    )

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizations is not None:
            self.fields["opinion_organization"].queryset = organizations


class OpinionForm(forms.Form):
    opinion = CleanCharField(
        label=_("The party organization's opinion"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class WaiveForm(forms.Form):
    reason = CleanCharField(label=_("Reason for waiving the opinion"), max_length=300)


class ResultForm(forms.Form):
    result = CleanCharField(
        label=_("Result of the assessment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PledgeForm(forms.Form):
    text = CleanCharField(label=_("My promise"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    due_on = forms.DateField(label=_("Due on"), widget=DATE)


class FulfilForm(forms.Form):
    fulfilment = CleanCharField(label=_("How it was fulfilled"), max_length=300)


class ProjectForm(forms.Form):
    title = CleanCharField(label=_("Title"), max_length=160)
    goal = CleanCharField(label=_("Goal"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    methods = forms.MultipleChoiceField(
        label=_("三联 work method"),
        choices=PartyProject.Method.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("Participating units"),
        queryset=PartyOrganization.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args, participants=None, **kwargs):
        super().__init__(*args, **kwargs)
        if participants is not None:
            self.fields["participants"].queryset = participants


class MilestoneForm(forms.Form):
    title = CleanCharField(label=_("Project milestone"), max_length=160, required=False)
    due_on = forms.DateField(label=_("Due on"), widget=DATE, required=False)

    def clean(self):
        data = super().clean()
        if data.get("title") and not data.get("due_on") and "due_on" not in self.errors:
            self.add_error("due_on", _("Give the milestone's due date."))
        if data.get("due_on") and not data.get("title") and "title" not in self.errors:
            self.add_error("title", _("Name the milestone."))
        return data


MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=4, max_num=20, absolute_max=20)


class ProjectResultsForm(forms.Form):
    results = CleanCharField(label=_("Results"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    evidence = CleanCharField(
        label=_("Evidence"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
