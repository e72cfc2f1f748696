"""Account forms: profile, API token, role grant."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.forms import AreaCodeField
from gongzhi.core.strings import CleanCharField

from .models import User
from .roles import Role, ScopeKind


class ProfileForm(forms.Form):
    display_name = CleanCharField(label=_("Display name"), max_length=60, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("Browser default")), *User._meta.get_field("language").choices],
        required=False,
    )


class TokenForm(forms.Form):
    name = CleanCharField(label=_("Token name"), max_length=60)


class GrantRoleForm(forms.Form):
    username = CleanCharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    scope_kind = forms.ChoiceField(label=_("Scope kind"), choices=ScopeKind.choices, initial=ScopeKind.AREA)
    area = AreaCodeField(
        label=_("Area code"),
        required=False,
        # No max_length: its validator would run on the resolved Area (core.forms.AreaCodeField).
        widget=forms.TextInput(attrs={"maxlength": 12}),
        help_text=_("For area scopes: the area's GB/T 2260 or statistical code."),
    )
    scope_id = forms.IntegerField(
        label=_("Body id"),
        required=False,
        min_value=1,
        max_value=2**62,
        help_text=_(
            "For body scopes: the id of the organization, unit, party organization, department or council."
        ),
    )

    def clean_username(self):
        username = self.cleaned_data["username"]
        user = User.objects.filter(username=username).first()
        if user is None:
            raise forms.ValidationError(_("No user has this username."))
        self.user = user
        return username

    def clean(self):
        data = super().clean()
        kind = data.get("scope_kind")
        if kind == ScopeKind.AREA:
            if not data.get("area"):
                self.add_error("area", _("Give the area's code."))
            else:
                data["scope_id"] = data["area"].pk
        elif kind and not data.get("scope_id"):
            self.add_error("scope_id", _("Give the body's id."))
        return data
