"""Demo party building for Fangsong Street: the working committee with its 1+3 structure (on the councils
demo's 党工委 council), residential-area committees with 大党委 part-time members, units' party
organizations, members of every status, report-ins with and without receipts, six acts, points, a
project, petitions, and the part-time committee member's login (fangsong_parttime). Idempotent."""

import datetime as dt

from django.utils import timezone

from gongzhi.accounts import actions as account_actions
from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.accounts.roles import Role, ScopeKind
from gongzhi.areas.models import Area, subtree_q
from gongzhi.councils.models import AgendaItem, Council, Meeting, Seat
from gongzhi.orgs.models import StationedUnit
from gongzhi.party import actions
from gongzhi.party.models import PartyMember, PartyOrganization, ReportIn
from gongzhi.people.models import Person

K = PartyOrganization.Kind
WORKING = "方松街道社区党工委（演示）"
ASSEMBLY = "方松街道社区成员代表会议（演示）"
PHONES = ["13800000001", "13800000002", "13800000003", "13800000004", "13800000005", "13800000006"]


def _grant(username, role, org):
    user = User.objects.filter(username=username).first()
    if user is None:
        return None
    exists = RoleAssignment.objects.active().filter(
        user=user, role=role, scope_kind=ScopeKind.PARTY_ORGANIZATION, scope_id=org.pk
    )
    if not exists.exists():
        account_actions.grant_role(
            actor=None, user=user, role=role, scope_kind=ScopeKind.PARTY_ORGANIZATION, scope_id=org.pk
        )
    return user


def _org(name, kind, area, parent=None, **extra) -> PartyOrganization:
    org = PartyOrganization.objects.filter(area=area, name=name).first()
    if org is None:
        org = actions.create_organization(actor=None, name=name, kind=kind, area=area, parent=parent, **extra)
        PartyOrganization.objects.filter(pk=org.pk).update(is_demo=True)
        Council.objects.filter(pk=org.council_id).update(is_demo=True)
    return org


def _working(fangsong: Area) -> PartyOrganization:
    org = PartyOrganization.objects.filter(area=fangsong, name=WORKING).first()
    if org is not None:
        return org
    council = Council.objects.filter(area=fangsong, name=WORKING).first()
    if council is None:
        return _org(WORKING, K.WORKING_COMMITTEE, fangsong, secretary_name="方松街道党工委书记")
    # The councils demo already seated the committee: the party organization takes that council as its own.
    org = PartyOrganization(
        name=WORKING,
        kind=K.WORKING_COMMITTEE,
        council=council,
        secretary_name="方松街道党工委书记",
        is_demo=True,
    )
    org.set_area(fangsong)
    org.save()
    return org


def _persons(area: Area, n: int, skip: int = 0) -> list[Person]:
    return list(
        Person.objects.filter(subtree_q("area_path", area.path), is_demo=True, user__isnull=True).order_by(
            "id"
        )[skip : skip + n]
    )


