"""Elections: the roll from persons and households, corrections, candidates, secret ballots, validity, ties."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from freezegun import freeze_time

from gongzhi.accounts.roles import Role
from gongzhi.core.models import AuditEvent
from gongzhi.councils.actions import elections as ea
from gongzhi.councils.models import Candidate, Election, ElectionBallot, ElectionVote, VoterRollEntry
from gongzhi.people.models import Dwelling, Household, HouseholdMember, Person
from tests.conftest import make_user

from .test_outcomes_support import english  # noqa: F401 - fixture

DAY = dt.date(2026, 9, 20)
pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with freeze_time("2026-09-01 09:00:00+08:00"):
        yield


def person(area, name, born, user=None):
    p = Person(name=name, birth_date=born, user=user)
    p.set_area(area)
    p.save()
    return p


@pytest.fixture
def residents(tree):
    """Two households in 江中小区 (4 adults, 1 child) and one adult without a household."""
    compound = tree["compound"]
    d1 = Dwelling.objects.create(area=compound, area_path=compound.path, building="3", room="101")
    d2 = Dwelling.objects.create(area=compound, area_path=compound.path, building="5", room="202")
    h1 = Household(number="H1", dwelling=d1)
    h1.set_area(compound)
    h1.save()
    h2 = Household(number="H2", dwelling=d2)
    h2.set_area(compound)
    h2.save()
    people = {
        "zhang": person(
            compound, "张伟", dt.date(1960, 1, 1), make_user("zhang", Role.RESIDENT, tree["committee"])
        ),
        "zhang_wife": person(compound, "王芳", dt.date(1962, 5, 1)),
        "zhang_child": person(compound, "张小", dt.date(2012, 1, 1)),
        "li": person(
            compound, "李强", dt.date(1980, 3, 3), make_user("li", Role.RESIDENT, tree["committee"])
        ),
        "li_mother": person(compound, "赵敏", dt.date(1950, 3, 3)),
        "loner": person(tree["committee"], "孙丽", dt.date(1990, 9, 21)),
    }
    for p, h, rel in [
        ("zhang", h1, "head"),
        ("zhang_wife", h1, "spouse"),
        ("zhang_child", h1, "child"),
        ("li_mother", h2, "head"),
        ("li", h2, "child"),
    ]:
        HouseholdMember.objects.create(household=h, person=people[p], relation=rel)
    return people


def call(tree, actor=None, **kw):
    fields = {
        "kind": Election.Kind.RESIDENTS_COMMITTEE,
        "title": "江中居委会第十一届换届选举",
        "seats_to_fill": 2,
        "voting_day": DAY,
    }
    fields.update(kw)
    return ea.create_election(actor=actor, area=tree["committee"], **fields)


def names(election, included=True):
    return sorted(
        VoterRollEntry.objects.filter(election=election, included=included).values_list(
            "person__name", flat=True
        )
    )


def test_the_roll_of_all_voters_lists_adults_and_leaves_children_off(tree, residents):
    election = call(tree)
    assert "Organic Law" in election.rule_label
    ea.build_roll(actor=None, election=election)
    assert names(election) == sorted(["张伟", "王芳", "李强", "赵敏", "孙丽"])
    assert ea.build_roll(actor=None, election=election) == 0  # idempotent


def test_one_representative_per_household_takes_the_head(tree, residents):
    election = call(tree, electorate=Election.Electorate.HOUSEHOLD_REPRESENTATIVES)
    ea.build_roll(actor=None, election=election)
    assert names(election) == ["张伟", "赵敏"]
    assert names(election, included=False) == ["孙丽"]  # in no household: for the committee to check


def test_group_representatives_are_marked_by_the_committee_and_capped_per_group(tree, residents):
    election = call(tree, electorate=Election.Electorate.GROUP_REPRESENTATIVES, representatives_per_group=2)
    ea.build_roll(actor=None, election=election)
    assert names(election) == []
    for key in ("zhang", "zhang_wife"):
        ea.correct_roll(
            actor=None, election=election, person=residents[key], included=True, reason="第3幢推选"
        )
    ea.publish_roll(actor=None, election=election)
    assert Election.objects.get(pk=election.pk).state == Election.State.ROLL_PUBLISHED


def test_roll_corrections_need_a_reason_and_close_when_the_roll_is_published(tree, residents):
    election = call(tree)
    ea.build_roll(actor=None, election=election)
    with pytest.raises(ValidationError):
        ea.correct_roll(actor=None, election=election, person=residents["li"], included=False, reason="")
    ea.correct_roll(actor=None, election=election, person=residents["li"], included=False, reason="户籍迁出")
    with pytest.raises(ValidationError):
        ea.correct_roll(
            actor=None, election=election, person=residents["zhang_child"], included=True, reason="x"
        )
    ea.publish_roll(actor=None, election=election)
    with pytest.raises(ValidationError):
        ea.correct_roll(actor=None, election=election, person=residents["li"], included=True, reason="恢复")


def test_only_staff_of_the_area_run_an_election(tree, other_street_admin, resident, committee_worker):
    for user in (other_street_admin, resident):
        with pytest.raises(PermissionDenied):
            call(tree, actor=user)
    assert call(tree, actor=committee_worker).pk


def test_local_rules_are_shown_as_such(tree):
    election = call(tree, turnout_numerator=2, turnout_denominator=3, turnout_inclusive=True)
    assert election.rule_label.startswith("local rules") and "2/3 or more" in election.rule_label


def ready_to_vote(tree, residents, seats=2, online=True):
    election = call(tree, seats_to_fill=seats, online_voting=online)
    ea.build_roll(actor=None, election=election)
    ea.publish_roll(actor=None, election=election)
    cands = [
        ea.nominate_candidate(actor=None, election=election, person=residents[k])
        for k in ("zhang", "li", "loner")
    ]
    for c in cands:
        ea.vet_candidate(actor=None, candidate=c, qualified=True)
    ea.publish_candidates(actor=None, election=election)
    return election, cands


def entry(election, p):
    return VoterRollEntry.objects.get(election=election, person=p)


def test_the_full_path_from_roll_to_result_with_a_secret_online_ballot(tree, residents, committee_worker):
    election, (zhang, li, loner) = ready_to_vote(tree, residents)
    with pytest.raises(ValidationError):  # not the voting day yet
        ea.open_election(actor=None, election=election)
    with freeze_time("2026-09-20 09:00:00+08:00"):
        ea.open_election(actor=None, election=election)
        zhang_user = residents["zhang"].user
        ea.cast_election_ballot(actor=zhang_user, election=election, candidates=[zhang.pk, li.pk])
        with pytest.raises(ValidationError):
            ea.cast_election_ballot(actor=zhang_user, election=election, candidates=[loner.pk])
        for key, marks in [("zhang_wife", [zhang.pk, li.pk]), ("li_mother", [zhang.pk])]:
            ea.cast_election_ballot(
                actor=committee_worker,
                election=election,
                voter=entry(election, residents[key]),
                candidates=marks,
            )
        election = ea.count_election(actor=None, election=election)
    assert election.is_valid and election.ballots_cast == 3  # 3 of 5 registered voters
    result = {c.name: (c.votes, c.elected) for c in Candidate.objects.filter(election=election)}
    assert result == {"张伟": (3, True), "李强": (2, True), "孙丽": (0, False)}
    # The marks are not linked to any voter.
    assert not {f.name for f in ElectionVote._meta.get_fields()} & {"voter", "ballot", "user"}
    assert ElectionBallot.objects.filter(election=election).count() == 3
    ea.publish_results(actor=None, election=election)
    events = AuditEvent.objects.filter(object_type="councils.election", object_id=str(election.pk)).order_by(
        "id"
    )
    verbs = list(events.values_list("verb", flat=True))
    assert verbs[0] == "election.created" and verbs[-1] == "election.results_published"
    assert "election.roll_built" in verbs and verbs.count("election.ballot_cast") == 3


def test_an_election_where_only_half_of_the_voters_vote_is_not_valid(tree, residents):
    election, (zhang, li, loner) = ready_to_vote(tree, residents)
    with freeze_time("2026-09-20 09:00:00+08:00"):
        ea.open_election(actor=None, election=election)
        for key in ("zhang", "li"):
            ea.cast_election_ballot(actor=residents[key].user, election=election, candidates=[zhang.pk])
        election = ea.count_election(actor=None, election=election)
    assert election.is_valid is False  # 2 of 5
    assert not Candidate.objects.filter(election=election, elected=True).exists()


def test_a_tie_for_the_last_seat_elects_neither_and_says_so(tree, residents, committee_worker):
    election, (zhang, li, loner) = ready_to_vote(tree, residents, seats=2)
    with freeze_time("2026-09-20 09:00:00+08:00"):
        ea.open_election(actor=None, election=election)
        marks = {
            "zhang": [zhang, li],
            "zhang_wife": [zhang, loner],
            "li": [zhang, li],
            "li_mother": [zhang, loner],
            "loner": [li, loner],
        }
        for key, cands in marks.items():
            voter = entry(election, residents[key])
            ea.cast_election_ballot(
                actor=committee_worker, election=election, voter=voter, candidates=[c.pk for c in cands]
            )
        election = ea.count_election(actor=None, election=election)
    # 张伟 4 of 5; 李强 and 孙丽 3 of 5 each, both over half, tied for the second seat.
    assert election.is_valid
    assert list(Candidate.objects.filter(election=election, elected=True).values_list("name", flat=True)) == [
        "张伟"
    ]
    assert "Tied" in election.result_note and "1 seat(s) remain unfilled" in election.result_note


def test_a_candidate_with_exactly_half_of_the_ballots_is_not_elected(tree, residents, committee_worker):
    election, (zhang, li, loner) = ready_to_vote(tree, residents, seats=1)
    with freeze_time("2026-09-20 09:00:00+08:00"):
        ea.open_election(actor=None, election=election)
        for key, cand in {"zhang": li, "zhang_wife": zhang, "li": li, "li_mother": zhang}.items():
            ea.cast_election_ballot(
                actor=committee_worker,
                election=election,
                voter=entry(election, residents[key]),
                candidates=[cand.pk],
            )
        election = ea.count_election(actor=None, election=election)
    assert election.is_valid  # 4 of 5 voted
    assert not Candidate.objects.filter(
        election=election, elected=True
    ).exists()  # 2 of 4 each: not more than half


def test_ballots_are_checked(tree, residents, committee_worker, resident):
    election, (zhang, li, loner) = ready_to_vote(tree, residents, seats=1, online=False)
    with pytest.raises(ValidationError):  # voting not open
        ea.cast_election_ballot(
            actor=committee_worker, election=election, voter=entry(election, residents["li"]), candidates=[]
        )
    with freeze_time("2026-09-20 09:00:00+08:00"):
        ea.open_election(actor=None, election=election)
        with pytest.raises(ValidationError):  # too many marks
            ea.cast_election_ballot(
                actor=committee_worker,
                election=election,
                voter=entry(election, residents["li"]),
                candidates=[zhang.pk, li.pk],
            )
        with pytest.raises(ValidationError):  # no online voting
            ea.cast_election_ballot(actor=residents["li"].user, election=election, candidates=[zhang.pk])
        with pytest.raises(PermissionDenied):  # a resident cannot record ballots for others
            ea.cast_election_ballot(
                actor=resident,
                election=election,
                voter=entry(election, residents["li"]),
                candidates=[zhang.pk],
            )
    assert Election.objects.get(pk=election.pk).ballots_cast == 0


def test_candidates_are_voters_vetted_before_publication(tree, residents):
    election = call(tree, seats_to_fill=1)
    ea.build_roll(actor=None, election=election)
    with pytest.raises(ValidationError):
        ea.nominate_candidate(actor=None, election=election, person=residents["zhang_child"])
    c = ea.nominate_candidate(actor=None, election=election, person=residents["zhang"])
    with pytest.raises(ValidationError):
        ea.nominate_candidate(actor=None, election=election, person=residents["zhang"])
    ea.publish_roll(actor=None, election=election)
    with pytest.raises(ValidationError):  # not vetted yet
        ea.publish_candidates(actor=None, election=election)
    with pytest.raises(ValidationError):  # rejection needs a reason
        ea.vet_candidate(actor=None, candidate=c, qualified=False)
    ea.vet_candidate(actor=None, candidate=c, qualified=True)
    ea.publish_candidates(actor=None, election=election)
    assert Candidate.objects.get(pk=c.pk).state == Candidate.State.PUBLISHED
