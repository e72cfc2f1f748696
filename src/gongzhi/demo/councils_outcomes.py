"""Demo votes, resolutions with action items, agreements and resident proposals (Fangsong Street, Malu Town).

A residents' meeting of 江中 and an owners' assembly vote with every method (each majority rule, open and
secret ballots, the owners' double majority by floor area); passed motions become resolutions whose action
items are in every state, one overdue. Co-construction agreements are in force, drafted and renewed;
resident proposals collect support, one reaching the agenda of Malu's deliberation day. Idempotent.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from gongzhi.accounts.actions import grant_role
from gongzhi.accounts.models import User
from gongzhi.accounts.roles import Role, ScopeKind
from gongzhi.areas.models import Area, AreaKind
from gongzhi.councils import actions as council_actions
from gongzhi.councils.actions import outcomes, proposals, votes
from gongzhi.councils.models import Agreement, Council, Meeting, Proposal, Seat
from gongzhi.councils.models.bodies import Threshold as T
from gongzhi.people.models import Dwelling

from .base import DEMO_PASSWORD

TERM = dt.date(2024, 1, 1)
MEMBERS = ["张华", "刘芳", "陈静", "赵磊", "周敏", "吴军", "郑丽"]


def _user(username, display, role=None, area=None):
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username=username, password=DEMO_PASSWORD, display_name=display)
        if role:
            grant_role(actor=None, user=user, role=role, scope_kind=ScopeKind.AREA, scope_id=area.pk)
    return user


def _council(area, kind, name, holders, *, dwellings=None, **fields) -> tuple[Council, list[User]]:
    users = [_user(u, d, Role.RESIDENT, area) for u, d in holders]
    council = Council.objects.filter(area=area, name=name, is_demo=True).first()
    if council is not None:
        return council, users
    council = council_actions.create_council(actor=None, area=area, kind=kind, name=name, **fields)
    Council.objects.filter(pk=council.pk).update(is_demo=True)
    for i, user in enumerate(users):
        council_actions.add_seat(
            actor=None,
            council=council,
            holder_user=user,
            position=Seat.Position.CHAIR if i == 0 else Seat.Position.MEMBER,
            represents=Seat.Represents.OWNERS if dwellings else Seat.Represents.RESIDENTS,
            tenure=Seat.Tenure.PART_TIME,
            term_start=TERM,
            dwelling=dwellings[i] if dwellings else None,
        )
    council_actions.publish_roster(actor=None, council=council)
    return council, users


def _meeting(council, title, items, days=-3) -> tuple[Meeting, list]:
    start = timezone.localtime().replace(hour=19, minute=0, second=0, microsecond=0) + dt.timedelta(days=days)
    meeting = council_actions.create_meeting(
        actor=None,
        council=council,
        kind=Meeting.Kind.ORDINARY,
        title=title,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        place=f"{council.area.name}活动室",
    )
    Meeting.objects.filter(pk=meeting.pk).update(is_demo=True)
    added = [council_actions.add_agenda_item(actor=None, meeting=meeting, title=t) for t in items]
    return council_actions.schedule_meeting(actor=None, meeting=meeting, invite_seats=False), added


def _vote(item, text, threshold, choices, users, *, secret=False, is_major=False):
    motion = votes.create_motion(
        actor=None, item=item, text=text, threshold=threshold, secret=secret, is_major=is_major
    )
    motion = votes.open_voting(actor=None, motion=motion)
    for user, choice in zip(users, choices, strict=False):
        if choice:
            votes.cast_ballot(actor=user, motion=motion, choice=choice)
    return votes.close_voting(actor=None, motion=motion)


def _residents_meeting(committee: Area) -> list:
    holders = [(f"jz_rep{i + 1}", f"{name}（居民代表，演示）") for i, name in enumerate(MEMBERS)]
    council, users = _council(
        committee,
        Council.Kind.RESIDENTS_MEETING,
        f"{committee.name}居民代表会议（演示）",
        holders,
        purpose="居民区重大事项民主决策",
    )
    if Meeting.objects.filter(council=council, is_demo=True).exists():
        return list(council.resolutions.all())
    meeting, items = _meeting(
        council,
        "居民会议：小区公共事务表决",
        [
            "增设电动自行车充电桩",
            "楼道堆物整治",
            "垃圾分类志愿值守",
            "社区食堂试点",
            "调整议事规则",
            "居委会成员增补",
        ],
    )
    for seat in council.seats.all()[:6]:  # six of seven present
        council_actions.check_in(actor=None, meeting=meeting, seat=seat)
    present = users[:6]
    _vote(items[0], "同意在3号楼北侧增设充电桩20个", T.MAJORITY_OF_PRESENT, ["yes"] * 5 + ["no"], present)
    _vote(
        items[1],
        "开展为期一个月的楼道堆物集中整治",
        T.MAJORITY_OF_VOTES_CAST,
        ["yes", "yes", "yes", "no", "abstain", "yes"],
        present,
    )
    _vote(
        items[2],
        "组织垃圾分类志愿值守，每晚两人",
        T.MAJORITY_OF_MEMBERS,
        ["yes", "yes", "yes", "no", "no", "abstain"],
        present,
    )
    _vote(
        items[3],
        "试点社区食堂，由物业提供场地",
        T.TWO_THIRDS_OF_PRESENT,
        ["yes", "yes", "yes", "yes", "no", "no"],
        present,
    )
    _vote(
        items[4],
        "议事规则增加网上征求意见环节",
        T.TWO_THIRDS_OF_MEMBERS,
        ["yes"] * 5 + ["abstain"],
        present,
        secret=True,
    )
    _vote(
        items[5],
        "增补周敏为居委会委员",
        T.MAJORITY_OF_PRESENT,
        ["yes", "yes", "yes", "yes", "no", "yes"],
        present,
        secret=True,
    )
    council_actions.mark_held(actor=None, meeting=meeting)
    return list(council.resolutions.order_by("id"))


def _owners_assembly(compound: Area) -> None:
    areas = [Decimal(a) for a in ("89.50", "120.30", "75.00", "143.20", "98.60", "66.40", "110.00", "132.80")]
    dwellings = []
    for i, floor in enumerate(areas):
        d, _ = Dwelling.objects.get_or_create(
            area=compound,
            building="8",
            unit="1",
            room=f"{(i // 2 + 1) * 100 + i % 2 + 1}",
            defaults={"area_path": compound.path, "floor_area_m2": floor, "is_demo": True},
        )
        if d.floor_area_m2 is None:
            Dwelling.objects.filter(pk=d.pk).update(floor_area_m2=floor)
            d.floor_area_m2 = floor
        dwellings.append(d)
    holders = [(f"owner{i + 1}", f"8号楼业主{i + 1}（演示）") for i in range(len(areas))]
    council, users = _council(
        compound,
        Council.Kind.OWNERS_ASSEMBLY,
        f"{compound.name}业主大会（演示）",
        holders,
        dwellings=dwellings,
        default_threshold=T.OWNERS_ORDINARY,
    )
    if Meeting.objects.filter(council=council, is_demo=True).exists():
        return
    meeting, items = _meeting(
        council,
        "业主大会：公共事项书面表决",
        ["选聘物业服务企业", "使用专项维修资金更换电梯", "改变绿地用途为停车位"],
        days=-10,
    )
    _vote(items[0], "续聘现物业服务企业三年", T.OWNERS_ORDINARY, ["yes"] * 5 + ["no", None, None], users)
    _vote(
        items[1],
        "使用专项维修资金更换8号楼电梯",
        T.OWNERS_MAJOR,
        ["yes"] * 6 + ["no", "abstain"],
        users,
        is_major=True,
    )
    _vote(
        items[2],
        "将北侧绿地改建为停车位",
        T.OWNERS_MAJOR,
        ["yes"] * 4 + ["no"] * 3 + [None],
        users,
        secret=True,
        is_major=True,
    )
    council_actions.mark_held(actor=None, meeting=meeting)


def _action_items(resolutions, owner: User) -> None:
    today = timezone.localdate()
    plans = [
        ("物业施工安装充电桩", "unit", "物业服务中心", 30, [(40, "已完成选址与报价")], None),
        ("发布整治通告并逐楼清理", "committee", "江中居委会", -5, [(60, "已清理5幢楼")], None),  # overdue
        ("排定志愿者值守表", "person", "张华", 20, [], None),
        ("食堂场地改造验收", "department", "街道社区服务办", 10, [(50, "改造中"), (100, "已验收开业")], None),
        ("试行网上征求意见", "organization", "上海乐群社工服务社", 40, [], "合并到社区云平台建设"),
    ]
    for resolution, (title, kind, label, days, updates, cancel) in zip(resolutions, plans, strict=False):
        if resolution.action_items.exists():
            continue
        item = outcomes.add_action_item(
            actor=None,
            resolution=resolution,
            title=title,
            owner_kind=kind,
            owner_label=label,
            owner_user=owner,
            due_on=max(resolution.decided_on, today + dt.timedelta(days=days)),
        )
        for progress, note in updates:
            outcomes.report_progress(actor=None, item=item, progress=progress, note=note)
        if cancel:
            outcomes.cancel_action_item(actor=None, item=item, reason=cancel)
        if days < 0:  # an overdue item, as the sweep would flag it
            type(item).objects.filter(pk=item.pk).update(
                due_on=today + dt.timedelta(days=days), is_overdue=True
            )


def _agreements(street: Area) -> None:
    if Agreement.objects.filter(area=street, is_demo=True).exists():
        return
    today = timezone.localdate()
    year = today.year
    active = outcomes.create_agreement(
        actor=None,
        area=street,
        title="方松街道—松江区某某医院党建共建契约（演示）",
        counterparty_kind="unit",
        counterparty_label="松江区某某医院",
        community_signatory="方松街道社区党工委",
        counterparty_signatory="医院党委书记",
        starts_on=dt.date(year, 1, 1),
        ends_on=dt.date(year, 12, 31),
        is_demo=True,
        items=[
            {
                "side": "counterparty",
                "description": "社区义诊",
                "quantity": "12",
                "unit": "次",
                "period": "每月一次",
            },
            {
                "side": "counterparty",
                "description": "健康讲座",
                "quantity": "6",
                "unit": "场",
                "period": "每两月",
            },
            {
                "side": "community",
                "description": "提供义诊场地",
                "quantity": "12",
                "unit": "次",
                "period": "每月",
            },
        ],
    )
    outcomes.sign_agreement(actor=None, agreement=active, signed_on=dt.date(year, 1, 1))
    items = {i.description: i for i in active.items.all()}
    for month in range(1, today.month):
        outcomes.record_delivery(
            actor=None,
            item=items["社区义诊"],
            delivered_on=dt.date(year, month, 15),
            quantity=1,
            note="义诊约60人次",
        )
    outcomes.record_delivery(
        actor=None, item=items["健康讲座"], delivered_on=dt.date(year, 1, 20), quantity=1
    )
    outcomes.create_agreement(
        actor=None,
        area=street,
        title="方松街道—上海乐群社工服务社共建契约（演示）",
        counterparty_kind="organization",
        counterparty_label="上海乐群社工服务社",
        community_signatory="方松街道办事处",
        counterparty_signatory="乐群社工服务社理事长",
        starts_on=dt.date(year, today.month, 1),
        ends_on=dt.date(year + 1, today.month, 1) - dt.timedelta(days=1),
        is_demo=True,
        items=[
            {
                "side": "counterparty",
                "description": "青少年社工服务",
                "quantity": "300",
                "unit": "小时",
                "period": "全年",
            }
        ],
    )
    old = outcomes.create_agreement(
        actor=None,
        area=street,
        title="方松街道—某某银行松江支行共建契约（演示）",
        counterparty_kind="unit",
        counterparty_label="某某银行松江支行",
        community_signatory="方松街道社区党工委",
        counterparty_signatory="支行行长",
        starts_on=dt.date(year - 1, 1, 1),
        ends_on=dt.date(year - 1, 12, 31),
        is_demo=True,
        items=[
            {
                "side": "counterparty",
                "description": "金融知识进社区",
                "quantity": "4",
                "unit": "场",
                "period": "每季度",
            }
        ],
    )
    outcomes.sign_agreement(actor=None, agreement=old, signed_on=dt.date(year - 1, 1, 1))
    item = old.items.get()
    for month in (3, 6, 9, 12):
        outcomes.record_delivery(actor=None, item=item, delivered_on=dt.date(year - 1, month, 10), quantity=1)
    renewal = outcomes.renew_agreement(
        actor=None, agreement=old, starts_on=dt.date(year, 1, 1), ends_on=dt.date(year, 12, 31)
    )
    outcomes.sign_agreement(actor=None, agreement=renewal, signed_on=dt.date(year, 1, 3))


def _proposals(malu: Area, fangsong_committee: Area) -> None:
    community = Area.objects.filter(parent=malu, kind=AreaKind.COMMUNITY).order_by("path").first()
    committee = community and community.children.filter(in_preparation=False).order_by("path").first()
    if committee is None or Proposal.objects.filter(is_demo=True).exists():
        return
    proposals.save_proposal_setting(actor=None, area=community, support_threshold=3)
    proposals.save_proposal_setting(actor=None, area=fangsong_committee, support_threshold=5)
    people = [_user(f"malu_res{i}", f"马陆居民{i}（演示）", Role.RESIDENT, committee) for i in range(1, 5)]
    proposer = User.objects.filter(username="malu_resident").first() or people[0]
    scheduled = proposals.submit_proposal(
        actor=proposer,
        area=committee,
        title="菜场周边增设临时停车区",
        body="早市时段车辆乱停，建议在菜场东侧划设临时停车区并安排志愿者疏导。",
    )
    for user in people[:3]:
        proposals.support_proposal(actor=user, proposal=scheduled)  # reaches 3: goes on the deliberation day
    collecting = proposals.submit_proposal(
        actor=people[3],
        area=committee,
        title="小区增设休闲座椅",
        body="中心花园只有两张座椅，老人散步缺少休息处，建议增设六张。",
    )
    proposals.support_proposal(actor=people[0], proposal=collecting)
    declined = proposals.submit_proposal(
        actor=people[1],
        area=committee,
        title="将篮球场改为停车场",
        body="篮球场使用率低，建议改为停车场缓解停车难。",
    )
    proposals.decide_proposal(
        actor=None,
        proposal=declined,
        outcome="篮球场属公共活动空间，经居委会研究暂不采纳，另行研究错时停车。",
        taken_up=False,
    )
    Proposal.objects.filter(pk__in=[scheduled.pk, collecting.pk, declined.pk]).update(is_demo=True)
    jz = [
        _user(f"jz_rep{i}", f"{MEMBERS[i - 1]}（居民代表，演示）", Role.RESIDENT, fangsong_committee)
        for i in (1, 2, 3)
    ]
    p = proposals.submit_proposal(
        actor=jz[0],
        area=fangsong_committee,
        title="楼道加装声控灯",
        body="部分老楼楼道照明不足，夜间出行不便，建议统一加装声控灯。",
    )
    for user in jz[1:]:
        proposals.support_proposal(actor=user, proposal=p)
    Proposal.objects.filter(pk=p.pk).update(is_demo=True)


def load(areas: dict) -> None:
    fangsong = areas["fangsong"]
    committee = fangsong.children.filter(kind=AreaKind.RESIDENTS_COMMITTEE).order_by("path").first()
    if committee is None:
        return
    compound = committee.children.filter(kind=AreaKind.COMPOUND).order_by("path").first() or committee
    resolutions = _residents_meeting(committee)
    _action_items(resolutions, _user("jz_rep1", f"{MEMBERS[0]}（居民代表，演示）", Role.RESIDENT, committee))
    _owners_assembly(compound)
    _agreements(fangsong)
    _proposals(areas["malu"], committee)
