"""Areas API: list filters with keyset paging, detail, subtree, changes; structured errors."""

import json

import pytest

from gongzhi.areas.models import AreaChange


@pytest.fixture
def api(client_for, street_admin):
    return client_for(street_admin)


def _names(response):
    assert response.status_code == 200, response.content
    return [a["name"] for a in response.json()["items"]]


def test_list_filters(api, tree):
    assert _names(api.get("/api/v1/areas/", {"kind": "district"})) == ["松江区", "嘉定区"]
    assert _names(api.get("/api/v1/areas/", {"parent": tree["fangsong"].pk})) == ["江中居委会", "江秀居委会"]
    assert _names(api.get("/api/v1/areas/", {"code": "310117003001"})) == ["江中居委会"]
    assert _names(api.get("/api/v1/areas/", {"code": "310114"})) == ["嘉定区"]
    assert _names(api.get("/api/v1/areas/", {"code": "310114106"})) == ["马陆镇", "育兰社区居委会"]
    assert _names(api.get("/api/v1/areas/", {"name_prefix": "江中"})) == [
        "江中居委会",
        "江中小区",
        "江中第1网格",
    ]
    within = _names(api.get("/api/v1/areas/", {"within": tree["malu"].pk, "kind": "residents_committee"}))
    assert within == ["育兰社区居委会"]
    assert _names(api.get("/api/v1/areas/", {"current": "false"})) == []
    assert _names(api.get("/api/v1/areas/", {"in_preparation": "true"})) == []


def test_list_pages_by_keyset_and_refuses_a_forged_cursor(api, tree):
    seen, cursor = [], None
    while True:
        params = {"limit": 5, **({"cursor": cursor} if cursor else {})}
        body = api.get("/api/v1/areas/", params).json()
        seen += [a["id"] for a in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 12
    bad = api.get("/api/v1/areas/", {"cursor": "forged"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_cursor"


@pytest.mark.parametrize("params", [{"code": "31x"}, {"kind": "castle"}, {"limit": 0}, {"parent": 0}])
def test_list_bad_filters_are_422(api, tree, params):
    response = api.get("/api/v1/areas/", params)
    assert response.status_code == 422 and response.json()["error"]["code"] == "validation_error"


def test_detail_subtree_and_404(api, tree):
    detail = api.get(f"/api/v1/areas/{tree['committee'].pk}").json()
    assert detail["stat_code"] == "310117003001" and detail["street_id"] == tree["fangsong"].pk
    subtree = _names(api.get(f"/api/v1/areas/{tree['fangsong'].pk}/subtree", {"kind": "grid"}))
    assert subtree == ["江中第1网格"]
    missing = api.get("/api/v1/areas/999999")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_outsider_cannot_list_areas(client_for, outsider, tree):
    response = client_for(outsider).get("/api/v1/areas/")
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"


def test_anonymous_gets_401(client, tree):
    assert client.get("/api/v1/areas/").status_code == 401


def test_record_change_through_the_api(api, street_admin, other_street_admin, client_for, tree):
    body = {
        "kind": "merge",
        "effective_on": "2024-01-01",
        "sources": [tree["committee"].pk, tree["other_committee"].pk],
        "results": [tree["committee"].pk],
        "note": "合并",
    }
    response = api.post("/api/v1/areas/changes", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["sources"] == [tree["committee"].pk, tree["other_committee"].pk]
    listed = api.get(f"/api/v1/areas/{tree['other_committee'].pk}/changes").json()
    assert [c["kind"] for c in listed] == ["merge"]
    other = client_for(other_street_admin)
    denied = other.post("/api/v1/areas/changes", json.dumps(body), content_type="application/json")
    assert denied.status_code == 403
    api = client_for(street_admin)  # the same test client, signed in again
    bad = api.post(
        "/api/v1/areas/changes", json.dumps({**body, "sources": [999999]}), content_type="application/json"
    )
    assert bad.status_code == 422 and "sources" in bad.json()["error"]["fields"]
    split = api.post(
        "/api/v1/areas/changes", json.dumps({**body, "kind": "split"}), content_type="application/json"
    )
    assert split.status_code == 422
    assert AreaChange.objects.count() == 1
