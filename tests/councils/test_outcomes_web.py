"""Pages and API of votes, accountability, agreements, proposals and elections: flows, errors, permissions."""

import datetime as dt

import pytest

from gongzhi.accounts.roles import Role
from gongzhi.councils.actions import outcomes, votes
from gongzhi.councils.models import AgendaItem, Ballot, Motion, Proposal, Resolution
from tests.conftest import make_user

from .test_outcomes_support import check_in, english, make_council, make_meeting  # noqa: F401 - fixture

API = "/api/v1/councils-outcomes"


@pytest.fixture(autouse=True)
def english_requests(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def voting(tree):
    council, users, seats = make_council(tree["fangsong"], 3, prefix="w")
    meeting, item = make_meeting(council)
    check_in(meeting, seats)
    return council, users, seats, meeting, item


def test_a_motion_is_tabled_opened_voted_and_closed_through_the_pages(client_for, voting, street_admin):
    council, users, seats, meeting, item = voting
    c = client_for(street_admin)
    assert "Table the motion" in c.get(f"/councils/items/{item.pk}/votes/").content.decode()
    response = c.post(f"/councils/items/{item.pk}/votes/", {"text": "同意", "threshold": "present_majority"})
    motion = Motion.objects.get(item=item)
    assert response.status_code == 302
    c.post(f"/councils/motions/{motion.pk}/open/")
    for u in users:
        client = client_for(u)
        page = client.get(f"/councils/motions/{motion.pk}/")
        assert "Cast the ballot" in page.content.decode()
        client.post(f"/councils/motions/{motion.pk}/vote/", {"choice": "yes", "seat": ""})
    c = client_for(street_admin)
    c.post(f"/councils/motions/{motion.pk}/close/")
    motion.refresh_from_db()
    assert motion.result == "passed" and Ballot.objects.filter(motion=motion).count() == 3
    resolution = Resolution.objects.get(motion=motion)
    c.post(
        f"/councils/resolutions/{resolution.pk}/actions/",
        {
            "title": "落实",
            "owner_kind": "unit",
            "owner_label": "物业",
            "owner_username": "",
            "due_on": "2099-01-01",
        },
    )
    assert resolution.action_items.count() == 1
    c.logout()
    public = c.get(f"/councils/accountability/?area={tree_area(council)}")
    assert public.status_code == 200 and resolution.title in public.content.decode()
    assert c.get(f"/councils/resolutions/{resolution.pk}/").status_code == 200


def tree_area(council):
    return council.area_id


def test_voting_twice_through_the_api_is_a_422_with_a_message(client_for, voting):
    council, users, seats, meeting, item = voting
    motion = votes.open_voting(actor=None, motion=votes.create_motion(actor=None, item=item, text="动议"))
    c = client_for(users[0])
    assert (
        c.post(
            f"{API}/motions/{motion.pk}/ballots", {"choice": "yes"}, content_type="application/json"
        ).status_code
        == 201
    )
    again = c.post(f"{API}/motions/{motion.pk}/ballots", {"choice": "no"}, content_type="application/json")
    assert again.status_code == 422
    assert "already voted" in again.json()["error"]["message"]
    changed = c.put(f"{API}/motions/{motion.pk}/ballots", {"choice": "no"}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["choice"] == "no"


def test_the_api_runs_a_vote_and_hides_secret_choices(client_for, voting, street_admin):
    council, users, seats, meeting, item = voting
    admin = client_for(street_admin)
    created = admin.post(
        f"{API}/items/{item.pk}/motions", {"text": "任免", "secret": True}, content_type="application/json"
    )
    assert created.status_code == 201
    mid = created.json()["id"]
    assert admin.post(f"{API}/motions/{mid}/open").json()["state"] == "open"
    for u in users:
        client_for(u).post(f"{API}/motions/{mid}/ballots", {"choice": "yes"}, content_type="application/json")
    admin = client_for(street_admin)
    closed = admin.post(f"{API}/motions/{mid}/close").json()
    assert closed["result"] == "passed" and closed["resolution_id"]
    detail = admin.get(f"{API}/motions/{mid}").json()
    assert {b["choice"] for b in detail["ballots"]} == {""} and len(detail["ballots"]) == 3


def test_a_confidential_motion_is_a_404_outside_its_audience(client_for, tree):
    council, users, seats = make_council(tree["fangsong"], 2, prefix="k")
    meeting, item = make_meeting(council, audience=AgendaItem.Audience.NAMED, named=[users[0]])
    motion = votes.create_motion(actor=None, item=item, text="人事")
    assert client_for(users[0]).get(f"{API}/motions/{motion.pk}").status_code == 200
    assert client_for(users[1]).get(f"{API}/motions/{motion.pk}").status_code == 404
    assert client_for(users[1]).get(f"/councils/motions/{motion.pk}/").status_code == 404


def test_an_agreement_with_a_negative_quantity_is_a_422_on_the_api_and_the_page(
    client_for, tree, street_admin
):
    body = {
        "area": tree["fangsong"].pk,
        "title": "共建契约",
        "counterparty_kind": "unit",
        "counterparty_label": "某单位",
        "community_signatory": "甲",
        "counterparty_signatory": "乙",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "items": [{"side": "counterparty", "description": "志愿服务", "quantity": "-3"}],
    }
    c = client_for(street_admin)
    response = c.post(f"{API}/agreements", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"items.0.quantity": ["A quantity cannot be negative."]}
    form = {k: v for k, v in body.items() if k not in ("items", "area")}
    form.update(
        {
            "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "0",
            "items-MIN_NUM_FORMS": "1",
            "items-MAX_NUM_FORMS": "40",
            "items-0-side": "counterparty",
            "items-0-description": "志愿服务",
            "items-0-quantity": "-3",
        }
    )
    page = c.post(f"/councils/agreements/new/?area={tree['fangsong'].pk}", form)
    assert page.status_code == 422 and "A quantity cannot be negative." in page.content.decode()
    body["items"][0]["quantity"] = "30"
    created = c.post(f"{API}/agreements", body, content_type="application/json")
    assert created.status_code == 201 and created.json()["commitments"][0]["delivered"] == "0"
    assert c.get(f"/councils/agreements/?area={tree['fangsong'].pk}").status_code == 200
    assert c.get(f"/councils/agreements/{created.json()['id']}/").status_code == 200


def test_agreement_pages_and_api_are_closed_to_residents(client_for, tree, resident):
    c = client_for(resident)
    assert c.get(f"{API}/agreements?area={tree['fangsong'].pk}").status_code == 403
    assert c.get(f"/councils/agreements/?area={tree['fangsong'].pk}").status_code == 403


def test_a_resident_submits_and_others_support_a_proposal_through_the_pages(client_for, tree):
    proposer = make_user("p0", Role.RESIDENT, tree["committee"])
    supporter = make_user("p1", Role.RESIDENT, tree["committee"])
    c = client_for(proposer)
    assert c.get("/councils/proposals/new/").status_code == 200
    response = c.post(
        "/councils/proposals/new/",
        {"area": tree["committee"].pk, "title": "加装路灯", "body": "小区东门路段夜间太暗。"},
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    c = client_for(supporter)
    assert "加装路灯" in c.get(f"/councils/proposals/?area={tree['committee'].pk}").content.decode()
    assert "Support this proposal" in c.get(f"/councils/proposals/{proposal.pk}/").content.decode()
    c.post(f"/councils/proposals/{proposal.pk}/support/")
    assert Proposal.objects.get().support_count == 1
    assert "You support this proposal" in c.get(f"/councils/proposals/{proposal.pk}/").content.decode()
    api = c.post(f"{API}/proposals/{proposal.pk}/support")
    assert api.status_code == 422


def test_election_pages_for_the_committee(client_for, tree, committee_worker):
    c = client_for(committee_worker)
    response = c.post(
        f"/councils/elections/new/?area={tree['committee'].pk}",
        {
            "area": tree["committee"].pk,
            "kind": "residents_committee",
            "title": "换届选举",
            "electorate": "all_voters",
            "representatives_per_group": 2,
            "seats_to_fill": 3,
            "voting_day": "2099-05-01",
            "turnout_numerator": 1,
            "turnout_denominator": 2,
            "win_numerator": 1,
            "win_denominator": 2,
        },
    )
    assert response.status_code == 302
    page = c.get(response["Location"])
    assert "Organic Law" in page.content.decode()
    election_id = response["Location"].rstrip("/").split("/")[-1]
    c.post(f"/councils/elections/{election_id}/build-roll/")
    assert c.get(f"/councils/elections/{election_id}/roll/").status_code == 200
    assert c.get(f"{API}/elections/{election_id}").json()["rule_label"].startswith("Organic Law")


def test_my_actions_page_lists_what_i_own(client_for, voting):
    council, users, seats, meeting, item = voting
    resolution = outcomes.record_resolution(
        actor=None, council=council, title="决议", text="内容", decided_on=dt.date(2026, 1, 1)
    )
    outcomes.add_action_item(
        actor=None,
        resolution=resolution,
        title="我的任务",
        owner_kind="person",
        owner_label="我",
        owner_user=users[0],
        due_on=dt.date(2099, 1, 1),
    )
    page = client_for(users[0]).get("/councils/actions/mine/")
    assert "我的任务" in page.content.decode()
    raw = client_for(users[0]).get(f"{API}/action-items/mine")
    assert raw.status_code == 200, raw.content[:300]
    api = raw.json()
    assert [i["title"] for i in api["items"]] == ["我的任务"]
    progress = client_for(users[0]).post(
        f"{API}/action-items/{api['items'][0]['id']}/progress",
        {"progress": 30, "note": "开始"},
        content_type="application/json",
    )
    assert progress.status_code == 201
