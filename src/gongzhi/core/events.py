"""Domain events: actions publish a named event; subscribers run after the action's transaction commits.

A rolled-back action publishes nothing (the callback is discarded with the transaction). Each
subscriber runs in its own transaction; one that fails is logged and rolled back alone, and never
reaches the action that published the event (the action has already committed).

    @events.subscribe("case.closed")
    def count_closed(event):
        rollups.add_delta(event["area_id"], "cases.closed", event["period"], 1)

    events.publish("case.closed", area_id=case.area_id, period="2026-11")
"""

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, transaction

logger = logging.getLogger(__name__)

SUBSCRIBERS: dict[str, list[Callable]] = defaultdict(list)


@dataclass(frozen=True)
class Event:
    name: str
    payload: dict = field(default_factory=dict)

    def __getitem__(self, key):
        return self.payload[key]

    def get(self, key, default=None):
        return self.payload.get(key, default)


def subscribe(name: str):
    """Decorator: call the function with each `name` event after its action commits."""

    def decorator(func: Callable) -> Callable:
        if func not in SUBSCRIBERS[name]:
            SUBSCRIBERS[name].append(func)
        return func

    return decorator


def unsubscribe(name: str, func: Callable) -> None:
    if func in SUBSCRIBERS.get(name, []):
        SUBSCRIBERS[name].remove(func)


def deliver(event: Event) -> int:
    """Call the event's subscribers now, each in its own transaction; return how many succeeded."""
    ok = 0
    for func in list(SUBSCRIBERS.get(event.name, [])):
        try:
            with transaction.atomic():
                func(event)
        except Exception:  # a subscriber's failure must not undo or break the committed action
            logger.exception(
                "subscriber %s failed on event %s", getattr(func, "__qualname__", func), event.name
            )
        else:
            ok += 1
    return ok


def publish(name: str, *, using: str = DEFAULT_DB_ALIAS, **payload) -> Event:
    """Queue the event for delivery when the current transaction commits (at once outside one)."""
    event = Event(name, dict(payload))
    transaction.on_commit(lambda: deliver(event), using=using)
    return event
