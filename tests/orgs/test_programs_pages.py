"""Programme pages and API: who may open and post what, and bad input answered next to the field / as 422."""

import datetime as dt
import json

import pytest

from gongzhi.orgs.actions import contracts as C
from gongzhi.orgs.actions import programs as A
from gongzhi.orgs.models import ReviewScore, ServiceContract, VentureCall

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def contract(tree, street_admin, org):
    return C.create_contract(
        actor=street_admin,
        area=tree["fangsong"],
        kind="purchase",
        title="青少年社工服务",
        provider=org,
        budget=100000,
        starts_on=D(2024, 1, 1),
        ends_on=D(2024, 12, 31),
        indicators=[{"name": "个案", "target": 30}],
    )


@pytest.fixture
def call(tree, street_admin):
    call = A.create_call(
        actor=street_admin,
        area=tree["fangsong"],
        title="方松公益创投",
        budget=50000,
        criteria="c",
        opens_on=D(2024, 1, 1),
        closes_on=D(2099, 1, 1),
    )
    return A.open_call(actor=street_admin, call=call)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("street_admin", 200),
        ("registry_officer", 200),
        ("org_staff", 200),
        ("community_worker", 200),
        ("grid_worker", 403),
        ("resident", 403),
        ("outsider", 403),
    ],
)
def test_programme_lists_by_role(request, client_for, who, status, contract, call):
    client = client_for(request.getfixturevalue(who))
    for url in ("/orgs/programs/calls/", "/orgs/programs/contracts/", "/orgs/programs/incubations/"):
        assert client.get(url).status_code == status, url


def test_org_staff_see_their_contract_and_the_open_call_but_not_others(
    client_for, org_staff, contract, call, tree, street_admin, malu_org
):
    other = C.create_contract(
        actor=None,
        area=tree["malu"],
        kind="purchase",
        title="马陆服务",
        provider=malu_org,
        budget=1,
        starts_on=D(2024, 1, 1),
        ends_on=D(2024, 2, 1),
    )
    client = client_for(org_staff)
    assert client.get(f"/orgs/programs/contracts/{contract.pk}/").status_code == 200
    assert client.get(f"/orgs/programs/contracts/{other.pk}/").status_code == 403
    page = client.get(f"/orgs/programs/calls/{call.pk}/")
    assert page.status_code == 200 and b'id="apply"' in page.content


def test_create_contract_page_shows_errors_next_to_fields(client_for, street_admin, org, tree):
    client = client_for(street_admin)
    assert client.get("/orgs/programs/contracts/new/").status_code == 200
    response = client.post(
        "/orgs/programs/contracts/new/",
        {
            "area": tree["fangsong"].pk,
            "kind": "hosting",
            "title": "托管",
            "provider": org.pk,
            "centre_name": "睦邻中心",
            "budget": "-5",
            "starts_on": "2024-03-01",
            "ends_on": "2024-01-01",
            "ind-TOTAL_FORMS": "1",
            "ind-INITIAL_FORMS": "0",
            "ind-0-name": "服务人次",
            "ind-0-target": "100",
        },
    )
    assert response.status_code == 422
    assert (
        "Amounts cannot be negative." in response.content.decode() or "不能为负" in response.content.decode()
    )
    assert not ServiceContract.objects.exists()
    good = client.post(
        "/orgs/programs/contracts/new/",
        {
            "area": tree["fangsong"].pk,
            "kind": "hosting",
            "title": "托管",
            "provider": org.pk,
            "centre_name": "睦邻中心",
            "budget": "5000",
            "starts_on": "2024-01-01",
            "ends_on": "2024-12-31",
            "ind-TOTAL_FORMS": "1",
            "ind-INITIAL_FORMS": "0",
            "ind-0-name": "服务人次",
            "ind-0-target": "100",
        },
    )
    assert good.status_code == 302
    assert ServiceContract.objects.get().indicators.count() == 1


