"""Demo councils for Fangsong Street and Malu Town: every kind of body with seats, and past and upcoming
meetings of every kind — one of them with a confidential personnel item. Idempotent (by name, is_demo)."""

import datetime as dt

from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.areas.models import Area, AreaKind
from gongzhi.councils import actions
from gongzhi.councils.models import AgendaItem, Council, Meeting, Seat

TERM = dt.date(2024, 1, 1)


def _user(username):
    return User.objects.filter(username=username).first()


def _council(area, kind, name, *, clerk=None, seats=(), rules=None, purpose="") -> Council:
    council = Council.objects.filter(area=area, name=name, is_demo=True).first()
    if council is not None:
        return council
    council = actions.create_council(
        actor=None,
        area=area,
        kind=kind,
        name=name,
        purpose=purpose,
        clerk=clerk,
        composition_rules=rules or [],
    )
    Council.objects.filter(pk=council.pk).update(is_demo=True)
    for holder, position, represents, label, tenure in seats:
        user = _user(holder) if holder and holder.isascii() else None
        actions.add_seat(
            actor=None,
            council=council,
            holder_user=user,
            holder_name="" if user else holder,
            position=position,
            represents=represents,
            represents_label=label,
            tenure=tenure,
            term_start=TERM,
            term_end=dt.date(2028, 12, 31),
        )
    actions.publish_roster(actor=None, council=council)
    return council


