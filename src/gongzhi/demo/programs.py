"""Demo programmes: NPI's incubator with start-ups, venture calls with applications, scores and awards,
and service contracts (a community centre hosted by an agency, a purchased service) — idempotent.

Runs after the demo organizations; the few organizations it needs are found by name or created by USCC.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from stdnum.cn import uscc as stdnum_uscc

from gongzhi.accounts.models import User
from gongzhi.areas.models import Area
from gongzhi.orgs.actions import contracts as C
from gongzhi.orgs.actions import programs as A
from gongzhi.orgs.actions import register_organization
from gongzhi.orgs.models import Incubation, ServiceContract, SocialOrganization, VentureCall

# (name, form, area key or GB2260 code, serial for the USCC)
ORGS = [
    ("上海浦东新区非营利组织发展中心", "incubator", "310115", 9101),
    ("上海屋里厢社区服务中心", "community_service_agency", "songjiang", 9102),
    ("华爱社区服务管理中心", "community_service_agency", "jiading", 9103),
    ("上海乐群社工服务社", "social_work_agency", "songjiang", 9104),
    ("上海新途社区健康促进社", "community_service_agency", "songjiang", 9105),
]


def _uscc(area_code: str, serial: int) -> str:
    stem = f"52{area_code}MJ{serial:07d}"[:17]
    return stem + stdnum_uscc.calc_check_digit(stem)


def _org(name, form, where, serial, areas) -> SocialOrganization:
    found = SocialOrganization.objects.filter(name=name).first()
    if found:
        return found
    area = areas.get(where) or Area.objects.get(gb2260=where)
    code = _uscc(area.code[:6], serial)
    return SocialOrganization.objects.filter(uscc=code).first() or register_organization(
        actor=None,
        area=area,
        uscc=code,
        org_type="non_enterprise_unit",
        subtype="civil_affairs",
        name=name,
        registered_on=dt.date(2008, 4, 1),
        form=form,
        is_demo=True,
    )


def _user(username):
    return User.objects.filter(username=username).first()


def load(areas: dict) -> None:
    today = timezone.localdate()
    npi, wulixiang, huaai, lequn, xintu = (_org(*row, areas) for row in ORGS)
    if npi.form != "incubator":  # created by the registry demo as ordinary: the case study says incubator
        SocialOrganization.objects.filter(pk=npi.pk).update(form="incubator")
        npi.refresh_from_db()
    _incubation(npi, lequn, today)
    _calls(areas, lequn, xintu, wulixiang, today)
    _contracts(areas, wulixiang, huaai, today)


def _incubation(npi, lequn, today) -> None:
    if Incubation.objects.filter(incubator=npi, is_demo=True).exists():
        return
    first = A.admit_incubatee(
        actor=None,
        incubator=npi,
        name="浦东青年公益伙伴社",
        admitted_on=today - dt.timedelta(days=730),
        support=["capacity_building", "space", "registration_help"],
        grant_amount=Decimal("30000"),
        is_demo=True,
    )
    m = A.add_milestone(
        actor=None, incubation=first, title="完成民非登记", due_on=first.admitted_on + dt.timedelta(days=300)
    )
    A.complete_milestone(actor=None, milestone=m, done_on=first.admitted_on + dt.timedelta(days=280))
    A.graduate_incubatee(
        actor=None,
        incubation=first,
        graduation="registered",
        ended_on=first.admitted_on + dt.timedelta(days=400),
        organization=lequn,
    )
    second = A.admit_incubatee(
        actor=None,
        incubator=npi,
        name="社区微光助老团队",
        admitted_on=today - dt.timedelta(days=120),
        support=["capacity_building", "equipment", "small_grant"],
        grant_amount=Decimal("15000"),
        is_demo=True,
    )
    A.add_milestone(
        actor=None, incubation=second, title="形成稳定服务团队", due_on=today + dt.timedelta(days=60)
    )
    A.admit_incubatee(
        actor=None,
        incubator=npi,
        name="绿色家园环保社",
        admitted_on=today - dt.timedelta(days=30),
        support=["space"],
        is_demo=True,
    )


def _calls(areas, lequn, xintu, wulixiang, today) -> None:
    fangsong = areas["fangsong"]
    if VentureCall.objects.filter(area=fangsong, is_demo=True).exists():
        return
    last = A.create_call(
        actor=None,
        area=fangsong,
        title=f"{today.year - 1}年方松街道公益创投大赛",
        budget=Decimal("300000"),
        criteria="需求导向；服务对象明确；预算合理；可持续（各25分）",
        opens_on=dt.date(today.year - 1, 3, 1),
        closes_on=dt.date(today.year - 1, 4, 30),
        is_demo=True,
    )
    last = A.open_call(actor=None, call=last)
    # Applications were taken while the call was open: place them with the action's own checks bypassed
    # by opening the window to today for the demo, then restore the real dates.
    VentureCall.objects.filter(pk=last.pk).update(closes_on=today)
    last.refresh_from_db()
    apps = [
        A.apply_to_call(
            actor=None,
            call=last,
            organization=lequn,
            project_title="困境青少年成长陪伴计划",
            summary="学校社工驻点，每周两次小组活动",
            requested_amount=Decimal("120000"),
        ),
        A.apply_to_call(
            actor=None,
            call=last,
            organization=xintu,
            project_title="社区慢病健康自我管理",
            summary="慢病患者自我管理小组，十二期",
            requested_amount=Decimal("90000"),
        ),
        A.apply_to_call(
            actor=None,
            call=last,
            organization=wulixiang,
            project_title="睦邻点骨干赋能",
            summary="培训睦邻点带头人",
            requested_amount=Decimal("60000"),
        ),
    ]
    VentureCall.objects.filter(pk=last.pk).update(closes_on=dt.date(today.year - 1, 4, 30))
    last.refresh_from_db()
    A.start_review(actor=None, call=last)
    reviewers = [u for u in (_user("fangsong_admin"), _user("songjiang_registry")) if u]
    for reviewer, scores in zip(reviewers, ([88, 82, 71], [91, 79, 75]), strict=False):
        for app, score in zip(apps, scores, strict=True):
            A.score_application(actor=reviewer, application=app, score=score)
    A.award_call(
        actor=None,
        call=last,
        awards={apps[0].pk: Decimal("120000"), apps[1].pk: Decimal("80000")},
        starts_on=dt.date(today.year - 1, 6, 1),
        ends_on=dt.date(today.year - 1, 12, 31),
    )
    current = A.create_call(
        actor=None,
        area=fangsong,
        title=f"{today.year}年方松街道公益创投",
        budget=Decimal("250000"),
        criteria="聚焦为老服务、青少年、社区治理",
        opens_on=today - dt.timedelta(days=20),
        closes_on=today + dt.timedelta(days=40),
        is_demo=True,
    )
    A.open_call(actor=None, call=current)
    A.apply_to_call(
        actor=None,
        call=current,
        organization=lequn,
        project_title="社区老人防诈骗宣教",
        summary="二十场讲座与入户宣传",
        requested_amount=Decimal("50000"),
    )


def _contracts(areas, wulixiang, huaai, today) -> None:
    if ServiceContract.objects.filter(is_demo=True).exists():
        return
    start = dt.date(today.year, 1, 1)
    hosting = C.create_contract(
        actor=None,
        area=areas["fangsong"],
        kind="hosting",
        title="方松街道社区文化活动中心委托管理",
        provider=wulixiang,
        centre_name="方松街道社区文化活动中心",
        budget=Decimal("1280000"),
        starts_on=start,
        ends_on=dt.date(today.year, 12, 31),
        description="场馆运营、活动策划、团队孵化",
        indicators=[
            {"name": "年服务人次", "unit": "人次", "target": 60000},
            {"name": "公益活动场次", "unit": "场", "target": 240},
            {"name": "居民满意率", "unit": "%", "target": 90},
        ],
        is_demo=True,
    )
    C.sign_contract(actor=None, contract=hosting, signed_on=start - dt.timedelta(days=10))
    first = hosting.indicators.order_by("id").first()
    if today > start:
        C.report_indicator(actor=None, indicator=first, reported=Decimal("52300"), reported_on=today)
    bought = C.create_contract(
        actor=None,
        area=areas["malu"],
        kind="purchase",
        title="马陆镇社区矫正与青少年社会工作服务",
        provider=huaai,
        budget=Decimal("460000"),
        starts_on=dt.date(today.year - 1, 1, 1),
        ends_on=dt.date(today.year - 1, 12, 31),
        indicators=[
            {"name": "个案服务", "unit": "个", "target": 80},
            {"name": "小组活动", "unit": "次", "target": 24},
        ],
        is_demo=True,
    )
    C.sign_contract(actor=None, contract=bought, signed_on=dt.date(today.year - 2, 12, 20))
    for ind, value in zip(bought.indicators.order_by("id"), (Decimal("86"), Decimal("22")), strict=True):
        C.report_indicator(
            actor=None, indicator=ind, reported=value, reported_on=dt.date(today.year - 1, 12, 28)
        )
    C.evaluate_contract(actor=None, contract=bought, evaluation="good", note="个案超额完成，小组活动略有不足")
