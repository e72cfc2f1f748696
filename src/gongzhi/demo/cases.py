"""Demo cases: the category tree of the issue, routing rules with real department names, and cases in
every state whose timelines come from replaying machine.py through the real actions on a simulated clock."""

import random

from django.db import transaction

from gongzhi.accounts.models import Department, User
from gongzhi.areas.models import Area, AreaKind
from gongzhi.cases import machine
from gongzhi.cases.actions import common, dispatching, feedback, intake, lifecycle, rules, supervision
from gongzhi.cases.models import Case, CaseCategory, RoutingRule
from gongzhi.core import calendar

# (code, name, parent code, accept hours, resolve days, urgent days)
CATEGORIES = [
    ("housing", "房屋管理", None, 2, 15, 5),
    ("group_rental", "群租", "housing", 2, 15, 5),
    ("residential_to_commercial", "居改非", "housing", 2, 15, 5),
    ("illegal_construction", "违法搭建", "housing", 2, 15, 5),
    ("environment_sanitation", "环境卫生", None, 2, 5, 2),
    ("garbage_sorting", "垃圾分类", "environment_sanitation", 2, 5, 2),
    ("greenery_damage", "毁绿种菜", "environment_sanitation", 2, 10, 5),
    ("neighbour_dispute", "邻里纠纷", None, 4, 10, 3),
    ("elderly_care", "养老服务", None, 4, 10, 3),
    ("property_management", "物业管理", None, 4, 10, 5),
    ("public_facilities", "公共设施", None, 4, 10, 5),
    ("illegal_parking", "违章停车", None, 2, 5, 2),
    ("pets_poultry", "饲养宠物家禽", None, 4, 10, 5),
    ("unlicensed_business", "无证经营", None, 2, 15, 5),
]

# (street key, category, lead level or department name, [(support department, task, days)])
RULES = [
    (
        "malu",
        "group_rental",
        "committee",
        [
            ("马陆镇城管执法中队", "依法查处群租、拆除违规隔断", 10),
            ("嘉定公安分局马陆派出所", "核查实有人口、督促租赁登记", 10),
            ("嘉定区房屋管理局", "核查租赁合同与房屋使用", 15),
        ],
    ),
    (
        "fangsong",
        "group_rental",
        "committee",
        [
            ("方松街道城管执法中队", "依法查处群租、拆除违规隔断", 10),
            ("松江公安分局方松派出所", "核查实有人口、督促租赁登记", 10),
            ("松江区房屋管理局", "核查租赁合同与房屋使用", 15),
        ],
    ),
    (
        "malu",
        "residential_to_commercial",
        "community",
        [
            ("嘉定区市场监督管理局", "核查营业执照与经营场所", 10),
            ("马陆镇城管执法中队", "查处擅自改变房屋使用性质", 10),
        ],
    ),
    (
        "fangsong",
        "residential_to_commercial",
        "committee",
        [
            ("方松街道市场监管所", "核查营业执照与经营场所", 10),
            ("方松街道城管执法中队", "查处擅自改变房屋使用性质", 10),
        ],
    ),
    ("malu", "illegal_construction", "马陆镇城管执法中队", [("嘉定区房屋管理局", "认定房屋结构与产权", 10)]),
    (
        "fangsong",
        "illegal_construction",
        "方松街道城管执法中队",
        [("松江区房屋管理局", "认定房屋结构与产权", 10)],
    ),
    ("malu", "unlicensed_business", "嘉定区市场监督管理局", []),
    ("fangsong", "unlicensed_business", "方松街道市场监管所", []),
    ("malu", "neighbour_dispute", "committee", []),
    ("fangsong", "neighbour_dispute", "committee", []),
]

# Scripts of transitions (each valid for machine.replay), with the category, urgency and channel.
SCRIPTS = [
    ("group_rental", "patrol", [], "3号楼502室疑似群租", "网格巡查发现该户隔成6间，进出人员较多。"),
    (
        "group_rental",
        "property_company",
        ["dispatch"],
        "5号楼1201室群租扰民",
        "物业反映该户住10余人，夜间噪声大。",
    ),
    (
        "residential_to_commercial",
        "resident_mobile",
        ["dispatch", "accept"],
        "底楼住宅改为棋牌室",
        "住宅底楼擅自开设棋牌室，影响居民休息。",
    ),
    (
        "illegal_construction",
        "patrol",
        ["dispatch", "accept", "start"],
        "楼顶违法搭建阳光房",
        "顶楼住户在公共屋面搭建约20平方米阳光房。",
    ),
    (
        "neighbour_dispute",
        "deliberation_day",
        ["dispatch", "accept", "start", "park"],
        "楼上漏水纠纷",
        "楼上卫生间漏水，双方协商未果，待房屋检测报告。",
    ),
    (
        "group_rental",
        "visit",
        ["dispatch", "accept", "start", "resolve"],
        "厂区周边出租屋群租",
        "走访驻区单位时反映厂区周边出租屋群租。",
    ),
    (
        "garbage_sorting",
        "suggestion_box",
        ["dispatch", "accept", "start", "resolve", "follow_up"],
        "垃圾箱房定时投放未落实",
        "晚间投放点无人值守，垃圾混投。",
    ),
    (
        "illegal_parking",
        "hotline",
        ["dispatch", "accept", "start", "resolve", "follow_up", "close"],
        "消防通道长期停车",
        "12345转办：小区消防通道长期被私家车占用。",
    ),
    (
        "elderly_care",
        "resident_web",
        ["dispatch", "return"],
        "独居老人助餐需求",
        "独居老人希望就近助餐服务。",
    ),
    (
        "property_management",
        "resident_web",
        ["dispatch", "accept", "start", "resolve", "follow_up", "reopen"],
        "电梯频繁故障",
        "电梯一个月内故障三次，物业处置不力。",
    ),
    (
        "public_facilities",
        "council_resolution",
        ["dispatch", "accept", "start", "resolve", "follow_up", "close"],
        "增设非机动车充电桩",
        "社区代表会议决议：增设非机动车集中充电设施。",
    ),
    ("greenery_damage", "patrol", ["dispatch"], "公共绿地毁绿种菜", "中心绿地被居民开垦种菜约30平方米。"),
]


