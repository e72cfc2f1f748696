"""Cases of the city data set: the demo's category tree, one district department per line, routing
rules that agree with the generated leads, and two years of cases per committee with full timelines
(`timeline.py`), lead assignments and stored deadlines; their KPI rollup cells are counted on the way."""

import datetime as dt
from types import SimpleNamespace

from gongzhi.accounts.models import Department
from gongzhi.cases.models import Case, CaseAssignment, CaseCategory, CaseEvent, DefaultHandler, RoutingRule

from ..cases import CATEGORIES
from . import names
from .areas import PLACED, weights
from .figures import Cells
from .plan import SHANGHAI, Weighted, moment, proportional
from .timeline import Lead, Life, Simulation

# Leaf categories by share of volume (the two parents with children take no cases themselves).
CATEGORY_WEIGHTS = {
    "group_rental": 8,
    "residential_to_commercial": 4,
    "illegal_construction": 6,
    "garbage_sorting": 12,
    "greenery_damage": 5,
    "neighbour_dispute": 10,
    "elderly_care": 8,
    "property_management": 16,
    "public_facilities": 12,
    "illegal_parking": 12,
    "pets_poultry": 4,
    "unlicensed_business": 3,
}
CHANNEL_WEIGHTS = {
    "hotline": 35,
    "patrol": 18,
    "resident_mobile": 15,
    "visit": 8,
    "property_company": 6,
    "resident_web": 5,
    "suggestion_box": 4,
    "deliberation_day": 3,
    "council_resolution": 2,
    "open311": 4,
}
DEPARTMENTS = (
    ("urban_management", "城市管理行政执法局"),
    ("housing", "房屋管理局"),
    ("market_regulation", "市场监督管理局"),
)
DEPARTMENT_LED = {"illegal_construction": "urban_management", "unlicensed_business": "market_regulation"}
TITLES = {
    "group_rental": ("{b}号楼疑似群租", "{b}号楼出租屋隔断住人"),
    "residential_to_commercial": ("{b}号楼底层住宅开设店铺", "{b}号楼住宅改作仓库"),
    "illegal_construction": ("{b}号楼楼顶违法搭建", "{b}号楼底层违建围墙"),
    "garbage_sorting": ("垃圾箱房定时投放未落实", "{b}号楼旁垃圾混投"),
    "greenery_damage": ("{b}号楼前绿地被毁种菜", "公共绿地被占用"),
    "neighbour_dispute": ("{b}号楼楼上漏水纠纷", "{b}号楼噪声扰民纠纷"),
    "elderly_care": ("独居老人需要助餐服务", "{b}号楼老人申请居家照护"),
    "property_management": ("{b}号楼电梯故障", "小区门禁损坏", "{b}号楼楼道灯不亮"),
    "public_facilities": ("小区路灯损坏", "{b}号楼前窨井盖缺失", "健身器材损坏"),
    "illegal_parking": ("消防通道长期停车", "小区出入口违停"),
    "pets_poultry": ("{b}号楼饲养家禽", "犬只未牵绳扰民"),
    "unlicensed_business": ("小区门口无证设摊", "{b}号楼无证餐饮"),
}
CASE_COLUMNS = (
    "id",
    *PLACED,
    "number",
    "category_id",
    "channel",
    "title",
    "description",
    "address",
    "reporter_name",
    "anonymous",
    "urgent",
    "state",
    "is_overdue",
    "is_supervised",
    "received_at",
    "dispatched_at",
    "accepted_at",
    "resolved_at",
    "followed_up_at",
    "closed_at",
    "accept_due_at",
    "due_at",
    "answer",
    "solved",
    "satisfaction",
    "return_count",
    "reopen_count",
    "is_demo",
)
EVENT_COLUMNS = ("id", "case_id", "at", "action", "from_state", "to_state", "note", "data", "public")
ASSIGNMENT_COLUMNS = (
    "id",
    "case_id",
    "role",
    "handler_kind",
    "handler_area_id",
    "handler_department_id",
    "state",
    "accept_due_at",
    "due_at",
    "accepted_at",
    "done_at",
    "answer",
    "is_overdue",
)


def setup(writer, areas) -> tuple[dict, dict, dict]:
    """Categories, departments, routing rules and default handlers; returns what the cases need."""
    categories = {}
    sink = writer.sink(
        CaseCategory,
        (
            "id",
            "parent_id",
            "code",
            "name",
            "accept_within_hours",
            "resolve_within_days",
            "urgent_resolve_within_days",
            "order",
        ),
    )
    for order, (code, name, parent, accept, days, urgent) in enumerate(CATEGORIES, start=1):
        cat = SimpleNamespace(
            id=writer.id(CaseCategory),
            code=code,
            name=name,
            accept_within_hours=accept,
            resolve_within_days=days,
            urgent_resolve_within_days=urgent,
        )
        categories[code] = cat
        sink.add(
            cat.id, categories[parent].id if parent else None, code, name, accept, days, urgent, order * 10
        )
    departments = {}
    sink = writer.sink(Department, ("id", "name", "kind", "level", "area_id", "is_demo"))
    for district in areas.districts:
        for kind, suffix in DEPARTMENTS:
            dept_id = writer.id(Department)
            departments[(district.id, kind)] = (dept_id, f"{district.name}{suffix}")
            sink.add(dept_id, f"{district.name}{suffix}", kind, "district", district.id, True)
    rules = {}
    sink = writer.sink(
        RoutingRule,
        ("id", "category_id", "area_id", "area_depth", "lead_kind", "lead_area_level", "lead_department_id"),
    )
    city_depth = len(areas.city.path) // 5
    for code in CATEGORY_WEIGHTS:
        if code in DEPARTMENT_LED:
            for district in areas.districts:
                rule_id = writer.id(RoutingRule)
                dept_id, _name = departments[(district.id, DEPARTMENT_LED[code])]
                rules[(code, district.id)] = rule_id
                sink.add(rule_id, categories[code].id, district.id, city_depth + 1, "department", "", dept_id)
        else:
            rules[code] = writer.id(RoutingRule)
            sink.add(rules[code], categories[code].id, areas.city.id, city_depth, "area", "committee", None)
    sink = writer.sink(DefaultHandler, ("id", "street_id", "handler_area_id"))
    for street in areas.streets:
        sink.add(writer.id(DefaultHandler), street.id, street.id)
    writer.flush()
    return categories, departments, rules


