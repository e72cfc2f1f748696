"""Demo visits (to stationed units, by deputies to households and compounds), grid patrols with a
finding, and Malu Town's group-rental campaign with rectified, pending and rebounded targets.

Runs after the cases demo (categories and routing rules). Idempotent: each part is skipped once its
demo rows exist. Backdated steps run under the cases app's clock so timelines and deadlines follow.
"""

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.areas.models import Area, AreaKind
from gongzhi.cases.actions import campaigns, common, patrols, visits
from gongzhi.cases.actions.lifecycle import accept_case, accept_task, complete_task, resolve_case, start_case
from gongzhi.cases.models import Campaign, CampaignTarget, Case, CaseCategory, Patrol, Visit
from gongzhi.orgs.models import StationedUnit
from gongzhi.people.models import Dwelling, Household

logger = logging.getLogger(__name__)


def _user(username):
    return User.objects.filter(username=username).first()


def _ago(days, hour=10):
    moment = timezone.localtime() - dt.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def _mark(cases):
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(is_demo=True)


def _close_out(case, answer, at):
    """Accept, handle (supporting tasks included) and resolve the case as of `at`."""
    with common.clock(at):
        accept_case(actor=None, case=case)
        start_case(actor=None, case=case)
        for task in case.assignments.filter(role="support", state__in=["pending", "accepted"]):
            if task.state == "pending":
                accept_task(actor=None, assignment=task)
            complete_task(actor=None, assignment=task, answer="已配合检查。")
        resolve_case(actor=None, case=case, answer=answer, solved=True)
    # The campaign hears of the resolution after commit; the demo goes on inside one transaction.
    for target in CampaignTarget.objects.filter(case=case):
        campaigns.await_reinspection(actor=None, target=target, resolved_on=timezone.localdate(at))


def load_visits(areas) -> None:
    if Visit.objects.filter(is_demo=True).exists():
        return
    staff = _user("malu_community") or _user("fangsong_admin")
    units = list(StationedUnit.objects.filter(is_demo=True, is_active=True).order_by("id")[:4])
    category = (
        CaseCategory.objects.filter(code="illegal_parking").first()
        or CaseCategory.objects.filter(is_active=True).first()
    )
    made = []
    for i, unit in enumerate(units):
        visit = visits.log_visit(
            actor=None,
            target_kind=Visit.TargetKind.UNIT,
            unit=unit,
            visitor_name=str(staff) if staff else "社区工作者",
            topics=["员工停车难", "周边环境整治", "党建共建项目", "招用本地居民"][i % 4],
            notes="了解企业经营情况和诉求，介绍区域化党建共建项目。",
            visited_at=_ago(20 - 3 * i),
        )
        made.append(visit)
        if i == 0 and category is not None:
            with common.clock(_ago(20, 11)):
                case = visits.raise_case(
                    actor=None,
                    visit=visit,
                    category=category,
                    title=f"{unit.name}门口道路违章停车严重",
                    description="上下班高峰车辆乱停，影响员工和居民出行，希望增设临时停车位。",
                )
            _mark([case])
            _close_out(case, "已协调交警在路口增设临时停车泊位 20 个，并加强高峰时段巡查。", _ago(15))
            visits.give_feedback(
                actor=None, visit=visit, feedback="已电话告知企业联络人：临时泊位已设置，欢迎继续反映。"
            )
    if units:
        made.append(
            visits.plan_visit(
                actor=None,
                target_kind=Visit.TargetKind.UNIT,
                unit=units[-1],
                visitor_kind=Visit.VisitorKind.UNIT_PARTY_ORGANIZATION,
                visitor_name="单位党支部",
                planned_on=timezone.localdate() + dt.timedelta(days=7),
                topics="结对共建回访",
            )
        )
    household = (
        Household.objects.filter(is_demo=True, area_path__startswith=areas["malu"].path)
        .order_by("id")
        .first()
    )
    if household is not None:
        made.append(
            visits.log_visit(
                actor=None,
                target_kind=Visit.TargetKind.HOUSEHOLD,
                household=household,
                visitor_kind=Visit.VisitorKind.PEOPLES_CONGRESS_DEPUTY,
                visitor_name="区人大代表",
                topics="老旧住宅加装电梯",
                notes="居民希望加装电梯，代表将在街道议事会上提出。",
                visited_at=_ago(10),
            )
        )
    compound = Area.objects.subtree(areas["fangsong"]).filter(kind=AreaKind.COMPOUND).order_by("path").first()
    if compound is not None:
        made.append(
            visits.log_visit(
                actor=None,
                target_kind=Visit.TargetKind.COMPOUND,
                area=compound,
                visitor_kind=Visit.VisitorKind.CPPCC_MEMBER,
                visitor_name="区政协委员",
                topics="小区停车与充电桩",
                visited_at=_ago(8),
            )
        )
    Visit.objects.filter(pk__in=[v.pk for v in made]).update(is_demo=True)


