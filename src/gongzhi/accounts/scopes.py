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
    """Called by the app that owns the body model (orgs, party, councils …) in its AppConfig.ready().

    The model must have a `scope_kind` class attribute equal to `kind` (so that policy.can(body=…)
    recognises it) and an `area` foreign key (the area it belongs to, used for "within my scope").
    """
    SCOPE_TYPES[str(kind)] = ScopeType(str(kind), model_label)


def is_registered(kind: str) -> bool:
    return str(kind) in SCOPE_TYPES


register_scope(ScopeKind.AREA, "areas.Area")
register_scope(ScopeKind.DEPARTMENT, "accounts.Department")


def resolve(kind: str, scope_id):
    """Return (object, area) for a typed reference, or raise ValidationError with a clear message."""
    scope_type = SCOPE_TYPES.get(str(kind))
    if scope_type is None:
        raise ValidationError({"scope_kind": _("This kind of scope is not available yet.")})
    try:
        obj = scope_type.model.objects.get(pk=int(scope_id))
    except (scope_type.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise ValidationError({"scope_id": _("The scope does not exist.")}) from None
    area = obj if kind == ScopeKind.AREA else getattr(obj, "area", None)
    if kind == ScopeKind.AREA and getattr(obj, "abolished_on", None):
        raise ValidationError({"scope_id": _("This area has been abolished.")})
    return obj, area
