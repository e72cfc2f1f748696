"""Forms of the council pages; they only parse input — the actions decide and explain."""

import json

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.accounts.models import User
from gongzhi.core.strings import CleanCharField

from .actions.meetings import SUBJECT_TYPES
from .models import AgendaItem, Council, Meeting, Seat
from .models.bodies import Threshold

DATETIME = forms.DateTimeInput(
    attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M"
)
DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


class BootstrapMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


def _user_by_username(value, field_label):
    value = (value or "").strip()
    if not value:
        return None
    user = User.objects.filter(username=value, is_active=True).first()
    if user is None:
        raise forms.ValidationError(_("No active user has the username “%(u)s”.") % {"u": value})
    return user


class CouncilForm(BootstrapMixin, forms.Form):
    area = forms.ModelChoiceField(label=_("Area"), queryset=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=Council.Kind.choices)
    name = CleanCharField(label=_("Name"), max_length=120)
    purpose = CleanCharField(label=_("Purpose"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    clerk = CleanCharField(label=_("Clerk (username)"), required=False, max_length=150)
    quorum_numerator = forms.IntegerField(label=_("Quorum numerator"), min_value=0, initial=1)
    quorum_denominator = forms.IntegerField(label=_("Quorum denominator"), min_value=1, initial=2)
    quorum_inclusive = forms.BooleanField(label=_("Quorum boundary counts (“… or more”)"), required=False)
    default_threshold = forms.ChoiceField(label=_("Default majority"), choices=Threshold.choices)
    proxies_allowed = forms.BooleanField(label=_("Proxies allowed"), required=False)
    is_public = forms.BooleanField(label=_("Public page"), required=False, initial=True)
    composition_rules = CleanCharField(
        label=_("Seat composition rules"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            'JSON list, e.g. [{"represents": ["unit"], "min": [1, 2]}] — units\' representatives no less than half.'
        ),
    )

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas

    def clean_clerk(self):
        return _user_by_username(self.cleaned_data.get("clerk"), _("clerk"))

    def clean_composition_rules(self):
        raw = (self.cleaned_data.get("composition_rules") or "").strip()
        if not raw:
            return []
        try:
            return json.loads(raw)
        except ValueError:
            raise forms.ValidationError(_("This is not valid JSON.")) from None


class SeatForm(BootstrapMixin, forms.Form):
    holder_user = CleanCharField(label=_("Holder's account (username)"), required=False, max_length=150)
    holder_name = CleanCharField(label=_("Holder's name"), required=False, max_length=60)
    position = forms.ChoiceField(
        label=_("Position"), choices=Seat.Position.choices, initial=Seat.Position.MEMBER
    )
    represents = forms.ChoiceField(label=_("Represents"), choices=Seat.Represents.choices)
    represents_label = CleanCharField(label=_("Represented body"), required=False, max_length=120)
    tenure = forms.ChoiceField(label=pgettext_lazy("council seat", "Tenure"), choices=Seat.Tenure.choices)
    term_start = forms.DateField(label=_("Term starts"), widget=DATE)
    term_end = forms.DateField(label=_("Term ends"), required=False, widget=DATE)
    may_vote = forms.BooleanField(label=_("May vote"), required=False, initial=True)

    def clean_holder_user(self):
        return _user_by_username(self.cleaned_data.get("holder_user"), _("holder"))


class MeetingForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Meeting.Kind.choices)
    title = CleanCharField(label=_("Title"), max_length=160)
    subject_type = forms.ChoiceField(label=_("The one matter it is about"), required=False)
    subject_id = forms.IntegerField(label=_("Matter number"), required=False, min_value=1)
    subject_label = CleanCharField(label=_("Matter (in words)"), required=False, max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DATETIME)
    place = CleanCharField(label=_("Place"), required=False, max_length=200)
    online_link = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    capacity = forms.IntegerField(label=_("Capacity"), required=False, min_value=1)
    registration_open = forms.BooleanField(label=_("Registration open"), required=False)
    is_public = forms.BooleanField(label=_("Public"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject_type"].choices = [("", "—")] + [(k, v[0]) for k, v in SUBJECT_TYPES.items()]

    def clean(self):
        data = super().clean()
        for key in ("starts_at", "ends_at"):
            value = data.get(key)
            if value is not None and timezone.is_naive(value):
                data[key] = timezone.make_aware(value)
        return data


class AgendaItemForm(BootstrapMixin, forms.Form):
    title = CleanCharField(label=_("Title"), max_length=200)
    description = CleanCharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, initial=15)
    order = forms.IntegerField(label=_("Order"), min_value=1, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=AgendaItem.Category.choices)
    audience = forms.ChoiceField(
        label=_("Audience"),
        choices=AgendaItem.Audience.choices,
        help_text=_("Anything but “everyone” makes the item, its papers, votes and minutes confidential."),
    )
    named = CleanCharField(
        label=_("Named people (usernames, comma-separated)"), required=False, max_length=1000
    )

    def clean_named(self):
        names = [
            n.strip()
            for n in (self.cleaned_data.get("named") or "").replace("，", ",").split(",")
            if n.strip()
        ]
        users = list(User.objects.filter(username__in=names, is_active=True))
        missing = set(names) - {u.username for u in users}
        if missing:
            raise forms.ValidationError(
                _("Unknown usernames: %(names)s") % {"names": ", ".join(sorted(missing))}
            )
        return users


class PaperForm(BootstrapMixin, forms.Form):
    title = CleanCharField(label=_("Title"), required=False, max_length=200)
    file = forms.FileField(label=_("File"))


class InviteForm(BootstrapMixin, forms.Form):
    username = CleanCharField(label=_("Account (username), if they have one"), required=False, max_length=150)
    name = CleanCharField(label=_("Name"), required=False, max_length=60)
    party_label = CleanCharField(
        label=_("Invited as (resident concerned, unit, department …)"), required=False, max_length=60
    )

    def clean_username(self):
        return _user_by_username(self.cleaned_data.get("username"), _("account"))


class CheckInForm(BootstrapMixin, forms.Form):
    seat = forms.ModelChoiceField(label=_("Seat"), queryset=Seat.objects.none(), required=False)
    name = CleanCharField(label=_("Or the name of who is present"), required=False, max_length=60)
    proxy_for = forms.ModelChoiceField(
        label=_("Proxy for seat"), queryset=Seat.objects.none(), required=False
    )

    def __init__(self, *args, seats=(), proxies=False, **kwargs):
        super().__init__(*args, **kwargs)
        ids = [s.pk for s in seats]
        self.fields["seat"].queryset = Seat.objects.filter(pk__in=ids)
        self.fields["seat"].label_from_instance = lambda s: f"{s.holder_name} · {s.get_represents_display()}"
        if proxies:
            self.fields["proxy_for"].queryset = Seat.objects.filter(pk__in=ids)
            self.fields["proxy_for"].label_from_instance = lambda s: s.holder_name
        else:
            del self.fields["proxy_for"]


class MinutesForm(BootstrapMixin, forms.Form):
    text = CleanCharField(label=_("General part"), required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, items=(), sections=None, **kwargs):
        super().__init__(*args, **kwargs)
        sections = sections or {}
        self.item_fields = []
        for item in items:
            name = f"item_{item.pk}"
            self.fields[name] = CleanCharField(
                label=f"{item.order}. {item.title}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
                initial=sections.get(item.pk, ""),
            )
            self.item_fields.append((item, name))

    def sections(self) -> dict:
        return {item.pk: self.cleaned_data.get(name, "") for item, name in self.item_fields}
