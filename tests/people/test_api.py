"""People API: scoped lists, masking and audited unmasking, structured errors, the permission matrix."""

import pytest

from gongzhi.core.models import AuditEvent
from gongzhi.core.pii import mask_id_number, mask_phone
from gongzhi.people import actions
from gongzhi.people.models import Dwelling, Person

from .conftest import id_number

API = "/api/v1/people"


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


def _patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


def test_person_list_is_masked_by_default(client_for, committee_worker, person):
    body = client_for(committee_worker).get(f"{API}/persons").json()
    item = next(i for i in body["items"] if i["id"] == person.pk)
    assert item["id_number"] == mask_id_number(person.id_number)
    assert item["phone"] == mask_phone(person.phone)
    assert item["masked"] is True
    assert not AuditEvent.objects.filter(verb="pii.unmasked").exists()


def test_committee_worker_may_unmask_and_each_unmasking_is_audited(client_for, committee_worker, person):
    body = client_for(committee_worker).get(f"{API}/persons/{person.pk}", {"unmask": "true"}).json()
    assert body["id_number"] == person.id_number and body["phone"] == "+8613812345678"
    assert body["masked"] is False
    event = AuditEvent.objects.get(verb="pii.unmasked")
    assert event.actor == committee_worker and event.object_id == str(person.pk)


def test_grid_worker_asking_to_unmask_still_gets_masked_values(client_for, grid_worker, tree):
    p = actions.create_person(actor=None, area=tree["grid"], name="格中人", id_number=id_number())
    body = client_for(grid_worker).get(f"{API}/persons/{p.pk}", {"unmask": "true"}).json()
    assert body["id_number"] == mask_id_number(p.id_number) and body["masked"] is True
    assert not AuditEvent.objects.filter(verb="pii.unmasked").exists()


def test_list_is_scoped_to_the_callers_areas(client_for, committee_worker, tree, person):
    other = actions.create_person(actor=None, area=tree["other_committee"], name="隔壁")
    client = client_for(committee_worker)
    ids = {i["id"] for i in client.get(f"{API}/persons").json()["items"]}
    assert person.pk in ids and other.pk not in ids
    assert client.get(f"{API}/persons", {"area": tree["other_committee"].pk}).status_code == 403
    assert client.get(f"{API}/persons/{other.pk}").status_code == 403


def test_api_creates_a_person_and_refuses_the_duplicate_with_a_structured_error(
    client_for, committee_worker, tree
):
    client = client_for(committee_worker)
    number = id_number(check="X")
    created = _post(
        client, f"{API}/persons", {"area": tree["committee"].pk, "name": "新人", "id_number": number}
    )
    assert created.status_code == 201
    assert created.json()["id_number"] == mask_id_number(number)
    again = _post(
        client, f"{API}/persons", {"area": tree["committee"].pk, "name": "新人", "id_number": number.lower()}
    )
    assert again.status_code == 422
    error = again.json()["error"]
    assert error["code"] == "validation_error" and "id_number" in error["fields"]
    assert mask_id_number(number) in error["fields"]["id_number"][0]
    assert Person.objects.count() == 1


def test_api_refuses_a_bad_phone(client_for, committee_worker, tree):
    response = _post(
        client_for(committee_worker),
        f"{API}/persons",
        {"area": tree["committee"].pk, "name": "甲", "phone": "12"},
    )
    assert response.status_code == 422 and "phone" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("fixture", "status"),
    [
        ("committee_worker", 201),
        ("street_admin", 201),
        ("district_admin", 201),
        ("other_street_admin", 403),
        ("community_worker", 403),
        ("grid_worker", 403),
        ("resident", 403),
        ("outsider", 403),
    ],
)
def test_api_create_person_permission_matrix(request, client_for, tree, fixture, status):
    client = client_for(request.getfixturevalue(fixture))
    response = _post(client, f"{API}/persons", {"area": tree["committee"].pk, "name": "矩阵"})
    assert response.status_code == status


def test_api_update_person_by_other_committee_worker_is_forbidden(client_for, tree, committee_worker):
    other = actions.create_person(actor=None, area=tree["other_committee"], name="隔壁")
    assert (
        _patch(client_for(committee_worker), f"{API}/persons/{other.pk}", {"name": "改"}).status_code == 403
    )


def test_api_dwelling_in_an_unknown_compound_is_a_422(client_for, committee_worker):
    response = _post(
        client_for(committee_worker), f"{API}/dwellings", {"area": 999999, "building": "1", "room": "101"}
    )
    assert response.status_code == 422
    assert "area" in response.json()["error"]["fields"]
    assert not Dwelling.objects.exists()


def test_api_dwelling_negative_floor_area_is_a_422(client_for, committee_worker, tree):
    response = _post(
        client_for(committee_worker),
        f"{API}/dwellings",
        {"area": tree["compound"].pk, "building": "1", "room": "101", "floor_area_m2": "-3"},
    )
    assert response.status_code == 422


def test_api_household_with_members(client_for, committee_worker, tree, dwelling, person):
    client = client_for(committee_worker)
    created = _post(
        client,
        f"{API}/households",
        {"area": tree["compound"].pk, "number": "A-1", "kind": "registered", "dwelling": dwelling.pk},
    )
    assert created.status_code == 201
    hid = created.json()["id"]
    assert (
        _post(
            client, f"{API}/households/{hid}/members", {"person": person.pk, "relation": "head"}
        ).status_code
        == 201
    )
    second = actions.create_person(actor=None, area=tree["committee"], name="二")
    again = _post(client, f"{API}/households/{hid}/members", {"person": second.pk, "relation": "head"})
    assert again.status_code == 422 and "relation" in again.json()["error"]["fields"]
    detail = client.get(f"{API}/households/{hid}").json()
    assert [m["person_name"] for m in detail["members"]] == [person.name]
    member_id = detail["members"][0]["id"]
    assert client.delete(f"{API}/households/{hid}/members/{member_id}").status_code == 204


def test_api_household_dwelling_outside_the_area_is_a_422(client_for, street_admin, tree, dwelling):
    response = _post(
        client_for(street_admin),
        f"{API}/households",
        {"area": tree["other_committee"].pk, "number": "B-1", "dwelling": dwelling.pk},
    )
    assert response.status_code == 422 and "dwelling" in response.json()["error"]["fields"]


def test_api_my_record_for_a_resident(client_for, resident, person):
    client = client_for(resident)
    assert client.get(f"{API}/me").status_code == 404
    actions.link_person_to_user(actor=None, person=person, user=resident)
    body = client.get(f"{API}/me").json()
    assert body["id"] == person.pk and body["id_number"] == mask_id_number(person.id_number)
    patched = _patch(client, f"{API}/me", {"address": "新家"})
    assert patched.status_code == 200 and patched.json()["address"] == "新家"
    assert client.get(f"{API}/persons/{person.pk}").status_code == 403
