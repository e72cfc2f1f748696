"""The base demo: Shanghai and its districts, Malu Town and Fangsong Street in detail, and one user per role.

Idempotent: a second run changes nothing. Everything it creates is flagged `is_demo`.
"""

import importlib
from decimal import Decimal

from django.db import transaction

from gongzhi.accounts import actions as account_actions
from gongzhi.accounts.models import Department, RoleAssignment, User
from gongzhi.accounts.roles import Role, ScopeKind
from gongzhi.areas.actions import build_area
from gongzhi.areas.models import Area, AreaFacts, AreaKind
from gongzhi.core.calendar_actions import seed_calendar

from . import divisions

DEMO_PASSWORD = "Gongzhi@2026"
MALU = "310114106000"
FANGSONG = "310117003000"
MALU_COMMUNITIES = [
    "马陆镇育兰社区（演示）",
    "马陆镇戬浜社区（演示）",
    "马陆镇包桥社区（演示）",
    "马陆镇崇信社区（演示）",
]


def _add(name, kind, parent, *, is_demo=True, **extra) -> Area:
    area = build_area(name=name, kind=kind, parent=parent, is_demo=is_demo, **extra)
    area.save()
    return area


def load_areas() -> dict:
    """Create the area tree once; return the named areas the rest of the demo uses."""
    city = Area.objects.filter(gb2260="310000").first()
    if city is None:
        city = _add("上海市", AreaKind.CITY, None, gb2260="310000", is_demo=False)
        for row in divisions.districts():
            _add(row["name"], AreaKind.DISTRICT, city, gb2260=row["code"], is_demo=False)
    jiading = Area.objects.get(gb2260="310114")
    songjiang = Area.objects.get(gb2260="310117")
    malu = Area.objects.filter(stat_code=MALU).first() or _build_malu(jiading)
    fangsong = Area.objects.filter(stat_code=FANGSONG).first() or _build_fangsong(songjiang)
    return {"city": city, "jiading": jiading, "songjiang": songjiang, "malu": malu, "fangsong": fangsong}


def _compounds_and_grids(committee: Area, n_compounds: int) -> None:
    base = committee.name.replace("居委会", "").replace("社区", "").replace("村委会", "")
    for i in range(1, n_compounds + 1):
        compound = _add(f"{base}{i}号小区（演示）", AreaKind.COMPOUND, committee)
        for g in range(1, 3):
            _add(f"{compound.name[:-4]}第{g}网格（演示）", AreaKind.GRID, compound)


def _build_malu(jiading: Area) -> Area:
    row = next(s for s in divisions.streets() if s["code"] + "000" == MALU)
    malu = _add(row["name"], AreaKind.TOWN, jiading, stat_code=MALU, is_demo=False)
    communities = [_add(name, AreaKind.COMMUNITY, malu) for name in MALU_COMMUNITIES]
    rows = [c for c in divisions.committees() if c["streetCode"] + "000" == MALU]
    residents = [c for c in rows if divisions.committee_kind(c["code"]) == "residents_committee"][:28]
    villages = [c for c in rows if divisions.committee_kind(c["code"]) == "village_committee"][:12]
    for i, c in enumerate(residents):
        committee = _add(
            c["name"],
            AreaKind.RESIDENTS_COMMITTEE,
            communities[i % len(communities)],
            stat_code=c["code"],
            in_preparation=i >= 16,  # 12 of the 28 are still being set up (筹建组)
            is_demo=False,
        )
        _compounds_and_grids(committee, 2 if i < 8 else 1)
    for c in villages:
        _add(c["name"], AreaKind.VILLAGE_COMMITTEE, malu, stat_code=c["code"], is_demo=False)
    for year, registered, resident in ((2014, 48000, 170000), (2015, 49000, 176000), (2016, 50000, 180000)):
        AreaFacts.objects.create(
            area=malu,
            year=year,
            land_km2=Decimal("62.51"),
            registered_population=registered,
            resident_population=resident,
            nonlocal_population=resident - registered,
        )
    for community in communities:
        for year in (2015, 2016):
            AreaFacts.objects.create(
                area=community,
                year=year,
                land_km2=Decimal("3.5"),
                staff_count=15,
                patrol_staff_count=60,
                budget_yuan=Decimal("10000000"),
                registered_population=9000,
                resident_population=30000,
                nonlocal_population=21000,
                dwellings_built=9800,
                dwellings_occupied=8900 if year == 2016 else 8100,
            )
    return malu


def _build_fangsong(songjiang: Area) -> Area:
    row = next(s for s in divisions.streets() if s["code"] + "000" == FANGSONG)
    fangsong = _add(row["name"], AreaKind.STREET, songjiang, stat_code=FANGSONG, is_demo=False)
    rows = [c for c in divisions.committees() if c["streetCode"] + "000" == FANGSONG]
    for i, c in enumerate(rows):
        committee = _add(
            c["name"], divisions.committee_kind(c["code"]), fangsong, stat_code=c["code"], is_demo=False
        )
        _compounds_and_grids(committee, 2 if i < 4 else 1)
    for year, registered, resident in ((2015, 52000, 118000), (2016, 53000, 121000)):
        AreaFacts.objects.create(
            area=fangsong,
            year=year,
            land_km2=Decimal("15.6"),
            registered_population=registered,
            resident_population=resident,
            nonlocal_population=resident - registered,
            dwellings_built=41000,
            dwellings_occupied=38500,
        )
    return fangsong