def generate(rng, plan, areas, writer, cal) -> dict:
    categories, departments, rules = setup(writer, areas)
    now = dt.datetime.combine(plan.today, dt.time(), SHANGHAI)
    start = plan.start
    days = (plan.today - start).days
    sim = Simulation(rng, cal, now)
    cells = Cells(writer, areas)
    cases = writer.sink(Case, CASE_COLUMNS)
    events = writer.sink(CaseEvent, EVENT_COLUMNS)
    assignments = writer.sink(CaseAssignment, ASSIGNMENT_COLUMNS)
    per_committee = dict(
        zip(
            (c.id for c in areas.committees),
            proportional(plan["cases"], weights(rng, areas.committees)),
            strict=True,
        )
    )
    pick_category, pick_channel = Weighted(CATEGORY_WEIGHTS).pick, Weighted(CHANNEL_WEIGHTS).pick
    last_street_of = {s.parent.id: s.id for s in areas.streets}
    n_cases = n_events = 0
    for street in areas.streets:
        items = []
        for committee in street.children:
            for _i in range(per_committee[committee.id]):
                day = start + dt.timedelta(days=rng.randrange(days))
                items.append((moment(rng, day, first_hour=7, last_hour=22), committee.id, committee))
        items.sort(key=lambda item: item[:2])
        prefix = street.code[:9]
        seq: dict = {}
        fallback_label = street.name
        for received_at, _cid, committee in items:
            year = received_at.year
            seq[year] = seq.get(year, 0) + 1
            code = pick_category(rng)
            category = categories[code]
            channel = pick_channel(rng)
            urgent = rng.random() < 0.05
            district_id = committee.scope["district_id"]
            if code in DEPARTMENT_LED:
                dept_id, dept_name = departments[(district_id, DEPARTMENT_LED[code])]
                lead = Lead("department", None, dept_id, dept_name)
                rule_id = rules[(code, district_id)]
            else:
                lead = Lead("area", committee.id, None, committee.name)
                rule_id = rules[code]
            life = sim.run(
                Life(received_at),
                category=category,
                channel=channel,
                urgent=urgent,
                lead=lead,
                fallback=Lead("area", street.id, None, fallback_label),
                rule_id=rule_id,
            )
            case_id = writer.id(Case)
            compounds = committee.children
            place = compounds[rng.randrange(len(compounds))] if compounds else committee
            building = rng.randint(1, 60)
            title = rng.choice(TITLES[code]).format(b=building)
            anonymous = rng.random() < 0.1
            cases.add(
                case_id,
                *committee.placed,
                f"{prefix}-{year}-{seq[year]:06d}",
                category.id,
                channel,
                title,
                f"{place.name}{title}，请尽快处理。",
                f"{place.name}{building}号",
                "" if anonymous else names.person(rng),
                anonymous,
                urgent,
                life.state,
                life.is_overdue,
                life.is_supervised,
                received_at,
                life.dispatched_at,
                life.accepted_at,
                life.resolved_at,
                life.followed_up_at,
                life.closed_at,
                life.accept_due_at,
                life.due_at,
                life.answer,
                life.solved,
                life.satisfaction,
                life.return_count,
                life.reopen_count,
                True,
            )
            for ev, ev_id in zip(life.events, writer.ids(CaseEvent, len(life.events)), strict=True):
                ev.id = ev_id
                events.add(
                    ev_id, case_id, ev.at, ev.action, ev.from_state, ev.to_state, ev.note, ev.data, ev.public
                )
            for a in life.leads:
                assignments.add(
                    writer.id(CaseAssignment),
                    case_id,
                    "lead",
                    a.handler_kind,
                    a.area_id,
                    a.department_id,
                    a.state,
                    a.accept_due_at,
                    a.due_at,
                    a.accepted_at,
                    a.done_at,
                    a.answer,
                    a.is_overdue,
                )
            lead_key = None
            if life.leads:
                last = life.leads[-1]
                lead_key = (
                    f"d{last.department_id}" if last.handler_kind == "department" else f"a{last.area_id}"
                )
            view = SimpleNamespace(
                pk=case_id,
                area_id=committee.id,
                category=category,
                channel=channel,
                received_at=received_at,
                solved=life.solved,
                satisfaction=life.satisfaction,
                accept_due_at=life.accept_due_at,
                due_at=life.due_at,
            )
            cells.add_case(view, life.events, lead_key)
            n_cases += 1
            n_events += len(life.events)
        for committee in street.children:
            cells.finish(committee)
        cells.finish(street)
        if last_street_of[street.parent.id] == street.id:
            cells.finish(street.parent)
    for district in areas.districts:
        cells.finish(district)  # districts without chosen streets have no cells: a no-op
    cells.finish(areas.city)
    return {"cases": n_cases, "case_events": n_events, "rollup_cells": cells.written}
