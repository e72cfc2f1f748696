"""The navigation menu: apps register entries, each shown only to users holding its capability.

Entries are grouped into a few menus by the part of the platform they belong to (their URL
namespace), so the bar stays short however many apps arrive; an app may name a group explicitly.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import policy


@dataclass
class NavEntry:
    label: object
    url_name: str
    capability: str | None = None
    order: int = 100
    group: str | None = None


ENTRIES: list[NavEntry] = []

GROUPS = [
    ("places", _("Places and people")),
    ("registry", _("Organizations")),
    ("deliberation", _("Deliberation")),
    ("cases", _("Cases")),
    ("party", _("Party building")),
    ("services", _("Services")),
    ("dashboards", _("Dashboards")),
    ("mine", _("Mine")),
    ("admin", _("Administration")),
]
GROUP_OF_NAMESPACE = {
    "areas": "places",
    "people": "places",
    "orgs": "registry",
    "orgs_programs": "registry",
    "reports": "registry",
    "councils": "deliberation",
    "councils_outcomes": "deliberation",
    "cases": "cases",
    "cases_field": "cases",
    "party": "party",
    "volunteers": "services",
    "matching": "services",
    "bulletins": "services",
    "dashboards": "dashboards",
    "evaluation": "dashboards",
    "accounts": "admin",
    "core": "admin",
    "notices": "admin",
}
PERSONAL = {"people:me", "volunteers:me", "bulletins:suggest"}


def register(label, url_name, capability=None, order=100, group=None):
    ENTRIES.append(NavEntry(label, url_name, capability, order, group))


def _group_of(entry: NavEntry) -> str:
    if entry.group:
        return entry.group
    if entry.url_name in PERSONAL:
        return "mine"
    return GROUP_OF_NAMESPACE.get(entry.url_name.split(":", 1)[0], "admin")


def for_user(user, current_path: str = "") -> list[dict]:
    """The entries this user may open, in order: [{label, url, active, group}]."""
    items = []
    for entry in sorted(ENTRIES, key=lambda e: e.order):
        if entry.capability and not policy.can(user, entry.capability):
            continue
        url = reverse(entry.url_name)
        items.append(
            {
                "label": entry.label,
                "url": url,
                "active": current_path.startswith(url) and url != "/",
                "group": "home" if entry.url_name == "core:home" else _group_of(entry),
            }
        )
    return items


def grouped(items: list[dict]) -> list[dict]:
    """The menus of the bar: [{key, label, items, active}] in a fixed order, empty ones left out."""
    menus = []
    for key, label in GROUPS:
        members = [i for i in items if i["group"] == key]
        if members:
            menus.append(
                {"key": key, "label": label, "items": members, "active": any(i["active"] for i in members)}
            )
    return menus
