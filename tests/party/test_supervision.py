"""Petitions (deadlines in working days, overdue sweep, visibility), assessments, major-matter votes, import."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from freezegun import freeze_time

from gongzhi.core.calendar_actions import seed_calendar
from gongzhi.party import actions
from gongzhi.party.models import Assessment, Petition


@pytest.fixture
def calendar_seeded(db):
    seed_calendar(actor=None)


@freeze_time("2026-09-28 10:00:00+08:00")
def test_petition_deadline_counts_working_days_across_the_national_day_holiday(party, calendar_seeded):
    p = actions.submit_petition(
        actor=party["member_user"],
        member=party["member"],
        kind="question",
        title="经费",
        body="经费如何使用？",
    )
    # 15 working days from Mon 28 Sep 2026 skip the 1–7 October holiday (and count adjusted working days).
    assert timezone.localdate(p.due_at) > dt.date(2026, 10, 18)
    assert p.organization == party["unit_org"]


def test_a_petition_to_an_organization_that_does_not_exist_is_refused(party):
    with pytest.raises(ValidationError) as exc:
        actions.submit_petition(
            actor=party["member_user"],
            member=party["member"],
            kind="opinion",
            title="t",
            body="b",
            organization=999999,
        )
    assert "does not exist" in str(exc.value)
    assert not Petition.objects.exists()


def test_accusations_go_up_and_are_visible_only_to_the_handling_secretary(party, client_for, street_admin):
    p = actions.submit_petition(
        actor=party["member_user"], member=party["member"], kind="accusation", title="控告", body="…"
    )
    assert p.organization == party["comprehensive"]  # one level above the member's organization
    from gongzhi.accounts.roles import Role, ScopeKind
    from tests.conftest import make_user

    handler = make_user(
        "zh_secretary", Role.PARTY_SECRETARY, party["comprehensive"], ScopeKind.PARTY_ORGANIZATION
    )
    assert actions.can_see_petition(handler, p)
    assert actions.can_see_petition(party["member_user"], p)
    for other in (street_admin, party["working_secretary"], party["workplace_secretary"]):
        assert not actions.can_see_petition(other, p)
        assert client_for(other).get(f"/party/petitions/{p.pk}/").status_code == 404
    with pytest.raises(PermissionDenied):
        actions.answer_petition(actor=street_admin, petition=p, answer="x")
    actions.answer_petition(actor=handler, petition=p, answer="已受理并核查")
    assert (
        client_for(party["member_user"]).get(f"/api/v1/party/petitions/{p.pk}").json()["answer"]
        == "已受理并核查"
    )


def test_overdue_petitions_are_flagged_by_the_sweep(party, calendar_seeded):
    with freeze_time("2026-03-02 09:00:00+08:00"):
        p = actions.submit_petition(
            actor=party["member_user"], member=party["member"], kind="opinion", title="意见", body="…"
        )
    with freeze_time("2026-03-10 09:00:00+08:00"):
        assert actions.flag_overdue_petitions() == 0
    with freeze_time("2026-04-30 09:00:00+08:00"):
        assert actions.flag_overdue_petitions() == 1
    p.refresh_from_db()
    assert p.overdue


def test_assessment_cannot_complete_until_opinion_given_or_waived(party, street_admin):
    a = actions.request_assessment_opinion(
        actor=street_admin,
        opinion_organization=party["unit_org"],
        kind="year_end",
        leader_name="周院长",
        leader_position="院长",
        unit_name="松江区某某医院",
    )
    with pytest.raises(ValidationError):
        actions.complete_assessment(actor=street_admin, assessment=a, result="称职")
    with pytest.raises(ValidationError):
        actions.waive_opinion(actor=street_admin, assessment=a, reason="")
    actions.give_opinion(actor=party["workplace_secretary"], assessment=a, opinion="同意")
    a = actions.complete_assessment(actor=street_admin, assessment=a, result="称职")
    assert a.state == Assessment.State.COMPLETED


def test_major_matter_vote_uses_the_councils_engine(party):
    start = timezone.now() + dt.timedelta(days=2)
    matter = actions.table_major_matter(
        actor=party["secretary"],
        organization=party["residential"],
        title="小区停车改造",
        motion_text="同意改造方案",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
    )
    assert matter.motion.is_major and matter.meeting.council_id == party["residential"].council_id
    with pytest.raises(PermissionDenied):
        actions.table_major_matter(
            actor=party["member_user"],
            organization=party["residential"],
            title="x",
            motion_text="y",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
        )


def test_import_of_members_all_or_nothing(party, tree, street_admin):
    import io

    from gongzhi.core import imports
    from gongzhi.party.models import PartyMember
    from gongzhi.people.models import Person

    p = Person(name="赵六", id_number="11010519491231002X")
    p.set_area(tree["compound"])
    p.save()
    good = f"身份证号,所属党组织,党员类别,居住地\n11010519491231002X,{party['unit_org'].name},在职,{tree['committee'].stat_code}\n"
    bad = good + f"110105194912310021,{party['unit_org'].name},在职,{tree['committee'].stat_code}\n"
    f = io.BytesIO(bad.encode())
    f.name = "m.csv"
    job = imports.run("party_members", f, actor=street_admin)
    assert job.status != "done" and PartyMember.objects.count() == 1
    f = io.BytesIO(good.encode())
    f.name = "m.csv"
    imports.run("party_members", f, actor=street_admin)
    assert PartyMember.objects.filter(person=p).exists()
