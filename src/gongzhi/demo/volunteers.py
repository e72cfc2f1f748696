"""Demo volunteers for Fangsong Street and Malu Town: teams (some covering grids), volunteers with hours
across every star level, past and upcoming activities, neighbourhood points, the volunteer base's skill
services with bookings, and the brand projects the case studies name. Idempotent: skipped when demo
teams exist. Everything is flagged is_demo; hours are bulk-loaded and the figures rebuilt at the end.
"""

import datetime as dt
import random
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from gongzhi.areas.models import Area, AreaKind, subtree_q
from gongzhi.core import audit, rollups
from gongzhi.people.models import Person
from gongzhi.volunteers import actions
from gongzhi.volunteers.actions.base import recompute_totals
from gongzhi.volunteers.models import (
    Activity,
    Booking,
    OrganizerKind,
    ServiceRecord,
    ServiceSlot,
    SignUp,
    Volunteer,
    VolunteerTeam,
)

TEAMS = [
    ("平安巡逻志愿队", ["治安巡逻", "消防宣传"], True),
    ("助老志愿服务队", ["助老", "陪伴"], False),
    ("环境卫生志愿队", ["垃圾分类", "清洁家园"], True),
    ("文明劝导志愿队", ["文明交通", "宣传"], False),
]
# Cumulative hours aimed at, one target per star band (0 to 5 stars under the default thresholds).
HOUR_TARGETS = [24, 160, 420, 720, 1150, 1620]
BRANDS = [
    ("malu", "V爱计划", "志愿服务，关爱邻里", "为社区独居老人、困难家庭提供结对志愿服务。"),
    ("malu", "银火虫在行动", "银发余热，点亮社区", "组织低龄老人为高龄老人提供互助服务。"),
    ("malu", "爱马社", "爱马陆，爱家园", "居民自治与志愿服务结合的社区品牌。"),
    ("fangsong", "百事帮", "百事有人帮", "居民生活小事一站式志愿帮办。"),
    ("fangsong", "惠民港", "惠及居民的服务港湾", "整合驻区单位资源，提供便民服务。"),
    ("fangsong", "家圆联合体", "家和邻睦，圆梦社区", "家庭、社区、单位联合开展家庭服务。"),
]
POINTS = [
    ("编织睦邻点", "编织", "张阿姨家", "每周三下午"),
    ("书画睦邻点", "书法绘画", "居委会活动室", "每周五上午"),
    ("健身睦邻点", "广场舞与健身", "小区中心广场", "每天傍晚"),
]
SKILLS = [
    ("haircut", "义务理发", "老年活动室"),
    ("knife_sharpening", "磨刀", "小区门口"),
    ("repairs", "小家电维修", "居委会便民服务点"),
    ("classes", "智能手机课堂", "社区学校"),
]


def _committees(area: Area, n: int) -> list[Area]:
    return list(
        Area.objects.subtree(area)
        .filter(kind__in=[AreaKind.RESIDENTS_COMMITTEE, AreaKind.VILLAGE_COMMITTEE], in_preparation=False)
        .order_by("path")[:n]
    )


def _persons(committee: Area, n: int) -> list[Person]:
    return list(
        Person.objects.filter(
            subtree_q("area_path", committee.path), is_demo=True, volunteer__isnull=True
        ).order_by("id")[:n]
    )


def _bulk_hours(rng, volunteer: Volunteer, target: int, body: str, today: dt.date) -> list[ServiceRecord]:
    rows, total, day = [], 0, today - dt.timedelta(days=2)
    while total < target:
        hours = rng.choice([2, 2.5, 3, 3.5, 4, 6, 8])
        rows.append(
            ServiceRecord(
                volunteer=volunteer,
                served_on=day,
                hours=Decimal(str(hours)),
                content=rng.choice(
                    ["助老陪伴", "治安巡逻", "垃圾分类指导", "清洁家园", "文明劝导", "便民服务"]
                ),
                recording_body=body,
            )
        )
        total += hours
        day -= dt.timedelta(days=rng.choice([1, 2, 3]))
    return rows


