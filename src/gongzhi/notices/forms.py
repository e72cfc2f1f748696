"""Forms of the notification core: preferences and webhooks (the actions validate again)."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.models import Department
from gongzhi.accounts.roles import ScopeKind
from gongzhi.areas.models import Area, subtree_q
from gongzhi.core import policy
from gongzhi.core.strings import CleanCharField

from .actions import KINDS, MANAGE_WEBHOOKS
from .models import ALL_KINDS, NotificationPreference, Webhook

MAX_SCOPE_CHOICES = 300


class StyledForm(forms.Form):
    """Bootstrap classes on the widgets (form_field.html renders the widget as it is)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            attrs = self.fields[name].widget.attrs if name in self.fields else None
            if attrs is not None and "is-invalid" not in attrs.get("class", ""):
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()


class PreferenceForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind of notification"))
    in_app = forms.BooleanField(label=_("Show in the notification centre"), required=False, initial=True)
    email = forms.BooleanField(label=_("Send by e-mail"), required=False, initial=True)
    webhook = forms.BooleanField(
        label=_("Also post to the group robots of my scopes"), required=False, initial=False
    )
    digest = forms.ChoiceField(label=_("E-mail"), choices=NotificationPreference.Digest.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(ALL_KINDS, _("All kinds (default)"))] + [
            (k, label) for k, label in sorted(KINDS.items())
        ]


def scope_choices(user) -> list[tuple[str, str]]:
    """The scopes the user may attach a webhook to: their own area and department scopes, and the
    departments inside their areas (a superuser: the root areas and every department)."""
    choices: dict[str, str] = {}
    paths = policy.area_paths(user, MANAGE_WEBHOOKS)
    if paths is None:
        areas = Area.objects.filter(parent__isnull=True)
        departments = Department.objects.all()
    else:
        areas = Area.objects.filter(path__in=paths)
        q = Q(pk__in=policy.body_ids(user, MANAGE_WEBHOOKS, ScopeKind.DEPARTMENT))
        for p in paths:
            q |= subtree_q("area__path", p)
        departments = Department.objects.filter(q)
    area_label, department_label = _("Area"), _("Department")
    for area in areas.order_by("path")[:MAX_SCOPE_CHOICES]:
        choices[f"{ScopeKind.AREA}:{area.pk}"] = f"{area_label}: {area.name}"
    for d in departments.order_by("area__path", "name")[:MAX_SCOPE_CHOICES]:
        choices[f"{ScopeKind.DEPARTMENT}:{d.pk}"] = f"{department_label}: {d.name}"
    return list(choices.items())


class WebhookForm(StyledForm):
    scope = forms.ChoiceField(label=_("Belongs to"))
    name = CleanCharField(label=_("Name"), max_length=80)
    url = CleanCharField(
        label=_("Address"),
        max_length=500,
        help_text=_("The robot's or endpoint's address, starting with http:// or https://."),
    )
    format = forms.ChoiceField(label=_("Format"), choices=Webhook.Format.choices)
    secret = CleanCharField(
        label=_("Secret"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "Generic JSON: the HMAC-SHA256 signing key (left empty, one is generated and shown once). "
            "DingTalk: the robot's signing secret (SEC…). WeCom needs none. Empty keeps the current one."
        ),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, user=None, editing: Webhook | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if editing is not None:
            del self.fields["scope"]
        else:
            self.fields["scope"].choices = scope_choices(user)

    def clean_scope(self):
        kind, _sep, pk = self.cleaned_data["scope"].partition(":")
        return kind, int(pk)
