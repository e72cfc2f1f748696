"""Votes: quorum at opening, thresholds end to end, open and secret ballots, proxies, bad input, permissions."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.core.models import AuditEvent
from gongzhi.councils.actions import votes
from gongzhi.councils.models import AgendaItem, Ballot, Motion, Resolution, SecretChoice
from gongzhi.councils.models.bodies import Threshold as T

from .test_outcomes_support import check_in, english, make_council, make_meeting  # noqa: F401 - fixture


@pytest.fixture
def body(tree):
    council, users, seats = make_council(tree["fangsong"], 6)
    meeting, item = make_meeting(council)
    return {"council": council, "users": users, "seats": seats, "meeting": meeting, "item": item}


def open_motion(body, present=4, threshold=T.MAJORITY_OF_PRESENT, secret=False):
    check_in(body["meeting"], body["seats"][:present])
    motion = votes.create_motion(
        actor=None, item=body["item"], text="同意增设充电桩", threshold=threshold, secret=secret
    )
    return votes.open_voting(actor=None, motion=motion)


def vote_all(motion, users, choices):
    for user, choice in zip(users, choices, strict=False):
        votes.cast_ballot(actor=user, motion=motion, choice=choice)


def message(exc, field):
    return " ".join(exc.value.message_dict[field])


def test_voting_without_quorum_is_refused_with_the_count_and_nothing_is_written(body):
    check_in(body["meeting"], body["seats"][:3])  # 3 of 6 is not more than half
    motion = votes.create_motion(actor=None, item=body["item"], text="动议")
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        votes.open_voting(actor=None, motion=motion)
    assert "3 of 6" in message(exc, "motion")
    motion.refresh_from_db()
    assert motion.state == Motion.State.DRAFT and motion.present_count == 0
    assert AuditEvent.objects.count() == events


def test_quorum_met_opens_voting_with_a_snapshot_of_members_and_present(body):
    motion = open_motion(body, present=4)
    assert (motion.state, motion.members_count, motion.present_count) == ("open", 6, 4)


def test_a_passed_motion_records_the_tally_and_becomes_a_resolution(body):
    motion = open_motion(body, present=4)
    vote_all(motion, body["users"], ["yes", "yes", "yes", "no"])
    motion = votes.close_voting(actor=None, motion=motion)
    assert motion.result == Motion.Result.PASSED
    assert motion.tally["yes"] == 3 and motion.tally["present"] == 4
    resolution = Resolution.objects.get(motion=motion)
    assert resolution.council == body["council"] and resolution.is_public


def test_exactly_half_of_those_present_fails_a_majority_of_present(body):
    motion = open_motion(body, present=4)
    vote_all(motion, body["users"], ["yes", "yes", "no", "abstain"])
    motion = votes.close_voting(actor=None, motion=motion)
    assert motion.result == Motion.Result.FAILED
    assert not Resolution.objects.filter(motion=motion).exists()


def test_exactly_two_thirds_of_all_members_passes_two_thirds_of_members(body):
    motion = open_motion(body, present=5, threshold=T.TWO_THIRDS_OF_MEMBERS)
    vote_all(motion, body["users"], ["yes", "yes", "yes", "yes", "no"])
    assert votes.close_voting(actor=None, motion=motion).result == Motion.Result.PASSED


def test_abstentions_count_as_votes_cast(body):
    motion = open_motion(body, present=5, threshold=T.MAJORITY_OF_VOTES_CAST)
    vote_all(motion, body["users"], ["yes", "yes", "no", "abstain"])
    assert votes.close_voting(actor=None, motion=motion).result == Motion.Result.FAILED


def test_voting_twice_is_refused_and_counts_once(body):
    motion = open_motion(body)
    votes.cast_ballot(actor=body["users"][0], motion=motion, choice="yes")
    with pytest.raises(ValidationError) as exc:
        votes.cast_ballot(actor=body["users"][0], motion=motion, choice="no")
    assert "already voted" in message(exc, "choice")
    motion.refresh_from_db()
    assert (motion.yes_count, motion.no_count) == (1, 0)
    assert Ballot.objects.filter(motion=motion).count() == 1


def test_an_open_ballot_can_be_changed_until_close_and_the_counts_follow(body):
    motion = open_motion(body)
    votes.cast_ballot(actor=body["users"][0], motion=motion, choice="no")
    votes.change_ballot(actor=body["users"][0], motion=motion, choice="yes")
    motion.refresh_from_db()
    assert (motion.yes_count, motion.no_count) == (1, 0)
    votes.close_voting(actor=None, motion=motion)
    with pytest.raises(ValidationError) as exc:
        votes.change_ballot(actor=body["users"][0], motion=motion, choice="no")
    assert "closed" in message(exc, "motion")


def test_voting_after_close_is_refused_and_nothing_is_written(body):
    motion = open_motion(body)
    votes.close_voting(actor=None, motion=motion)
    with pytest.raises(ValidationError) as exc:
        votes.cast_ballot(actor=body["users"][1], motion=motion, choice="yes")
    assert "closed" in message(exc, "motion")
    assert not Ballot.objects.filter(motion=motion).exists()


def test_voting_before_opening_is_refused(body):
    motion = votes.create_motion(actor=None, item=body["item"], text="动议")
    with pytest.raises(ValidationError):
        votes.cast_ballot(actor=body["users"][0], motion=motion, choice="yes")


def test_secret_ballot_records_who_voted_apart_from_what_and_cannot_be_changed(body):
    motion = open_motion(body, secret=True)
    votes.cast_ballot(actor=body["users"][0], motion=motion, choice="no")
    ballot = Ballot.objects.get(motion=motion)
    assert ballot.choice == "" and ballot.seat == body["seats"][0]
    assert list(SecretChoice.objects.filter(motion=motion).values_list("choice", flat=True)) == ["no"]
    assert not {f.name for f in SecretChoice._meta.get_fields()} & {"seat", "ballot", "cast_by", "user"}
    event = AuditEvent.objects.filter(verb="ballot.cast").latest("id")
    assert "choice" not in event.details
    with pytest.raises(ValidationError):
        votes.change_ballot(actor=body["users"][0], motion=motion, choice="yes")
    with pytest.raises(ValidationError):
        votes.cast_ballot(actor=body["users"][0], motion=motion, choice="yes")
    assert SecretChoice.objects.filter(motion=motion).count() == 1


def test_a_secret_ballot_cannot_be_recorded_by_the_clerk(body):
    motion = open_motion(body, secret=True)
    with pytest.raises(ValidationError):
        votes.cast_ballot(actor=_manager(body), motion=motion, choice="yes", seat=body["seats"][1])


def _manager(body):
    from tests.conftest import make_user

    clerk = make_user("clerk_b")
    body["council"].clerk = clerk
    body["council"].save(update_fields=["clerk"])
    return clerk


def test_a_clerk_records_a_show_of_hands_for_a_present_seat_but_not_for_an_absent_one(body):
    motion = open_motion(body, present=4)
    clerk = _manager(body)
    votes.cast_ballot(actor=clerk, motion=motion, choice="yes", seat=body["seats"][1].pk)
    assert Ballot.objects.get(motion=motion).cast_by == clerk
    with pytest.raises(ValidationError) as exc:
        votes.cast_ballot(actor=clerk, motion=motion, choice="yes", seat=body["seats"][5].pk)
    assert "not present" in message(exc, "seat")


def test_a_member_absent_at_opening_cannot_vote(body):
    motion = open_motion(body, present=4)
    with pytest.raises(ValidationError):
        votes.cast_ballot(actor=body["users"][5], motion=motion, choice="yes")


def test_an_outsider_cannot_vote_or_open_or_close(body, outsider, resident):
    motion = open_motion(body)
    for user in (outsider, resident):
        with pytest.raises(PermissionDenied):
            votes.cast_ballot(actor=user, motion=motion, choice="yes")
        with pytest.raises(PermissionDenied):
            votes.close_voting(actor=user, motion=motion)


@pytest.mark.parametrize("role", ["street_admin", "community_worker"])
def test_area_staff_may_table_motions_only_in_their_area(body, request, role):
    user = request.getfixturevalue(role)
    if role == "street_admin":
        assert votes.create_motion(actor=user, item=body["item"], text="动议").pk
    else:  # 育兰社区 is in Malu, not Fangsong
        with pytest.raises(PermissionDenied):
            votes.create_motion(actor=user, item=body["item"], text="动议")


def test_proxies_vote_only_where_the_body_allows_them(tree):
    from gongzhi.councils.models import Attendance

    council, users, seats = make_council(tree["fangsong"], 4, prefix="p", proxies=True)
    meeting, item = make_meeting(council)
    check_in(meeting, seats[:2])
    # The holder of seat 0 also holds seat 2's proxy.
    Attendance.objects.filter(meeting=meeting, seat=seats[0]).update(proxy_for=seats[2])
    motion = votes.open_voting(actor=None, motion=votes.create_motion(actor=None, item=item, text="动议"))
    assert motion.present_count == 3
    votes.cast_ballot(actor=users[0], motion=motion, choice="yes", seat=seats[2].pk)
    assert Ballot.objects.get(motion=motion, seat=seats[2]).by_proxy
    council.proxies_allowed = False
    council.save(update_fields=["proxies_allowed"])
    check_in(meeting, [seats[3]])
    second = votes.open_voting(actor=None, motion=votes.create_motion(actor=None, item=item, text="另一动议"))
    assert second.present_count == 3  # seats 0, 1, 3: the proxy for seat 2 no longer counts
    with pytest.raises(PermissionDenied):
        votes.cast_ballot(actor=users[0], motion=second, choice="yes", seat=seats[2].pk)


def test_a_motion_on_a_confidential_item_is_invisible_and_unvotable_outside_its_audience(tree):
    from gongzhi.councils.models import Seat

    council, users, seats = make_council(tree["fangsong"], 4, prefix="c")
    Seat.objects.filter(pk__in=[seats[0].pk, seats[1].pk, seats[2].pk]).update(tenure=Seat.Tenure.FULL_TIME)
    meeting, item = make_meeting(council, audience=AgendaItem.Audience.FULL_TIME_MEMBERS)
    check_in(meeting, seats)
    motion = votes.open_voting(actor=None, motion=votes.create_motion(actor=None, item=item, text="任免"))
    from gongzhi.councils.queries_outcomes import can_see_motion

    assert can_see_motion(users[0], motion)
    assert not can_see_motion(users[3], motion)
    with pytest.raises(PermissionDenied):
        votes.cast_ballot(actor=users[3], motion=motion, choice="yes")
    votes.cast_ballot(actor=users[0], motion=motion, choice="yes")
    motion = votes.close_voting(actor=None, motion=motion)
    # Present 4 (the part-time member is present but cannot see the item); the resolution is not public.
    assert not Resolution.objects.filter(motion=motion, is_public=True).exists()


def test_owners_double_majority_from_dwelling_floor_areas(tree):
    from gongzhi.councils.models import Council

    # 8 owners, 100 m² each: a major matter needs 3/4 of area and owners among participants.
    council, users, seats = make_council(
        tree["fangsong"], 8, prefix="o", kind=Council.Kind.OWNERS_ASSEMBLY, areas=[100] * 8
    )
    meeting, item = make_meeting(council)
    motion = votes.create_motion(
        actor=None, item=item, text="使用维修资金", threshold=T.OWNERS_ORDINARY, is_major=True
    )
    assert motion.threshold == T.OWNERS_MAJOR
    motion = votes.open_voting(actor=None, motion=motion)  # no check-in needed: written ballots
    assert motion.tally["total_area"] == "800.00"
    vote_all(motion, users, ["yes"] * 6 + ["no"] * 2)
    motion = votes.close_voting(actor=None, motion=motion)
    assert motion.result == Motion.Result.PASSED
    assert Decimal(motion.tally["yes_area"]) == Decimal(600)


def test_owners_ordinary_matter_fails_without_two_thirds_participation(tree):
    from gongzhi.councils.models import Council

    council, users, seats = make_council(
        tree["fangsong"], 6, prefix="q", kind=Council.Kind.OWNERS_ASSEMBLY, areas=[50, 50, 50, 50, 100, 300]
    )
    meeting, item = make_meeting(council)
    motion = votes.open_voting(
        actor=None,
        motion=votes.create_motion(actor=None, item=item, text="动议", threshold=T.OWNERS_ORDINARY),
    )
    vote_all(motion, users[:4], ["yes"] * 4)  # 4 of 6 owners but only 200 of 600 m²
    motion = votes.close_voting(actor=None, motion=motion)
    assert motion.result == Motion.Result.FAILED
    assert "participation area short" in motion.tally["reasons"]


def test_the_owners_rule_needs_floor_areas(tree):
    council, users, seats = make_council(tree["fangsong"], 3, prefix="z")
    meeting, item = make_meeting(council)
    motion = votes.create_motion(actor=None, item=item, text="动议", threshold=T.OWNERS_ORDINARY)
    with pytest.raises(ValidationError):
        votes.open_voting(actor=None, motion=motion)
