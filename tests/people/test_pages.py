"""People pages: scoped lists, masked detail, forms with errors beside fields, the resident's own record."""

import pytest
from django.urls import reverse

from gongzhi.core.pii import mask_id_number, mask_phone
from gongzhi.people import actions
from gongzhi.people.models import Dwelling, Household, Person

from .conftest import id_number


def test_committee_worker_sees_the_people_of_the_committee(client_for, committee_worker, person):
    response = client_for(committee_worker).get(reverse("people:list"))
    assert response.status_code == 200
    assert person.name in response.content.decode()


def test_people_list_searches_by_name_prefix(client_for, committee_worker, tree, person):
    actions.create_person(actor=None, area=tree["committee"], name="李四")
    html = client_for(committee_worker).get(reverse("people:list"), {"q": "李"}).content.decode()
    assert "李四" in html and person.name not in html


def test_people_list_pages_with_a_cursor(client_for, committee_worker, tree):
    for i in range(55):
        actions.create_person(actor=None, area=tree["committee"], name=f"居民{i:02d}")
    client = client_for(committee_worker)
    first = client.get(reverse("people:list"), {"area": tree["committee"].pk})
    page = first.context["page"]
    assert len(page.items) == 50 and page.next_cursor
    second = client.get(reverse("people:list"), {"area": tree["committee"].pk, "cursor": page.next_cursor})
    assert len(second.context["page"].items) == 5
    forged = client.get(reverse("people:list"), {"cursor": "forged"})
    assert forged.status_code == 200


def test_committee_worker_may_not_open_the_other_committee(client_for, committee_worker, tree):
    response = client_for(committee_worker).get(reverse("people:list"), {"area": tree["other_committee"].pk})
    assert response.status_code == 403


def test_other_committees_person_is_forbidden(client_for, committee_worker, tree):
    other = actions.create_person(actor=None, area=tree["other_committee"], name="隔壁")
    assert client_for(committee_worker).get(reverse("people:detail", args=[other.pk])).status_code == 403


def test_street_admin_sees_people_in_the_whole_street(client_for, street_admin, tree):
    a = actions.create_person(actor=None, area=tree["committee"], name="甲")
    b = actions.create_person(actor=None, area=tree["other_committee"], name="乙")
    html = client_for(street_admin).get(reverse("people:list")).content.decode()
    assert a.name in html and b.name in html


def test_grid_worker_sees_the_grid_but_may_not_edit(client_for, grid_worker, tree):
    p = actions.create_person(actor=None, area=tree["grid"], name="格中人")
    client = client_for(grid_worker)
    assert p.name in client.get(reverse("people:list")).content.decode()
    assert client.get(reverse("people:detail", args=[p.pk])).status_code == 200
    assert client.get(reverse("people:edit", args=[p.pk])).status_code == 403
    assert client.get(reverse("people:create")).status_code == 403


@pytest.mark.parametrize("fixture", ["resident", "outsider", "volunteer", "department_handler"])
def test_people_pages_are_closed_to_non_staff(request, client_for, fixture, person):
    client = client_for(request.getfixturevalue(fixture))
    assert client.get(reverse("people:list")).status_code == 403
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 403
    assert client.get(reverse("people:households")).status_code == 403


def test_person_page_shows_id_number_and_phone_masked(client_for, committee_worker, person):
    html = client_for(committee_worker).get(reverse("people:detail", args=[person.pk])).content.decode()
    assert mask_id_number(person.id_number) in html
    assert mask_phone(person.phone) in html
    assert person.id_number not in html
    assert "13812345678" not in html


def test_edit_form_never_sends_the_plain_id_number(client_for, committee_worker, person):
    html = client_for(committee_worker).get(reverse("people:edit", args=[person.pk])).content.decode()
    assert person.id_number not in html and "13812345678" not in html


def test_create_person_page_records_a_person(client_for, committee_worker, tree):
    response = client_for(committee_worker).post(
        reverse("people:create") + f"?area={tree['committee'].pk}",
        {
            "area": tree["compound"].pk,
            "name": "新居民",
            "id_number": id_number(),
            "gender": "unknown",
            "phone": "",
        },
    )
    person = Person.objects.get(name="新居民")
    assert response.status_code == 302 and response.url == reverse("people:detail", args=[person.pk])
    assert person.area == tree["compound"]


