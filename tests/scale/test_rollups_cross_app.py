"""Rollups across apps: after any sequence of actions in orgs, party, councils, cases (with campaigns),
volunteers and matching, the folded rollups equal a full recomputation (`rollups.rebuild()`)."""

import datetime as dt
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import TestCase
from django.utils import timezone
from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongzhi.cases.actions import campaigns
from gongzhi.cases.actions.intake import receive_case
from gongzhi.cases.models import CaseCategory, RoutingRule
from gongzhi.core import rollups
from gongzhi.core.models import Rollup, RollupDelta
from gongzhi.councils import actions as councils
from gongzhi.councils.actions import outcomes
from gongzhi.councils.models import ActionItem, Council, Meeting, Resolution
from gongzhi.matching import actions as matching
from gongzhi.orgs import actions as orgs
from gongzhi.orgs.models import AnnualInspection, SocialOrganization, StationedUnit
from gongzhi.party import actions as party
from gongzhi.party.models import PartyMember, PartyOrganization, ReportIn, SixActsCommitment
from gongzhi.people.actions import create_dwelling
from gongzhi.people.models import Person
from gongzhi.volunteers import actions as volunteers
from tests.orgs.conftest import make_uscc

pytestmark = pytest.mark.django_db
NOW = "2026-12-01 10:00:00+08:00"
K = PartyOrganization.Kind
_serial = itertools.count(1)


def aware(*args):
    return dt.datetime(*args, tzinfo=timezone.get_current_timezone())


def pick(rows, n):
    rows = list(rows)
    if not rows:
        raise LookupError
    return rows[n % len(rows)]


def person(name, area):
    p = Person(name=name)
    p.set_area(area)
    p.save()
    return p


@pytest.fixture
def world(tree):
    with freeze_time(NOW):
        group_rental = CaseCategory.objects.create(
            code="group_rental", name="群租", resolve_within_days=15, accept_within_hours=2
        )
        sanitation = CaseCategory.objects.create(code="sanitation", name="环境卫生", resolve_within_days=5)
        RoutingRule.objects.create(
            category=group_rental,
            area=tree["fangsong"],
            area_depth=tree["fangsong"].depth,
            lead_kind="area",
            lead_area_level="committee",
        )
        working = party.create_organization(
            actor=None, name="方松街道社区党工委", kind=K.WORKING_COMMITTEE, area=tree["fangsong"]
        )
        residential = party.create_organization(
            actor=None,
            name="江中居民区党委",
            kind=K.RESIDENTIAL_COMMITTEE,
            area=tree["committee"],
            parent=working,
        )
        council = councils.create_council(
            actor=None,
            area=tree["fangsong"],
            kind=Council.Kind.PARTY_WORKING_COMMITTEE,
            name="方松街道议事会",
        )
        unit = StationedUnit(name="方松社区卫生服务中心", kind="hospital")
        unit.set_area(tree["fangsong"])
        unit.save()
        flats = [
            create_dwelling(actor=None, area=tree["compound"], building="3", room=f"50{i}")
            for i in range(1, 4)
        ]
    return {
        "tree": tree,
        "areas": [tree["committee"], tree["other_committee"], tree["compound"], tree["malu_committee"]],
        "group_rental": group_rental,
        "sanitation": sanitation,
        "working": working,
        "residential": residential,
        "council": council,
        "unit": unit,
        "flats": flats,
    }


# --- the steps: each does one thing with a small number `n` choosing what and where -------------------
def org_register(w, n):
    org_type = ["social_group", "non_enterprise_unit", "foundation"][n % 3]
    prefix = {"social_group": "51", "non_enterprise_unit": "52", "foundation": "53"}[org_type]
    orgs.register_organization(
        actor=None,
        area=pick(w["areas"], n),
        uscc=make_uscc(prefix, 900000 + next(_serial)),
        org_type=org_type,
        subtype={"social_group": "professional", "foundation": "public_fundraising"}.get(
            org_type, "civil_affairs"
        ),
        name=f"组织{next(_serial)}",
        registered_on=dt.date(2020 + n % 6, 1 + n % 12, 1),
    )


def org_deregister(w, n):
    org = pick(SocialOrganization.objects.order_by("id"), n)
    orgs.change_status(actor=None, organization=org, status="deregistered", effective_on=dt.date(2026, 6, 1))


def org_move(w, n):
    org = pick(SocialOrganization.objects.exclude(status="deregistered").order_by("id"), n)
    orgs.update_organization(actor=None, organization=org, area=pick(w["areas"], n + 1))


def inspections_open(w, n):
    due = dt.date(2026, 5 + n % 3, 28)
    orgs.open_inspection_year(actor=None, area=w["tree"]["city"], year=2025, due_on=due)


