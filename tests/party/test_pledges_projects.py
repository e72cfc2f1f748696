"""Members' pledges (党员承诺) and party-building projects (党建项目化): the actions, allowed and denied,
and bad input that writes nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from freezegun import freeze_time

from gongzhi.core.models import AuditEvent
from gongzhi.party import actions, queries_practice
from gongzhi.party.actions import practice_more
from gongzhi.party.models import PartyProject, Pledge, ProjectMilestone
from tests.conftest import make_user

NOW = "2026-03-02 10:00:00+08:00"


def _pledge(party, due=dt.date(2026, 6, 30)):
    return actions.make_pledge(
        actor=party["member_user"], member=party["member"], text_="每月参加一次夜间巡逻", due_on=due
    )


# --- pledges ------------------------------------------------------------------------------------------
@freeze_time(NOW)
def test_a_member_makes_a_pledge_with_a_due_date_and_it_is_audited(party):
    p = _pledge(party)
    assert p.member == party["member"] and p.due_on == dt.date(2026, 6, 30) and p.fulfilled_on is None
    assert AuditEvent.objects.filter(verb="pledge.made").count() == 1


@freeze_time(NOW)
def test_a_pledge_due_in_the_past_is_refused_and_nothing_is_written(party):
    with pytest.raises(ValidationError) as exc:
        _pledge(party, due=dt.date(2026, 3, 1))
    assert "due_on" in exc.value.message_dict
    assert not Pledge.objects.exists()


@freeze_time(NOW)
def test_a_pledge_without_text_or_with_control_characters_is_refused(party):
    for bad in ("  ", "承诺\x00"):
        with pytest.raises(ValidationError) as exc:
            actions.make_pledge(
                actor=party["member_user"], member=party["member"], text_=bad, due_on=dt.date(2026, 6, 1)
            )
        assert "text" in exc.value.message_dict
    assert not Pledge.objects.exists()


@freeze_time(NOW)
def test_nobody_makes_a_pledge_for_another_member(party):
    with pytest.raises(PermissionDenied):
        actions.make_pledge(
            actor=party["secretary"], member=party["member"], text_="代写", due_on=dt.date(2026, 6, 1)
        )
    assert not Pledge.objects.exists()


@freeze_time(NOW)
def test_the_member_marks_their_own_pledge_fulfilled_once(party):
    p = _pledge(party)
    practice_more.fulfil_own_pledge(actor=party["member_user"], pledge=p, fulfilment="已巡逻三次")
    p.refresh_from_db()
    assert p.fulfilled_on == dt.date(2026, 3, 2) and p.fulfilment == "已巡逻三次"
    with pytest.raises(ValidationError) as exc:
        practice_more.fulfil_own_pledge(actor=party["member_user"], pledge=p, fulfilment="再次")
    assert "already fulfilled" in str(exc.value)
    p.refresh_from_db()
    assert p.fulfilment == "已巡逻三次"


@freeze_time(NOW)
def test_another_member_cannot_mark_someone_elses_pledge_fulfilled(party):
    p = _pledge(party)
    with pytest.raises(PermissionDenied):
        practice_more.fulfil_own_pledge(actor=party["secretary"], pledge=p, fulfilment="代办")
    p.refresh_from_db()
    assert p.fulfilled_on is None


@freeze_time(NOW)
def test_an_empty_fulfilment_is_refused_and_nothing_is_written(party):
    p = _pledge(party)
    with pytest.raises(ValidationError) as exc:
        practice_more.fulfil_own_pledge(actor=party["member_user"], pledge=p, fulfilment=" ")
    assert "fulfilment" in exc.value.message_dict
    p.refresh_from_db()
    assert p.fulfilled_on is None and not AuditEvent.objects.filter(verb="pledge.fulfilled").exists()


@freeze_time(NOW)
def test_the_committee_of_the_members_organization_marks_a_pledge_fulfilled_and_an_outsider_cannot(party):
    p = _pledge(party)
    with pytest.raises(PermissionDenied):
        actions.fulfil_pledge(actor=party["other_secretary"], pledge=p, fulfilment="代办")
    actions.fulfil_pledge(actor=party["workplace_secretary"], pledge=p, fulfilment="经核实已兑现")
    p.refresh_from_db()
    assert p.fulfilled_on == dt.date(2026, 3, 2)


def test_the_organizations_pledge_list_holds_its_members_pledges_only(party, tree):
    with freeze_time(NOW):
        mine = _pledge(party)
    other_user = make_user("li_member")
    from .conftest import person

    other = actions.register_member(
        actor=None,
        person=person("李娜", tree["compound"], other_user),
        organization=party["residential"],
        status="retired",
        home_area=tree["compound"],
    )
    with freeze_time(NOW):
        theirs = actions.make_pledge(
            actor=other_user, member=other, text_="结对一户", due_on=dt.date(2026, 5, 1)
        )
    assert list(queries_practice.pledges_of(party["unit_org"])) == [mine]
    assert list(queries_practice.pledges_of(party["residential"])) == [theirs]


# --- projects ----------------------------------------------------------------------------------------
def _project(party, actor=None, **kw):
    args = {
        "title": "江中小区睦邻议事",
        "goal": "每月一次楼组议事，解决停车难",
        "methods": ["self_governance", "co_governance"],
        "participants": [party["unit_org"]],
        "milestones": [("成立议事会", dt.date(2026, 4, 1)), ("完成停车改造", dt.date(2026, 9, 1))],
    }
    args.update(kw)
    return actions.create_project(
        actor=actor or party["secretary"], organization=party["residential"], **args
    )


@freeze_time(NOW)
def test_a_secretary_creates_a_project_with_goal_methods_participants_and_milestones(party):
    p = _project(party)
    assert p.state == PartyProject.State.PLANNED and p.methods == ["self_governance", "co_governance"]
    assert list(p.participants.all()) == [party["unit_org"]]
    assert [m.title for m in p.milestones.all()] == ["成立议事会", "完成停车改造"]
    board = queries_practice.project_board(party["residential"]).get()
    assert (board.done, board.total) == (0, 2)
    assert AuditEvent.objects.filter(verb="party_project.created").count() == 1


@freeze_time(NOW)
def test_an_unknown_method_tag_is_refused_and_nothing_is_written(party):
    with pytest.raises(ValidationError) as exc:
        _project(party, methods=["self_governance", "magic"])
    assert "methods" in exc.value.message_dict
    assert not PartyProject.objects.exists()


@freeze_time(NOW)
def test_a_bad_milestone_refuses_the_whole_project(party):
    with pytest.raises(ValidationError) as exc:
        _project(party, milestones=[("成立议事会", dt.date(2026, 4, 1)), ("", "not a date")])
    assert "milestones" in exc.value.message_dict
    assert not PartyProject.objects.exists() and not ProjectMilestone.objects.exists()


@freeze_time(NOW)
def test_a_secretary_of_another_organization_cannot_create_a_project_here(party):
    with pytest.raises(PermissionDenied):
        _project(party, actor=party["other_secretary"])
    assert not PartyProject.objects.exists()


@freeze_time(NOW)
def test_completing_a_milestone_starts_the_project_and_counts_on_the_board(party):
    p = _project(party)
    first = p.milestones.first()
    actions.complete_milestone(actor=party["secretary"], milestone=first)
    p.refresh_from_db()
    first.refresh_from_db()
    assert p.state == PartyProject.State.RUNNING and first.done_on == dt.date(2026, 3, 2)
    board = queries_practice.project_board(party["residential"]).get()
    assert (board.done, board.total) == (1, 2)


@freeze_time(NOW)
def test_a_milestone_cannot_be_done_in_the_future_or_by_an_outsider(party):
    p = _project(party)
    m = p.milestones.first()
    with pytest.raises(ValidationError):
        actions.complete_milestone(actor=party["secretary"], milestone=m, done_on=dt.date(2026, 5, 1))
    with pytest.raises(PermissionDenied):
        actions.complete_milestone(actor=party["member_user"], milestone=m)
    m.refresh_from_db()
    assert m.done_on is None


@freeze_time(NOW)
def test_a_project_completes_once_with_results_and_evidence(party):
    p = _project(party)
    with pytest.raises(ValidationError) as exc:
        actions.complete_project(actor=party["secretary"], project=p, results="")
    assert "results" in exc.value.message_dict
    actions.complete_project(
        actor=party["secretary"], project=p, results="停车位增加40个", evidence="照片、台账"
    )
    p.refresh_from_db()
    assert p.state == PartyProject.State.COMPLETED and p.evidence == "照片、台账"
    with pytest.raises(ValidationError):
        actions.complete_project(actor=party["secretary"], project=p, results="再次")
    with pytest.raises(PermissionDenied):
        actions.complete_project(actor=party["other_secretary"], project=p, results="越权")


@freeze_time(NOW)
def test_participants_offered_are_the_active_organizations_of_the_owners_street(party):
    choices = set(queries_practice.participant_choices(party["residential"]))
    assert party["unit_org"] in choices and party["working"] in choices
    assert party["residential"] not in choices
