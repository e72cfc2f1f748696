"""The to-do inbox: apps register providers that count a user's pending work cheaply."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class WorkItem:
    label: str  # already translated, e.g. "3 件待签收诉求"
    count: int
    url: str
    app: str = ""


PROVIDERS: list[Callable] = []


def register(provider: Callable):
    """A provider takes a user and returns WorkItems; it must use indexed queries or rollups only."""
    PROVIDERS.append(provider)
    return provider


def for_user(user) -> list[WorkItem]:
    items: list[WorkItem] = []
    for provider in PROVIDERS:
        items.extend(i for i in provider(user) if i.count)
    return items
