"""Forms of the case pages: report (phone-friendly), dispatch, and one small form per transition."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.models import Department
from gongzhi.areas.models import Area
from gongzhi.core.strings import CleanCharField

from .models import CaseCategory
from .models.cases import Channel, Satisfaction


class ReportForm(forms.Form):
    category = forms.ModelChoiceField(CaseCategory.objects.filter(is_active=True), label=_("Category"))
    area = forms.ModelChoiceField(Area.objects.none(), label=_("Place (down to the grid cell)"))
    channel = forms.ChoiceField(choices=Channel.choices, label=_("Channel"))
    title = CleanCharField(label=_("Title"), max_length=120)
    description = CleanCharField(label=_("What is the problem?"), widget=forms.Textarea(attrs={"rows": 4}))
    address = CleanCharField(label=_("Address"), max_length=200, required=False)
    latitude = forms.DecimalField(label=_("Latitude"), required=False, max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(label=_("Longitude"), required=False, max_digits=10, decimal_places=6)
    coordinate_system = forms.ChoiceField(
        label=_("Coordinates from"),
        choices=[("wgs84", _("GPS (WGS-84)")), ("gcj02", _("Chinese map app (GCJ-02)"))],
        initial="wgs84",
    )
    reporter_name = CleanCharField(label=_("Reporter's name"), max_length=60, required=False)
    reporter_phone = CleanCharField(label=_("Reporter's phone"), max_length=20, required=False)
    anonymous = forms.BooleanField(label=_("Report anonymously"), required=False)
    urgent = forms.BooleanField(label=_("Urgent"), required=False)
    files = forms.FileField(
        label=_("Photos or documents"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,.pdf,.doc,.docx,.xls,.xlsx"}),
    )
    confirm_new = forms.BooleanField(
        label=_("This is a new problem, not one of the cases above"), required=False
    )

    def __init__(self, *args, areas=None, channels=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas if areas is not None else Area.objects.none()
        if channels is not None:
            self.fields["channel"].choices = [c for c in Channel.choices if c[0] in channels]


def _handlers(street):
    offices = (
        Area.objects.subtree(street)
        .filter(kind__in=["street", "town", "community", "residents_committee", "village_committee"])
        .order_by("path")
    )
    depts = (
        Department.objects.filter(is_active=True)
        .filter(area__path__in=[street.path[:i] for i in range(5, len(street.path) + 1, 5)])
        .order_by("name")
    )
    return offices, depts


class DispatchForm(forms.Form):
    lead = forms.ChoiceField(label=_("Lead handler (主办)"), required=False)
    supports = forms.MultipleChoiceField(
        label=_("Supporting departments (协办)"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    support_task = CleanCharField(
        label=_("Task for the supporting departments"), max_length=200, required=False
    )
    support_days = forms.IntegerField(
        label=_("Supporting tasks: within (working days)"), min_value=1, max_value=365, initial=10
    )
    note = CleanCharField(label=_("Note"), required=False)

    def __init__(self, *args, street=None, **kwargs):
        super().__init__(*args, **kwargs)
        offices, depts = _handlers(street) if street is not None else ([], [])
        self.fields["lead"].choices = (
            [("", _("by the routing rules"))]
            + [(f"area:{a.pk}", a.name) for a in offices]
            + [(f"department:{d.pk}", d.name) for d in depts]
        )
        self.fields["supports"].choices = [(str(d.pk), d.name) for d in depts]


class ReasonForm(forms.Form):
    reason = CleanCharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ReturnForm(ReasonForm):
    legal_basis = CleanCharField(label=_("Legal basis"), max_length=300)
    escalate = forms.BooleanField(label=_("Escalate to the street/town"), required=False)


class ResolveForm(forms.Form):
    answer = CleanCharField(label=_("Answer to the reporter"), widget=forms.Textarea(attrs={"rows": 3}))
    solved = forms.TypedChoiceField(
        label=_("Outcome"),
        choices=[("1", _("problem solved")), ("0", _("answered, not solved"))],
        coerce=lambda v: v == "1",
    )
    files = forms.FileField(label=_("Evidence"), required=False)


class TaskDoneForm(forms.Form):
    answer = CleanCharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}))


class RateForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("Satisfaction"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    comment = CleanCharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CallForm(forms.Form):
    reached = forms.BooleanField(label=_("Reporter reached"), required=False, initial=True)
    satisfaction = forms.ChoiceField(
        label=_("Satisfaction"), choices=[("", "—"), *Satisfaction.choices], required=False
    )
    note = CleanCharField(label=_("Note"), required=False)


class ExtensionForm(forms.Form):
    extra_days = forms.IntegerField(label=_("Extra working days"), min_value=1, max_value=60)
    reason = CleanCharField(label=_("Reason"))


class NoteForm(forms.Form):
    note = CleanCharField(label=_("Note"), required=False)


class MergeForm(forms.Form):
    into = CleanCharField(label=_("Case number to merge into"), max_length=24)
    note = CleanCharField(label=_("Note"), required=False)


class CategoryForm(forms.Form):
    category = forms.ModelChoiceField(CaseCategory.objects.filter(is_active=True), label=_("New category"))


class RuleForm(forms.Form):
    category = forms.ModelChoiceField(CaseCategory.objects.filter(is_active=True), label=_("Category"))
    area = forms.ModelChoiceField(Area.objects.none(), label=_("Area (with its subtree)"))
    lead_kind = forms.ChoiceField(
        label=_("Lead kind"), choices=[("area", _("area office")), ("department", _("department"))]
    )
    lead_area_level = forms.ChoiceField(
        label=_("Lead level"),
        choices=[
            ("committee", _("the case's committee")),
            ("community", _("the case's community")),
            ("street", _("the street/town")),
        ],
        required=False,
    )
    lead_department = forms.ModelChoiceField(
        Department.objects.filter(is_active=True), label=_("Lead department"), required=False
    )
    supports = forms.ModelMultipleChoiceField(
        Department.objects.filter(is_active=True),
        label=_("Supporting departments"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    support_task = CleanCharField(
        label=_("Task of the supporting departments"), max_length=200, required=False
    )
    support_days = forms.IntegerField(
        label=_("Within (working days)"), min_value=1, max_value=365, initial=10
    )

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas if areas is not None else Area.objects.none()
