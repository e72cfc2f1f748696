"""Meetings: who schedules, one matter per hearing, agenda input, registration capacity, check-in, quorum, minutes."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from freezegun import freeze_time

from gongzhi.councils import actions, queries
from gongzhi.councils.models import AgendaItem, Attendance, Invitation, Meeting, Proposal, Registration

from .conftest import at


def new_meeting(actor, council, **kw):
    defaults = {"kind": Meeting.Kind.ORDINARY, "title": "例会", "starts_at": at(2), "ends_at": at(2, 16)}
    defaults.update(kw)
    return actions.create_meeting(actor=actor, council=council, **defaults)


@pytest.mark.parametrize("who", ["clerk", "chair"])
def test_the_clerk_and_the_chair_schedule_meetings(council, people, who):
    meeting = new_meeting(people[who], council)
    actions.schedule_meeting(actor=people[who], meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.SCHEDULED
    # Every seat holder is invited once.
    assert Invitation.objects.filter(meeting=meeting).count() == 3


def test_street_admin_schedules_meetings_in_the_street(council, street_admin):
    assert new_meeting(street_admin, council).state == Meeting.State.DRAFT


@pytest.mark.parametrize("who", ["full_timer", "part_timer", "invited_resident", "stranger"])
def test_members_and_residents_cannot_schedule_meetings(council, people, who):
    with pytest.raises(PermissionDenied):
        new_meeting(people[who], council)


@pytest.mark.parametrize("who", ["other_street_admin", "resident", "grid_worker"])
def test_staff_outside_the_area_cannot_schedule_meetings(request, council, who):
    with pytest.raises(PermissionDenied):
        new_meeting(request.getfixturevalue(who), council)
    assert not Meeting.objects.exists()


def test_a_hearing_must_name_its_one_matter(council, people):
    with pytest.raises(ValidationError) as exc:
        new_meeting(people["clerk"], council, kind=Meeting.Kind.HEARING)
    assert "subject_type" in exc.value.message_dict
    assert not Meeting.objects.exists()


def test_a_hearing_about_a_resident_proposal_takes_the_proposals_title(council, people, tree):
    proposal = Proposal(proposer=people["stranger"], title="加装电梯", body="…", threshold=10)
    proposal.set_area(tree["committee"])
    proposal.save()
    meeting = new_meeting(
        people["clerk"],
        council,
        kind=Meeting.Kind.HEARING,
        subject_type="councils.proposal",
        subject_id=proposal.pk,
    )
    assert meeting.subject_label == "加装电梯"


@pytest.mark.parametrize(
    ("subject", "field"),
    [
        ({"subject_type": "cases.case", "subject_id": 1}, "subject_type"),
        ({"subject_type": "councils.proposal", "subject_id": 999}, "subject_id"),
    ],
)
def test_an_unknown_matter_gets_a_clear_message(council, people, subject, field):
    with pytest.raises(ValidationError) as exc:
        new_meeting(people["clerk"], council, kind=Meeting.Kind.COORDINATION, **subject)
    assert field in exc.value.message_dict


def test_a_meeting_must_end_after_it_starts(council, people):
    with pytest.raises(ValidationError) as exc:
        new_meeting(people["clerk"], council, ends_at=at(2, 10))
    assert "ends_at" in exc.value.message_dict


def test_an_agenda_item_with_an_unknown_audience_is_refused_and_nothing_written(meeting, people):
    before = AgendaItem.objects.count()
    with pytest.raises(ValidationError) as exc:
        actions.add_agenda_item(actor=people["clerk"], meeting=meeting, title="x", audience="party_members")
    assert "party_members" in exc.value.message_dict["audience"][0]
    assert AgendaItem.objects.count() == before


def test_nobody_writes_a_confidential_item_outside_their_own_audience(meeting, people, street_admin):
    for actor in (street_admin, people["clerk"]):
        with pytest.raises(ValidationError) as exc:
            actions.add_agenda_item(
                actor=actor, meeting=meeting, title="人事", audience=AgendaItem.Audience.FULL_TIME_MEMBERS
            )
        assert "audience" in exc.value.message_dict
    item = actions.add_agenda_item(
        actor=people["clerk"],
        meeting=meeting,
        title="人事",
        audience=AgendaItem.Audience.NAMED,
        named_users=[people["clerk"], people["chair"]],
    )
    assert set(item.named_users.all()) == {people["clerk"], people["chair"]}


def test_a_named_audience_needs_names(meeting, people):
    with pytest.raises(ValidationError) as exc:
        actions.add_agenda_item(
            actor=people["chair"], meeting=meeting, title="x", audience=AgendaItem.Audience.NAMED
        )
    assert "named_users" in exc.value.message_dict


def test_registration_holds_the_capacity(meeting, people):
    actions.register_for_meeting(actor=people["invited_resident"], meeting=meeting)
    actions.register_for_meeting(actor=people["part_timer"], meeting=meeting)
    with pytest.raises(ValidationError) as exc:
        actions.register_for_meeting(actor=people["full_timer"], meeting=meeting)
    assert "meeting" in exc.value.message_dict
    meeting.refresh_from_db()
    assert meeting.registered_count == 2
    assert Registration.objects.filter(meeting=meeting).count() == 2


def test_registering_twice_is_refused_and_cancelling_frees_the_place(meeting, people):
    actions.register_for_meeting(actor=people["part_timer"], meeting=meeting)
    with pytest.raises(ValidationError):
        actions.register_for_meeting(actor=people["part_timer"], meeting=meeting)
    actions.cancel_registration(actor=people["part_timer"], meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.registered_count == 0
    actions.register_for_meeting(actor=people["part_timer"], meeting=meeting)


def test_a_public_meeting_is_open_to_any_signed_in_resident_for_registration(meeting, people):
    assert actions.register_for_meeting(actor=people["stranger"], meeting=meeting).pk


def test_registration_is_refused_when_closed(meeting, people, street_admin):
    actions.update_meeting(actor=street_admin, meeting=meeting, registration_open=False)
    with pytest.raises(ValidationError):
        actions.register_for_meeting(actor=people["stranger"], meeting=meeting)


def test_a_non_public_meeting_is_not_open_to_strangers(meeting, people, street_admin):
    actions.update_meeting(actor=street_admin, meeting=meeting, is_public=False)
    with pytest.raises(PermissionDenied):
        actions.register_for_meeting(actor=people["stranger"], meeting=meeting)


def on_the_day(meeting):
    return freeze_time(meeting.starts_at - dt.timedelta(minutes=30))


def test_members_and_invited_people_check_themselves_in_on_the_day(meeting, people):
    with pytest.raises(ValidationError):
        actions.check_in(actor=people["full_timer"], meeting=meeting)  # not the day yet
    with on_the_day(meeting):
        a = actions.check_in(actor=people["full_timer"], meeting=meeting)
        assert a.seat is not None
        b = actions.check_in(actor=people["invited_resident"], meeting=meeting)
        assert b.seat is None
        with pytest.raises(ValidationError):
            actions.check_in(actor=people["full_timer"], meeting=meeting)
        with pytest.raises(PermissionDenied):
            actions.check_in(actor=people["stranger"], meeting=meeting)
        with pytest.raises(PermissionDenied):
            actions.check_in(actor=people["part_timer"], meeting=meeting, user=people["chair"])


def test_the_clerk_checks_in_people_without_accounts(meeting, people, council, street_admin):
    no_account = actions.add_seat(
        actor=street_admin,
        council=council,
        holder_name="老王",
        represents="residents",
        term_start=dt.date(2024, 1, 1),
    )
    actions.check_in(actor=people["clerk"], meeting=meeting, seat=no_account)
    actions.check_in(actor=people["clerk"], meeting=meeting, name="列席：派出所民警")
    names = set(Attendance.objects.filter(meeting=meeting).values_list("name", flat=True))
    assert names == {"老王", "列席：派出所民警"}


def test_proxies_only_where_the_rules_allow(meeting, people, council):
    chair_seat = council.seats.get(holder_user=people["chair"])
    with pytest.raises(ValidationError) as exc:
        actions.check_in(
            actor=people["clerk"], meeting=meeting, user=people["full_timer"], proxy_for=chair_seat
        )
    assert "proxy_for" in exc.value.message_dict


def test_quorum_is_more_than_half_of_the_voting_seats(meeting, people):
    assert queries.quorum_status(meeting).members == 3
    actions.check_in(actor=people["clerk"], meeting=meeting, user=people["chair"])
    q = queries.quorum_status(meeting)
    assert (q.present, q.met) == (1, False)
    actions.check_in(actor=people["clerk"], meeting=meeting, user=people["part_timer"])
    actions.check_in(actor=people["clerk"], meeting=meeting, name="旁听居民")  # not a seat: does not count
    q = queries.quorum_status(meeting)
    assert (q.present, q.met) == (2, True)


def test_exactly_half_is_no_quorum_unless_the_boundary_counts(meeting, people, council, street_admin):
    actions.add_seat(
        actor=street_admin,
        council=council,
        holder_name="老王",
        represents="residents",
        term_start=dt.date(2024, 1, 1),
    )
    actions.check_in(actor=people["clerk"], meeting=meeting, user=people["chair"])
    actions.check_in(actor=people["clerk"], meeting=meeting, user=people["part_timer"])
    assert not queries.quorum_status(meeting).met  # 2 of 4 is not more than half
    actions.update_council(actor=street_admin, council=council, quorum_inclusive=True)
    meeting.refresh_from_db()
    assert queries.quorum_status(meeting).met


def test_minutes_go_from_draft_to_approved_to_published(meeting, people, items):
    public, secret = items
    actions.draft_minutes(
        actor=people["chair"],
        meeting=meeting,
        text="会议开始",
        sections={public.pk: "同意规划", secret.pk: "同意任命"},
    )
    with pytest.raises(ValidationError):
        actions.approve_minutes(actor=people["chair"], meeting=meeting)  # not held yet
    with freeze_time(meeting.starts_at + dt.timedelta(hours=1)):
        actions.mark_held(actor=people["clerk"], meeting=meeting)
    actions.approve_minutes(actor=people["clerk"], meeting=meeting)
    with pytest.raises(ValidationError):
        actions.draft_minutes(actor=people["chair"], meeting=meeting, text="改")
    actions.publish_minutes(actor=people["clerk"], meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.minutes_state == Meeting.MinutesState.PUBLISHED
    public_sections = queries.minutes_for(None, meeting, public=True)
    assert [s["text"] for s in public_sections] == ["同意规划"]


def test_the_clerk_cannot_write_the_minutes_of_an_item_outside_their_audience(meeting, people, items):
    _public, secret = items
    with pytest.raises(PermissionDenied):
        actions.draft_minutes(actor=people["clerk"], meeting=meeting, sections={secret.pk: "x"})


def test_members_cannot_write_minutes(meeting, people):
    with pytest.raises(PermissionDenied):
        actions.draft_minutes(actor=people["full_timer"], meeting=meeting, text="x")


def test_cancelling_tells_the_invited(meeting, people, django_capture_on_commit_callbacks):
    from gongzhi.notices.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        actions.cancel_meeting(actor=people["clerk"], meeting=meeting, reason="台风")
    assert Notification.objects.filter(recipient=people["invited_resident"]).exists()
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.CANCELLED


def test_answering_an_invitation_is_for_the_invited_only(meeting, people):
    invitation = Invitation.objects.get(meeting=meeting, user=people["invited_resident"])
    with pytest.raises(PermissionDenied):
        actions.answer_invitation(actor=people["stranger"], invitation=invitation, response="accepted")
    actions.answer_invitation(actor=people["invited_resident"], invitation=invitation, response="accepted")
    invitation.refresh_from_db()
    assert invitation.response == "accepted"


def test_inviting_the_same_account_twice_is_a_clear_error(meeting, people):
    with pytest.raises(ValidationError):
        actions.invite(actor=people["clerk"], meeting=meeting, user=people["invited_resident"])


def test_a_new_user_can_be_invited_without_an_account(meeting, people):
    inv = actions.invite(actor=people["clerk"], meeting=meeting, name="物业公司经理", party_label="物业")
    assert inv.user is None
