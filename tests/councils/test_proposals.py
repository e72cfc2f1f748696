"""Resident proposals: submission, supports, the threshold placing it on a deliberation day, the proposer told."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.accounts.roles import Role
from gongzhi.councils.actions import proposals, votes
from gongzhi.councils.models import AgendaItem, Meeting, Proposal
from gongzhi.notices.models import Notification
from tests.conftest import make_user

from .test_outcomes_support import check_in, english, make_council, make_meeting  # noqa: F401 - fixture


@pytest.fixture
def residents(tree):
    return [make_user(f"res{i}", Role.RESIDENT, tree["committee"]) for i in range(4)]


def submit(tree, user):
    return proposals.submit_proposal(
        actor=user, area=tree["committee"], title="增设晾衣架", body="小区公共区域增设晾衣架。"
    )


def test_a_resident_submits_a_proposal_with_the_areas_threshold(tree, residents):
    proposals.save_proposal_setting(actor=None, area=tree["fangsong"], support_threshold=3)
    proposal = submit(tree, residents[0])
    assert (proposal.threshold, proposal.state) == (3, Proposal.State.OPEN)


def test_residents_of_other_areas_and_outsiders_cannot_propose_or_support(tree, residents, outsider):
    other = make_user("other_res", Role.RESIDENT, tree["other_committee"])
    for user in (other, outsider):
        with pytest.raises(PermissionDenied):
            submit(tree, user)
    proposal = submit(tree, residents[0])
    with pytest.raises(PermissionDenied):
        proposals.support_proposal(actor=other, proposal=proposal)


def test_bad_proposals_get_a_clear_message(tree, residents):
    with pytest.raises(ValidationError) as exc:
        proposals.submit_proposal(actor=residents[0], area=tree["committee"], title="", body="short")
    assert "title" in exc.value.message_dict
    street_resident = make_user("street_res", Role.RESIDENT, tree["fangsong"])
    with pytest.raises(ValidationError) as exc:  # a street is not a committee area
        proposals.submit_proposal(
            actor=street_resident, area=tree["fangsong"], title="t", body="long enough body"
        )
    assert "area" in exc.value.message_dict
    assert not Proposal.objects.exists()


def test_supporting_twice_or_ones_own_proposal_is_refused(tree, residents):
    proposal = submit(tree, residents[0])
    with pytest.raises(ValidationError):
        proposals.support_proposal(actor=residents[0], proposal=proposal)
    proposals.support_proposal(actor=residents[1], proposal=proposal)
    with pytest.raises(ValidationError):
        proposals.support_proposal(actor=residents[1], proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.support_count == 1


def test_reaching_the_threshold_puts_the_proposal_on_the_next_deliberation_day_and_tells_the_proposer(
    tree, residents, django_capture_on_commit_callbacks
):
    council, _u, _s = make_council(tree["fangsong"], 1, prefix="d")
    meeting, _item = make_meeting(council, kind=Meeting.Kind.DELIBERATION_DAY, title="方松街道社区议事日")
    proposals.save_proposal_setting(actor=None, area=tree["committee"], support_threshold=2)
    proposal = submit(tree, residents[0])
    proposals.support_proposal(actor=residents[1], proposal=proposal)
    assert Proposal.objects.get(pk=proposal.pk).state == Proposal.State.OPEN
    with django_capture_on_commit_callbacks(execute=True):
        proposal = proposals.support_proposal(actor=residents[2], proposal=proposal)
    assert proposal.state == Proposal.State.SCHEDULED
    item = AgendaItem.objects.get(source_type="councils.proposal", source_id=proposal.pk)
    assert item.meeting == meeting and item.title == "增设晾衣架"
    note = Notification.objects.get(recipient=residents[0])
    assert "agenda" in note.title
    with pytest.raises(ValidationError):  # no more supports once on the agenda
        proposals.support_proposal(actor=residents[3], proposal=proposal)


def test_without_a_meeting_the_proposal_waits_and_the_sweep_places_it_later(tree, residents):
    proposals.save_proposal_setting(actor=None, area=tree["committee"], support_threshold=1)
    proposal = submit(tree, residents[0])
    proposals.support_proposal(actor=residents[1], proposal=proposal)
    assert Proposal.objects.get(pk=proposal.pk).state == Proposal.State.OPEN
    council, _u, _s = make_council(tree["committee"], 1, prefix="e")
    proposals.save_proposal_setting(actor=None, area=tree["committee"], support_threshold=1, council=council)
    make_meeting(council, title="居委会例会")
    assert proposals.sweep_proposals() == 1
    assert Proposal.objects.get(pk=proposal.pk).state == Proposal.State.SCHEDULED


def test_a_vote_on_the_proposals_item_decides_it_and_tells_the_proposer(
    tree, residents, django_capture_on_commit_callbacks
):
    council, users, seats = make_council(tree["committee"], 3, prefix="v")
    meeting, _item = make_meeting(council, kind=Meeting.Kind.DELIBERATION_DAY)
    proposals.save_proposal_setting(actor=None, area=tree["committee"], support_threshold=1)
    proposal = submit(tree, residents[0])
    proposals.support_proposal(actor=residents[1], proposal=proposal)
    item = AgendaItem.objects.get(source_id=proposal.pk, source_type="councils.proposal")
    check_in(meeting, seats)
    motion = votes.open_voting(
        actor=None, motion=votes.create_motion(actor=None, item=item, text="同意增设晾衣架")
    )
    for u in users:
        votes.cast_ballot(actor=u, motion=motion, choice="yes")
    with django_capture_on_commit_callbacks(execute=True):
        votes.close_voting(actor=None, motion=motion)
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.DECIDED and "yes 3" in proposal.outcome
    assert Notification.objects.filter(recipient=residents[0], title__contains="decided").exists()


def test_staff_record_that_a_proposal_is_not_taken_up_with_a_reason(
    tree, residents, committee_worker, other_street_admin
):
    proposal = submit(tree, residents[0])
    with pytest.raises(PermissionDenied):
        proposals.decide_proposal(actor=other_street_admin, proposal=proposal, outcome="x", taken_up=False)
    with pytest.raises(ValidationError):
        proposals.decide_proposal(actor=committee_worker, proposal=proposal, outcome="", taken_up=False)
    proposals.decide_proposal(
        actor=committee_worker, proposal=proposal, outcome="属于物业职责，已转物业", taken_up=False
    )
    assert Proposal.objects.get(pk=proposal.pk).state == Proposal.State.REJECTED


def test_only_the_proposer_withdraws(tree, residents):
    proposal = submit(tree, residents[0])
    with pytest.raises(PermissionDenied):
        proposals.withdraw_proposal(actor=residents[1], proposal=proposal)
    assert (
        proposals.withdraw_proposal(actor=residents[0], proposal=proposal).state == Proposal.State.WITHDRAWN
    )
