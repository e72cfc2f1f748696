"""The councils API: every action is an operation; bad input answers 422 with the field and nothing is written."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from gongzhi.councils.models import AgendaItem, Council, Seat

API = "/api/v1/councils"


def as_user(user):
    c = Client()
    c.force_login(user)
    return c


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


@pytest.fixture
def admin_client(client_for, street_admin):
    return client_for(street_admin)


def test_create_a_council_with_a_composition_rule_and_seats(admin_client, tree):
    r = post(
        admin_client,
        f"{API}/councils",
        {
            "area": tree["fangsong"].pk,
            "kind": "representative_assembly",
            "name": "社区成员代表会议",
            "composition_rules": [{"represents": ["unit"], "min": [1, 2]}],
        },
    )
    assert r.status_code == 201, r.content
    cid = r.json()["id"]
    r = post(
        admin_client,
        f"{API}/councils/{cid}/seats",
        {"holder_name": "居民甲", "represents": "residents", "term_start": "2024-01-01"},
    )
    assert r.status_code == 201
    r = post(admin_client, f"{API}/councils/{cid}/roster/publish", {})
    assert r.status_code == 422 and "composition_rules" in r.json()["error"]["fields"]
    post(
        admin_client,
        f"{API}/councils/{cid}/seats",
        {"holder_name": "单位甲", "represents": "unit", "term_start": "2024-01-01"},
    )
    assert post(admin_client, f"{API}/councils/{cid}/roster/publish", {}).status_code == 200
    comp = admin_client.get(f"{API}/councils/{cid}/composition").json()
    assert comp[0]["holds"] is True


def test_an_overlapping_seat_is_a_422_and_nothing_is_written(admin_client, council, people):
    before = Seat.objects.count()
    r = post(
        admin_client,
        f"{API}/councils/{council.pk}/seats",
        {"holder_user": people["chair"].pk, "represents": "unit", "term_start": "2025-01-01"},
    )
    assert r.status_code == 422
    assert "term_start" in r.json()["error"]["fields"]
    assert Seat.objects.count() == before


def test_an_unknown_audience_is_a_422_and_nothing_is_written(client_for, people, meeting):
    before = AgendaItem.objects.count()
    r = post(
        client_for(people["clerk"]),
        f"{API}/meetings/{meeting.pk}/agenda",
        {"title": "x", "audience": "secret_friends"},
    )
    assert r.status_code == 422
    assert "audience" in r.json()["error"]["fields"]
    assert AgendaItem.objects.count() == before


def test_part_time_member_cannot_create_meetings_through_the_api(client_for, people, council):
    r = post(
        client_for(people["part_timer"]),
        f"{API}/councils/{council.pk}/meetings",
        {"title": "x", "starts_at": "2030-01-01T10:00:00+08:00", "ends_at": "2030-01-01T11:00:00+08:00"},
    )
    assert r.status_code == 403


def test_meeting_lifecycle_through_the_api(people, council):
    clerk = as_user(people["clerk"])
    starts = timezone.now() + dt.timedelta(minutes=30)
    r = post(
        clerk,
        f"{API}/councils/{council.pk}/meetings",
        {
            "kind": "hearing",
            "title": "听证会",
            "subject_type": "other",
            "subject_label": "小区停车改造方案",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + dt.timedelta(hours=2)).isoformat(),
            "capacity": 50,
            "registration_open": True,
        },
    )
    assert r.status_code == 201, r.content
    mid = r.json()["id"]
    assert post(clerk, f"{API}/meetings/{mid}/agenda", {"title": "方案说明"}).status_code == 201
    assert post(clerk, f"{API}/meetings/{mid}/schedule", {}).json()["state"] == "scheduled"
    chair = as_user(people["chair"])
    assert post(chair, f"{API}/meetings/{mid}/registration", {}).json()["registered_count"] == 1
    assert post(chair, f"{API}/meetings/{mid}/registration", {}).status_code == 422
    assert post(chair, f"{API}/meetings/{mid}/attendance", {}).status_code == 201
    r = post(clerk, f"{API}/meetings/{mid}/attendance", {"user": people["full_timer"].pk})
    assert r.status_code == 201
    q = clerk.get(f"{API}/meetings/{mid}/quorum").json()
    assert (q["present"], q["members"], q["met"]) == (2, 3, True)
    assert clerk.get(f"{API}/meetings/{mid}/invitations").json()["items"]


def test_a_draft_meeting_is_invisible_to_members(client_for, people, council):
    from gongzhi.councils import actions

    from .conftest import at

    m = actions.create_meeting(
        actor=None, council=council, kind="ordinary", title="草稿", starts_at=at(4), ends_at=at(4, 16)
    )
    assert client_for(people["part_timer"]).get(f"{API}/meetings/{m.pk}").status_code == 404
    assert client_for(people["clerk"]).get(f"{API}/meetings/{m.pk}").status_code == 200


def test_council_list_is_scoped(client_for, people, council, other_street_admin):
    Council.objects.filter(pk=council.pk).update(is_public=False)
    assert client_for(other_street_admin).get(f"{API}/councils").json()["items"] == []
    assert [c["id"] for c in client_for(people["part_timer"]).get(f"{API}/councils").json()["items"]] == [
        council.pk
    ]