def inspection_submit(w, n):
    for i in range(2):
        row = pick(AnnualInspection.objects.filter(state__in=["draft", "returned"]).order_by("id"), n + i)
        orgs.submit_inspection(actor=None, inspection=row)


def inspection_return(w, n):
    row = pick(AnnualInspection.objects.filter(state="submitted").order_by("id"), n)
    orgs.return_inspection(actor=None, inspection=row, reason="数据不全")


def inspection_review(w, n):
    row = pick(AnnualInspection.objects.filter(state="submitted").order_by("id"), n)
    result = ["qualified", "basically_qualified", "unqualified"][n % 3]
    orgs.review_inspection(actor=None, inspection=row, result=result, reason="" if n % 3 == 0 else "整改")


def member_register(w, n):
    area = w["tree"]["compound"] if n % 3 else w["tree"]["other_committee"]
    party.register_member(
        actor=None,
        person=person(f"党员{next(_serial)}", area),
        organization=w["working"],
        status="in_service" if n % 4 else "retired",
        home_area=area,
        workplace_name="某医院",
    )


def member_status(w, n):
    member = pick(PartyMember.objects.order_by("id"), n)
    party.change_member_status(actor=None, member=member, status=["in_service", "retired", "mobile"][n % 3])


def member_report(w, n):
    member = pick(
        PartyMember.objects.filter(area_path__startswith=w["tree"]["compound"].path).order_by("id"), n
    )
    report = party.report_in(
        actor=None, member=member, receiving=w["residential"], contact_phone="13812345678"
    )
    party.issue_receipt(actor=None, report=report)


def _reported(n):
    return pick(PartyMember.objects.filter(reports__state=ReportIn.State.ACCEPTED).order_by("id"), n)


def member_service(w, n):
    party.record_service(
        actor=None,
        member=_reported(n),
        served_on=dt.date(2026, 1 + n % 11, 1 + n % 27),
        hours=2,
        description="巡逻",
    )


def six_acts_commit(w, n):
    party.commit_six_acts(actor=None, member=_reported(n), year=2026)


def six_act(w, n):
    c = pick(SixActsCommitment.objects.order_by("id"), n)
    for act in range(1, 2 + n % 6):
        party.record_six_act(
            actor=None, commitment=c, act=act, done_on=dt.date(2026, 1 + (n + act) % 11, 5), evidence="记录"
        )


def meeting_held(w, n):
    m = councils.create_meeting(
        actor=None,
        council=w["council"],
        kind=Meeting.Kind.ORDINARY,
        title="例会",
        starts_at=aware(2026, 1 + n % 11, 3, 9),
        ends_at=aware(2026, 1 + n % 11, 3, 11),
    )
    councils.schedule_meeting(actor=None, meeting=m, invite_seats=False)
    if n % 3:
        councils.mark_held(actor=None, meeting=m)


def resolution(w, n):
    outcomes.record_resolution(
        actor=None, council=w["council"], title="决议", text="同意", decided_on=dt.date(2026, 1 + n % 11, 10)
    )


def action_item(w, n):
    r = pick(Resolution.objects.order_by("id"), n)
    outcomes.add_action_item(
        actor=None,
        resolution=r,
        title="落实",
        owner_kind="committee",
        owner_label="江中居委会",
        due_on=r.decided_on + dt.timedelta(days=30 * (n % 12)),
    )


def action_progress(w, n):
    item = pick(ActionItem.objects.filter(status__in=["open", "in_progress"]).order_by("id"), n)
    outcomes.report_progress(
        actor=None, item=item, progress=100 if n % 2 else max(item.progress, 50), note="推进"
    )


def action_cancel(w, n):
    item = pick(ActionItem.objects.filter(status__in=["open", "in_progress"]).order_by("id"), n)
    outcomes.cancel_action_item(actor=None, item=item, reason="不再需要")


def action_sweep(w, n):
    outcomes.sweep_action_items(now=timezone.now())


def case_received(w, n):
    receive_case(
        actor=None,
        category=w["sanitation"],
        area=pick(w["areas"][:3], n),
        channel="patrol",
        title="垃圾堆放",
        description="楼道堆物",
    )


