"""Party forms: every field validated here and again by the action (errors shown next to the field)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.areas import paths as area_paths
from gongzhi.core.strings import CleanCharField

from .models import PartyOrganization, Petition, ServiceRecord
from .models.practice import Act


class ReportInForm(forms.Form):
    receiving = forms.ModelChoiceField(
        label=_("Residential-area party organization where you live"),
        queryset=PartyOrganization.objects.none(),
    )
    contact_phone = CleanCharField(label=_("Contact phone"), max_length=30)
    workplace_name = CleanCharField(label=_("Workplace"), max_length=120)
    skills = CleanCharField(label=_("Skills"), max_length=300, required=False)
    service_wishes = CleanCharField(label=_("Service wishes"), max_length=300, required=False)

    def __init__(self, *args, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = PartyOrganization.objects.filter(kind__in=PartyOrganization.RESIDENTIAL_KINDS, is_active=True)
        if member is not None:
            # Only organizations whose area holds the member's home.
            paths = [*area_paths.ancestors(member.area_path), member.area_path] if member.area_path else []
            qs = qs.filter(area_path__in=paths) if paths else qs
            self.initial.setdefault("workplace_name", member.workplace_name)
            self.initial.setdefault("skills", member.skills)
            self.initial.setdefault("service_wishes", member.service_wishes)
        self.fields["receiving"].queryset = qs.order_by("name")


class ReasonForm(forms.Form):
    reason = CleanCharField(label=_("Reason"), max_length=300)


class ServiceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ServiceRecord.Kind.choices)
    served_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.DecimalField(label=_("Hours"), min_value=0.5, max_value=24, decimal_places=1)
    description = CleanCharField(label=_("What was done"), max_length=300)


class PetitionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Petition.Kind.choices)
    organization = forms.ModelChoiceField(
        label=_("To (leave empty to route automatically)"),
        queryset=PartyOrganization.objects.filter(is_active=True).order_by("name"),
        required=False,
    )
    title = CleanCharField(label=_("Subject"), max_length=160)
    body = CleanCharField(label=_("Text"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))


class AnswerForm(forms.Form):
    answer = CleanCharField(label=_("Answer"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class ActForm(forms.Form):
    act = forms.TypedChoiceField(label=_("Act"), choices=Act.choices, coerce=int)
    done_on = forms.DateField(label=_("Done on"), widget=forms.DateInput(attrs={"type": "date"}))
    evidence = CleanCharField(label=_("Evidence"), max_length=300)