DEPARTMENTS = [
    # (name, kind, level, area key)
    ("嘉定区城市管理行政执法局", Department.Kind.URBAN_MANAGEMENT, Department.Level.DISTRICT, "jiading"),
    ("嘉定区房屋管理局", Department.Kind.HOUSING, Department.Level.DISTRICT, "jiading"),
    ("嘉定区市场监督管理局", Department.Kind.MARKET_REGULATION, Department.Level.DISTRICT, "jiading"),
    ("嘉定公安分局马陆派出所", Department.Kind.PUBLIC_SECURITY, Department.Level.STREET, "malu"),
    ("马陆镇城管执法中队", Department.Kind.URBAN_MANAGEMENT, Department.Level.STREET, "malu"),
    ("松江区城市管理行政执法局", Department.Kind.URBAN_MANAGEMENT, Department.Level.DISTRICT, "songjiang"),
    ("松江区房屋管理局", Department.Kind.HOUSING, Department.Level.DISTRICT, "songjiang"),
    ("松江公安分局方松派出所", Department.Kind.PUBLIC_SECURITY, Department.Level.STREET, "fangsong"),
    ("方松街道城管执法中队", Department.Kind.URBAN_MANAGEMENT, Department.Level.STREET, "fangsong"),
    ("方松街道市场监管所", Department.Kind.MARKET_REGULATION, Department.Level.STREET, "fangsong"),
]


def load_departments(areas: dict) -> dict:
    out = {}
    for name, kind, level, key in DEPARTMENTS:
        dept, _ = Department.objects.get_or_create(
            area=areas[key], name=name, defaults={"kind": kind, "level": level, "is_demo": True}
        )
        out[name] = dept
    return out


def demo_users(areas: dict, departments: dict) -> list[tuple]:
    """(role, username, display name, scope kind, scope object) — one login per role."""
    malu_community = Area.objects.get(name=MALU_COMMUNITIES[0])
    malu_committee = malu_community.children.filter(in_preparation=False).order_by("path").first()
    malu_grid = Area.objects.subtree(malu_committee).filter(kind=AreaKind.GRID).order_by("path").first()
    fangsong_committee = areas["fangsong"].children.order_by("path").first()
    return [
        (Role.STREET_ADMIN, "fangsong_admin", "方松街道管理员（演示）", ScopeKind.AREA, areas["fangsong"]),
        (Role.CITY_ADMIN, "city_admin", "市级管理员（演示）", ScopeKind.AREA, areas["city"]),
        (Role.DISTRICT_ADMIN, "jiading_admin", "嘉定区管理员（演示）", ScopeKind.AREA, areas["jiading"]),
        (Role.COMMUNITY_WORKER, "malu_community", "马陆社区工作者（演示）", ScopeKind.AREA, malu_community),
        (Role.COMMITTEE_WORKER, "malu_committee", "居委会工作人员（演示）", ScopeKind.AREA, malu_committee),
        (Role.GRID_WORKER, "malu_grid", "网格员（演示）", ScopeKind.AREA, malu_grid),
        (
            Role.REGISTRY_OFFICER,
            "songjiang_registry",
            "社团登记管理员（演示）",
            ScopeKind.AREA,
            areas["songjiang"],
        ),
        (
            Role.PARTY_SECRETARY,
            "fangsong_secretary",
            "居民区党组织书记（演示）",
            ScopeKind.AREA,
            fangsong_committee,
        ),
        (Role.PARTY_MEMBER, "fangsong_member", "在职党员（演示）", ScopeKind.AREA, fangsong_committee),
        (Role.PARTY_MEMBER, "fangsong_parttime", "兼职党工委委员（演示）", ScopeKind.AREA, areas["fangsong"]),
        (Role.UNIT_LIAISON, "unit_liaison", "驻区单位联络员（演示）", None, None),
        (Role.ORG_STAFF, "org_staff", "社会组织工作人员（演示）", None, None),
        (
            Role.DEPARTMENT_HANDLER,
            "fangsong_chengguan",
            "城管中队处置人员（演示）",
            ScopeKind.DEPARTMENT,
            departments["方松街道城管执法中队"],
        ),
        (Role.VOLUNTEER, "fangsong_volunteer", "志愿者（演示）", ScopeKind.AREA, fangsong_committee),
        (Role.RESIDENT, "malu_resident", "居民（演示）", ScopeKind.AREA, malu_committee),
    ]


def load_users(areas, departments) -> list[tuple]:
    rows = demo_users(areas, departments)
    for role, username, name, kind, scope in rows:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username=username, password=DEMO_PASSWORD, display_name=name)
        if (
            kind
            and not RoleAssignment.objects.active()
            .filter(user=user, role=role, scope_kind=kind, scope_id=scope.pk)
            .exists()
        ):
            account_actions.grant_role(actor=None, user=user, role=role, scope_kind=kind, scope_id=scope.pk)
    return rows


# The domain demos, in dependency order: each module's load(areas) is idempotent.
DOMAIN_DEMOS = (
    "people",  # persons, households, dwellings
    "orgs",  # registry, teams, units, inspections
    "programs",  # incubation, venture calls, contracts
    "councils",  # bodies, seats, meetings
    "councils_outcomes",  # votes, resolutions, agreements, proposals
    "cases",  # categories, routing rules, cases
    "cases_field",  # visits, patrols, a campaign
    "volunteers",  # teams, hours, neighbourhood points, the volunteer base, brands
    "matching",  # resources, needs, projects
    "bulletins",  # notices, a survey, suggestions
    "party",  # party organizations, members, dual reporting
    "evaluation",  # a committee evaluation scheme and one closed round
)


@transaction.atomic
def load() -> list[tuple]:
    seed_calendar(actor=None)  # official holidays first: deadlines in the demo need them
    areas = load_areas()
    departments = load_departments(areas)
    rows = load_users(areas, departments)
    for name in DOMAIN_DEMOS:
        importlib.import_module(f"gongzhi.demo.{name}").load(areas)
    return rows
