"""Three gives (≥ half rule, tasks, honours eligibility), six acts progress, points totals and rules."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from freezegun import freeze_time

from gongzhi.councils import actions as council_actions
from gongzhi.councils.models import Council, Seat
from gongzhi.party import actions, queries
from gongzhi.party.models import Honour, PointsEntry, SixActsRecord

PHONE = "13912345678"
TERM = dt.date(2026, 1, 1)


def _reported(party):
    r = actions.report_in(
        actor=None, member=party["member"], receiving=party["residential"], contact_phone=PHONE
    )
    actions.issue_receipt(actor=None, report=r)
    return r


@pytest.fixture
def assembly(party, tree):
    council = council_actions.create_council(
        actor=None, area=tree["fangsong"], kind=Council.Kind.REPRESENTATIVE_ASSEMBLY, name="社区成员代表会议"
    )
    actions.link_representative_council(
        actor=party["working_secretary"], organization=party["working"], council=council
    )
    for name, rep in [
        ("医院", "unit"),
        ("中学", "unit"),
        ("居民甲", "residents"),
        ("社工服务社", "organization"),
    ]:
        actions.give_seat(
            actor=party["working_secretary"],
            organization=party["working"],
            holder_name=name,
            represents=rep,
            term_start=TERM,
        )
    council_actions.publish_roster(actor=None, council=council)
    return council


@freeze_time("2026-03-01 10:00:00+08:00")
def test_a_seat_change_breaking_the_half_rule_is_refused_with_a_clear_message(party, assembly):
    with pytest.raises(ValidationError) as exc:
        actions.give_seat(
            actor=party["working_secretary"],
            organization=party["working"],
            holder_name="居民乙",
            represents="residents",
            term_start=TERM,
        )
    assert "composition_rules" in exc.value.message_dict  # "... 2 of 5 seats", in the user's language
    assert assembly.seats.count() == 4
    # Adding a unit first keeps the rule: 3 units of 5.
    actions.give_seat(
        actor=party["working_secretary"],
        organization=party["working"],
        holder_name="银行",
        represents="unit",
        term_start=TERM,
    )
    actions.give_seat(
        actor=party["working_secretary"],
        organization=party["working"],
        holder_name="居民乙",
        represents="residents",
        term_start=TERM,
    )
    assert assembly.seats.count() == 6


@freeze_time("2026-03-01 10:00:00+08:00")
def test_ending_a_units_seat_that_breaks_the_rule_is_refused(party, assembly):
    unit_seat = assembly.seats.filter(represents="unit").first()
    with pytest.raises(ValidationError):
        actions.end_given_seat(
            actor=party["working_secretary"],
            organization=party["working"],
            seat=unit_seat,
            on=dt.date(2026, 3, 1),
        )
    unit_seat.refresh_from_db()
    assert unit_seat.term_end is None


def test_a_member_cannot_give_seats(party, assembly):
    with pytest.raises(PermissionDenied):
        actions.give_seat(
            actor=party["member_user"],
            organization=party["working"],
            holder_name="x",
            represents="unit",
            term_start=TERM,
        )


def test_committee_seats_are_council_seats_with_tenure(party):
    seat = actions.add_committee_member(
        actor=party["secretary"],
        organization=party["residential"],
        holder_name="派出所民警",
        represents=Seat.Represents.POLICE,
        tenure=Seat.Tenure.PART_TIME,
        term_start=TERM,
    )
    assert seat.council_id == party["residential"].council_id and seat.tenure == "part_time"
    with pytest.raises(PermissionDenied):
        actions.add_committee_member(
            actor=party["other_secretary"],
            organization=party["residential"],
            holder_name="y",
            term_start=TERM,
        )


@freeze_time("2026-05-01 10:00:00+08:00")
def test_tasks_sign_up_and_completion_and_honours_eligibility(party, django_capture_on_commit_callbacks):
    working = party["working"]
    # Not eligible: nobody reported and active, no task done.
    with pytest.raises(ValidationError) as exc:
        actions.nominate_honour(
            actor=party["working_secretary"],
            awarded_by=working,
            year=2026,
            title="先进基层党组织",
            organization=party["unit_org"],
        )
    assert "did not take part" in str(exc.value)
    assert not Honour.objects.exists()
    task = actions.publish_task(
        actor=party["working_secretary"],
        organization=working,
        title="垃圾分类宣传",
        due_on=dt.date(2026, 6, 30),
    )
    signup = actions.sign_up_unit(
        actor=party["workplace_secretary"], task=task, unit_organization=party["unit_org"]
    )
    with pytest.raises(ValidationError):
        actions.sign_up_unit(
            actor=party["workplace_secretary"], task=task, unit_organization=party["unit_org"]
        )
    with django_capture_on_commit_callbacks(execute=True):
        actions.complete_signup(actor=party["working_secretary"], signup=signup, note="完成宣传三次")
    honour = actions.nominate_honour(
        actor=party["working_secretary"],
        awarded_by=working,
        year=2026,
        title="先进基层党组织",
        organization=party["unit_org"],
    )
    actions.award_honour(actor=party["working_secretary"], honour=honour)
    from django.test import Client

    page = Client().get("/party/honours/")
    assert page.status_code == 200 and "先进基层党组织" in page.content.decode()


@freeze_time("2026-05-01 10:00:00+08:00")
def test_six_acts_progress_and_points_totals(party, django_capture_on_commit_callbacks):
    _reported(party)
    actions.save_points_scheme(
        actor=party["secretary"],
        organization=party["residential"],
        year=2026,
        base_points=60,
        rules={"six_acts": (5, 15), "service": (2, None)},
        manual_cap=10,
    )
    c = actions.commit_six_acts(actor=party["member_user"], member=party["member"], year=2026)
    with pytest.raises(ValidationError):
        actions.commit_six_acts(actor=party["member_user"], member=party["member"], year=2026)
    with django_capture_on_commit_callbacks(execute=True):
        for act in (1, 2, 3, 4):
            actions.record_six_act(
                actor=party["secretary"],
                commitment=c,
                act=act,
                done_on=dt.date(2026, 4, act),
                evidence="照片",
            )
        actions.record_service(
            actor=party["secretary"],
            member=party["member"],
            served_on=dt.date(2026, 4, 20),
            hours=2,
            description="助老",
        )
    with pytest.raises(ValidationError):
        actions.record_six_act(
            actor=party["secretary"], commitment=c, act=1, done_on=dt.date(2026, 4, 9), evidence="重复"
        )
    assert SixActsRecord.objects.count() == 4
    board = queries.six_acts_board(party["residential"], 2026)
    assert board[0]["count"] == 4 and not board[0]["complete"]
    # 4 acts × 5 capped at 15, plus 2 for service, plus base 60 = 77.
    h = actions.handbook(party["member"], 2026)
    assert h["total"] == Decimal("77.0")
    assert PointsEntry.objects.filter(activity_kind="six_acts").count() == 3


@freeze_time("2026-05-01 10:00:00+08:00")
def test_points_outside_the_rules_are_refused(party):
    _reported(party)
    with pytest.raises(ValidationError):  # no scheme yet
        actions.add_manual_points(
            actor=party["secretary"], member=party["member"], year=2026, points=5, reason="表扬"
        )
    actions.save_points_scheme(
        actor=party["secretary"],
        organization=party["residential"],
        year=2026,
        base_points=60,
        rules={},
        manual_cap=10,
    )
    with pytest.raises(ValidationError):
        actions.add_manual_points(
            actor=party["secretary"], member=party["member"], year=2026, points=50, reason="太多"
        )
    with pytest.raises(PermissionDenied):
        actions.add_manual_points(
            actor=party["member_user"], member=party["member"], year=2026, points=5, reason="自己加"
        )
    actions.add_manual_points(
        actor=party["secretary"], member=party["member"], year=2026, points=5, reason="表扬"
    )
    assert actions.handbook(party["member"], 2026)["total"] == Decimal("65.0")


@freeze_time("2026-05-01 10:00:00+08:00")
def test_a_member_sees_their_own_handbook_only(party, client_for, tree):
    from .conftest import add_member

    other = add_member(tree, party, "李四")
    assert client_for(party["member_user"]).get("/party/handbook/").status_code == 200
    assert (
        client_for(party["member_user"])
        .get(f"/api/v1/party/members/{other.pk}/handbook?year=2026")
        .status_code
        == 403
    )


@freeze_time("2026-05-01 10:00:00+08:00")
def test_violation_with_the_members_right_to_respond(party):
    _reported(party)
    v = actions.record_violation(
        actor=party["secretary"],
        member=party["member"],
        dont=2,
        occurred_on=dt.date(2026, 4, 1),
        description="占道停车",
    )
    with pytest.raises(PermissionDenied):
        actions.respond_to_violation(actor=party["secretary"], violation=v, response="x")
    actions.respond_to_violation(actor=party["member_user"], violation=v, response="已挪车")
    with pytest.raises(ValidationError):
        actions.respond_to_violation(actor=party["member_user"], violation=v, response="again")
