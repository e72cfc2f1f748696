"""Who may create and edit areas and facts: allowed and denied per role, in actions, pages and API."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from gongzhi.areas.actions import create_area, update_area
from gongzhi.areas.models import Area, AreaFacts
from gongzhi.core.models import AuditEvent


def _committee(actor, parent, code):
    return create_area(
        actor=actor, name="新居委会", kind="residents_committee", parent=parent, stat_code=code
    )


def test_street_admin_creates_a_committee_under_own_street(street_admin, tree):
    area = _committee(street_admin, tree["fangsong"], "310117003020")
    assert area.parent == tree["fangsong"]


@pytest.mark.parametrize(
    "who", ["street_admin", "resident", "committee_worker", "outsider", "department_handler"]
)
def test_a_committee_under_another_street_or_by_a_non_admin_is_denied(request, tree, who):
    user = request.getfixturevalue(who)
    parent = tree["yongfeng"]
    with pytest.raises(PermissionDenied):
        _committee(user, parent, "310117004020")
    assert not Area.objects.filter(stat_code="310117004020").exists()


def test_district_and_city_admins_create_inside_their_scope(district_admin, city_admin, tree):
    _committee(district_admin, tree["yongfeng"], "310117004021")
    create_area(actor=city_admin, name="浦东新区", kind="district", parent=tree["city"], gb2260="310115")
    with pytest.raises(PermissionDenied):
        _committee(district_admin, tree["malu"], "310114106021")


def test_only_a_city_admin_creates_a_root(city_admin, street_admin, tree):
    with pytest.raises(PermissionDenied):
        create_area(actor=street_admin, name="北京市", kind="city", gb2260="110000")
    create_area(actor=city_admin, name="北京市", kind="city", gb2260="110000")


def test_community_worker_edits_own_community_but_not_the_town(community_worker, tree):
    update_area(actor=community_worker, area=tree["malu_committee"], name="育兰居委会")
    with pytest.raises(PermissionDenied):
        update_area(actor=community_worker, area=tree["malu"], name="马陆")


# Pages ------------------------------------------------------------------------------------------


def _create_form(code, kind="residents_committee"):
    return {"name": "新居委会", "kind": kind, "stat_code": code, "gb2260": ""}


def test_page_street_admin_creates_committee_under_own_street(client_for, street_admin, tree):
    client = client_for(street_admin)
    url = reverse("areas:create_child", args=[tree["fangsong"].pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _create_form("310117003030"))
    area = Area.objects.get(stat_code="310117003030")
    assert response.status_code == 302 and response["Location"] == reverse("areas:detail", args=[area.pk])


def test_page_committee_under_another_street_is_forbidden(client_for, street_admin, tree):
    client = client_for(street_admin)
    url = reverse("areas:create_child", args=[tree["yongfeng"].pk])
    assert client.get(url).status_code == 403
    assert client.post(url, _create_form("310117004030")).status_code == 403
    assert not Area.objects.filter(stat_code="310117004030").exists()


def test_page_resident_is_denied(client_for, resident, tree):
    client = client_for(resident)
    assert client.post(reverse("areas:create_child", args=[tree["committee"].pk]), {}).status_code == 403
    assert client.get(reverse("areas:edit", args=[tree["committee"].pk])).status_code == 403
    assert client.get(reverse("areas:edit_facts", args=[tree["committee"].pk])).status_code == 403


def test_page_bad_code_shows_the_message_next_to_the_field_and_writes_nothing(client_for, street_admin, tree):
    client = client_for(street_admin)
    url = reverse("areas:create_child", args=[tree["fangsong"].pk])
    response = client.post(url, _create_form("310114106031"))
    assert response.status_code == 200
    assert response.context["form"].errors["stat_code"]
    assert b"310114106031" in response.content
    assert not Area.objects.filter(stat_code="310114106031").exists()


def test_page_grid_cannot_be_offered_under_a_street(client_for, street_admin, tree):
    client = client_for(street_admin)
    url = reverse("areas:create_child", args=[tree["fangsong"].pk])
    response = client.post(url, _create_form("", kind="grid"))
    assert response.status_code == 200 and "kind" in response.context["form"].errors
    assert not Area.objects.filter(kind="grid", parent=tree["fangsong"]).exists()


def test_page_edit_area(client_for, street_admin, tree):
    client = client_for(street_admin)
    url = reverse("areas:edit", args=[tree["committee"].pk])
    assert client.get(url).status_code == 200
    data = {
        "name": "江中居民委员会",
        "stat_code": "310117003001",
        "gb2260": "",
        "established_on": "2001-05-01",
    }
    assert client.post(url, data).status_code == 302
    tree["committee"].refresh_from_db()
    assert tree["committee"].name == "江中居民委员会"


def test_page_facts_edit_allowed_and_denied(client_for, street_admin, other_street_admin, tree):
    url = reverse("areas:edit_facts", args=[tree["fangsong"].pk])
    data = {"year": "2016", "dwellings_built": "1000", "dwellings_occupied": "853", "land_km2": "3.50"}
    assert client_for(other_street_admin).post(url, data).status_code == 403
    client = client_for(street_admin)
    assert client.post(url, data).status_code == 302
    facts = AreaFacts.objects.get(area=tree["fangsong"], year=2016)
    assert facts.dwellings_occupied == 853
    page = client.get(reverse("areas:detail", args=[tree["fangsong"].pk]))
    assert b"85.3%" in page.content
    prefilled = client.get(url + "?year=2016")
    assert prefilled.context["form"].initial["dwellings_built"] == 1000


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"year": "2016", "registered_population": "-5"}, "registered_population"),
        ({"year": "2016", "land_km2": "-1"}, "land_km2"),
        ({"year": "2016", "dwellings_built": "5", "dwellings_occupied": "6"}, "dwellings_occupied"),
        ({"year": "1900"}, "year"),
    ],
)
def test_page_facts_bad_figures_are_refused(client_for, street_admin, tree, data, field):
    response = client_for(street_admin).post(reverse("areas:edit_facts", args=[tree["fangsong"].pk]), data)
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not AreaFacts.objects.exists()


# API --------------------------------------------------------------------------------------------


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_api_street_admin_creates_committee_under_own_street(client_for, street_admin, tree):
    client = client_for(street_admin)
    body = {
        "name": "API居委会",
        "kind": "residents_committee",
        "parent": tree["fangsong"].pk,
        "stat_code": "310117003040",
    }
    response = _post(client, "/api/v1/areas/", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["street_id"] == tree["fangsong"].pk and data["district_id"] == tree["songjiang"].pk
    assert AuditEvent.objects.filter(verb="area.created", object_id=str(data["id"])).exists()


@pytest.mark.parametrize("who", ["street_admin", "resident"])
def test_api_committee_under_another_street_or_by_resident_is_403(request, client_for, tree, who):
    client = client_for(request.getfixturevalue(who))
    body = {
        "name": "x",
        "kind": "residents_committee",
        "parent": tree["yongfeng"].pk,
        "stat_code": "310117004040",
    }
    response = _post(client, "/api/v1/areas/", body)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert not Area.objects.filter(stat_code="310117004040").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "网格", "kind": "grid"}, "parent"),
        ({"name": "居委", "kind": "residents_committee", "stat_code": "310114106041"}, "stat_code"),
        ({"name": "居委", "kind": "residents_committee", "stat_code": "31011700304"}, "stat_code"),
        ({"name": "", "kind": "residents_committee"}, "name"),
        ({"name": "x\u0000", "kind": "residents_committee"}, "name"),
        ({"name": "x", "kind": "castle"}, "kind"),
    ],
)
def test_api_bad_input_is_a_structured_422_and_writes_nothing(client_for, street_admin, tree, body, field):
    client = client_for(street_admin)
    before = Area.objects.count()
    response = _post(client, "/api/v1/areas/", {**body, "parent": tree["fangsong"].pk})
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "validation_error" and field in error["fields"], error
    assert Area.objects.count() == before


def test_api_unknown_parent_is_422(client_for, street_admin, tree):
    response = _post(
        client_for(street_admin), "/api/v1/areas/", {"name": "x", "kind": "grid", "parent": 999999}
    )
    assert response.status_code == 422 and "parent" in response.json()["error"]["fields"]


def test_api_patch_area_allowed_and_denied(client_for, street_admin, other_street_admin, tree):
    url = f"/api/v1/areas/{tree['committee'].pk}"
    body = json.dumps({"name": "江中新名", "established_on": "2001-01-01"})
    denied = client_for(other_street_admin).patch(url, body, content_type="application/json")
    assert denied.status_code == 403
    response = client_for(street_admin).patch(url, body, content_type="application/json")
    assert response.status_code == 200 and response.json()["name"] == "江中新名"
    bad = client_for(street_admin).patch(
        url, json.dumps({"stat_code": "310114106001"}), content_type="application/json"
    )
    assert bad.status_code == 422 and "stat_code" in bad.json()["error"]["fields"]


def test_api_facts_put_allowed_denied_and_validated(client_for, street_admin, resident, tree):
    url = f"/api/v1/areas/{tree['fangsong'].pk}/facts/2016"
    body = json.dumps({"dwellings_built": 1000, "dwellings_occupied": 853})
    assert client_for(resident).put(url, body, content_type="application/json").status_code == 403
    client = client_for(street_admin)
    response = client.put(url, body, content_type="application/json")
    assert response.status_code == 200 and response.json()["occupancy_percent"] == "85.3%"
    over = client.put(
        url, json.dumps({"dwellings_built": 1, "dwellings_occupied": 2}), content_type="application/json"
    )
    assert over.status_code == 422 and "dwellings_occupied" in over.json()["error"]["fields"]
    neg = client.put(url, json.dumps({"staff_count": -1}), content_type="application/json")
    assert neg.status_code == 422 and "staff_count" in neg.json()["error"]["fields"]
    year = client.put(
        f"/api/v1/areas/{tree['fangsong'].pk}/facts/1800", "{}", content_type="application/json"
    )
    assert year.status_code == 422 and "year" in year.json()["error"]["fields"]
    assert AreaFacts.objects.get().dwellings_occupied == 853
    listed = client.get(f"/api/v1/areas/{tree['fangsong'].pk}/facts").json()
    assert [f["year"] for f in listed] == [2016]