def _load_area(rng, key: str, street: Area, today: dt.date, now) -> None:
    committees = _committees(street, 3)
    for ci, committee in enumerate(committees):
        grids = list(Area.objects.subtree(committee).filter(kind=AreaKind.GRID).order_by("path")[:3])
        teams = []
        for ti, (name, fields, covers) in enumerate(TEAMS[: 3 if ci else 4]):
            teams.append(
                actions.create_team(
                    actor=None,
                    area=committee,
                    name=f"{committee.name.replace('（演示）', '')}{name}",
                    organizer_kind=OrganizerKind.COMMITTEE
                    if ti % 2 == 0
                    else OrganizerKind.PARTY_ORGANIZATION,
                    organizer_label=committee.name
                    if ti % 2 == 0
                    else f"{committee.name.replace('（演示）', '')}党总支",
                    service_fields=fields,
                    grids=grids if covers else [],
                    founded_on=dt.date(2012 + ti, 3, 5),
                    is_demo=True,
                )
            )
        volunteers = []
        for pi, person in enumerate(_persons(committee, 12)):
            v = actions.register_volunteer(
                actor=None,
                person=person,
                skills=rng.sample(
                    ["理发", "维修", "法律咨询", "医疗保健", "书法", "摄影", "驾驶", "电脑"], 2
                ),
                availability=rng.choice(["周末", "工作日晚上", "每周二、四上午", "随时"]),
                registered_on=today - dt.timedelta(days=400 + pi * 30),
                is_demo=True,
            )
            actions.add_team_member(
                actor=None, team=teams[pi % len(teams)], volunteer=v, is_leader=pi < len(teams)
            )
            volunteers.append(v)
        records = []
        for vi, v in enumerate(volunteers):
            records += _bulk_hours(rng, v, HOUR_TARGETS[vi % len(HOUR_TARGETS)], committee.name, today)
        ServiceRecord.objects.bulk_create(records, batch_size=2000)
        for v in volunteers:
            recompute_totals(v)
        audit.record_bulk(None, "volunteers.hours_recorded", volunteers, details={"demo": True, "bulk": True})
        _activities(rng, committee, teams, volunteers, now)
        if ci == 0:
            _points(committee, now)
            _base(rng, committee, volunteers, now)


def _activities(rng, committee, teams, volunteers, now) -> None:
    # Past activities: attended, checked in and out, hours recorded by the organizing team.
    for i, team in enumerate(teams[:2]):
        start = (now - dt.timedelta(days=7 * (i + 1))).replace(hour=9, minute=0, second=0, microsecond=0)
        past = actions.create_activity(
            actor=None,
            team=team,
            title=f"{team.service_fields[0]}活动",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=3),
            place=f"{committee.name}活动室",
            capacity=10,
            publish=True,
            is_demo=True,
        )
        attendees = volunteers[i * 3 : i * 3 + 4]
        SignUp.objects.bulk_create(
            [
                SignUp(
                    activity=past,
                    volunteer=v,
                    state=SignUp.State.CONFIRMED,
                    checked_in_at=start - dt.timedelta(minutes=10),
                    checked_out_at=start + dt.timedelta(hours=2, minutes=50),
                )
                for v in attendees
            ]
        )
        Activity.objects.filter(pk=past.pk).update(taken=F("taken") + len(attendees))
        actions.record_activity_hours(actor=None, activity=past)
    # Upcoming activities, open for sign-up, some already partly taken.
    for i, team in enumerate(teams):
        start = (now + dt.timedelta(days=2 + i * 3)).replace(hour=14, minute=0, second=0, microsecond=0)
        upcoming = actions.create_activity(
            actor=None,
            team=team,
            title=f"{team.service_fields[-1]}志愿服务",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            place=f"{committee.name}门口",
            capacity=6 + i * 2,
            skills_wanted=team.service_fields[:1],
            publish=True,
            is_demo=True,
        )
        for v in rng.sample(volunteers, min(3, len(volunteers))):
            actions.sign_up(actor=None, activity=upcoming, volunteer=v)


def _points(committee, now) -> None:
    residents = list(
        Person.objects.filter(subtree_q("area_path", committee.path), is_demo=True).order_by("-id")[:15]
    )
    for pi, (name, interest, host, schedule) in enumerate(POINTS):
        point = actions.create_neighbourhood_point(
            actor=None,
            area=committee,
            name=name,
            interest=interest,
            host=host,
            schedule=schedule,
            is_demo=True,
        )
        point.members.add(*residents[pi * 5 : pi * 5 + 5])
        start = (now - dt.timedelta(days=5 + pi)).replace(hour=14, minute=0, second=0, microsecond=0)
        actions.create_activity(
            actor=None,
            neighbourhood_point=point,
            kind=Activity.Kind.GATHERING,
            title=f"{interest}交流",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            place=host,
            capacity=12,
            publish=True,
            is_demo=True,
        )
        if interest == "编织":  # a good deed: handmade scarves for elderly people living alone
            deed_start = (now + dt.timedelta(days=4)).replace(hour=14, minute=0, second=0, microsecond=0)
            actions.create_activity(
                actor=None,
                neighbourhood_point=point,
                kind=Activity.Kind.GOOD_DEED,
                title="为独居老人织围巾",
                starts_at=deed_start,
                ends_at=deed_start + dt.timedelta(hours=2),
                place=host,
                capacity=10,
                publish=True,
                is_demo=True,
            )


