"""Demo resources, needs and matched projects (资源清单、需求清单、项目清单) for Fangsong and Malu.

Publishers are the demo units and organizations of demo/orgs.py; one match is completed with results,
one is running. Idempotent: nothing is added when demo resources exist."""

import datetime as dt

from django.utils import timezone

from gongzhi.areas.models import Area, AreaKind
from gongzhi.matching import actions
from gongzhi.matching.models import MatchedProject, Need, Resource
from gongzhi.orgs.models import SocialOrganization, StationedUnit

# (publisher model, publisher name, area key or None for the publisher's area, kind, title, capacity, unit)
RESOURCES = [
    (StationedUnit, "松江区方松社区卫生服务中心（演示）", "venue", "健康教育室（可容纳60人）", 4, "场"),
    (
        StationedUnit,
        "松江区方松社区卫生服务中心（演示）",
        "professional_service",
        "家庭医生健康咨询",
        40,
        "小时",
    ),
    (StationedUnit, "上海市松江区方松中学（演示）", "venue", "学校体育馆（周末开放）", 6, "场"),
    (SocialOrganization, "上海乐群社工服务社", "professional_service", "青少年课后社工小组辅导", 30, "小时"),
    (StationedUnit, "马陆镇某汽车零部件有限公司（演示）", "volunteers", "企业志愿者服务队", 20, "人"),
    (StationedUnit, "嘉定区马陆镇社区事务受理服务中心（演示）", "venue", "三楼会议室", 8, "场"),
    (StationedUnit, "马陆镇某汽车零部件有限公司（演示）", "funds", "社区公益微基金", 20000, "元"),
]
# (street key, kind, title, place, days from now, hours, people, quantity)
NEEDS = [
    ("fangsong", "venue", "老年人慢病防治讲座场地", "居委会活动室不够大", 10, 2, 60, 1),
    ("fangsong", "professional_service", "暑期青少年课后辅导", "居委会青少年活动室", 20, 40, 25, 20),
    ("fangsong", "venue", "社区篮球友谊赛场地", "", 25, 4, 40, 1),
    ("malu", "volunteers", "小区环境整治志愿者", "育兰社区各小区", 6, 4, 200, 12),
    ("malu", "funds", "睦邻点活动经费", "", 15, 24 * 30, 30, 5000),
    ("malu", "venue", "社区议事日会场", "", 12, 3, 50, 1),
]


def _publisher(model, name):
    return model.objects.filter(name=name).first()


def load(areas: dict) -> None:
    if Resource.objects.filter(is_demo=True).exists():
        return
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    start, end = now - dt.timedelta(days=30), now + dt.timedelta(days=120)
    resources = []
    for model, name, kind, title, capacity, unit in RESOURCES:
        body = _publisher(model, name)
        if body is None:
            continue
        area = Area.objects.get(pk=body.street_id) if body.street_id else body.area
        resources.append(
            actions.publish_resource(
                actor=None,
                publisher_kind="unit" if model is StationedUnit else "organization",
                publisher_id=body.pk,
                area=area,
                kind=kind,
                title=title,
                capacity=capacity,
                unit=unit,
                available_from=start,
                available_until=end,
                description="演示数据",
            )
        )
    needs = []
    for key, kind, title, place, days, hours, people, quantity in NEEDS:
        street = areas[key]
        committee = (
            Area.objects.subtree(street)
            .filter(kind=AreaKind.RESIDENTS_COMMITTEE, in_preparation=False)
            .order_by("path")
            .first()
            or street
        )
        wanted_from = now + dt.timedelta(days=days)
        needs.append(
            actions.publish_need(
                actor=None,
                area=committee,
                kind=kind,
                title=title,
                place=place,
                wanted_from=wanted_from,
                wanted_until=wanted_from + dt.timedelta(hours=hours),
                people_count=people,
                quantity=quantity,
                description="演示数据",
            )
        )
    Resource.objects.filter(pk__in=[r.pk for r in resources]).update(is_demo=True)
    Need.objects.filter(pk__in=[n.pk for n in needs]).update(is_demo=True)
    # Accept the best pair of the first two Fangsong needs and the Malu volunteers; complete one.
    done = []
    for need in (needs[0], needs[1], needs[3]) if len(needs) >= 4 else ():
        from gongzhi.matching import queries

        ranked = queries.ranked_for_need(need)
        if ranked:
            done.append(
                actions.accept_pair(
                    actor=None, resource=ranked[0].resource, need=need, plan="演示：双方确认时间、人员与物资"
                )
            )
    if done:
        actions.start_project(actor=None, project=done[0])
        actions.complete_project(
            actor=None, project=done[0], results="演示：讲座两场，到场居民126人次，发放健康手册150份。"
        )
    if len(done) > 1:
        actions.start_project(actor=None, project=done[1])
    MatchedProject.objects.filter(pk__in=[p.pk for p in done]).update(is_demo=True)