def _users():
    return {
        u.username: u
        for u in User.objects.filter(
            username__in=[
                "malu_grid",
                "malu_committee",
                "malu_resident",
                "fangsong_admin",
                "fangsong_chengguan",
            ]
        )
    }


def _categories() -> dict:
    out = {}
    for code, name, parent, hours, days, urgent in CATEGORIES:
        cat, _ = CaseCategory.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "parent": out.get(parent),
                "accept_within_hours": hours,
                "resolve_within_days": days,
                "urgent_resolve_within_days": urgent,
            },
        )
        out[code] = cat
    return out


def _rules(areas, cats):
    for street_key, code, lead, supports in RULES:
        street = areas[street_key]
        if RoutingRule.objects.filter(category=cats[code], area=street, is_active=True).exists():
            continue
        depts = {d.name: d for d in Department.objects.all()}
        lead_dept = depts.get(lead)
        rules.save_rule(
            actor=None,
            category=cats[code],
            area=street,
            lead_kind="department" if lead_dept else "area",
            lead_area_level="" if lead_dept else lead,
            lead_department=lead_dept,
            supports=[(depts[name], task, days) for name, task, days in supports if name in depts],
        )


def _run(case, step, at, users):
    """One transition by the people who would do it (the system stands in for offline departments)."""
    with common.clock(at):
        if step in ("dispatch", "redispatch"):
            dispatching.dispatch_case(actor=None, case=case)
        elif step == "accept":
            lifecycle.accept_case(actor=None, case=case)
        elif step == "start":
            lifecycle.start_case(actor=None, case=case)
            for task in case.assignments.filter(role="support", state="pending"):
                lifecycle.accept_task(actor=None, assignment=task)
        elif step == "park":
            lifecycle.park_case(actor=None, case=case, reason="等待第三方房屋检测报告。")
        elif step == "resolve":
            for task in case.assignments.filter(role="support", state__in=["pending", "accepted"]):
                lifecycle.complete_task(actor=None, assignment=task, answer=f"{task.task}：已完成。")
            lifecycle.resolve_case(
                actor=None, case=case, answer="经联合处置，问题已整改到位，已向报告人反馈。", solved=True
            )
        elif step == "follow_up":
            sat = "dissatisfied" if case.category.code == "property_management" else "satisfied"
            feedback.log_follow_up_call(
                actor=None, case=case, reached=True, satisfaction=sat, note="电话回访。"
            )
        elif step == "close":
            feedback.close_case(actor=None, case=case)
        elif step == "return":
            lifecycle.return_case(
                actor=None,
                case=case,
                reason="属民政养老服务事项，非本单位职责。",
                legal_basis="《上海市养老服务条例》第十二条",
            )
        elif step == "reopen":
            feedback.reopen_case(actor=None, case=case, reason="报告人不满意：电梯仍有故障。")


def _place(street_key, areas):
    street = areas[street_key]
    grid = Area.objects.subtree(street).filter(kind=AreaKind.GRID).order_by("path").first()
    return (
        grid
        or Area.objects.subtree(street)
        .filter(kind__in=["residents_committee", "village_committee"])
        .order_by("path")
        .first()
        or street
    )


@transaction.atomic
def load(areas):
    cats = _categories()
    _rules(areas, cats)
    if Case.objects.filter(is_demo=True).exists():
        return
    users = _users()
    rng = random.Random(6)
    today = calendar.add_working_days(common.now().replace(hour=9, minute=30, second=0, microsecond=0), -1)
    made = []
    for street_key in ("malu", "fangsong"):
        place = _place(street_key, areas)
        for i, (code, channel, steps, title, description) in enumerate(SCRIPTS):
            machine.replay(steps)  # a broken script fails here, before anything is written
            start = calendar.add_working_days(today, -(3 + 2 * len(steps) + i % 4))
            resident = (
                users.get("malu_resident")
                if channel.startswith("resident") and street_key == "malu"
                else None
            )
            with common.clock(start):
                case = intake.receive_case(
                    actor=None,
                    category=cats[code],
                    area=place,
                    channel=channel,
                    title=title,
                    description=description,
                    reporter_user=resident,
                    reporter_name="" if resident else "王先生",
                    reporter_phone="" if resident else "13900000000",
                    urgent=(i % 5 == 0),
                    auto_dispatch=False,
                )
            at = start
            for step in steps:
                at = calendar.add_working_hours(at, rng.choice([1, 2, 3, 5, 8, 12]))
                _run(case, step, at, users)
            made.append(case)
    # A duplicate merged into the first case of Malu.
    with common.clock(calendar.add_working_days(today, -2)):
        dup = intake.receive_case(
            actor=None,
            category=cats["group_rental"],
            area=made[0].area,
            channel="hotline",
            title="3号楼群租（重复反映）",
            description="12345转办：同一户群租。",
            auto_dispatch=False,
        )
        feedback.merge_case(actor=None, case=dup, into=made[0])
    Case.objects.filter(pk__in=[c.pk for c in made] + [dup.pk]).update(is_demo=True)
    supervision.sweep_overdue(now=common.now())
