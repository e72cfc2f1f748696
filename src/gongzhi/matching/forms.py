"""Forms of the matching pages: publish a resource or a need, accept a pair, run a project."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.areas.models import Area, subtree_q
from gongzhi.core import policy
from gongzhi.core.strings import CleanCharField

from .models import Kind

DT_FORMAT = "%Y-%m-%dT%H:%M"
AREA_KINDS = ["street", "town", "community", "residents_committee", "village_committee", "compound", "grid"]


class DateTimeLocalField(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DT_FORMAT)

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", [DT_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"])
        super().__init__(**kwargs)


def areas_for(user, capability, limit=500):
    """The areas (street/town down to grid) inside the user's scope for the capability."""
    paths = policy.area_paths(user, capability)
    qs = Area.objects.filter(kind__in=AREA_KINDS, abolished_on__isnull=True)
    if paths is not None:
        q = Q(pk__in=[])
        for p in paths:
            q |= subtree_q("path", p)
        qs = qs.filter(q)
    return limited(qs.order_by("path"), limit)


def limited(qs, limit):
    """At most `limit` rows, as a queryset a choice field can still filter (a sliced one cannot)."""
    ids = list(qs.values_list("pk", flat=True)[:limit])
    return qs.model.objects.filter(pk__in=ids).order_by(*qs.query.order_by)


class ResourceForm(forms.Form):
    publisher = forms.ChoiceField(label=_("Publisher"))
    area = forms.ModelChoiceField(label=_("Area served"), queryset=Area.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    title = CleanCharField(label=_("Title"), max_length=160)
    description = CleanCharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    capacity = forms.IntegerField(
        label=_("Capacity"), min_value=1, help_text=_("People, pieces, hours or yuan — say which in “unit”.")
    )
    unit = CleanCharField(label=_("Unit"), max_length=20, required=False)
    available_from = DateTimeLocalField(label=_("Available from"))
    available_until = DateTimeLocalField(label=_("Available until"))

    def __init__(self, *args, publishers=(), areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["publisher"].choices = list(publishers)
        self.fields["area"].queryset = areas if areas is not None else Area.objects.none()
        self.fields["area"].help_text = _("Areas inside your scope, or the publisher's own area.")

    def clean_publisher(self):
        kind, _sep, pk = self.cleaned_data["publisher"].partition(":")
        return kind, pk


class NeedForm(forms.Form):
    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.none())
    kind = forms.ChoiceField(label=_("Kind of help"), choices=Kind.choices)
    title = CleanCharField(label=_("Title"), max_length=160)
    description = CleanCharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    place = CleanCharField(label=_("Place"), max_length=200, required=False)
    wanted_from = DateTimeLocalField(label=_("Wanted from"))
    wanted_until = DateTimeLocalField(label=_("Wanted until"))
    people_count = forms.IntegerField(label=_("People concerned"), min_value=1, initial=1)
    quantity = forms.IntegerField(label=_("Quantity needed"), min_value=1, initial=1)
    source_type = forms.CharField(required=False, widget=forms.HiddenInput)
    source_id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas if areas is not None else Area.objects.none()


class AcceptForm(forms.Form):
    quantity = forms.IntegerField(label=_("Capacity to use"), min_value=1, required=False)
    title = CleanCharField(label=_("Project title"), max_length=160, required=False)
    plan = CleanCharField(label=_("Plan"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    starts_at = DateTimeLocalField(label=_("Starts at"), required=False)
    ends_at = DateTimeLocalField(label=_("Ends at"), required=False)


class ProjectForm(forms.Form):
    title = CleanCharField(label=_("Title"), max_length=160)
    plan = CleanCharField(label=_("Plan"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    starts_at = DateTimeLocalField(label=_("Starts at"))
    ends_at = DateTimeLocalField(label=_("Ends at"))


class CompleteForm(forms.Form):
    results = CleanCharField(label=_("Results"), widget=forms.Textarea(attrs={"rows": 4}))


class CancelForm(forms.Form):
    reason = CleanCharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