def load_patrols(areas) -> None:
    if Patrol.objects.filter(is_demo=True).exists():
        return
    worker = _user("malu_grid")
    grid = None
    if worker is not None:
        grant = worker.role_assignments.filter(area__kind=AreaKind.GRID).select_related("area").first()
        grid = grant.area if grant else None
    if worker is None or grid is None:
        logger.info("demo patrols skipped: no demo grid worker")
        return
    made = []
    for days, findings in ((6, "未发现异常"), (4, "楼道堆物 1 处，已当场劝导清理"), (2, "")):
        made.append(
            patrols.record_patrol(
                actor=worker,
                area=grid,
                started_at=_ago(days, 9),
                ended_at=_ago(days, 11),
                route_notes="小区东门—1至6号楼—地下车库—西门",
                findings=findings,
            )
        )
    category = CaseCategory.objects.filter(code="group_rental").first()
    if category is not None:
        with common.clock(_ago(2, 10)):
            case = patrols.report_finding(
                actor=worker,
                patrol=made[-1],
                category=category,
                title="6号楼疑似群租",
                description="6号楼某室进出人员多，门口鞋柜十余双鞋，疑似隔间出租。",
            )
        _mark([case])
        Patrol.objects.filter(pk=made[-1].pk).update(findings="发现疑似群租 1 处，已上报")
    Patrol.objects.filter(pk__in=[p.pk for p in made]).update(is_demo=True)


def load_campaign(areas) -> None:
    if Campaign.objects.filter(is_demo=True).exists():
        return
    category = CaseCategory.objects.filter(code="group_rental").first()
    flats = list(
        Dwelling.objects.filter(is_demo=True, area_path__startswith=areas["malu"].path).order_by("id")[:8]
    )
    if category is None or len(flats) < 4:
        logger.info("demo campaign skipped: no group-rental category or too few demo dwellings")
        return
    year = timezone.localdate().year
    with common.clock(_ago(60)):
        campaign = campaigns.create_campaign(
            actor=None,
            area=areas["malu"],
            category=category,
            title=f"马陆镇{year}年群租专项整治",
            year=year,
            starts_on=(timezone.localdate() - dt.timedelta(days=60)),
            ends_on=dt.date(year, 12, 31)
            if timezone.localdate() < dt.date(year, 12, 1)
            else dt.date(year + 1, 6, 30),
        )
        Campaign.objects.filter(pk=campaign.pk).update(is_demo=True)
        for i, flat in enumerate(flats):
            campaigns.add_target(
                actor=None,
                campaign=campaign,
                dwelling=flat,
                found_by="patrol" if i % 3 else "property_company",
            )
        campaigns.lock_campaign(actor=None, campaign=campaign)
    targets = list(CampaignTarget.objects.filter(campaign=campaign).select_related("case").order_by("id"))
    _mark([t.case for t in targets if t.case])
    # Three rectified long ago and verified, one awaiting its re-inspection, one rebounded.
    for t in targets[:4]:
        _close_out(t.case, "已约谈房东，拆除隔断，租客已搬离，恢复原状。", _ago(45))
    for t in targets[:3]:
        campaigns.record_reinspection(
            actor=None, target=CampaignTarget.objects.get(pk=t.pk), confirmed=True, note="复查无群租"
        )
    rebound = CampaignTarget.objects.get(pk=targets[2].pk)
    with common.clock(_ago(3)):
        campaigns.report_rebound(
            actor=None, target=rebound, note="网格巡查发现又有多人合租", found_by="patrol"
        )
    rebound.refresh_from_db()
    _mark([rebound.case])
    for t in targets[4:5]:
        _close_out(t.case, "已整改，房东签署承诺书。", _ago(5))


@transaction.atomic
def load(areas) -> None:
    load_visits(areas)
    load_patrols(areas)
    load_campaign(areas)
