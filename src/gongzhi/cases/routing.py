"""Routing (条执法、块推进): which rule applies to a case, and who leads and supports it.

A rule for a category in an area covers the area's whole subtree; the deepest matching area wins,
then the most specific category (a rule for a parent category covers its sub-categories). With no
rule, the street/town's default handler (兜底) leads: its DefaultHandler row, else the street/town
office itself.
"""

from dataclasses import dataclass, field

from gongzhi.areas import paths
from gongzhi.areas.models import Area

from .models import CaseCategory, DefaultHandler, RoutingRule
from .models.routing import HandlerKind


@dataclass
class Handler:
    kind: str  # HandlerKind
    area: Area | None = None
    department: object = None
    task: str = ""
    resolve_within_days: int | None = None  # support tasks: their own deadline

    @property
    def label(self) -> str:
        return str(self.area if self.kind == HandlerKind.AREA else self.department)

    def same_as(self, other) -> bool:
        return (self.kind, getattr(self.area, "pk", None), getattr(self.department, "pk", None)) == (
            other.kind,
            getattr(other.area, "pk", None),
            getattr(other.department, "pk", None),
        )


@dataclass
class Route:
    lead: Handler
    supports: list[Handler] = field(default_factory=list)
    rule: RoutingRule | None = None

    @property
    def is_default(self) -> bool:
        return self.rule is None


def category_chain(category: CaseCategory) -> list[int]:
    """The category's id and its ancestors' ids, nearest first (the tree is small and shallow)."""
    chain, seen, current = [], set(), category
    while current is not None and current.pk not in seen:
        chain.append(current.pk)
        seen.add(current.pk)
        current = current.parent
    return chain


def find_rule(category: CaseCategory, area: Area) -> RoutingRule | None:
    """The active rule of the deepest area on the case's path, then of the nearest category."""
    area_paths = [*paths.ancestors(area.path), area.path]
    chain = category_chain(category)
    rules = list(
        RoutingRule.objects.filter(is_active=True, category_id__in=chain, area__path__in=area_paths)
        .select_related("area", "lead_department", "category")
        .prefetch_related("supports__department")
    )
    if not rules:
        return None
    rules.sort(key=lambda r: (-len(r.area.path), chain.index(r.category_id)))
    return rules[0]


def street_of(area: Area) -> Area | None:
    """The area's street/town (read once per Area instance: intake asks for it three times)."""
    if area.kind in ("street", "town"):
        return area
    if not area.street_id:
        return None
    memo = area.__dict__.get("_street_memo")
    if memo is None or memo.pk != area.street_id:
        memo = area.__dict__["_street_memo"] = Area.objects.filter(pk=area.street_id).first()
    return memo


def _level_area(case_area: Area, level: str) -> Area:
    """The case's committee / community / street-town office (falling back upwards when absent)."""
    ids = case_area.scope_ids()
    order = {
        "committee": ["committee_id", "community_id", "street_id"],
        "community": ["community_id", "street_id"],
    }
    for key in order.get(level, ["street_id"]):
        if ids.get(key):
            return case_area if ids[key] == case_area.pk else Area.objects.get(pk=ids[key])
    return street_of(case_area) or case_area


def default_handler(area: Area) -> Handler:
    street = street_of(area)
    if street is None:
        return Handler(HandlerKind.AREA, area=area)
    row = DefaultHandler.objects.filter(street=street).select_related("handler_area").first()
    return Handler(HandlerKind.AREA, area=row.handler_area if row else street)


def route(category: CaseCategory, area: Area) -> Route:
    rule = find_rule(category, area)
    if rule is None:
        return Route(default_handler(area))
    if rule.lead_kind == HandlerKind.DEPARTMENT and rule.lead_department_id:
        lead = Handler(HandlerKind.DEPARTMENT, department=rule.lead_department)
    else:
        lead = Handler(HandlerKind.AREA, area=_level_area(area, rule.lead_area_level or "committee"))
    supports = [
        Handler(
            HandlerKind.DEPARTMENT,
            department=s.department,
            task=s.task,
            resolve_within_days=s.resolve_within_days,
        )
        for s in rule.supports.all()
        if s.department.is_active
    ]
    return Route(lead, supports, rule)
