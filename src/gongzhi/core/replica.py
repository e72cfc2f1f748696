"""Reads from the read replica: what dashboards, reports and exports use when one is configured.

With DATABASE_REPLICA_URL set, settings add a `replica` database and `gongzhi.core.db_router.ReplicaRouter`.
Code marks reads that may be a little stale (a replica lags the primary by a moment) in one of
three ways; without a replica every one of them reads from `default`, so code never checks:

    with reading_replica():              # a block: every ORM read inside goes to the replica
        figures = dashboard_figures(area)

    @reading_replica()                   # a whole view or function
    def dashboard(request, pk): ...

    qs = report_read(Case.objects.filter(...))      # one queryset, wherever it is evaluated later
    register_report_model(Rollup)                     # every read of a model (outside transactions)

Streamed responses run their generator after the view has returned, outside any `with` block:
pass the queryset through `report_read` or wrap the generator with `stream_from_replica`.
Writes always go to `default`, and so do reads inside a transaction that is open on `default`
(an action must see its own rows) — see the router.
"""

import contextvars
from collections.abc import Iterable, Iterator
from contextlib import ContextDecorator

from django.db import connections

REPLICA = "replica"
DEFAULT = "default"

_reading: contextvars.ContextVar[int] = contextvars.ContextVar("gongzhi_reading_replica", default=0)
# "app_label.model_name" of models whose reads always go to the replica (reports over rollups …).
REPORT_MODELS: set[str] = set()


def replica_configured() -> bool:
    # The connection handler's view of settings.DATABASES (tests add an alias to it directly).
    return REPLICA in connections.settings


def read_alias() -> str:
    """The alias report reads use: `replica` when configured, `default` otherwise."""
    return REPLICA if replica_configured() else DEFAULT


def in_replica_block() -> bool:
    return _reading.get() > 0


class reading_replica(ContextDecorator):  # noqa: N801 - used like contextlib's lower-case managers
    """Send the ORM reads made inside the block (or decorated function) to the replica."""

    def __enter__(self):
        self._token = _reading.set(_reading.get() + 1)
        return self

    def __exit__(self, *exc):
        _reading.reset(self._token)
        return False

    def _recreate_cm(self):
        # A decorated function may run in several threads at once: one token per call, not per decorator.
        return type(self)()


def report_read(queryset):
    """The queryset bound to the read alias; the binding survives until it is evaluated (streams)."""
    return queryset.using(read_alias())


def register_report_model(model) -> None:
    """Every read of this model (outside a transaction on default) goes to the replica when configured."""
    label = model if isinstance(model, str) else model._meta.label_lower
    REPORT_MODELS.add(label.lower())


def unregister_report_model(model) -> None:
    label = model if isinstance(model, str) else model._meta.label_lower
    REPORT_MODELS.discard(label.lower())


def is_report_model(model) -> bool:
    return model is not None and model._meta.label_lower in REPORT_MODELS


def stream_from_replica(iterable: Iterable) -> Iterator:
    """Iterate inside `reading_replica()` one item at a time (a StreamingHttpResponse's generator)."""
    iterator = iter(iterable)
    while True:
        with reading_replica():
            try:
                item = next(iterator)
            except StopIteration:
                return
        yield item
