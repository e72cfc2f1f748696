"""The navigation menu: apps register entries, each shown only to users holding its capability."""

from dataclasses import dataclass

from django.urls import reverse

from . import policy


@dataclass
class NavEntry:
    label: object
    url_name: str
    capability: str | None = None
    order: int = 100


ENTRIES: list[NavEntry] = []


def register(label, url_name, capability=None, order=100):
    ENTRIES.append(NavEntry(label, url_name, capability, order))


def for_user(user, current_path: str = "") -> list[dict]:
    items = []
    for entry in sorted(ENTRIES, key=lambda e: e.order):
        if entry.capability and not policy.can(user, entry.capability):
            continue
        url = reverse(entry.url_name)
        items.append(
            {"label": entry.label, "url": url, "active": current_path.startswith(url) and url != "/"}
        )
    return items
