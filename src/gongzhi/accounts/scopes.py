"""Scope kinds as typed references: each body model plugs in here when its app arrives."""

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .roles import ScopeKind


@dataclass(frozen=True)
class ScopeType:
    kind: str
    model_label: str  # "app_label.ModelName"

    @property
    def model(self):
        return apps.get_model(self.model_label)


SCOPE_TYPES: dict[str, ScopeType] = {}


def register_scope(kind: str, model_label: str) -> None:
    """Called by the app that owns the body model (orgs, party, councils …) in its AppConfig.ready()."""
    SCOPE_TYPES[kind] = ScopeType(kind, model_label)


register_scope(ScopeKind.AREA, "areas.Area")
register_scope(ScopeKind.DEPARTMENT, "accounts.Department")


def resolve(kind: str, scope_id):
    """Return (object, area) for a typed reference, or raise ValidationError with a clear message."""
    scope_type = SCOPE_TYPES.get(kind)
    if scope_type is None:
        raise ValidationError({"scope_kind": _("This kind of scope is not available yet.")})
    try:
        obj = scope_type.model.objects.get(pk=scope_id)
    except (scope_type.model.DoesNotExist, ValueError, TypeError):
        raise ValidationError({"scope_id": _("The scope does not exist.")}) from None
    area = obj if kind == ScopeKind.AREA else getattr(obj, "area", None)
    return obj, area
