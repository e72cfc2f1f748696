"""The audit log: a registry of verbs and the one way actions write events (single and bulk)."""

import contextlib
import contextvars
import uuid
from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

VERBS: dict[str, str] = {}
_group: contextvars.ContextVar[uuid.UUID | None] = contextvars.ContextVar("audit_group", default=None)


def register_verb(verb: str, label) -> str:
    """Declare a verb once (app import time); recording an unknown verb is a programming error."""
    VERBS[verb] = label
    return verb


@contextlib.contextmanager
def audit_group():
    """Group every event written inside the block under one id (one user action)."""
    if _group.get() is not None:
        yield _group.get()
        return
    token = _group.set(uuid.uuid4())
    try:
        yield _group.get()
    finally:
        _group.reset(token)


def _area_of(obj, area):
    if area is not None:
        return area
    return getattr(obj, "audit_area", None) if obj is not None else None


def _event(actor, verb, obj=None, *, details=None, area=None, group=None):
    from .models import AuditEvent

    if verb not in VERBS:
        raise ValueError(f"unregistered audit verb {verb!r}")
    area = _area_of(obj, area)
    return AuditEvent(
        actor=actor if (actor is not None and getattr(actor, "pk", None)) else None,
        verb=verb,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        area_id=getattr(area, "pk", None),
        area_path=getattr(area, "path", "") or "",
        group_id=group or _group.get() or uuid.uuid4(),
        details=details or {},
    )


def record(actor, verb: str, obj=None, *, details: dict | None = None, area=None):
    """Write one audit event; `actor` None means the system."""
    event = _event(actor, verb, obj, details=details, area=area)
    event.save()
    return event


def record_bulk(actor, verb: str, objects: Iterable, *, details=None, area=None, batch_size=2000):
    """Write one event per object in batches (imports, generators); all share one group id."""
    from .models import AuditEvent

    group = _group.get() or uuid.uuid4()
    rows = [_event(actor, verb, obj, details=details, area=area, group=group) for obj in objects]
    AuditEvent.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)


register_verb("pii.unmasked", _("personal data shown unmasked"))
register_verb("pii.keys_rotated", _("personal-data keys rotated"))
register_verb("import.completed", _("file imported"))
register_verb("calendar.day_saved", _("calendar day saved"))
register_verb("calendar.day_deleted", _("calendar day deleted"))
register_verb("calendar.year_seeded", _("calendar year seeded"))