def campaign_locked(w, n):
    c = campaigns.create_campaign(
        actor=None,
        area=w["tree"]["fangsong"],
        category=w["group_rental"],
        title=f"群租整治{next(_serial)}",
        year=2026,
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    for flat in w["flats"][: 1 + n % 3]:
        campaigns.add_target(actor=None, campaign=c, dwelling=flat, found_by="patrol")
    campaigns.lock_campaign(actor=None, campaign=c)


def campaign_rectified(w, n):
    from gongzhi.cases.models import CampaignTarget

    target = pick(CampaignTarget.objects.filter(state="in_progress").order_by("id"), n)
    campaigns.await_reinspection(actor=None, target=target, resolved_on=dt.date(2026, 10, 1))
    if n % 3:
        campaigns.record_reinspection(actor=None, target=target, confirmed=True)


def campaign_rebound(w, n):
    from gongzhi.cases.models import CampaignTarget

    target = pick(CampaignTarget.objects.filter(state__in=["rectified", "awaiting_check"]).order_by("id"), n)
    campaigns.report_rebound(actor=None, target=target, note="又出现群租")


def volunteer_hours(w, n):
    v = volunteers.register_volunteer(
        actor=None,
        person=person(f"志愿者{next(_serial)}", w["tree"]["compound"]),
        registered_on=dt.date(2026, 2, 1),
    )
    volunteers.record_service(
        actor=None,
        volunteer=v,
        hours=1 + n % 4,
        served_on=dt.date(2026, 1 + n % 11, 2),
        content="助老",
        recording_body="江中居委会",
    )


def matched_project(w, n):
    resource = matching.publish_resource(
        actor=None,
        publisher_kind="unit",
        publisher_id=w["unit"].pk,
        area=w["tree"]["fangsong"],
        kind="venue",
        title="多功能厅",
        capacity=1,
        unit="场",
        available_from=aware(2026, 12, 5, 8),
        available_until=aware(2026, 12, 20, 20),
    )
    need = matching.publish_need(
        actor=None,
        area=pick(w["areas"][:2], n),
        kind="venue",
        title="讲座场地",
        wanted_from=aware(2026, 12, 10, 14),
        wanted_until=aware(2026, 12, 10, 16),
        people_count=30,
        quantity=1,
    )
    project = matching.accept_pair(actor=None, resource=resource, need=need)
    if n % 2:
        matching.start_project(actor=None, project=project)
        matching.complete_project(actor=None, project=project, results="到场30人")


STEPS = [
    org_register,
    org_deregister,
    org_move,
    inspections_open,
    inspection_submit,
    inspection_return,
    inspection_review,
    member_register,
    member_status,
    member_report,
    member_service,
    six_acts_commit,
    six_act,
    meeting_held,
    resolution,
    action_item,
    action_progress,
    action_cancel,
    action_sweep,
    case_received,
    campaign_locked,
    campaign_rectified,
    campaign_rebound,
    volunteer_hours,
    matched_project,
]


REFUSED: dict = {}  # step → why it was last refused (an invalid step in the state reached is fine)


def run(step, w, n) -> bool:
    """One step as its own committed action: its after-commit subscribers run right after it."""
    try:
        with TestCase.captureOnCommitCallbacks(execute=True), transaction.atomic():
            step(w, n)
    except (ValidationError, PermissionDenied, LookupError) as exc:
        REFUSED[step.__name__] = repr(exc)
        return False
    return True


def cells() -> dict:
    return {
        (r.area_id, r.figure, r.period): (r.numerator, r.denominator)
        for r in Rollup.objects.all()
        if r.numerator or r.denominator
    }


def check_rollups_equal_rebuild():
    rollups.fold()
    assert not RollupDelta.objects.exists()
    folded = cells()
    rollups.rebuild()
    rebuilt = cells()
    differing = {
        k: (folded.get(k), rebuilt.get(k))
        for k in set(folded) | set(rebuilt)
        if folded.get(k) != rebuilt.get(k)
    }
    assert not differing, differing


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(st.tuples(st.sampled_from(STEPS), st.integers(0, 11)), min_size=1, max_size=14))
def test_rollups_equal_a_full_recomputation_after_any_actions_across_apps(world, steps):
    with freeze_time(NOW), transaction.atomic():
        for step, n in steps:
            run(step, world, n)
        check_rollups_equal_rebuild()
        transaction.set_rollback(True)


def test_a_scenario_touching_every_app_keeps_rollups_equal_to_a_rebuild(world):
    """Every step at least once, in an order where each finds what it needs."""
    done = set()
    with freeze_time(NOW):
        for n in range(1, 6):
            run(org_register, world, n)
            run(member_register, world, n)
        for n in range(3):
            for step in STEPS:
                if run(step, world, n):
                    done.add(step.__name__)
        check_rollups_equal_rebuild()
    missing = {s.__name__ for s in STEPS} - done
    assert not missing, "; ".join(f"{name}: {REFUSED.get(name)}" for name in sorted(missing))
    figures = {f for _a, f, _p in cells()}
    for name in (
        "orgs.registered",
        "orgs.insp.due",
        "party.members",
        "party.reported",
        "party.active",
        "party.sixacts",
        "councils.meetings",
        "councils.resolutions",
        "campaigns.locked",
        "cases.recv",
        "volunteers.hours",
        "matching.resources_used",
    ):
        assert name in figures, name
