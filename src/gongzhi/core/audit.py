"""The audit log: a registry of verbs and the one way actions write events (single and bulk).

An event says who (`actor`, None for the system), what (a registered verb), to which object, when,
with JSON details and a group id shared by every event of one user action (`audit_group()`).
"""

import contextlib
import contextvars
import json
import uuid
from collections.abc import Callable, Iterable

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext_lazy as _

VERB_MAX_LENGTH = 64  # AuditEvent.verb
VERBS: dict[str, str] = {}
_group: contextvars.ContextVar[uuid.UUID | None] = contextvars.ContextVar("audit_group", default=None)


def register_verb(verb: str, label) -> str:
    """Declare a verb once (app import time); recording an unknown verb is a programming error."""
    if not verb or len(verb) > VERB_MAX_LENGTH:
        raise ValueError(f"audit verb {verb!r} must have 1–{VERB_MAX_LENGTH} characters")
    VERBS[verb] = label
    return verb


def current_group() -> uuid.UUID | None:
    """The group id of the enclosing `audit_group()`, if any."""
    return _group.get()


@contextlib.contextmanager
def audit_group(group_id: uuid.UUID | None = None):
    """Group every event written inside the block under one id (one user action); nests harmlessly."""
    if _group.get() is not None:
        yield _group.get()
        return
    token = _group.set(group_id or uuid.uuid4())
    try:
        yield _group.get()
    finally:
        _group.reset(token)


def _area_of(obj, area):
    if area is not None:
        return area
    return getattr(obj, "audit_area", None) if obj is not None else None


def _json_safe(details) -> dict:
    """Details as plain JSON (dates, decimals, UUIDs and lazy strings become strings)."""
    if not details:
        return {}
    return json.loads(json.dumps(details, cls=DjangoJSONEncoder))


def _actor_or_none(actor):
    # An anonymous user (or an unsaved one) is recorded like the system: no actor row.
    return actor if actor is not None and getattr(actor, "pk", None) else None


def _event(actor, verb, obj=None, *, details=None, area=None, group=None):
    """An unsaved AuditEvent; ValueError for a verb nobody registered."""
    from .models import AuditEvent

    if verb not in VERBS:
        raise ValueError(f"unregistered audit verb {verb!r}")
    area = _area_of(obj, area)
    return AuditEvent(
        actor=_actor_or_none(actor),
        verb=verb,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        area_id=getattr(area, "pk", None),
        area_path=getattr(area, "path", "") or "",
        group_id=group or _group.get() or uuid.uuid4(),
        details=_json_safe(details),
    )


def record(actor, verb: str, obj=None, *, details: dict | None = None, area=None):
    """Write one audit event; `actor` None means the system. Call it inside the action's transaction."""
    event = _event(actor, verb, obj, details=details, area=area)
    event.save()
    return event


def record_bulk(
    actor,
    verb: str,
    objects: Iterable,
    *,
    details: dict | Callable | None = None,
    area=None,
    batch_size=2000,
) -> int:
    """Write one event per object in batches (imports, generators); all share one group id.

    `details` is one dict for every event, or a function of the object giving each event its own.
    Returns the number of events written.
    """
    from .models import AuditEvent

    if verb not in VERBS:  # fail before building anything
        raise ValueError(f"unregistered audit verb {verb!r}")
    group = _group.get() or uuid.uuid4()
    rows = [
        _event(
            actor, verb, obj, details=details(obj) if callable(details) else details, area=area, group=group
        )
        for obj in objects
    ]
    AuditEvent.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)


register_verb("pii.unmasked", _("personal data shown unmasked"))
register_verb("pii.keys_rotated", _("personal-data keys rotated"))
register_verb("import.completed", _("file imported"))
register_verb("calendar.day_saved", _("calendar day saved"))
register_verb("calendar.day_deleted", _("calendar day deleted"))
register_verb("calendar.year_seeded", _("calendar year seeded"))
