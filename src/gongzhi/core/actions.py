"""Core actions: showing a person's personal data unmasked (checked by the policy and audited).

Screens show ID numbers and phones masked. A viewer whose role holds "core.unmask_pii" over the
object's area may ask for one value in full; every such reveal writes one "pii.unmasked" audit event
naming the field (never the value).
"""

from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.accounts.actions import UNMASK_PII

from . import audit, pii, policy


def pii_field(obj, field: str) -> pii.EncryptedPIIField:
    """The encrypted field `field` of `obj`'s model; ValueError for any other field."""
    try:
        f = obj._meta.get_field(field)
    except FieldDoesNotExist:
        raise ValueError(f"{type(obj).__name__} has no field {field!r}") from None
    if not isinstance(f, pii.EncryptedPIIField):
        raise ValueError(f"{type(obj).__name__}.{field} is not personal data")
    return f


def area_of(obj):
    """The area whose staff may see `obj` unmasked (its `audit_area`, else its `area`), or None."""
    return getattr(obj, "audit_area", None) or getattr(obj, "area", None)


def can_reveal(user, obj) -> bool:
    """Whether `user` may see `obj`'s personal data unmasked.

    Needs "core.unmask_pii" over the object's area — or the capability the model names in its
    `unmask_capability` attribute (e.g. registry officers may see legal representatives, not residents);
    an object without an area is shown only to the system and to superusers.
    """
    if user is not None and not getattr(user, "is_authenticated", False):
        return False
    area = area_of(obj)
    if area is None:
        return user is None or (getattr(user, "is_superuser", False) and getattr(user, "is_active", False))
    return policy.can(user, getattr(obj, "unmask_capability", UNMASK_PII), area=area)


def reveal_personal_data(*, actor, obj, field: str) -> str:
    """The plain value of `obj.<field>` ("" when empty); PermissionDenied unless the actor may unmask.

    Writes one "pii.unmasked" audit event (even for an empty value: the look was taken).
    """
    f = pii_field(obj, field)
    if not can_reveal(actor, obj):
        raise PermissionDenied(_("Your role does not allow showing personal data unmasked."))
    with transaction.atomic():
        audit.record(actor, "pii.unmasked", obj, details={"field": f.name, "kind": f.kind}, area=area_of(obj))
    return getattr(obj, f.attname) or ""
