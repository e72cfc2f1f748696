"""Per-process memos with a short lifetime for lookups that nearly every API request repeats.

An API token's user with its role grants, and a case category by id or code, are read by every
intake request; at hundreds of requests per second those reads cost more than the work itself. A
memo keeps them for a few seconds in the process. A save in this process clears the memo at once
(signals, see `clear_on_save`); other processes see a change within `seconds`, which is the bound
documented for token revocation and role changes in docs/architecture.md.
"""

import threading
import time
from collections.abc import Callable

_ALL: list["LocalMemo"] = []
MAX_ENTRIES = 5000


class LocalMemo:
    def __init__(self, name: str, seconds: float):
        self.name = name
        self.seconds = seconds
        self._data: dict = {}
        self._lock = threading.Lock()
        _ALL.append(self)

    def get(self, key, load: Callable):
        """The memoised value of `key`, or `load()` (stored unless it is None)."""
        now = time.monotonic()
        hit = self._data.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        value = load()
        if value is not None:
            with self._lock:
                if len(self._data) >= MAX_ENTRIES:
                    self._data.clear()
                self._data[key] = (now + self.seconds, value)
        return value

    def clear(self, *args, **kwargs) -> None:
        """Forget everything (usable as a signal receiver)."""
        with self._lock:
            self._data.clear()


def clear_all() -> None:
    for memo in _ALL:
        memo.clear()


def clear_on_save(memo: LocalMemo, *models) -> None:
    """Clear `memo` whenever one of `models` is saved or deleted in this process."""
    from django.db.models.signals import post_delete, post_save

    for model in models:
        post_save.connect(memo.clear, sender=model, weak=False, dispatch_uid=f"memo-{memo.name}-save-{model}")
        post_delete.connect(
            memo.clear, sender=model, weak=False, dispatch_uid=f"memo-{memo.name}-del-{model}"
        )
