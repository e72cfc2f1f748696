"""The navigation menu: apps register entries, each shown only to users holding its capability.

Entries are grouped into a few menus by the part of the platform they belong to (their URL
namespace), so the bar stays short however many apps arrive; an app may name a group explicitly.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import memo, policy

# Every page draws the bar: the entries a set of grants may open, in one language, are the same for
# every user holding those grants. The key holds the grants themselves, so a role change is a new key.
MENUS = memo.LocalMemo("navigation", 300)
BARS = memo.LocalMemo("navigation-bars", 300)


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
    return [
        {**item, "active": current_path.startswith(item["url"]) and item["url"] != "/"}
        for item in _entries_for(user)
    ]


def _key(user) -> tuple:
    return (bool(getattr(user, "is_superuser", False)), tuple(policy.grants(user)), get_language())


def _entries_for(user) -> list[dict]:
    return MENUS.get(_key(user), lambda: _allowed_entries(user))


def bar_for(user, current_path: str):
    """The menu bar's HTML for this user on this page (memoised by grants, language and active links)."""
    active = tuple(
        i["url"] for i in _entries_for(user) if current_path.startswith(i["url"]) and i["url"] != "/"
    )
    return BARS.get((_key(user), active), lambda: menu_bar(grouped(for_user(user, current_path))))


def _allowed_entries(user) -> list[dict]:
    items = []
    for entry in sorted(ENTRIES, key=lambda e: e.order):
        if entry.capability and not policy.can(user, entry.capability):
            continue
        url = reverse(entry.url_name)
        group = "home" if entry.url_name == "core:home" else _group_of(entry)
        items.append({"label": str(entry.label), "url": url, "group": group})
    return items


def _link(item: dict, css: str):
    if item["active"]:
        return format_html(
            '<a class="{} active" href="{}" aria-current="page">{}</a>', css, item["url"], item["label"]
        )
    return format_html('<a class="{}" href="{}">{}</a>', css, item["url"], item["label"])


def menu_bar(menus: list[dict]):
    """The bar's <li> elements, built here rather than in a template loop (it is on every page)."""
    parts = []
    for menu in menus:
        if len(menu["items"]) == 1:
            parts.append(format_html('<li class="nav-item">{}</li>', _link(menu["items"][0], "nav-link")))
            continue
        links = format_html_join("", "<li>{}</li>", ((_link(i, "dropdown-item"),) for i in menu["items"]))
        toggle = "nav-link dropdown-toggle active" if menu["active"] else "nav-link dropdown-toggle"
        parts.append(
            format_html(
                '<li class="nav-item dropdown"><a class="{}" href="#" id="nav-{}" role="button" '
                'data-bs-toggle="dropdown" aria-expanded="false">{}</a>'
                '<ul class="dropdown-menu" aria-labelledby="nav-{}">{}</ul></li>',
                toggle,
                menu["key"],
                menu["label"],
                menu["key"],
                links,
            )
        )
    return mark_safe("".join(parts))  # noqa: S308 - every part was escaped by format_html


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