def load(areas: dict) -> None:
    fangsong = areas["fangsong"]
    if PartyMember.objects.filter(is_demo=True).exists():
        return
    committees = list(fangsong.children.order_by("path")[:2])
    if not committees:
        return
    working = _working(fangsong)
    comprehensive = _org("方松街道社区综合党委（演示）", K.COMPREHENSIVE_COMMITTEE, fangsong, working)
    _org("方松街道行政党组（演示）", K.ADMINISTRATIVE_GROUP, fangsong, working)
    residentials = [
        _org(
            f"{c.name.replace('居委会', '').replace('（演示）', '')}居民区党委（演示）",
            K.RESIDENTIAL_COMMITTEE,
            c,
            working,
        )
        for c in committees
    ]
    units = []
    for unit in StationedUnit.objects.filter(
        subtree_q("area_path", fangsong.path), has_party_organization=True
    ).order_by("id")[:3]:
        units.append(
            _org(
                f"{unit.name.replace('（演示）', '')}党支部（演示）",
                K.UNIT,
                fangsong,
                comprehensive,
                stationed_unit=unit,
            )
        )
    assembly = Council.objects.filter(area=fangsong, name=ASSEMBLY).first()
    if assembly is not None and working.representative_council_id is None:
        actions.link_representative_council(actor=None, organization=working, council=assembly)

    # Logins: the secretary leads the working committee and the first residential committee; the member
    # belongs to it; the part-time committee member sits on the working committee's council part-time.
    _grant("fangsong_secretary", Role.PARTY_SECRETARY, working)
    _grant("fangsong_secretary", Role.PARTY_SECRETARY, residentials[0])
    if units:
        _grant("unit_liaison", Role.PARTY_MEMBER, units[0])
    parttime = User.objects.filter(username="fangsong_parttime").first()
    today = timezone.localdate()
    if (
        parttime is not None
        and working.council_id
        and not Seat.objects.filter(council=working.council, holder_user=parttime).exists()
    ):
        actions.add_committee_member(
            actor=None,
            organization=working,
            holder_user=parttime,
            position=Seat.Position.MEMBER,
            tenure=Seat.Tenure.PART_TIME,
            represents=Seat.Represents.UNIT,
            represents_label="松江区方松社区卫生服务中心",
            term_start=dt.date(2024, 1, 1),
            term_end=dt.date(2028, 12, 31),
        )
    # 大党委: part-time members from the police station, the property company and a unit.
    for name, rep, label in [
        ("方松派出所社区民警（演示）", Seat.Represents.POLICE, "方松派出所"),
        ("物业公司经理（演示）", Seat.Represents.PROPERTY_COMPANY, "物业服务企业"),
        ("业委会主任（演示）", Seat.Represents.OWNERS, "业主委员会"),
    ]:
        if not Seat.objects.filter(council=residentials[0].council, holder_name=name).exists():
            actions.add_committee_member(
                actor=None,
                organization=residentials[0],
                holder_name=name,
                represents=rep,
                represents_label=label,
                tenure=Seat.Tenure.PART_TIME,
                term_start=dt.date(2024, 1, 1),
            )

    # Members of every status living in the first committee's area.
    workplace = units[0] if units else comprehensive
    statuses = [
        "in_service",
        "retired",
        "mobile",
        "in_service",
        "in_service",
        "in_service",
        "retired",
        "in_service",
    ]
    members = []
    people = _persons(committees[0], len(statuses))
    if len(people) < len(statuses):  # a small committee: fill up from the rest of the street
        have = {p.pk for p in people}
        people += [p for p in _persons(fangsong, 2 * len(statuses)) if p.pk not in have][
            : len(statuses) - len(people)
        ]
    for person, status in zip(people, statuses, strict=False):
        m = actions.register_member(
            actor=None,
            person=person,
            organization=workplace if status == "in_service" else residentials[0],
            status=status,
            home_area=person.area,
            workplace_organization=workplace if status == "in_service" else None,
            workplace_name=str(workplace) if status == "in_service" else "",
            skills="急救、法律咨询" if status == "in_service" else "",
        )
        members.append(m)
    member_user = User.objects.filter(username="fangsong_member").first()
    me = Person.objects.filter(user=member_user).first() if member_user else None
    if me is not None and not PartyMember.objects.filter(person=me).exists():
        members.insert(
            0,
            actions.register_member(
                actor=None,
                person=me,
                organization=workplace,
                status="in_service",
                home_area=me.area,
                workplace_organization=workplace,
                workplace_name=str(workplace),
                skills="电工维修",
            ),
        )
        _grant("fangsong_member", Role.PARTY_MEMBER, residentials[0])
    PartyMember.objects.filter(pk__in=[m.pk for m in members]).update(is_demo=True)

    # Report-ins: some with receipts, one waiting; activities, six acts, points (the demo user reports in by themself).
    in_service = [m for m in members if m.status == "in_service" and (me is None or m.person_id != me.pk)]
    year = today.year
    actions.save_points_scheme(
        actor=None,
        organization=residentials[0],
        year=year,
        base_points=60,
        rules={"service": (2, 40), "six_acts": (5, 30), "task": (3, None), "study": (1, 12)},
    )
    for i, m in enumerate(in_service):
        if not residentials[0].area_path or not m.area_path.startswith(residentials[0].area_path):
            continue
        r = actions.report_in(
            actor=None, member=m, receiving=residentials[0], contact_phone=PHONES[i % len(PHONES)]
        )
        if i == len(in_service) - 1:
            continue  # one slip waits for its receipt
        actions.issue_receipt(actor=None, report=r)
        if i < 3:
            actions.record_service(
                actor=None,
                member=m,
                served_on=today - dt.timedelta(days=10 + i),
                hours=2 + i,
                description="社区助老服务",
            )
            c = actions.commit_six_acts(actor=None, member=m, year=year)
            for act in range(1, 3 + i + 1):
                actions.record_six_act(
                    actor=None,
                    commitment=c,
                    act=act,
                    done_on=max(dt.date(year, 1, 1), today - dt.timedelta(days=act)),
                    evidence="活动照片与签到表",
                )
    ReportIn.objects.filter(member__in=members).update(is_demo=True)
    task = actions.publish_task(
        actor=None,
        organization=working,
        title="垃圾分类志愿宣传（演示）",
        due_on=today + dt.timedelta(days=60),
        goal="提升小区垃圾分类准确率",
        description="每月两次在小区入口宣传指导",
    )
    if units:
        s = actions.sign_up_unit(actor=None, task=task, unit_organization=units[0])
        actions.complete_signup(actor=None, signup=s, note="已完成两次宣传")
        honour = actions.nominate_honour(
            actor=None,
            awarded_by=working,
            year=year,
            title="区域化党建先进单位",
            organization=units[0],
            citation="积极参与社区党建，认领任务并按时完成。",
        )
        actions.award_honour(actor=None, honour=honour)
    actions.create_project(
        actor=None,
        organization=residentials[0],
        title="“红色物业”停车治理项目（演示）",
        goal="解决小区停车难",
        methods=["self_governance", "co_governance", "joint_rectification"],
        participants=units[:2],
        milestones=[
            ("居民议事会讨论方案", today - dt.timedelta(days=20)),
            ("完成停车位划线", today + dt.timedelta(days=30)),
        ],
    )
    for kind, title in [
        ("opinion", "建议增加党员活动室开放时间"),
        ("question", "党费使用情况能否公开？"),
        ("report", "反映某党员违规出租房屋"),
    ]:
        if in_service:
            actions.submit_petition(actor=None, member=in_service[0], kind=kind, title=title, body=title)
    _meeting(working)


def _meeting(working: PartyOrganization) -> None:
    """A committee meeting with a personnel item (full-time members only) and a development item."""
    title = "党工委会议：干部任免与社区养老规划（演示）"
    if working.council_id is None or Meeting.objects.filter(council=working.council, title=title).exists():
        return
    start = timezone.localtime().replace(hour=9, minute=30, second=0, microsecond=0) + dt.timedelta(days=5)
    meeting = actions.convene_committee_meeting(
        actor=None,
        organization=working,
        title=title,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        place="方松街道党群服务中心",
        items=[
            ("居民区党组织书记任免", AgendaItem.Category.PERSONNEL),
            ("社区养老服务设施规划", AgendaItem.Category.DEVELOPMENT),
        ],
    )
    Meeting.objects.filter(pk=meeting.pk).update(is_demo=True)
