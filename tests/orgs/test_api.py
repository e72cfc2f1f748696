"""The orgs API: each endpoint per role (allowed, 403, 401), writes through the same actions, 422 messages."""

import pytest

from gongzhi.orgs.models import AnnualInspection, SocialOrganization

from .conftest import GOOD_STAFF, make_uscc

BASE = "/api/v1/orgs"


@pytest.fixture
def api(client):
    def call(user, method, path, data=None):
        if user is not None:
            client.force_login(user)
        else:
            client.logout()
        kwargs = {"content_type": "application/json"} if data is not None else {}
        fn = getattr(client, method)
        response = fn(f"{BASE}{path}", data, **kwargs) if data is not None else fn(f"{BASE}{path}")
        return response

    return call


READS = [
    (
        "/organizations",
        {
            "registry_officer": 200,
            "street_admin": 200,
            "org_staff": 200,
            "unit_liaison": 200,
            "resident": 403,
            "outsider": 403,
        },
    ),
    (
        "/teams",
        {
            "registry_officer": 200,
            "street_admin": 200,
            "org_staff": 403,
            "unit_liaison": 403,
            "resident": 403,
        },
    ),
    (
        "/units",
        {
            "registry_officer": 200,
            "street_admin": 200,
            "unit_liaison": 200,
            "org_staff": 403,
            "resident": 403,
        },
    ),
    (
        "/inspections",
        {
            "registry_officer": 200,
            "street_admin": 200,
            "org_staff": 200,
            "unit_liaison": 403,
            "committee_worker": 403,
        },
    ),
]


@pytest.mark.parametrize(("path", "expected"), READS)
def test_lists_per_role(request, api, org, team, unit, inspection, path, expected):
    assert api(None, "get", path).status_code == 401
    for role, status in expected.items():
        user = request.getfixturevalue(role)
        response = api(user, "get", path)
        assert response.status_code == status, (path, role, response.content)
        if status == 200:
            assert "items" in response.json() and "next_cursor" in response.json()


def test_org_staff_lists_only_own_organization_with_legal_rep_hidden(api, org_staff, org, malu_org):
    items = api(org_staff, "get", "/organizations").json()["items"]
    assert [i["name"] for i in items] == [org.name]
    assert items[0]["legal_rep_id_number"] == ""
    assert api(org_staff, "get", f"/organizations/{malu_org.pk}").status_code == 403


def test_register_via_api_per_role_and_bad_input(api, registry_officer, street_admin, tree):
    body = {
        "area": tree["fangsong"].pk,
        "name": "接口组织",
        "uscc": make_uscc("51"),
        "org_type": "social_group",
        "subtype": "trade",
        "registered_on": "2020-01-01",
    }
    assert api(street_admin, "post", "/organizations", body).status_code == 403
    response = api(registry_officer, "post", "/organizations", {**body, "uscc": "51310117MJ0000000Z"})
    assert response.status_code == 422 and "uscc" in response.json()["error"]["fields"]
    response = api(registry_officer, "post", "/organizations", {**body, "subtype": "education"})
    assert response.status_code == 422 and "subtype" in response.json()["error"]["fields"]
    response = api(registry_officer, "post", "/organizations", {**body, "name": "bad\x00name"})
    assert response.status_code == 422
    response = api(registry_officer, "post", "/organizations", body)
    assert response.status_code == 201
    org_id = response.json()["id"]
    assert api(registry_officer, "post", "/organizations", body).status_code == 422  # duplicate USCC
    response = api(
        registry_officer, "patch", f"/organizations/{org_id}", {"address": "接口路1号", "note": "迁址"}
    )
    assert response.status_code == 200 and response.json()["status"] == "changed"
    history = api(registry_officer, "get", f"/organizations/{org_id}/history").json()
    assert [h["status"] for h in history] == ["changed", "registered"]
    response = api(
        registry_officer,
        "post",
        f"/organizations/{org_id}/grade",
        {"grade": "5A", "awarded_on": "2024-01-01"},
    )
    assert response.json()["grade_valid_until"] == "2029-01-01"
    response = api(
        registry_officer, "post", f"/organizations/{org_id}/deregister", {"effective_on": "2024-06-30"}
    )
    assert response.json()["status"] == "deregistered"
    assert SocialOrganization.objects.get(pk=org_id).status_changes.count() == 3


