"""Demo registry for Malu Town and Fangsong Street: organizations of every type, subtype and form
(real names from the case studies), filed teams, stationed units with a liaison, and annual
inspections in every state. Idempotent (keyed by USCC and name); everything is flagged is_demo.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from stdnum.cn import uscc as stdnum_uscc

from gongzhi.accounts.actions import grant_role
from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.accounts.roles import Role, ScopeKind
from gongzhi.areas.models import AreaKind
from gongzhi.orgs import actions
from gongzhi.orgs.models import AnnualInspection, FiledTeam, SocialOrganization, StationedUnit

PREFIX = {"social_group": "51", "non_enterprise_unit": "52", "foundation": "53"}
DIVISION = {"fangsong": "310117", "malu": "310114"}
ORG_STAFF_OF = "上海乐群社工服务社"  # the demo user org_staff works here
LIAISON_OF = "松江区方松社区卫生服务中心（演示）"  # the demo user unit_liaison keeps this unit

# (area key, name, type, subtype, form, registered on, supervising unit, legal representative)
ORGS = [
    (
        "fangsong",
        "上海浦东新区非营利组织发展中心",
        "non_enterprise_unit",
        "civil_affairs",
        "incubator",
        (2006, 1, 12),
        "区民政局",
        "吕朝",
    ),
    (
        "fangsong",
        "上海乐群社工服务社",
        "non_enterprise_unit",
        "civil_affairs",
        "social_work_agency",
        (2003, 2, 18),
        "区民政局",
        "张宁",
    ),
    (
        "fangsong",
        "上海中致社区服务社",
        "non_enterprise_unit",
        "law",
        "social_work_agency",
        (2004, 2, 10),
        "区司法局",
        "陈建",
    ),
    (
        "fangsong",
        "上海公益社工师事务所",
        "non_enterprise_unit",
        "other",
        "social_work_agency",
        (2009, 6, 1),
        "区民政局",
        "刘敏",
    ),
    (
        "fangsong",
        "青之翼社工服务中心",
        "non_enterprise_unit",
        "education",
        "social_work_agency",
        (2010, 4, 20),
        "区教育局",
        "周青",
    ),
    (
        "fangsong",
        "华爱社区服务管理中心",
        "non_enterprise_unit",
        "civil_affairs",
        "community_service_agency",
        (2007, 9, 3),
        "区民政局",
        "吴华",
    ),
    (
        "fangsong",
        "上海屋里厢社区服务中心",
        "non_enterprise_unit",
        "culture",
        "community_service_agency",
        (2008, 11, 5),
        "区文化局",
        "孙莉",
    ),
    (
        "fangsong",
        "上海欣耕工坊",
        "non_enterprise_unit",
        "labour",
        "social_enterprise",
        (2007, 5, 8),
        "区人社局",
        "李明",
    ),
    (
        "fangsong",
        "方松街道社区科普协会（演示）",
        "social_group",
        "academic",
        "ordinary",
        (2012, 3, 15),
        "区科协",
        "赵科",
    ),
    (
        "fangsong",
        "方松街道社区文化团体联合会（演示）",
        "social_group",
        "federative",
        "ordinary",
        (2013, 8, 1),
        "街道办事处",
        "钱文",
    ),
    (
        "fangsong",
        "上海方松社区公益基金会（演示）",
        "foundation",
        "public_fundraising",
        "ordinary",
        (2014, 12, 9),
        "区民政局",
        "冯善",
    ),
    (
        "fangsong",
        "上海绿丝带志愿者中心",
        "social_group",
        "professional",
        "volunteer_group",
        (2011, 7, 1),
        "区文明办",
        "何绿",
    ),
    (
        "malu",
        "上海新途社区健康促进社",
        "non_enterprise_unit",
        "health",
        "community_service_agency",
        (2005, 3, 1),
        "区卫健委",
        "郑途",
    ),
    (
        "malu",
        "小笼包聋人协力事务所",
        "non_enterprise_unit",
        "other",
        "social_enterprise",
        (2010, 10, 10),
        "区残联",
        "王包",
    ),
    (
        "malu",
        "浦东新区优爱助残公益服务中心",
        "non_enterprise_unit",
        "civil_affairs",
        "ordinary",
        (2009, 12, 3),
        "区残联",
        "马优",
    ),
    (
        "malu",
        "上海市自强社会服务总社",
        "non_enterprise_unit",
        "law",
        "social_work_agency",
        (2003, 12, 26),
        "市禁毒办",
        "沈强",
    ),
    (
        "malu",
        "柏万青志愿者工作室",
        "social_group",
        "professional",
        "volunteer_group",
        (2012, 1, 6),
        "区文明办",
        "柏万青",
    ),
    (
        "malu",
        "马陆镇葡萄产业协会（演示）",
        "social_group",
        "trade",
        "ordinary",
        (2008, 8, 8),
        "镇农业服务中心",
        "陆葡",
    ),
    (
        "malu",
        "马陆镇青少年科技活动中心（演示）",
        "non_enterprise_unit",
        "science",
        "ordinary",
        (2013, 5, 20),
        "区科委",
        "秦科",
    ),
    (
        "malu",
        "马陆镇全民健身俱乐部（演示）",
        "non_enterprise_unit",
        "sports",
        "ordinary",
        (2015, 4, 1),
        "区体育局",
        "韩健",
    ),
    (
        "malu",
        "马陆镇慈善基金会（演示）",
        "foundation",
        "non_public_fundraising",
        "ordinary",
        (2016, 6, 16),
        "区民政局",
        "杨慈",
    ),
]
# Registered in the second half of last year: exempt from last year's inspection.
YOUNG_ORG = (
    "malu",
    "马陆镇邻里守望服务社（演示）",
    "non_enterprise_unit",
    "civil_affairs",
    "community_service_agency",
    None,
    "镇社区服务中心",
    "邓邻",
)

TEAMS = [
    # (area key, name, activity, leader, members, filed on, final status)
    ("fangsong", "江中夕阳红舞蹈队（演示）", "广场舞", "王秀英", 28, (2016, 4, 1), "active"),
    ("fangsong", "银盾巡逻队（演示）", "治安巡逻", "李建国", 40, (2014, 9, 1), "changed"),
    ("fangsong", "方松书画社（演示）", "书法绘画", "张德明", 15, (2015, 3, 12), "active"),
    ("fangsong", "劝和小组（演示）", "邻里调解", "陈桂芳", 8, (2013, 6, 6), "cancelled"),
    ("malu", "马陆葡萄园合唱团（演示）", "合唱", "周美华", 35, (2017, 5, 5), "active"),
    ("malu", "育兰太极拳队（演示）", "太极拳", "吴志强", 22, (2015, 10, 10), "active"),
]

UNITS = [
    # (area key, name, kind, party organization, employees, liaison username)
    ("fangsong", LIAISON_OF, "hospital", True, 180, "unit_liaison"),
    ("fangsong", "上海市松江区方松中学（演示）", "school", True, 120, None),
    ("fangsong", "方松街道城市管理办公室（演示）", "government_office", True, 35, None),
    ("malu", "马陆镇某汽车零部件有限公司（演示）", "company", False, 650, None),
    ("malu", "嘉定区马陆镇社区事务受理服务中心（演示）", "public_institution", True, 48, None),
    ("malu", "马陆镇农贸市场（演示）", "other", False, 60, None),
]


def make_uscc(org_type: str, area_key: str, serial: int) -> str:
    body = f"{PREFIX[org_type]}{DIVISION[area_key]}MJ{serial:07d}"
    return body + stdnum_uscc.calc_check_digit(body)


def _area_for(areas, key, index):
    """Spread organizations over the street itself and (for Malu) its communities."""
    area = areas[key]
    if key == "malu" and index % 2:
        community = area.children.filter(kind=AreaKind.COMMUNITY).order_by("path").first()
        return community or area
    return area


def _staff(n: int, seed: int) -> dict:
    """A staff table that adds up in every group (the shape varies a little per organization)."""
    full = max(1, n * (6 + seed % 3) // 10)
    certified = n // 4
    return {
        "staff_total": n,
        "full_time": full,
        "part_time": n - full,
        "contract_labour": full,
        "contract_rehired_retiree": (n - full) // 2,
        "contract_enterprise_employee": 0,
        "contract_other_unit_part_time": n - full - (n - full) // 2,
        "contract_civil_servant": 0,
        "contract_other": 0,
        "age_35_or_under": n // 2,
        "age_36_to_50": n // 4,
        "age_51_to_60": n - n // 2 - n // 4 - n // 10,
        "age_over_60": n // 10,
        "edu_high_school_or_below": n // 5,
        "edu_college_or_bachelor": n - n // 5 - n // 10,
        "edu_master_or_above": n // 10,
        "returned_from_abroad": seed % 2,
        "social_worker_certified": certified,
        "other_certified": n // 8,
    }


def _org(areas, index, row, registered_on=None):
    key, name, org_type, subtype, form, reg, supervisor, legal_rep = row
    uscc = make_uscc(org_type, key, 1000 + index)
    org = SocialOrganization.objects.filter(uscc=uscc).first()
    if org is None:
        org = actions.register_organization(
            actor=None,
            area=_area_for(areas, key, index),
            uscc=uscc,
            org_type=org_type,
            subtype=subtype,
            name=name,
            registered_on=registered_on or dt.date(*reg),
            form=form,
            address=f"{areas[key].name}演示路{index + 1}号",
            legal_representative=legal_rep,
            business_scope="社区服务、公益项目、能力建设（演示）",
            supervising_unit=supervisor,
            contact_person=legal_rep,
            contact_phone=f"021-5{index:03d}8888",
            is_demo=True,
        )
    return org


def _inspections(areas, orgs, year):
    """Last year's reports in every state; the year before, all reviewed."""
    for key in ("fangsong", "malu"):
        actions.open_inspection_year(actor=None, area=areas[key], year=year - 1, due_on=dt.date(year, 5, 31))
        actions.open_inspection_year(actor=None, area=areas[key], year=year, due_on=dt.date(year + 1, 5, 31))
    AnnualInspection.objects.filter(organization__in=orgs).update(is_demo=True)
    plans = ["draft", "submitted", "returned", "qualified", "basically_qualified", "unqualified"]
    for i, org in enumerate(orgs):
        for y, plan in ((year - 1, "qualified"), (year, plans[i % len(plans)])):
            ins = AnnualInspection.objects.filter(organization=org, year=y).first()
            if ins is None or ins.state != AnnualInspection.State.DRAFT:
                continue
            if org.name == ORG_STAFF_OF and y == year:
                continue  # left as a draft for the demo org_staff user to fill in and submit
            values = _staff(8 + (i * 7) % 40, i)
            values.update(
                net_assets=Decimal(200000 + i * 53000),
                total_income=Decimal(500000 + i * 81000),
                total_expenditure=Decimal(480000 + i * 77000),
                activities="全年开展社区服务项目、志愿活动与培训（演示）",
                party_building="已建立党支部，按期开展组织生活（演示）"
                if i % 2
                else "联合党支部覆盖（演示）",
            )
            if plan == "draft":
                actions.save_inspection(actor=None, inspection=ins, **values)
                continue
            ins = actions.submit_inspection(actor=None, inspection=ins, **values)
            if plan == "returned":
                actions.return_inspection(
                    actor=None, inspection=ins, reason="财务数据与审计报告不一致，请核对后重新提交（演示）"
                )
            elif plan != "submitted":
                reason = "" if plan == "qualified" else "未按章程按期换届（演示）"
                actions.review_inspection(actor=None, inspection=ins, result=plan, reason=reason)


