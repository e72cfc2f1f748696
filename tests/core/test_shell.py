"""The shell: sign-in page, a real home page per role, navigation by role, language switch."""

import pytest
from django.urls import reverse

from gongzhi.accounts.roles import Role

ROLE_FIXTURES = [
    "city_admin",
    "district_admin",
    "street_admin",
    "community_worker",
    "committee_worker",
    "grid_worker",
    "registry_officer",
    "party_secretary",
    "party_member",
    "department_handler",
    "volunteer",
    "resident",
]


def test_anonymous_visitor_is_sent_to_the_sign_in_page(client, db):
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))
    assert "登录" in response.content.decode()


@pytest.mark.parametrize("fixture", ROLE_FIXTURES)
def test_each_role_gets_a_home_page_with_its_scope(request, client_for, fixture):
    user = request.getfixturevalue(fixture)
    response = client_for(user).get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assignment = user.role_assignments.get()
    assert assignment.scope_label in html
    assert str(Role(assignment.role).label) in html  # already translated to Chinese


def test_navigation_shows_roles_page_only_to_those_who_can_grant(client_for, street_admin, resident):
    assert reverse("accounts:roles") in client_for(street_admin).get("/").content.decode()
    assert reverse("accounts:roles") not in client_for(resident).get("/").content.decode()


def test_language_switch_turns_the_page_english(client_for, street_admin):
    client = client_for(street_admin)
    assert "欢迎" in client.get("/").content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Welcome" in client.get("/").content.decode()