def test_duplicate_person_on_the_page_gets_the_message_next_to_the_id_field(
    client_for, committee_worker, tree, person
):
    response = client_for(committee_worker).post(
        reverse("people:create") + f"?area={tree['committee'].pk}",
        {
            "area": tree["committee"].pk,
            "name": "重复",
            "id_number": person.id_number.lower(),
            "gender": "unknown",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_id_number-errors"' in html
    assert mask_id_number(person.id_number) in html
    assert Person.objects.count() == 1


def test_dwelling_in_an_unknown_compound_on_the_page_is_refused(client_for, committee_worker, tree):
    response = client_for(committee_worker).post(
        reverse("people:dwelling_create") + f"?area={tree['committee'].pk}",
        {"area": 999999, "building": "1", "room": "101", "use": "residential"},
    )
    assert response.status_code == 422
    assert 'id="id_area-errors"' in response.content.decode()
    assert not Dwelling.objects.exists()


def test_dwelling_page_lists_its_households(client_for, committee_worker, household, dwelling):
    html = client_for(committee_worker).get(reverse("people:dwelling", args=[dwelling.pk])).content.decode()
    assert household.number in html


def test_household_page_adds_a_member_by_id_number(client_for, committee_worker, household, person):
    spaced = f"{person.id_number[:6]} {person.id_number[6:]}"
    response = client_for(committee_worker).post(
        reverse("people:household", args=[household.pk]), {"id_number": spaced, "relation": "head"}
    )
    assert response.status_code == 302
    assert household.members.get().person == person


def test_second_head_on_the_household_page_is_shown_beside_the_relation(
    client_for, committee_worker, tree, household, person
):
    actions.add_member(actor=None, household=household, person=person, relation="head")
    other = actions.create_person(actor=None, area=tree["committee"], name="次户主", id_number=id_number())
    response = client_for(committee_worker).post(
        reverse("people:household", args=[household.pk]), {"id_number": other.id_number, "relation": "head"}
    )
    assert response.status_code == 422
    assert 'id="id_relation-errors"' in response.content.decode()


def test_grid_worker_cannot_post_to_a_household(client_for, grid_worker, tree, person):
    h = actions.create_household(actor=None, area=tree["compound"], number="G-1")
    response = client_for(grid_worker).post(
        reverse("people:household", args=[h.pk]), {"id_number": person.id_number, "relation": "head"}
    )
    assert response.status_code == 403
    assert not h.members.exists()


def test_household_create_page_refuses_a_dwelling_outside_the_area(client_for, street_admin, tree, dwelling):
    response = client_for(street_admin).post(
        reverse("people:household_create") + f"?area={tree['fangsong'].pk}",
        {
            "area": tree["other_committee"].pk,
            "number": "X-1",
            "kind": "resident",
            "tenure": "owner",
            "dwelling": dwelling.pk,
        },
    )
    assert response.status_code == 422
    assert 'id="id_dwelling-errors"' in response.content.decode()
    assert not Household.objects.exists()


# --- my record --------------------------------------------------------------------------------------
def test_resident_sees_own_record_masked(client_for, resident, person):
    actions.link_person_to_user(actor=None, person=person, user=resident)
    html = client_for(resident).get(reverse("people:me")).content.decode()
    assert person.name in html and mask_id_number(person.id_number) in html
    assert person.id_number not in html and "13812345678" not in html


def test_resident_corrects_phone_and_address_on_own_record_page(client_for, resident, person):
    actions.link_person_to_user(actor=None, person=person, user=resident)
    response = client_for(resident).post(reverse("people:me"), {"phone": "13900001111", "address": "新家"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.phone == "+8613900001111" and person.address == "新家"


def test_blank_phone_keeps_the_recorded_number(client_for, resident, person):
    actions.link_person_to_user(actor=None, person=person, user=resident)
    client_for(resident).post(reverse("people:me"), {"phone": "", "address": "新家"})
    person.refresh_from_db()
    assert person.phone == "+8613812345678"


def test_bad_phone_on_own_record_page_shows_an_error(client_for, resident, person):
    actions.link_person_to_user(actor=None, person=person, user=resident)
    response = client_for(resident).post(reverse("people:me"), {"phone": "123", "address": ""})
    assert response.status_code == 422
    assert 'id="id_phone-errors"' in response.content.decode()


def test_user_without_a_record_is_told_so(client_for, outsider):
    response = client_for(outsider).get(reverse("people:me"))
    assert response.status_code == 200
    assert response.context["person"] is None


def test_navigation_shows_people_to_staff_only(client_for, committee_worker, resident):
    url = reverse("people:list")
    assert url in client_for(committee_worker).get("/").content.decode()
    client_for(resident)
    assert f'href="{url}"' not in client_for(resident).get("/").content.decode()