def _unit_uscc(kind: str, key: str, serial: int) -> str | None:
    """Enterprises' codes start 91, public institutions' 12, government offices' 11."""
    prefix = {"company": "91", "government_office": "11"}.get(kind, "12" if kind != "other" else None)
    if prefix is None:
        return None
    body = f"{prefix}{DIVISION[key]}MA{serial:07d}"
    return body + stdnum_uscc.calc_check_digit(body)


def _grant(username, role, kind, scope_id):
    user = User.objects.filter(username=username).first()
    if user is None:
        return
    if (
        not RoleAssignment.objects.active()
        .filter(user=user, role=role, scope_kind=kind, scope_id=scope_id)
        .exists()
    ):
        grant_role(actor=None, user=user, role=role, scope_kind=kind, scope_id=scope_id)


def load(areas) -> None:
    today = timezone.localdate()
    year = today.year - 1
    orgs = [_org(areas, i, row) for i, row in enumerate(ORGS)]
    young = _org(areas, len(ORGS), YOUNG_ORG, registered_on=dt.date(year, 9, 1))
    for i, org in enumerate(orgs):
        if i % 4 == 1 and not org.evaluation_grade:
            actions.set_grade(
                actor=None, organization=org, grade=f"{3 + i % 3}A", awarded_on=dt.date(year - 1, 12, 1)
            )
    # One registration change and one deregistration, so histories show every status.
    changed = orgs[5]
    if changed.status == "registered":
        actions.update_organization(
            actor=None,
            organization=changed,
            effective_on=dt.date(year, 3, 1),
            address="方松街道演示路88号（迁址）",
            note="住所变更（演示）",
        )
    _inspections(areas, [*orgs, young], year)
    gone = SocialOrganization.objects.filter(uscc=make_uscc("social_group", "fangsong", 1900)).first()
    if gone is None:
        gone = _org(
            areas,
            900,
            (
                "fangsong",
                "方松街道老年书画研究会（演示）",
                "social_group",
                "academic",
                "ordinary",
                (2005, 5, 5),
                "区文化局",
                "冯墨",
            ),
        )
        actions.change_status(
            actor=None,
            organization=gone,
            status="deregistered",
            effective_on=dt.date(year, 11, 30),
            note="自行解散（演示）",
        )

    for key, name, activity, leader, members, filed_on, status in TEAMS:
        area = areas[key].children.order_by("path").first() or areas[key]
        team = FiledTeam.objects.filter(name=name, area_path__startswith=areas[key].path).first()
        if team is None:
            team = actions.file_team(
                actor=None,
                area=area,
                name=name,
                activity_kind=activity,
                leader_name=leader,
                leader_phone="13900001234",
                members_count=members,
                filed_on=dt.date(*filed_on),
                is_demo=True,
            )
            if status == "changed":
                actions.update_team(actor=None, team=team, members_count=members + 12)
            elif status == "cancelled":
                actions.cancel_team(
                    actor=None,
                    team=team,
                    cancelled_on=dt.date(year, 12, 31),
                    note="成员合并至其他团队（演示）",
                )

    for i, (key, name, kind, party, employees, liaison) in enumerate(UNITS):
        unit = StationedUnit.objects.filter(name=name).first()
        if unit is None:
            unit = actions.create_unit(
                actor=None,
                area=areas[key],
                name=name,
                kind=kind,
                has_party_organization=party,
                employees=employees,
                address=f"{areas[key].name}演示大道{i + 1}号",
                is_demo=True,
                uscc=_unit_uscc(kind, key, 5000 + i),
            )
        if liaison and unit.liaison is None:
            user = User.objects.filter(username=liaison).first()
            if user is not None:
                actions.update_unit(actor=None, unit=unit, liaison=user)
        if liaison:
            _grant(liaison, Role.UNIT_LIAISON, ScopeKind.STATIONED_UNIT, unit.pk)
    staff_org = next(o for o in orgs if o.name == ORG_STAFF_OF)
    _grant("org_staff", Role.ORG_STAFF, ScopeKind.SOCIAL_ORGANIZATION, staff_org.pk)
