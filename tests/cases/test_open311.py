"""Open311 GeoReport v2: the GET endpoints through the `georeport` client against a live server, the
rest (POST, tokens, errors, XML) with plain HTTP calls written from the spec."""

import datetime as dt
import xml.etree.ElementTree as ET  # noqa: S405 - parsing our own test responses
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from georeport import GeoReport

from gongzhi.cases.models import Case, Open311Key, RoutingRule
from gongzhi.cases.open311 import keys


@pytest.fixture
def routed(tree, categories):
    categories["group_rental"].attributes = [
        {"code": "rooms", "label": "隔间数", "type": "number", "required": True},
        {"code": "floor", "label": "楼层", "type": "choice", "values": ["low", "high"]},
    ]
    categories["group_rental"].save()
    return RoutingRule.objects.create(
        category=categories["group_rental"],
        area=tree["fangsong"],
        area_depth=tree["fangsong"].depth,
        lead_kind="area",
        lead_area_level="committee",
    )


@pytest.fixture
def api_key(tree):
    _row, key = keys.create_key(actor=None, name="市民热线 App", jurisdiction=tree["fangsong"])
    return key


def _post(client, fmt="json", **data):
    return client.post(f"/open311/v2/requests.{fmt}", data)


GOOD = {
    "service_code": "group_rental",
    "lat": "31.0323",
    "long": "121.2277",
    "description": "5号楼302室隔成多间出租\n晚上很吵",
    "attribute[rooms]": "6",
    "first_name": "李",
    "phone": "13912345678",
}


def test_posting_a_request_creates_a_routed_case_through_intake(client, tree, routed, api_key):
    response = _post(client, api_key=api_key, **GOOD)
    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get(number=body[0]["service_request_id"])
    assert (case.channel, case.state, case.street_id) == ("open311", "dispatched", tree["fangsong"].pk)
    assert case.attributes == {"rooms": "6"} and case.title == "5号楼302室隔成多间出租"
    assert body[0]["token"] == case.open311_token
    token = client.get(f"/open311/v2/tokens/{case.open311_token}.json").json()
    assert token == [{"service_request_id": case.number, "token": case.open311_token}]


def test_a_point_near_a_known_case_lands_in_that_grid(client, tree, routed, api_key, report):
    report(
        None, latitude=31.03231, longitude=121.22771, attributes={"rooms": 3}
    )  # an earlier case placed in 江中第1网格
    response = _post(client, api_key=api_key, **GOOD)
    case = Case.objects.get(number=response.json()[0]["service_request_id"])
    assert case.area == tree["grid"]


def test_a_request_without_a_location_is_refused_and_nothing_is_written(client, routed, api_key):
    data = {k: v for k, v in GOOD.items() if k not in ("lat", "long")}
    response = _post(client, api_key=api_key, **data)
    assert response.status_code == 400
    assert "lat" in response.json()[0]["description"]  # names the missing location fields
    assert response.json()[0]["code"] == 400
    assert not Case.objects.exists()


def test_a_bad_api_key_is_refused_with_403_and_nothing_is_written(client, routed):
    response = _post(client, "xml", api_key="o311_not-a-key", **GOOD)
    assert response.status_code == 403
    root = ET.fromstring(response.content)  # noqa: S314
    assert root.tag == "errors" and root.find("error/code").text == "403"
    assert "api_key" in root.find("error/description").text
    assert not Case.objects.exists()


def test_a_revoked_key_no_longer_works(client, routed, api_key):
    keys.revoke_key(actor=None, key=keys.key_for(api_key))
    assert _post(client, api_key=api_key, **GOOD).status_code == 403


def test_missing_required_attribute_and_unknown_service_are_400(client, routed, api_key):
    data = {k: v for k, v in GOOD.items() if k != "attribute[rooms]"}
    response = _post(client, api_key=api_key, **data)
    assert response.status_code == 400 and "rooms" in response.json()[0]["description"]
    assert _post(client, api_key=api_key, **{**GOOD, "service_code": "nope"}).status_code == 400
    assert not Case.objects.exists()


def test_a_key_cannot_post_outside_its_jurisdiction(client, tree, routed, api_key):
    response = _post(client, api_key=api_key, jurisdiction_id="310114106000", **GOOD)
    assert response.status_code == 403
    assert _post(client, api_key=api_key, jurisdiction_id="999999999999", **GOOD).status_code == 404


