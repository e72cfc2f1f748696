"""iCalendar: each meeting as .ics parsed back with the icalendar library; secret per-user feed URLs."""

from django.urls import reverse
from icalendar import Calendar

from gongzhi.councils import actions
from gongzhi.councils.models import FeedToken


def events(body: bytes):
    return list(Calendar.from_ical(body).walk("VEVENT"))


def test_a_meeting_ics_parses_back_with_uid_times_place_and_sequence(client_for, people, meeting):
    body = client_for(people["chair"]).get(reverse("councils:meeting_ics", args=[meeting.pk])).content
    (event,) = events(body)
    assert str(event["UID"]) == f"{meeting.uid}@gongzhi"
    assert event.decoded("DTSTART") == meeting.starts_at
    assert event.decoded("DTEND") == meeting.ends_at
    assert str(event["LOCATION"]) == "方松街道会议室"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert int(event["SEQUENCE"]) == meeting.sequence


def test_a_change_bumps_the_sequence_and_a_cancellation_says_cancelled(client_for, people, meeting):
    before = meeting.sequence
    actions.update_meeting(actor=people["clerk"], meeting=meeting, place="社区党群服务中心")
    actions.cancel_meeting(actor=people["clerk"], meeting=meeting)
    (event,) = events(
        client_for(people["chair"]).get(reverse("councils:meeting_ics", args=[meeting.pk])).content
    )
    assert int(event["SEQUENCE"]) > before
    assert str(event["STATUS"]) == "CANCELLED"


def test_the_personal_feed_needs_the_secret_address_and_replacing_it_revokes_the_old(
    client, client_for, people, meeting
):
    token = actions.reset_feed_token(actor=people["part_timer"])
    url = reverse("councils:feed_mine", args=[token.key])
    (event,) = events(client.get(url).content)  # calendar apps fetch without a session
    assert "干部任免" not in str(event["DESCRIPTION"])
    old = token.key
    actions.reset_feed_token(actor=people["part_timer"])
    assert FeedToken.objects.get(user=people["part_timer"]).key != old
    assert client.get(url).status_code == 404


def test_the_council_feed_shows_the_users_view_of_the_body(client, people, meeting, council):
    token = actions.reset_feed_token(actor=people["full_timer"])
    body = client.get(reverse("councils:feed_council", args=[token.key, council.pk])).content
    (event,) = events(body)
    assert "干部任免" in str(event["DESCRIPTION"])


def test_the_public_feed_of_a_public_body_needs_no_login(client, meeting, council):
    body = client.get(reverse("councils:public_council_ics", args=[council.pk])).content
    (event,) = events(body)
    assert "社区发展规划" in str(event["DESCRIPTION"]) and "干部任免" not in str(event["DESCRIPTION"])


def test_draft_meetings_are_not_in_the_public_feed(client, council, people):
    from .conftest import at

    actions.create_meeting(
        actor=None, council=council, kind="ordinary", title="草稿会议", starts_at=at(5), ends_at=at(5, 16)
    )
    body = client.get(reverse("councils:public_council_ics", args=[council.pk])).content
    assert events(body) == []
