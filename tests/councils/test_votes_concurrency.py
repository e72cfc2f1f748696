"""Concurrent ballots on PostgreSQL: every ballot counted exactly once, doubles refused, none after close."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from gongzhi.councils.actions import proposals, votes
from gongzhi.councils.models import Ballot, Motion, Proposal

from .test_outcomes_support import check_in, english, make_council, make_meeting  # noqa: F401 - fixture

pytestmark = [pytest.mark.pg_only, pytest.mark.django_db(transaction=True)]


def run_together(funcs):
    barrier = threading.Barrier(len(funcs))
    errors = []

    def runner(func):
        try:
            barrier.wait()
            func()
        except ValidationError as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(f,)) for f in funcs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_concurrent_ballots_are_all_counted(tree):
    council, users, seats = make_council(tree["fangsong"], 12, prefix="t")
    meeting, item = make_meeting(council)
    check_in(meeting, seats)
    motion = votes.open_voting(actor=None, motion=votes.create_motion(actor=None, item=item, text="动议"))
    choices = ["yes"] * 7 + ["no"] * 3 + ["abstain"] * 2
    errors = run_together(
        [
            lambda u=u, c=c: votes.cast_ballot(actor=u, motion=motion, choice=c)
            for u, c in zip(users, choices, strict=True)
        ]
    )
    assert errors == []
    motion.refresh_from_db()
    assert (motion.yes_count, motion.no_count, motion.abstain_count) == (7, 3, 2)
    assert Ballot.objects.filter(motion=motion).count() == 12


def test_the_same_seat_voting_concurrently_counts_once(tree):
    council, users, seats = make_council(tree["fangsong"], 2, prefix="d")
    meeting, item = make_meeting(council)
    check_in(meeting, seats)
    motion = votes.open_voting(
        actor=None, motion=votes.create_motion(actor=None, item=item, text="动议", secret=True)
    )
    errors = run_together([lambda: votes.cast_ballot(actor=users[0], motion=motion, choice="yes")] * 6)
    assert len(errors) == 5
    motion.refresh_from_db()
    assert motion.yes_count == 1
    assert motion.secret_choices.count() == 1


def test_ballots_racing_the_close_are_either_counted_or_refused(tree):
    council, users, seats = make_council(tree["fangsong"], 8, prefix="r")
    meeting, item = make_meeting(council)
    check_in(meeting, seats)
    motion = votes.open_voting(actor=None, motion=votes.create_motion(actor=None, item=item, text="动议"))
    funcs = [lambda u=u: votes.cast_ballot(actor=u, motion=motion, choice="yes") for u in users[:7]]
    funcs.append(lambda: votes.close_voting(actor=None, motion=motion))
    run_together(funcs)
    motion.refresh_from_db()
    assert motion.state == Motion.State.CLOSED
    assert motion.yes_count == Ballot.objects.filter(motion=motion).count() == motion.tally["yes"]


def test_concurrent_supports_are_all_counted_and_the_proposal_is_scheduled_once(tree):
    from gongzhi.accounts.roles import Role
    from gongzhi.councils.models import Meeting
    from tests.conftest import make_user

    council, _users, _seats = make_council(tree["committee"], 1, prefix="s")
    make_meeting(council, kind=Meeting.Kind.DELIBERATION_DAY, title="议事日")
    proposer = make_user("proposer", Role.RESIDENT, tree["committee"])
    supporters = [make_user(f"sup{i}", Role.RESIDENT, tree["committee"]) for i in range(8)]
    proposals.save_proposal_setting(actor=None, area=tree["committee"], support_threshold=5)
    proposal = proposals.submit_proposal(
        actor=proposer, area=tree["committee"], title="加装电梯", body="老楼加装电梯，方便老人出行。"
    )
    run_together([lambda u=u: proposals.support_proposal(actor=u, proposal=proposal) for u in supporters])
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.SCHEDULED
    assert 5 <= proposal.support_count <= 8
    assert proposal.supports.count() == proposal.support_count
    from gongzhi.councils.models import AgendaItem

    assert AgendaItem.objects.filter(source_type="councils.proposal", source_id=proposal.pk).count() == 1
