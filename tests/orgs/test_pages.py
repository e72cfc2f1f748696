"""Every page of the registry, per role: who sees it (200), who is refused (403), and the forms' writes."""

import datetime as dt

import pytest
from django.urls import reverse

from gongzhi.orgs.models import AnnualInspection, FiledTeam, SocialOrganization, StationedUnit

from .conftest import GOOD_STAFF, make_uscc

ROLES = [
    "city_admin",
    "district_admin",
    "street_admin",
    "other_street_admin",
    "community_worker",
    "committee_worker",
    "grid_worker",
    "registry_officer",
    "party_secretary",
    "party_member",
    "department_handler",
    "volunteer",
    "resident",
    "outsider",
    "org_staff",
    "unit_liaison",
]

# page name → roles that get 200 (everyone else: 403)
LISTS = {
    "orgs:list": {
        "city_admin",
        "district_admin",
        "street_admin",
        "other_street_admin",
        "community_worker",
        "committee_worker",
        "grid_worker",
        "registry_officer",
        "party_secretary",
        "org_staff",
        "unit_liaison",
    },
    "orgs:teams": {
        "city_admin",
        "district_admin",
        "street_admin",
        "other_street_admin",
        "community_worker",
        "committee_worker",
        "grid_worker",
        "registry_officer",
        "party_secretary",
    },
    "orgs:units": {
        "city_admin",
        "district_admin",
        "street_admin",
        "other_street_admin",
        "community_worker",
        "committee_worker",
        "grid_worker",
        "registry_officer",
        "party_secretary",
        "unit_liaison",
    },
    "orgs:inspections": {
        "city_admin",
        "district_admin",
        "street_admin",
        "other_street_admin",
        "registry_officer",
        "org_staff",
    },
    "orgs:create": {"city_admin", "registry_officer"},
    "orgs:team_create": {
        "city_admin",
        "district_admin",
        "street_admin",
        "other_street_admin",
        "community_worker",
        "registry_officer",
    },
    "orgs:unit_create": {
        "city_admin",
        "district_admin",
        "street_admin",
        "other_street_admin",
        "community_worker",
    },
    "orgs:inspection_open": {"city_admin", "registry_officer"},
}
# object page → roles that get 200 on the Fangsong objects
OBJECTS = {
    # the organization is registered with the street: committee-level scopes do not cover it
    "orgs:detail": {
        "city_admin",
        "district_admin",
        "street_admin",
        "registry_officer",
        "org_staff",
        "unit_liaison",
    },
    "orgs:edit": {"city_admin", "registry_officer"},
    "orgs:grade": {"city_admin", "registry_officer"},
    "orgs:deregister": {"city_admin", "registry_officer"},
    "orgs:contact": {"city_admin", "registry_officer", "org_staff"},
    # the team is filed in a committee: its committee worker and party secretary see it, a grid worker does not
    "orgs:team": {
        "city_admin",
        "district_admin",
        "street_admin",
        "committee_worker",
        "registry_officer",
        "party_secretary",
    },
    "orgs:team_cancel": {"city_admin", "district_admin", "street_admin", "registry_officer"},
    "orgs:unit": {"city_admin", "district_admin", "street_admin", "registry_officer", "unit_liaison"},
    "orgs:inspection": {"city_admin", "district_admin", "street_admin", "registry_officer", "org_staff"},
}


@pytest.fixture
def everyone(request, tree, org, team, unit, inspection):
    users = {}
    for role in ROLES:
        users[role] = request.getfixturevalue(role)
    return users


def _status(client, user, url):
    client.force_login(user)
    return client.get(url).status_code


@pytest.mark.parametrize("name", sorted(LISTS))
def test_list_and_create_pages_per_role(client, everyone, name):
    for role, user in everyone.items():
        expected = 200 if role in LISTS[name] else 403
        assert _status(client, user, reverse(name)) == expected, (name, role)


@pytest.mark.parametrize("name", sorted(OBJECTS))
def test_object_pages_per_role(client, everyone, org, team, unit, inspection, name):
    pk = {
        "orgs:team": team.pk,
        "orgs:team_cancel": team.pk,
        "orgs:unit": unit.pk,
        "orgs:inspection": inspection.pk,
    }.get(name, org.pk)
    url = reverse(name, args=[pk])
    for role, user in everyone.items():
        expected = 200 if role in OBJECTS[name] else 403
        assert _status(client, user, url) == expected, (name, role)


