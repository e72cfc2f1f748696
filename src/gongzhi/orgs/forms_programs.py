"""Forms of the programme pages: incubation, venture calls (call, application, score, awards), contracts."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.strings import CleanCharField

from .models import Incubation, ServiceContract, SocialOrganization, VentureCall, VentureProject

MONEY = {"max_digits": 14, "decimal_places": 2}
DATE = {"widget": forms.DateInput(attrs={"type": "date"})}


def _text(label, **kw):
    return CleanCharField(label=label, **kw)


def _area_text(label, max_length=160, **kw):
    return CleanCharField(label=label, max_length=max_length, **kw)


class AdmitForm(forms.Form):
    incubator = forms.ModelChoiceField(queryset=SocialOrganization.objects.none(), label=_("Incubator"))
    name = _area_text(_("Start-up name"), max_length=120)
    organization = forms.ModelChoiceField(
        queryset=SocialOrganization.objects.none(),
        label=_("Registered organization (if already registered)"),
        required=False,
    )
    admitted_on = forms.DateField(label=_("Admitted on"), **DATE)
    support = forms.MultipleChoiceField(
        label=_("Support given"),
        choices=Incubation.SUPPORT_KINDS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    grant_amount = forms.DecimalField(label=_("Small grant (yuan)"), required=False, **MONEY)

    def __init__(self, *args, incubators, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["incubator"].queryset = incubators
        self.fields["organization"].queryset = organizations


class MilestoneForm(forms.Form):
    title = _area_text(_("Milestone"), max_length=120)
    due_on = forms.DateField(label=_("Due date"), required=False, **DATE)


class MilestoneDoneForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), **DATE)


class GraduateForm(forms.Form):
    graduation = forms.ChoiceField(label=_("Graduated as"), choices=Incubation.Graduation.choices)
    ended_on = forms.DateField(label=_("Graduated on"), **DATE)
    organization = forms.ModelChoiceField(
        queryset=SocialOrganization.objects.none(), label=_("Registered organization"), required=False
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class ExitForm(forms.Form):
    reason = _text(_("Reason for exit"), widget=forms.Textarea(attrs={"rows": 2}))
    ended_on = forms.DateField(label=_("Left on"), **DATE)


class CallForm(forms.Form):
    area = forms.ModelChoiceField(queryset=None, label=_("Run by (area)"))
    kind = forms.ChoiceField(label=_("Kind"), choices=VentureCall.Kind.choices)
    title = _area_text(_("Title"))
    budget = forms.DecimalField(label=_("Budget (yuan)"), **MONEY)
    criteria = _text(_("Criteria"), widget=forms.Textarea(attrs={"rows": 4}))
    opens_on = forms.DateField(label=_("Opens on"), **DATE)
    closes_on = forms.DateField(label=_("Closes on"), **DATE)

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas


class ApplyForm(forms.Form):
    organization = forms.ModelChoiceField(queryset=None, label=_("Applying organization"), empty_label=None)
    project_title = _area_text(_("Project"))
    summary = _text(_("Summary"), widget=forms.Textarea(attrs={"rows": 5}))
    requested_amount = forms.DecimalField(label=_("Amount requested (yuan)"), **MONEY)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class ScoreForm(forms.Form):
    score = forms.DecimalField(label=_("Score (0–100)"), max_digits=5, decimal_places=2)
    comment = _text(_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AwardForm(forms.Form):
    """One amount field per ranked application (empty = not awarded) and the funded period."""

    starts_on = forms.DateField(label=_("Projects start on"), **DATE)
    ends_on = forms.DateField(label=_("Projects end on"), **DATE)

    def __init__(self, *args, applications, **kwargs):
        super().__init__(*args, **kwargs)
        for app in applications:
            self.fields[f"award_{app.pk}"] = forms.DecimalField(
                label=f"{app.project_title} — {app.organization.name}", required=False, min_value=0, **MONEY
            )

    def awards(self) -> dict:
        return {
            int(name.removeprefix("award_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("award_") and value
        }


class CloseProjectForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (VentureProject.State.COMPLETED, _("completed")),
            (VentureProject.State.TERMINATED, _("terminated")),
        ],
    )
    results = _text(_("Results"), widget=forms.Textarea(attrs={"rows": 3}))


class ContractForm(forms.Form):
    area = forms.ModelChoiceField(queryset=None, label=_("Contracting area (street/town)"))
    kind = forms.ChoiceField(label=_("Kind"), choices=ServiceContract.Kind.choices)
    title = _area_text(_("Title"))
    provider = forms.ModelChoiceField(queryset=None, label=_("Provider (social organization)"))
    centre_name = _area_text(_("Centre (for hosting)"), max_length=120, required=False)
    description = _text(_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    budget = forms.DecimalField(label=_("Budget (yuan)"), **MONEY)
    starts_on = forms.DateField(label=_("Starts on"), **DATE)
    ends_on = forms.DateField(label=_("Ends on"), **DATE)

    def __init__(self, *args, areas, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.fields["provider"].queryset = providers


class IndicatorForm(forms.Form):
    name = _area_text(_("Indicator"), max_length=120, required=False)
    unit = _area_text(_("Unit"), max_length=20, required=False)
    target = forms.DecimalField(label=_("Target"), required=False, **MONEY)


IndicatorFormSet = forms.formset_factory(IndicatorForm, extra=4, max_num=20)


class SignForm(forms.Form):
    signed_on = forms.DateField(label=_("Signed on"), **DATE)


class ReportValueForm(forms.Form):
    reported = forms.DecimalField(label=_("Reported value"), **MONEY)
    reported_on = forms.DateField(label=_("Reported on"), **DATE)


class EvaluateForm(forms.Form):
    evaluation = forms.ChoiceField(label=_("Evaluation"), choices=ServiceContract.Evaluation.choices)
    note = _text(_("Evaluation note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TerminateForm(forms.Form):
    reason = _text(_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