@pytest.mark.parametrize("who", ["org_staff", "committee_worker", "other_street_admin"])
def test_others_cannot_open_the_new_call_page_or_sign(request, client_for, who, contract):
    client = client_for(request.getfixturevalue(who))
    if who != "other_street_admin":  # a street admin runs calls in their own street
        assert client.get("/orgs/programs/calls/new/").status_code == 403
    assert (
        client.post(f"/orgs/programs/contracts/{contract.pk}/sign/", {"signed_on": "2023-12-01"}).status_code
        == 403
    )
    contract.refresh_from_db()
    assert contract.state == "draft"


def test_api_create_call_validation_and_permission(client_for, street_admin, org_staff, tree):
    body = {
        "area_id": tree["fangsong"].pk,
        "title": "创投",
        "budget": "1000",
        "criteria": "c",
        "opens_on": "2024-03-01",
        "closes_on": "2024-01-01",
    }
    response = client_for(street_admin).post(
        "/api/v1/orgs-programs/calls", body, content_type="application/json"
    )
    assert response.status_code == 422
    assert "closes_on" in response.json()["error"]["fields"]
    denied = client_for(org_staff).post(
        "/api/v1/orgs-programs/calls", {**body, "closes_on": "2024-05-01"}, content_type="application/json"
    )
    assert denied.status_code == 403
    assert not VentureCall.objects.exists()


def test_api_apply_score_twice_and_list(client_for, org_staff, street_admin, org, call):
    staff = client_for(org_staff)
    created = staff.post(
        f"/api/v1/orgs-programs/calls/{call.pk}/applications",
        {"organization_id": org.pk, "project_title": "成长营", "summary": "s", "requested_amount": "9000"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    app_id = created.json()["id"]
    A.start_review(actor=street_admin, call=call)
    admin = client_for(street_admin)
    url = f"/api/v1/orgs-programs/calls/{call.pk}/applications/{app_id}/score"
    assert admin.put(url, {"score": "101"}, content_type="application/json").status_code == 422
    assert admin.put(url, {"score": "60"}, content_type="application/json").json()["average_score"] == "60.00"
    assert admin.put(url, {"score": "75"}, content_type="application/json").json()["average_score"] == "75.00"
    assert ReviewScore.objects.count() == 1
    listing = admin.get("/api/v1/orgs-programs/calls")
    assert [c["id"] for c in listing.json()["items"]] == [call.pk]


def test_api_contract_lifecycle(client_for, street_admin, org_staff, org, tree):
    admin = client_for(street_admin)
    body = {
        "area_id": tree["fangsong"].pk,
        "kind": "hosting",
        "title": "中心托管",
        "provider_id": org.pk,
        "centre_name": "睦邻中心",
        "budget": "800000",
        "starts_on": "2024-01-01",
        "ends_on": "2024-12-31",
        "indicators": [{"name": "服务人次", "unit": "人次", "target": "1000"}],
    }
    created = admin.post("/api/v1/orgs-programs/contracts", body, content_type="application/json")
    assert created.status_code == 201, created.content
    data = created.json()
    pk, ind = data["id"], data["indicators"][0]["id"]
    assert (
        admin.post(
            f"/api/v1/orgs-programs/contracts/{pk}/sign",
            {"signed_on": "2023-12-20"},
            content_type="application/json",
        ).json()["state"]
        == "active"
    )
    reported = client_for(org_staff).post(
        f"/api/v1/orgs-programs/contracts/{pk}/indicators/{ind}/report",
        {"reported": "1200", "reported_on": "2024-06-30"},
        content_type="application/json",
    )
    assert reported.status_code == 200 and reported.json()["reported"] == "1200.00"
    admin = client_for(street_admin)  # one test client: sign the official in again
    done = admin.post(
        f"/api/v1/orgs-programs/contracts/{pk}/evaluate",
        {"evaluation": "good"},
        content_type="application/json",
    )
    assert "state" in done.json(), done.content
    assert done.json()["state"] == "completed"
    assert json.loads(admin.get("/api/v1/orgs-programs/contracts/ocds").content)["releases"][0]["tag"] == [
        "contractTermination"
    ]