def _base(rng, committee, volunteers, now) -> None:
    bookers = list(
        Person.objects.filter(street_id=committee.street_id, is_demo=True, volunteer__isnull=True).order_by(
            "-id"
        )[:30]
    )
    for si, (kind, title, place) in enumerate(SKILLS):
        provider = volunteers[si + 1] if si + 1 < len(volunteers) else volunteers[0]
        service = actions.create_skill_service(
            actor=None,
            provider=provider,
            kind=kind,
            title=title,
            place=f"{committee.name.replace('（演示）', '')}{place}",
            is_demo=True,
        )
        for day in range(1, 6):
            start = (now + dt.timedelta(days=day)).replace(hour=9 + si, minute=0, second=0, microsecond=0)
            slot = ServiceSlot.objects.create(
                service=service,
                starts_at=start,
                ends_at=start + dt.timedelta(hours=1),
                capacity=1 if kind == "haircut" else 3,
            )
            if bookers and day <= 2:
                booking = actions.book_slot(actor=None, slot=slot, person=bookers.pop())
                if day == 1:
                    actions.confirm_booking(actor=None, booking=booking)
        # One done booking last week, so its hour counts for the provider.
        start = (now - dt.timedelta(days=6)).replace(hour=9 + si, minute=0, second=0, microsecond=0)
        slot = ServiceSlot.objects.create(
            service=service, starts_at=start, ends_at=start + dt.timedelta(hours=1), booked=1
        )
        if bookers:
            booking = Booking.objects.create(
                slot=slot, person=bookers.pop(), state=Booking.State.CONFIRMED, confirmed_at=start
            )
            actions.complete_booking(actor=None, booking=booking)


def _brands(areas) -> None:
    for key, name, slogan, goals in BRANDS:
        committees = _committees(areas[key], 3)
        if not committees:
            continue
        # A Malu brand belongs to one of its communities (镇管社区); a Fangsong brand to a committee.
        index = [b[1] for b in BRANDS if b[0] == key].index(name)
        pick = committees[index % len(committees)]
        area = pick.parent if key == "malu" and pick.parent.kind == AreaKind.COMMUNITY else pick
        teams = list(VolunteerTeam.objects.filter(street_id=areas[key].pk, is_demo=True).order_by("id")[:2])
        project = actions.create_brand_project(
            actor=None,
            area=area,
            name=name,
            slogan=slogan,
            goals=goals,
            starts_on=dt.date(2014, 3, 1),
            partners=["上海乐群社工服务社", f"{area.name.replace('（演示）', '')}驻区单位联合会"],
            teams=teams,
            results="已开展服务200余次，受益居民3000余人次。",
            is_demo=True,
        )
        actions.set_indicator(
            actor=None, project=project, name="服务人次", unit="人次", target=5000, achieved=3120
        )
        actions.set_indicator(
            actor=None, project=project, name="参与志愿者", unit="人", target=150, achieved=162
        )
        actions.set_indicator(
            actor=None, project=project, name="开展活动", unit="场", target=120, achieved=87
        )


def load(areas: dict, *, seed: int = 2026) -> int:
    """Create the demo volunteer data once; return how many volunteers were registered (0 when present)."""
    if VolunteerTeam.objects.filter(is_demo=True).exists():
        return 0
    rng = random.Random(seed)
    today, now = timezone.localdate(), timezone.now()
    for key in ("fangsong", "malu"):
        _load_area(rng, key, areas[key], today, now)
    _brands(areas)
    # The demo login fangsong_volunteer acts through a linked person: make sure that person volunteers.
    linked = Person.objects.filter(user__username="fangsong_volunteer", volunteer__isnull=True).first()
    if linked is not None:
        v = actions.register_volunteer(
            actor=None, person=linked, skills=["理发"], availability="周末", is_demo=True
        )
        actions.create_skill_service(
            actor=None, provider=v, kind="haircut", title="周末义务理发", place="居委会活动室", is_demo=True
        )
    for figure in actions.base.FIGURES:  # the records above were bulk-created, without deltas
        rollups.rebuild(figure)
    return Volunteer.objects.filter(is_demo=True).count()
