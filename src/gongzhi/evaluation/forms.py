"""Forms of the evaluation pages: scheme, indicator, stage goal, round, reviewer score, results feed."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.areas.models import Area, subtree_q
from gongzhi.core import policy
from gongzhi.core.strings import CleanCharField

from . import metrics
from . import permissions as P
from .models import Indicator, Stage, SubjectKind

OWNER_KINDS = ["city", "district", "street", "town"]


def owner_areas(user, limit=300):
    """Areas (city, districts, streets/towns) where the user may run schemes."""
    paths = policy.area_paths(user, P.MANAGE)
    qs = Area.objects.filter(kind__in=OWNER_KINDS)
    if paths is not None:
        q = Q(pk__in=[])
        for p in paths:
            q |= subtree_q("path", p)
        qs = qs.filter(q)
    ids = list(qs.order_by("path").values_list("pk", flat=True)[:limit])
    return Area.objects.filter(pk__in=ids).order_by("path")


class SchemeForm(forms.Form):
    area = forms.ModelChoiceField(label=_("Owner area"), queryset=Area.objects.none())
    subject_kind = forms.ChoiceField(label=_("Subjects"), choices=SubjectKind.choices)
    name = CleanCharField(label=_("Name"), max_length=120)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    description = CleanCharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, areas=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["area"]
            del self.fields["subject_kind"]
        else:
            self.fields["area"].queryset = areas if areas is not None else Area.objects.none()


class IndicatorForm(forms.Form):
    name = CleanCharField(label=_("Indicator"), max_length=120)
    weight = forms.DecimalField(
        label=_("Weight"), max_digits=5, decimal_places=2, help_text=_("Points out of 100.")
    )
    target = forms.DecimalField(label=_("Target value"), max_digits=12, decimal_places=2)
    direction = forms.ChoiceField(label=_("Direction"), choices=Indicator.Direction.choices)
    source = forms.ChoiceField(label=_("Source"), choices=Indicator.Source.choices)
    metric_key = forms.ChoiceField(
        label=_("Metric"), required=False, help_text=_("Only for indicators computed from platform figures.")
    )
    description = CleanCharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, subject_kind="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric_key"].choices = [("", "—")] + [
            (m.key, m.label) for m in metrics.for_kind(subject_kind)
        ]


class StageGoalForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    target = forms.DecimalField(
        label=_("Target value"),
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text=_("Leave empty to remove the stage goal."),
    )


class RoundForm(forms.Form):
    area = forms.ModelChoiceField(label=_("Area evaluated"), queryset=Area.objects.none())
    stage = forms.ChoiceField(label=_("Period"), choices=Stage.choices, required=False)
    name = CleanCharField(label=_("Name"), max_length=120, required=False)

    def __init__(self, *args, scheme=None, **kwargs):
        super().__init__(*args, **kwargs)
        if scheme is not None:
            kinds = ["city", "district", "street", "town", "community"]
            within = Area.objects.subtree(scheme.area).filter(kind__in=kinds).order_by("path")
            ids = list(within.values_list("pk", flat=True)[:300])
            self.fields["area"].queryset = Area.objects.filter(pk__in=ids).order_by("path")
            self.fields["area"].initial = scheme.area_id


class ScoreForm(forms.Form):
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=2, min_value=0)
    comment = CleanCharField(label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = CleanCharField(label=_("Evidence"), max_length=2000, required=False)


class HonourForm(forms.Form):
    awarded_by = forms.ModelChoiceField(label=_("Awarded by"), queryset=None)
    title = CleanCharField(label=_("Honour"), max_length=120)
    citation = CleanCharField(label=_("Citation"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, givers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["awarded_by"].queryset = givers


class GradeSuggestionForm(forms.Form):
    grade = forms.ChoiceField(
        label=_("Suggested grade"),
        required=False,
        choices=[("", "—"), ("5A", "5A"), ("4A", "4A"), ("3A", "3A"), ("2A", "2A"), ("1A", "1A")],
    )
    note = CleanCharField(label=_("Note"), max_length=300, required=False)


class GradeApplyForm(forms.Form):
    awarded_on = forms.DateField(label=_("Awarded on"), widget=forms.DateInput(attrs={"type": "date"}))
