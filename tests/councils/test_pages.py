"""Council pages: lists, forms through the actions, errors next to fields, public pages without login."""

import pytest
from django.urls import reverse

from gongzhi.councils.models import Council, Meeting


def test_council_list_and_detail_for_staff(client_for, street_admin, council):
    c = client_for(street_admin)
    assert council.name in c.get(reverse("councils:list")).content.decode()
    html = c.get(reverse("councils:council", args=[council.pk])).content.decode()
    assert "part_timer" in html and 'id="add-seat"' in html


def test_creating_a_council_through_the_form(client_for, street_admin, tree):
    r = client_for(street_admin).post(
        reverse("councils:council_create"),
        {
            "area": tree["fangsong"].pk,
            "kind": "joint_meeting",
            "name": "共建联席会议",
            "quorum_numerator": 1,
            "quorum_denominator": 2,
            "default_threshold": "present_majority",
            "is_public": "on",
        },
    )
    assert r.status_code == 302
    assert Council.objects.filter(name="共建联席会议", kind="joint_meeting").exists()


def test_an_overlapping_seat_shows_the_error_next_to_the_field(client_for, street_admin, council):
    r = client_for(street_admin).post(
        reverse("councils:seat_add", args=[council.pk]),
        {
            "holder_user": "chair",
            "position": "member",
            "represents": "unit",
            "tenure": "part_time",
            "term_start": "2025-01-01",
        },
    )
    assert r.status_code == 422
    assert "id_term_start-errors" in r.content.decode()


def test_the_clerk_creates_a_meeting_through_the_form(client_for, people, council):
    r = client_for(people["clerk"]).post(
        reverse("councils:meeting_create", args=[council.pk]),
        {
            "kind": "ordinary",
            "title": "月度例会",
            "starts_at": "2030-01-05T14:00",
            "ends_at": "2030-01-05T16:00",
            "is_public": "on",
        },
    )
    assert r.status_code == 302
    m = Meeting.objects.get(title="月度例会")
    assert m.state == Meeting.State.DRAFT


@pytest.mark.parametrize("who", ["part_timer", "invited_resident"])
def test_members_and_residents_get_no_meeting_form(client_for, people, council, who):
    assert (
        client_for(people[who]).get(reverse("councils:meeting_create", args=[council.pk])).status_code == 403
    )


def test_public_pages_need_no_login(client, council, meeting):
    assert client.get(reverse("councils:public_council", args=[council.pk])).status_code == 200
    assert client.get(reverse("councils:public_meeting", args=[meeting.pk])).status_code == 200


def test_a_draft_or_non_public_meeting_is_not_found_for_visitors(client, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(is_public=False)
    assert client.get(reverse("councils:public_meeting", args=[meeting.pk])).status_code == 404
    r = client.get(reverse("councils:meeting", args=[meeting.pk]))
    assert r.status_code == 404


def test_self_check_in_and_registration_buttons(client_for, people, meeting):
    html = (
        client_for(people["invited_resident"])
        .get(reverse("councils:meeting", args=[meeting.pk]))
        .content.decode()
    )
    assert 'id="register"' in html and 'id="self-check-in"' in html


def test_the_calendar_page_creates_a_feed_address(client_for, people):
    c = client_for(people["part_timer"])
    assert c.post(reverse("councils:feed_reset")).status_code == 302
    assert "/mine.ics" in c.get(reverse("councils:calendar")).content.decode()


def test_the_minutes_form_lists_only_items_in_the_writers_audience(client_for, people, meeting):
    html = client_for(people["clerk"]).get(reverse("councils:minutes", args=[meeting.pk])).content.decode()
    assert "社区发展规划" in html and "干部任免" not in html