def test_services_and_definitions_in_xml(client, routed):
    root = ET.fromstring(client.get("/open311/v2/services.xml").content)  # noqa: S314
    codes = [s.find("service_code").text for s in root.findall("service")]
    assert "group_rental" in codes and "housing" not in codes  # leaves of the tree are the services
    definition = ET.fromstring(client.get("/open311/v2/services/group_rental.xml").content)  # noqa: S314
    attrs = definition.findall("attributes/attribute")
    assert [a.find("code").text for a in attrs] == ["rooms", "floor"]
    assert attrs[1].find("datatype").text == "singlevaluelist"
    assert [v.find("key").text for v in attrs[1].findall("values/value")] == ["low", "high"]
    assert client.get("/open311/v2/services/nope.json").status_code == 404


def test_discovery_lists_the_endpoint_and_formats(client):
    body = client.get("/open311/v2/discovery.json").json()
    assert body["endpoints"][0]["url"].endswith("/open311/v2/")
    assert "text/xml" in body["endpoints"][0]["formats"]
    root = ET.fromstring(client.get("/open311/v2/discovery.xml").content)  # noqa: S314
    assert root.find("endpoints/endpoint/specification").text.startswith("http://wiki.open311.org")


def test_request_list_filters_and_window(client, tree, routed, api_key, report):
    first = report(None, attributes={"rooms": 3})
    client.post("/open311/v2/requests.json", {"api_key": api_key, **GOOD})
    assert len(client.get("/open311/v2/requests.json").json()) == 2
    assert [
        r["service_request_id"]
        for r in client.get(f"/open311/v2/requests.json?service_request_id={first.number}").json()
    ] == [first.number]
    assert client.get("/open311/v2/requests.json?status=closed").json() == []
    assert len(client.get("/open311/v2/requests.json?status=open&service_code=group_rental").json()) == 2
    old = (timezone.localdate() - dt.timedelta(days=400)).isoformat()
    assert client.get(f"/open311/v2/requests.json?start_date={old}T00:00:00Z").status_code == 400
    assert client.get("/open311/v2/requests.json?start_date=yesterday").status_code == 400
    assert client.get("/open311/v2/requests.json?status=pending").status_code == 400
    assert client.get("/open311/v2/requests.json?jurisdiction_id=310114106000").json() == []
    assert client.get("/open311/v2/requests/nope.json").status_code == 404


def test_public_requests_carry_no_personal_data(client, routed, api_key):
    client.post("/open311/v2/requests.json", {"api_key": api_key, **GOOD})
    item = client.get("/open311/v2/requests.json").json()[0]
    text = str(item)
    assert "13912345678" not in text and "晚上很吵" not in text
    assert item["lat"] == 31.032 and item["status"] == "open"
    assert item["status_notes"].startswith(str(Case.objects.get().get_state_display()))


@pytest.mark.django_db(transaction=True)
def test_the_georeport_client_reads_the_get_endpoints(live_server, tree, routed, api_key, report):
    case = report(None, latitude=31.0323, longitude=121.2277, attributes={"rooms": 3})
    for fmt in ("json", "xml"):
        client = GeoReport(f"{live_server.url}/open311/v2", jurisdiction="310117003000", output_format=fmt)
        services = client.get_service_list()
        services = services if isinstance(services, list) else [services]
        assert any(s["service_code"] == "group_rental" for s in services)
        definition = client.get_service_definition("group_rental")
        assert definition["service_code"] == "group_rental"
        requests_ = client.get_service_requests(status="open")
        requests_ = requests_ if isinstance(requests_, list) else [requests_]
        assert [r["service_request_id"] for r in requests_] == [case.number]
        one = client.get_service_request(case.number)
        assert one["service_request_id"] == case.number and one["status"] == "open"


def test_the_command_prints_a_key_once_and_stores_only_its_digest(tree):
    out, err = StringIO(), StringIO()
    call_command(
        "open311-key", "create", "--name", "网格通", "--jurisdiction", "310117003000", stdout=out, stderr=err
    )
    key = out.getvalue().strip()
    row = Open311Key.objects.get()
    assert (
        key.startswith("o311_") and row.digest == keys.digest_of(key) and key not in (row.prefix, row.digest)
    )
    assert row.jurisdiction == tree["fangsong"] and keys.key_for(key) == row
