"""A confidential item is invisible outside its audience in every channel: pages, API, iCalendar,
notifications, papers, minutes, the audit log; the meeting shows only that such an item exists."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from icalendar import Calendar

from gongzhi.core.models import AuditEvent
from gongzhi.councils import actions, queries, visibility
from gongzhi.councils.models import AgendaItem
from gongzhi.notices.models import Notification

SECRET = "干部任免：张三"

INSIDE = ["chair", "full_timer"]
OUTSIDE = ["part_timer", "clerk", "invited_resident", "stranger"]


@pytest.mark.parametrize("who", INSIDE)
def test_full_time_members_see_the_personnel_item(people, items, who):
    assert visibility.can_see_item(people[who], items[1])


@pytest.mark.parametrize("who", OUTSIDE)
def test_nobody_else_sees_the_personnel_item(people, items, who):
    assert not visibility.can_see_item(people[who], items[1])
    assert visibility.can_see_item(people[who], items[0])


@pytest.mark.parametrize("who", ["street_admin", "city_admin", "community_worker"])
def test_administrators_are_not_in_the_audience_by_office(request, items, who):
    assert not visibility.can_see_item(request.getfixturevalue(who), items[1])


def test_anonymous_visitors_see_only_public_items(items):
    from django.contrib.auth.models import AnonymousUser

    assert visibility.can_see_item(AnonymousUser(), items[0])
    assert not visibility.can_see_item(AnonymousUser(), items[1])


def test_the_query_and_the_object_rule_agree(people, meeting, street_admin):
    actions.add_agenda_item(
        actor=people["chair"], meeting=meeting, title="成员议题", audience=AgendaItem.Audience.MEMBERS
    )
    actions.add_agenda_item(
        actor=people["chair"],
        meeting=meeting,
        title="点名议题",
        audience=AgendaItem.Audience.NAMED,
        named_users=[people["chair"], people["stranger"]],
    )
    for user in [*people.values(), street_admin]:
        by_rule = {i.pk for i in meeting.items.all() if visibility.can_see_item(user, i)}
        by_query = set(visibility.item_queryset_for(user, meeting.items.all()).values_list("pk", flat=True))
        assert by_rule == by_query, user


def test_a_member_whose_term_ended_before_the_meeting_is_outside_the_audience(
    people, council, items, street_admin
):
    import datetime as dt

    seat = council.seats.get(holder_user=people["full_timer"])
    actions.end_seat(actor=street_admin, seat=seat, on=dt.date(2024, 12, 31))
    people["full_timer"].refresh_from_db()
    visibility.forget(people["full_timer"])
    assert not visibility.can_see_item(people["full_timer"], items[1])


@pytest.mark.parametrize(("who", "shown"), [("full_timer", True), ("part_timer", False), ("clerk", False)])
def test_the_meeting_page_shows_only_that_a_confidential_item_exists(client_for, people, meeting, who, shown):
    html = client_for(people[who]).get(reverse("councils:meeting", args=[meeting.pk])).content.decode()
    assert "社区发展规划" in html
    assert (SECRET in html) is shown
    assert ("confidential-placeholder" in html) is not shown


def test_the_public_page_hides_the_item(client, meeting):
    html = client.get(reverse("councils:public_meeting", args=[meeting.pk])).content.decode()
    assert "社区发展规划" in html and SECRET not in html


@pytest.mark.parametrize(("who", "shown"), [("chair", True), ("part_timer", False)])
def test_the_api_agenda_hides_the_item(client_for, people, meeting, who, shown):
    rows = client_for(people[who]).get(f"/api/v1/councils/meetings/{meeting.pk}/agenda").json()
    assert len(rows) == 2
    secret = rows[1]
    assert secret["confidential"] is True
    assert secret["visible"] is shown
    assert (secret["title"] == SECRET) is shown


def test_the_api_refuses_a_hidden_item_by_id(client_for, people, items):
    r = client_for(people["part_timer"]).patch(
        f"/api/v1/councils/agenda-items/{items[1].pk}", {"title": "x"}, content_type="application/json"
    )
    assert r.status_code == 404


@pytest.mark.parametrize(("who", "shown"), [("full_timer", True), ("part_timer", False)])
def test_icalendar_hides_the_item(client_for, people, meeting, who, shown):
    body = client_for(people[who]).get(reverse("councils:meeting_ics", args=[meeting.pk])).content
    event = next(iter(Calendar.from_ical(body).walk("VEVENT")))
    assert (SECRET in str(event["DESCRIPTION"])) is shown


def test_notifications_carry_the_item_only_to_its_audience(
    council, people, django_capture_on_commit_callbacks
):
    from .conftest import at

    m = actions.create_meeting(
        actor=None, council=council, kind="ordinary", title="第二次例会", starts_at=at(3), ends_at=at(3, 16)
    )
    actions.add_agenda_item(actor=None, meeting=m, title="公开议题")
    actions.add_agenda_item(
        actor=None, meeting=m, title=SECRET, audience=AgendaItem.Audience.FULL_TIME_MEMBERS
    )
    with django_capture_on_commit_callbacks(execute=True):
        actions.schedule_meeting(actor=people["clerk"], meeting=m)
    full = Notification.objects.get(recipient=people["full_timer"])
    part = Notification.objects.get(recipient=people["part_timer"])
    assert SECRET in full.body and "公开议题" in full.body
    assert SECRET not in part.body and "公开议题" in part.body


def test_papers_of_a_confidential_item_are_not_served_outside_the_audience(
    client_for, people, items, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    paper = actions.add_paper(
        actor=people["chair"], item=items[1], title="考察材料", file=SimpleUploadedFile("a.txt", b"secret")
    )
    assert client_for(people["part_timer"]).get(reverse("councils:paper", args=[paper.pk])).status_code == 404
    assert client_for(people["full_timer"]).get(reverse("councils:paper", args=[paper.pk])).status_code == 200


def test_the_clerk_cannot_attach_papers_to_an_item_they_cannot_see(people, items):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.add_paper(
            actor=people["clerk"], item=items[1], title="x", file=SimpleUploadedFile("a.txt", b"x")
        )


def test_minutes_of_the_item_are_seen_by_its_audience_only(client_for, people, meeting, items):
    actions.draft_minutes(
        actor=people["chair"],
        meeting=meeting,
        text="总述",
        sections={items[0].pk: "公开纪要", items[1].pk: "人事纪要"},
    )
    assert [s["text"] for s in queries.minutes_for(people["full_timer"], meeting)] == ["公开纪要", "人事纪要"]
    assert [s["text"] for s in queries.minutes_for(people["clerk"], meeting)] == ["公开纪要"]
    html = client_for(people["clerk"]).get(reverse("councils:meeting", args=[meeting.pk])).content.decode()
    assert "人事纪要" not in html and "公开纪要" in html
    body = client_for(people["clerk"]).get(f"/api/v1/councils/meetings/{meeting.pk}/minutes").json()
    assert [s["text"] for s in body["sections"]] == ["公开纪要"]


def test_the_audit_log_does_not_name_a_confidential_item(items):
    assert not AuditEvent.objects.filter(object_repr__contains="干部任免").exists()
    assert not AuditEvent.objects.filter(details__icontains="张三").exists()