def _meeting(council, kind, title, days, *, items=(), subject=None, held=False, minutes=None):
    meeting = Meeting.objects.filter(council=council, title=title, is_demo=True).first()
    if meeting is not None:
        return meeting
    start = timezone.localtime().replace(hour=14, minute=0, second=0, microsecond=0) + dt.timedelta(days=days)
    subject = subject or {}
    meeting = actions.create_meeting(
        actor=None,
        council=council,
        kind=kind,
        title=title,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        place=f"{council.area.name}党群服务中心会议室",
        capacity=40,
        registration_open=days > 0,
        **subject,
    )
    Meeting.objects.filter(pk=meeting.pk).update(is_demo=True)
    for title_, audience, category in items:
        actions.add_agenda_item(
            actor=None, meeting=meeting, title=title_, audience=audience, category=category
        )
    meeting = actions.schedule_meeting(actor=None, meeting=meeting)
    if held:
        for seat in council.seats.all()[: max(1, council.seats.count() // 2 + 1)]:
            actions.check_in(actor=None, meeting=meeting, seat=seat)
        actions.mark_held(actor=None, meeting=meeting)
        if minutes:
            sections = {i.pk: f"{i.title}：经讨论，形成一致意见。" for i in meeting.items.all()}
            actions.draft_minutes(actor=None, meeting=meeting, text=minutes, sections=sections)
            actions.approve_minutes(actor=None, meeting=meeting)
            actions.publish_minutes(actor=None, meeting=meeting)
    return meeting


EVERYONE = AgendaItem.Audience.EVERYONE
FULL_TIME = AgendaItem.Audience.FULL_TIME_MEMBERS
GENERAL = AgendaItem.Category.GENERAL
DEVELOPMENT = AgendaItem.Category.DEVELOPMENT
PERSONNEL = AgendaItem.Category.PERSONNEL
FT, PT = Seat.Tenure.FULL_TIME, Seat.Tenure.PART_TIME
CHAIR, MEMBER, REP = Seat.Position.CHAIR, Seat.Position.MEMBER, Seat.Position.REPRESENTATIVE
UNITS_HALF = [{"represents": ["unit"], "min": [1, 2], "label": "驻区单位代表不少于二分之一"}]


def _fangsong(area: Area, committee: Area | None):
    clerk = _user("fangsong_admin")
    party = _council(
        area,
        Council.Kind.PARTY_WORKING_COMMITTEE,
        "方松街道社区党工委（演示）",
        clerk=_user("fangsong_secretary"),
        purpose="领导社区党建工作；人事事项由专职委员讨论，发展事项专兼职委员共同讨论。",
        seats=[
            ("fangsong_secretary", CHAIR, "party_organization", "社区党工委", FT),
            ("王建国", MEMBER, "party_organization", "社区党工委", FT),
            ("fangsong_member", MEMBER, "unit", "松江区某某医院党委", PT),
            ("李梅", MEMBER, "police", "方松派出所", PT),
        ],
    )
    assembly = _council(
        area,
        Council.Kind.REPRESENTATIVE_ASSEMBLY,
        "方松街道社区成员代表会议（演示）",
        clerk=clerk,
        rules=UNITS_HALF,
        seats=[
            ("上海松江某某中学", REP, "unit", "驻区学校", PT),
            ("松江区某某医院", REP, "unit", "驻区医院", PT),
            ("某某银行松江支行", REP, "unit", "驻区企业", PT),
            ("张华（居民代表）", REP, "residents", "江中居委会", PT),
            ("刘芳（居民代表）", REP, "residents", "江秀居委会", PT),
            ("上海乐群社工服务社", REP, "organization", "社会组织", PT),
        ],
    )
    joint = _council(
        area,
        Council.Kind.JOINT_MEETING,
        "方松街道党建共建联席会议（演示）",
        clerk=clerk,
        seats=[
            ("fangsong_secretary", CHAIR, "party_organization", "社区党工委", FT),
            ("松江区某某医院党委", MEMBER, "unit", "驻区单位党组织", PT),
            ("上海松江某某中学党支部", MEMBER, "unit", "驻区单位党组织", PT),
        ],
    )
    regional = _council(
        area,
        Council.Kind.REGIONAL_COUNCIL,
        "方松街道区域性议事会（演示）",
        clerk=clerk,
        seats=[
            ("某某物业公司", MEMBER, "property_company", "物业", PT),
            ("松江区某某医院", MEMBER, "unit", "驻区单位", PT),
        ],
    )
    patrol = _council(
        area,
        Council.Kind.PROFESSIONAL_COMMITTEE,
        "银盾巡逻专委会（演示）",
        clerk=clerk,
        seats=[
            ("赵刚", CHAIR, "residents", "巡逻志愿者", PT),
            ("方松派出所", MEMBER, "police", "社区民警", PT),
        ],
    )
    mediation = _council(
        area,
        Council.Kind.PROFESSIONAL_COMMITTEE,
        "劝和小组（演示）",
        clerk=clerk,
        seats=[("孙丽", CHAIR, "residents", "人民调解员", PT), ("周明", MEMBER, "residents", "楼组长", PT)],
    )
    here = committee or area
    owners = _council(
        here,
        Council.Kind.OWNERS_COMMITTEE,
        f"{here.name}业主委员会（演示）",
        clerk=clerk,
        seats=[("陈业主", CHAIR, "owners", "1号楼", PT), ("吴业主", MEMBER, "owners", "3号楼", PT)],
    )
    residents = _council(
        here,
        Council.Kind.RESIDENTS_MEETING,
        f"{here.name}居民会议（演示）",
        clerk=clerk,
        seats=[
            ("居民代表甲", REP, "residents", "第一居民小组", PT),
            ("居民代表乙", REP, "residents", "第二居民小组", PT),
        ],
    )

    _meeting(
        party,
        Meeting.Kind.ORDINARY,
        "党工委（扩大）会议：干部任免与社区发展",
        -14,
        items=[
            ("社区2026年发展规划", EVERYONE, DEVELOPMENT),
            ("居民区党组织书记任免", FULL_TIME, PERSONNEL),
        ],
        held=True,
        minutes="会议由党工委书记主持，专兼职委员共同讨论社区发展事项；人事事项由专职委员讨论。",
    )
    _meeting(
        party,
        Meeting.Kind.ORDINARY,
        "党工委例会：发展党员",
        10,
        items=[("发展党员预审", FULL_TIME, PERSONNEL), ("党建项目进展", EVERYONE, GENERAL)],
    )
    _meeting(
        joint,
        Meeting.Kind.JOINT,
        "党建共建联席会议（第三季度）",
        -30,
        items=[("共建项目清单", EVERYONE, GENERAL)],
        held=True,
        minutes="各共建单位通报资源清单。",
    )
    _meeting(
        joint,
        Meeting.Kind.JOINT,
        "党建共建联席会议（第四季度）",
        12,
        items=[("共建契约续签", EVERYONE, GENERAL)],
    )
    _meeting(
        assembly,
        Meeting.Kind.HEARING,
        "决策听证会：江中小区停车改造方案",
        7,
        subject={"subject_type": "other", "subject_label": "江中小区停车改造方案"},
        items=[("方案说明", EVERYONE, GENERAL), ("居民陈述意见", EVERYONE, GENERAL)],
    )
    _meeting(
        mediation,
        Meeting.Kind.COORDINATION,
        "矛盾协调会：楼上漏水纠纷",
        -7,
        subject={"subject_type": "other", "subject_label": "江中小区5号楼漏水纠纷"},
        items=[("双方陈述", EVERYONE, GENERAL)],
        held=True,
        minutes="双方达成调解协议。",
    )
    _meeting(
        regional,
        Meeting.Kind.EVALUATION,
        "政务评议会：社区事务受理服务中心",
        20,
        subject={"subject_type": "other", "subject_label": "社区事务受理服务中心窗口服务"},
        items=[("服务情况报告", EVERYONE, GENERAL), ("居民评议", EVERYONE, GENERAL)],
    )
    _meeting(
        residents,
        Meeting.Kind.DELIBERATION_DAY,
        "社区议事日（本月）",
        5,
        items=[("加装电梯意见征集", EVERYONE, GENERAL)],
    )
    _meeting(
        patrol,
        Meeting.Kind.ORDINARY,
        "银盾巡逻排班会",
        -3,
        items=[("夜间巡逻排班", EVERYONE, GENERAL)],
        held=True,
    )
    _meeting(
        owners, Meeting.Kind.ORDINARY, "业委会月度会议", 9, items=[("维修资金使用计划", EVERYONE, GENERAL)]
    )


def _malu(malu: Area):
    community = Area.objects.filter(parent=malu, kind=AreaKind.COMMUNITY).order_by("path").first() or malu
    clerk = _user("malu_community")
    assembly = _council(
        community,
        Council.Kind.REPRESENTATIVE_ASSEMBLY,
        f"{community.name}社区代表大会",
        clerk=clerk,
        rules=UNITS_HALF,
        seats=[
            ("马陆镇某某工业公司", REP, "unit", "驻区企业", PT),
            ("马陆葡萄研究所", REP, "unit", "驻区单位", PT),
            ("育兰居民代表", REP, "residents", "居委会", PT),
            ("malu_resident", REP, "residents", "居民", PT),
        ],
    )
    party = _council(
        community,
        Council.Kind.PARTY_WORKING_COMMITTEE,
        f"{community.name}党工委",
        clerk=clerk,
        seats=[
            ("malu_community", CHAIR, "party_organization", "社区党工委", FT),
            ("沈国强", MEMBER, "unit", "驻区企业党组织", PT),
        ],
    )
    joint = _council(
        community,
        Council.Kind.JOINT_MEETING,
        f"{community.name}共建联席会议",
        clerk=clerk,
        seats=[("malu_community", CHAIR, "party_organization", "社区党工委", FT)],
    )
    _meeting(
        assembly,
        Meeting.Kind.DELIBERATION_DAY,
        "社区议事日：菜场周边秩序",
        6,
        items=[("居民提议汇总", EVERYONE, GENERAL)],
    )
    _meeting(
        assembly,
        Meeting.Kind.HEARING,
        "决策听证会：社区睦邻中心改建",
        -10,
        subject={"subject_type": "other", "subject_label": "社区睦邻中心改建方案"},
        items=[("改建方案", EVERYONE, GENERAL)],
        held=True,
        minutes="听证代表多数赞成改建方案。",
    )
    _meeting(
        party,
        Meeting.Kind.ORDINARY,
        "党工委会议：干部考察",
        8,
        items=[("社区干部考察人选", FULL_TIME, PERSONNEL), ("社区发展事项", EVERYONE, DEVELOPMENT)],
    )
    _meeting(
        joint,
        Meeting.Kind.JOINT,
        "共建联席会议：资源对接",
        15,
        items=[("资源清单与需求清单", EVERYONE, GENERAL)],
    )


def load(areas: dict) -> None:
    fangsong = areas["fangsong"]
    committee = fangsong.children.filter(kind=AreaKind.RESIDENTS_COMMITTEE).order_by("path").first()
    _fangsong(fangsong, committee)
    _malu(areas["malu"])
