"""Domain events: actions publish a named event; subscribers run after the action's transaction commits.

A rolled-back action publishes nothing (the callback is discarded with the transaction). Each
subscriber runs in its own transaction; one that fails is logged and rolled back alone, and never
reaches the action that published the event (the action has already committed).

    @events.subscribe("case.closed")
    def count_closed(event):
        rollups.add_delta(event["area_id"], "cases.closed", event["period"], 1)

    events.publish("case.closed", area_id=case.area_id, period="2026-11")

A batch subscriber (`subscribe_batch`) is called once with the list of its events delivered
together: those an action published inside `bundle()` (one call for a case's "received" and
"dispatched"), or a single event otherwise. It re-reads shared state once instead of once per event.
"""

import contextlib
import contextvars
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, transaction

logger = logging.getLogger(__name__)

SUBSCRIBERS: dict[str, list[Callable]] = defaultdict(list)
BATCH_SUBSCRIBERS: dict[str, list[Callable]] = defaultdict(list)
_WHEN: dict[Callable, Callable] = {}
# The list collecting the events of the open bundle (None outside one).
_bundle: contextvars.ContextVar = contextvars.ContextVar("gongzhi_events_bundle", default=None)


@dataclass(frozen=True)
class Event:
    name: str
    payload: dict = field(default_factory=dict)

    def __getitem__(self, key):
        return self.payload[key]

    def get(self, key, default=None):
        return self.payload.get(key, default)


def subscribe(name: str, *, when: Callable | None = None):
    """Decorator: call the function with each `name` event after its action commits. `when(event)`,
    if given, is asked first: False skips the call without opening a transaction for it."""

    def decorator(func: Callable) -> Callable:
        if func not in SUBSCRIBERS[name]:
            SUBSCRIBERS[name].append(func)
        if when is not None:
            _WHEN[func] = when
        return func

    return decorator


def subscribe_batch(*names: str):
    """Decorator: call the function with the list of the `names` events delivered together."""

    def decorator(func: Callable) -> Callable:
        for name in names:
            if func not in BATCH_SUBSCRIBERS[name]:
                BATCH_SUBSCRIBERS[name].append(func)
        return func

    return decorator


def unsubscribe(name: str, func: Callable) -> None:
    for registry in (SUBSCRIBERS, BATCH_SUBSCRIBERS):
        if func in registry.get(name, []):
            registry[name].remove(func)


def _call(func: Callable, arg, what: str) -> bool:
    try:
        with transaction.atomic():
            func(arg)
    except Exception:  # a subscriber's failure must not undo or break the committed action
        logger.exception("subscriber %s failed on %s", getattr(func, "__qualname__", func), what)
        return False
    return True


def deliver_all(delivered: Iterable[Event]) -> int:
    """Call the subscribers of these events now, each call in its own transaction: the plain ones
    once per event in order, then each batch subscriber once with its events. Returns the calls
    that succeeded."""
    delivered = list(delivered)
    ok = 0
    batches: dict[Callable, list[Event]] = {}
    for event in delivered:
        for func in list(SUBSCRIBERS.get(event.name, [])):
            wanted = _WHEN.get(func)
            if wanted is None or wanted(event):
                ok += _call(func, event, f"event {event.name}")
        for func in BATCH_SUBSCRIBERS.get(event.name, []):
            batches.setdefault(func, []).append(event)
    for func, batch in batches.items():
        ok += _call(func, batch, f"{len(batch)} events ({batch[0].name}, …)")
    return ok


def deliver(event: Event) -> int:
    """Call the event's subscribers now, each in its own transaction; return how many succeeded."""
    return deliver_all([event])


def publish(name: str, *, using: str = DEFAULT_DB_ALIAS, **payload) -> Event:
    """Queue the event for delivery when the current transaction commits (at once outside one)."""
    event = Event(name, dict(payload))
    collected = _bundle.get()
    if collected is None:
        transaction.on_commit(lambda: deliver(event), using=using)
    else:
        # Appended only if this part of the transaction commits (a rolled-back savepoint drops it).
        transaction.on_commit(lambda: collected.append(event), using=using)
    return event


@contextlib.contextmanager
def bundle(*, using: str = DEFAULT_DB_ALIAS):
    """Deliver the events published inside together, after the transaction commits.

    The delivery is registered when the block ends without error, after every append registered
    inside it, so it runs last and sees them all; a nested bundle joins the outer one.
    """
    if _bundle.get() is not None:
        yield
        return
    collected: list[Event] = []
    token = _bundle.set(collected)
    try:
        yield
    finally:
        _bundle.reset(token)
    transaction.on_commit(lambda: deliver_all(collected), using=using)