def test_anonymous_visitors_are_sent_to_sign_in(client, org):
    response = client.get(reverse("orgs:list"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_list_filters_by_type_status_grade_and_name(client_for, registry_officer, org, malu_org, tree):
    from .conftest import register

    register(tree["fangsong"], org_type="foundation", subtype="public_fundraising", name="方松公益基金会")
    client = client_for(registry_officer)

    def names(**params):
        return {o.name for o in client.get(reverse("orgs:list"), params).context["page"].items}

    assert names(org_type="foundation") == {"方松公益基金会"}
    assert names(q="乐群") == {"上海乐群社工服务社"}
    assert names(q=org.uscc) == {"上海乐群社工服务社"}
    assert names(grade="5A") == set()
    assert names(grade="none", subtype="civil_affairs") == {"上海乐群社工服务社"}
    # Malu is outside the officer's district
    assert names(area=tree["songjiang"].pk, status="registered") == {"上海乐群社工服务社", "方松公益基金会"}
    assert client.get(reverse("orgs:list"), {"area": tree["malu"].pk}).status_code == 403


def test_list_pages_with_a_keyset_cursor(client_for, city_admin, tree):
    from .conftest import register

    for i in range(55):
        register(tree["fangsong"], name=f"组织{i:03d}")
    client = client_for(city_admin)
    first = client.get(reverse("orgs:list"))
    cursor = first.context["page"].next_cursor
    assert cursor and len(first.context["page"].items) == 50
    second = client.get(reverse("orgs:list"), {"cursor": cursor})
    assert len(second.context["page"].items) == 5
    forged = client.get(reverse("orgs:list"), {"cursor": "forged"})
    assert forged.status_code == 200 and len(forged.context["page"].items) == 50


def test_exports_mask_personal_data(client_for, registry_officer, tree):
    from .conftest import register

    register(
        tree["fangsong"],
        name="带法人组织",
        legal_rep_id_number="11010519491231002X",
        legal_rep_phone="13812345678",
    )
    client = client_for(registry_officer)
    response = client.get(reverse("orgs:list"), {"export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "带法人组织" in text and "11010519491231002X" not in text and "1101**********002X" in text
    assert "13812345678" not in text
    xlsx = client.get(reverse("orgs:list"), {"export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    for name in ("orgs:teams", "orgs:units", "orgs:inspections"):
        assert client.get(reverse(name), {"export": "csv"}).status_code == 200


def test_register_form_shows_errors_next_to_fields_and_writes_nothing(client_for, registry_officer, tree):
    client = client_for(registry_officer)
    data = {
        "area": tree["fangsong"].pk,
        "name": "新组织",
        "uscc": make_uscc("52"),
        "org_type": "social_group",
        "subtype": "trade",
        "form": "ordinary",
        "registered_on": "2020-01-01",
    }
    response = client.post(reverse("orgs:create"), data)
    assert response.status_code == 422
    assert "51" in response.context["form"].errors["uscc"][0]
    assert not SocialOrganization.objects.exists()
    data["uscc"] = make_uscc("51")
    response = client.post(reverse("orgs:create"), data)
    assert response.status_code == 302
    assert SocialOrganization.objects.get().name == "新组织"


def test_edit_grade_deregister_and_contact_forms(client_for, registry_officer, org_staff, org, tree):
    client = client_for(registry_officer)
    response = client.post(
        reverse("orgs:edit", args=[org.pk]),
        {
            "area": org.area_id,
            "name": org.name,
            "uscc": org.uscc,
            "org_type": org.org_type,
            "subtype": org.subtype,
            "form": org.form,
            "registered_on": "2015-03-01",
            "address": "新址",
            "note": "迁址",
        },
    )
    assert response.status_code == 302
    assert (
        client.post(
            reverse("orgs:grade", args=[org.pk]), {"grade": "4A", "awarded_on": "2024-01-01"}
        ).status_code
        == 302
    )
    detail = client.get(reverse("orgs:detail", args=[org.pk])).content.decode()
    assert "新址" in detail and "4A" in detail and "2029-01-01" in detail
    client.force_login(org_staff)
    assert client.post(reverse("orgs:contact", args=[org.pk]), {"contact_person": "小李"}).status_code == 302
    org.refresh_from_db()
    assert org.contact_person == "小李"
    client.force_login(registry_officer)
    assert (
        client.post(reverse("orgs:deregister", args=[org.pk]), {"effective_on": "2024-12-31"}).status_code
        == 302
    )
    org.refresh_from_db()
    assert org.status == "deregistered"


def test_legal_representative_id_is_masked_and_hidden_from_org_staff(
    client_for, registry_officer, org_staff, tree
):
    from .conftest import register

    org = register(tree["fangsong"], legal_rep_id_number="11010519491231002X")
    from gongzhi.accounts.roles import Role, ScopeKind
    from tests.conftest import make_user

    staff = make_user("own_staff", Role.ORG_STAFF, org, ScopeKind.SOCIAL_ORGANIZATION)
    body = client_for(registry_officer).get(reverse("orgs:detail", args=[org.pk])).content.decode()
    assert "1101**********002X" in body and "11010519491231002X" not in body
    body = client_for(staff).get(reverse("orgs:detail", args=[org.pk])).content.decode()
    assert "002X" not in body


def test_team_pages_file_change_and_cancel(client_for, street_admin, tree):
    client = client_for(street_admin)
    response = client.post(
        reverse("orgs:team_create"),
        {
            "area": tree["committee"].pk,
            "name": "合唱队",
            "activity_kind": "合唱",
            "leader_name": "周",
            "leader_phone": "",
            "members_count": 12,
            "filed_on": "2023-01-01",
        },
    )
    assert response.status_code == 302
    team = FiledTeam.objects.get()
    response = client.post(
        reverse("orgs:team", args=[team.pk]),
        {
            "name": "合唱团",
            "activity_kind": "合唱",
            "leader_name": "周",
            "members_count": 20,
            "filed_on": "2023-01-01",
        },
    )
    assert response.status_code == 302
    assert (
        client.post(reverse("orgs:team_cancel", args=[team.pk]), {"cancelled_on": "2024-01-01"}).status_code
        == 302
    )
    team.refresh_from_db()
    assert (team.name, team.members_count, team.status) == ("合唱团", 20, "cancelled")


def test_unit_pages_staff_names_liaison_and_liaison_edits_own_unit(client_for, street_admin, resident, tree):
    client = client_for(street_admin)
    response = client.post(
        reverse("orgs:unit_create"),
        {
            "area": tree["fangsong"].pk,
            "name": "方松中学",
            "kind": "school",
            "liaison": "resident",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    unit = StationedUnit.objects.get()
    assert unit.liaison == resident
    client.force_login(resident)
    form = client.get(reverse("orgs:unit", args=[unit.pk])).context["form"]
    assert "liaison" not in form.fields
    response = client.post(
        reverse("orgs:unit", args=[unit.pk]),
        {
            "name": "方松中学",
            "kind": "school",
            "employees": 90,
            "has_party_organization": "on",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.employees == 90 and unit.has_party_organization


def test_inspection_form_save_submit_review(client_for, org_staff, registry_officer, inspection):
    client = client_for(org_staff)
    url = reverse("orgs:inspection", args=[inspection.pk])
    money = {"net_assets": "1000", "total_income": "2000", "total_expenditure": "1500"}
    bad = {**GOOD_STAFF, "part_time": 5, **money, "op": "submit"}
    response = client.post(url, bad)
    assert response.status_code == 422 and "full_time" in response.context["form"].errors
    inspection.refresh_from_db()
    assert inspection.state == "draft"
    assert client.post(url, {**GOOD_STAFF, **money, "net_assets": "-5", "op": "save"}).status_code == 422
    assert client.post(url, {**GOOD_STAFF, **money, "op": "submit"}).status_code == 302
    inspection.refresh_from_db()
    assert inspection.state == "submitted"
    client.force_login(registry_officer)
    response = client.post(url, {"op": "review", "result": "unqualified", "reason": ""})
    assert response.status_code == 422 and response.context["review_form"].errors["reason"]
    assert client.post(url, {"op": "review", "result": "qualified"}).status_code == 302
    inspection.refresh_from_db()
    assert inspection.state == "reviewed"


def test_open_year_page(client_for, registry_officer, org, tree):
    client = client_for(registry_officer)
    response = client.post(
        reverse("orgs:inspection_open"), {"area": tree["songjiang"].pk, "year": 2024, "due_on": "2025-05-31"}
    )
    assert response.status_code == 302
    assert AnnualInspection.objects.filter(organization=org, year=2024).exists()
    response = client.post(
        reverse("orgs:inspection_open"), {"area": tree["songjiang"].pk, "year": 2024, "due_on": "2024-05-31"}
    )
    assert response.status_code == 422


def test_overdue_list_page(client_for, registry_officer, inspection):
    with __import__("freezegun").freeze_time(dt.date(2025, 6, 2)):
        body = (
            client_for(registry_officer).get(reverse("orgs:inspections"), {"overdue": "on"}).content.decode()
        )
    assert "上海乐群社工服务社" in body