def test_contact_endpoint_for_org_staff(api, org_staff, org, malu_org):
    response = api(org_staff, "patch", f"/organizations/{org.pk}/contact", {"contact_person": "小王"})
    assert response.status_code == 200 and response.json()["contact_person"] == "小王"
    assert api(org_staff, "patch", f"/organizations/{org.pk}", {"name": "改名"}).status_code == 403
    assert (
        api(org_staff, "patch", f"/organizations/{malu_org.pk}/contact", {"contact_person": "x"}).status_code
        == 403
    )


def test_team_endpoints(api, street_admin, committee_worker, tree):
    body = {
        "area": tree["committee"].pk,
        "name": "接口队",
        "activity_kind": "合唱",
        "leader_name": "赵",
        "members_count": 9,
        "filed_on": "2023-03-03",
    }
    assert api(committee_worker, "post", "/teams", body).status_code == 403
    response = api(street_admin, "post", "/teams", {**body, "filed_on": "2999-01-01"})
    assert response.status_code == 422 and "filed_on" in response.json()["error"]["fields"]
    team_id = api(street_admin, "post", "/teams", body).json()["id"]
    assert (
        api(street_admin, "patch", f"/teams/{team_id}", {"members_count": 11}).json()["status"] == "changed"
    )
    assert api(committee_worker, "get", f"/teams/{team_id}").status_code == 200
    response = api(street_admin, "post", f"/teams/{team_id}/cancel", {"cancelled_on": "2024-01-01"})
    assert response.json()["status"] == "cancelled"


def test_unit_endpoints(api, street_admin, unit_liaison, unit, tree, resident):
    response = api(
        street_admin,
        "post",
        "/units",
        {"area": tree["fangsong"].pk, "name": "接口公司", "kind": "company", "liaison": "resident"},
    )
    assert response.status_code == 201 and response.json()["liaison"] == "resident"
    assert (
        api(
            unit_liaison, "post", "/units", {"area": tree["fangsong"].pk, "name": "x", "kind": "company"}
        ).status_code
        == 403
    )
    assert api(unit_liaison, "patch", f"/units/{unit.pk}", {"employees": 300}).json()["employees"] == 300
    assert api(unit_liaison, "patch", f"/units/{unit.pk}", {"liaison": "resident"}).status_code == 422
    assert api(unit_liaison, "patch", f"/units/{response.json()['id']}", {"employees": 1}).status_code == 403


def test_inspection_endpoints(api, registry_officer, org_staff, street_admin, org, tree):
    assert (
        api(
            street_admin,
            "post",
            "/inspection-years",
            {"area": tree["fangsong"].pk, "year": 2024, "due_on": "2025-05-31"},
        ).status_code
        == 403
    )
    response = api(
        registry_officer,
        "post",
        "/inspection-years",
        {"area": tree["songjiang"].pk, "year": 2024, "due_on": "2025-05-31"},
    )
    assert response.json() == {"opened": 1}
    ins = AnnualInspection.objects.get()
    url = f"/inspections/{ins.pk}"
    response = api(org_staff, "post", f"{url}/submit", {"staff": {**GOOD_STAFF, "part_time": 1}})
    assert response.status_code == 422 and "full_time" in response.json()["error"]["fields"]
    response = api(org_staff, "patch", url, {"net_assets": "-1"})
    assert response.status_code == 422
    response = api(org_staff, "patch", url, {"staff": {"bogus": 1}})
    assert response.status_code == 422
    assert api(org_staff, "patch", url, {"staff": GOOD_STAFF, "net_assets": "1000.00"}).status_code == 200
    response = api(org_staff, "post", f"{url}/submit", {})
    assert response.status_code == 200 and response.json()["state"] == "submitted"
    assert api(org_staff, "post", f"{url}/review", {"result": "qualified"}).status_code == 403
    assert api(registry_officer, "post", f"{url}/return", {"reason": "补充"}).json()["state"] == "returned"
    assert api(org_staff, "post", f"{url}/submit", {}).status_code == 200
    response = api(registry_officer, "post", f"{url}/review", {"result": "unqualified"})
    assert response.status_code == 422
    response = api(registry_officer, "post", f"{url}/review", {"result": "qualified"})
    assert response.json()["state"] == "reviewed" and response.json()["staff"]["staff_total"] == 10
    items = api(registry_officer, "get", "/inspections?year=2024&state=reviewed").json()["items"]
    assert [i["id"] for i in items] == [ins.pk]
