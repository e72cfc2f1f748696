"""Read side of areas: tree search, children, facts by year with rates, departments in scope."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from gongzhi.accounts.models import Department
from gongzhi.core import memo, policy

from . import paths
from .models import Area, AreaFacts, subtree_q

# The area bar above most lists shows where the user stands (their first scope area by default) and
# the areas above it: the same few areas for every page of a user, read once per process for a few
# seconds (any area saved here clears it; other processes see a rename within the lifetime).
LOOKUPS = memo.LocalMemo("area-lookups", 5)
memo.clear_on_save(LOOKUPS, Area)


def scope_areas(user, capability: str):
    """The top areas of the user's area scope for the capability (all roots for a superuser)."""
    found = policy.area_paths(user, capability)
    if found is None:
        return Area.objects.filter(parent__isnull=True).order_by("path")
    return Area.objects.filter(path__in=found).order_by("path")


def first_scope_area(user, capability: str) -> Area | None:
    """The first of scope_areas (by path): the area a list opens on when none is asked for."""
    found = policy.area_paths(user, capability)
    key = ("first", None if found is None else tuple(sorted(found)))
    return LOOKUPS.get(key, lambda: scope_areas(user, capability).first())


def ancestors_of(area: Area) -> list[Area]:
    """The areas above this one, from the top (the area bar's breadcrumb)."""
    return LOOKUPS.get(("ancestors", area.path), lambda: list(area.ancestors()))


def digit_range(prefix: str, field: str) -> Q:
    """Codes starting with `prefix` as an index range (digits only, so every collation agrees)."""
    lower = prefix
    upper_number = int(prefix) + 1
    if len(str(upper_number)) > len(prefix):  # "999" has no successor of the same width
        return Q(**{f"{field}__gte": lower})
    return Q(**{f"{field}__gte": lower, f"{field}__lt": f"{upper_number:0{len(prefix)}d}"})


def search_areas(text: str, within: Area | None = None):
    """Areas whose code starts with the digits typed, or whose name starts with the text typed."""
    text = (text or "").strip()
    qs = Area.objects.all()
    if within is not None:
        qs = qs.subtree(within)
    if not text:
        return qs.none()
    if text.isascii() and text.isdigit():
        return qs.filter(digit_range(text, "gb2260") | digit_range(text, "stat_code"))
    return qs.filter(name__startswith=text)


def filter_areas(
    qs, *, kind=None, parent=None, within=None, code=None, name_prefix=None, current=None, in_preparation=None
):
    """The API list's filters, each an equality or an index range."""
    if kind:
        qs = qs.filter(kind=kind)
    if parent is not None:
        qs = qs.filter(parent_id=parent)
    if within is not None:
        qs = qs.subtree(within)
    if code:
        if code.isascii() and code.isdigit() and len(code) in (6, 12):
            qs = qs.filter(gb2260=code) if len(code) == 6 else qs.filter(stat_code=code)
        else:
            qs = (
                qs.filter(digit_range(code, "gb2260") | digit_range(code, "stat_code"))
                if (code.isascii() and code.isdigit())
                else qs.none()
            )
    if name_prefix:
        qs = qs.filter(name__startswith=name_prefix)
    if current is True:
        qs = qs.filter(abolished_on__isnull=True)
    elif current is False:
        qs = qs.filter(abolished_on__isnull=False)
    if in_preparation is not None:
        qs = qs.filter(in_preparation=in_preparation)
    return qs


def percent(rate: Decimal | None) -> str | None:
    """0.8534 → "85.3%" (one decimal, half up), computed here so pages and exports agree."""
    if rate is None:
        return None
    return f"{(rate * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def facts_by_year(area: Area, limit: int = 30) -> list[dict]:
    rows = []
    for f in AreaFacts.objects.filter(area=area).order_by("-year")[:limit]:
        rows.append({"facts": f, "occupancy": percent(f.occupancy_rate)})
    return rows


def departments_in(area: Area):
    """Departments covering this area or anything inside it."""
    return Department.objects.filter(subtree_q("area__path", area.path)).select_related("area")


def departments_for_user(user, capability: str):
    """Departments whose area lies in the user's scope for `capability` (everything for a superuser)."""
    area_paths = policy.area_paths(user, capability)
    qs = Department.objects.select_related("area")
    if area_paths is None:
        return qs
    q = Q(pk__in=[])
    for p in area_paths:
        q |= subtree_q("area__path", p)
    return qs.filter(q)


def departments_covering(area: Area):
    """Departments at this area or above it (the ones that can act here)."""
    covering = [*paths.ancestors(area.path), area.path]
    return Department.objects.filter(area__path__in=covering).select_related("area")
