"""Regressions found by walking the party pages as each demo role in a browser: links that led to a
403, a date picker that lost its initial value in Chinese, and committee column headings that borrowed
another app's translation."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from gongzhi.accounts.roles import Role, ScopeKind
from gongzhi.councils import actions as council_actions
from gongzhi.councils.models import Council
from gongzhi.party import actions
from gongzhi.party.forms_gives import GiveSeatForm, TaskForm
from tests.conftest import make_user

from .conftest import person

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def liaison_user(party):
    return make_user("liaison", Role.UNIT_LIAISON, party["hospital"], ScopeKind.STATIONED_UNIT)


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- figures of an area -------------------------------------------------------------------------------
def test_the_working_committee_secretary_sees_the_figures_of_the_street_it_leads(client_for, party, tree):
    c = client_for(party["working_secretary"])
    area_url = f"/party/area/{tree['fangsong'].pk}/"
    assert area_url in _html(c.get(f"/party/org/{party['working'].pk}/", **EN))
    assert area_url in _html(c.get("/party/", **EN))
    page = _html(c.get(area_url, **EN))
    # The sub-area table is headed like the table above it.
    assert page.count("Report rate") == 2 and page.count("Participation rate") == 2


def test_a_residential_secretary_sees_the_figures_of_the_residential_area(client_for, party, tree):
    c = client_for(party["secretary"])
    assert c.get(f"/party/area/{tree['committee'].pk}/", **EN).status_code == 200


def test_a_unit_secretary_gets_no_figures_link_for_the_street_and_cannot_open_it(client_for, party, tree):
    c = client_for(party["workplace_secretary"])
    area_url = f"/party/area/{tree['fangsong'].pk}/"
    assert area_url not in _html(c.get(f"/party/org/{party['unit_org'].pk}/", **EN))
    assert area_url not in _html(c.get("/party/", **EN))
    assert c.get(area_url, **EN).status_code == 403


def test_an_outsider_still_cannot_open_an_areas_figures(client_for, outsider, tree, party):
    assert client_for(outsider).get(f"/party/area/{tree['fangsong'].pk}/", **EN).status_code == 403


# --- links to pages the user may not open --------------------------------------------------------------
def test_a_unit_member_sees_the_leading_organization_by_name_without_a_link_that_would_be_refused(
    client_for, party
):
    parent_url = f"/party/org/{party['comprehensive'].pk}/"
    page = _html(client_for(party["member_user"]).get(f"/party/org/{party['unit_org'].pk}/", **EN))
    assert party["comprehensive"].name in page and parent_url not in page
    assert client_for(party["member_user"]).get(parent_url, **EN).status_code == 403
    # Whoever may open the leading organization gets the link.
    page = _html(client_for(party["working_secretary"]).get(f"/party/org/{party['unit_org'].pk}/", **EN))
    assert parent_url in page


def test_my_pledges_links_to_the_pledges_of_the_organization_the_member_belongs_to(client_for, party, tree):
    own_url = f"/party/practice/org/{party['unit_org'].pk}/pledges/"
    assert own_url in _html(client_for(party["member_user"]).get("/party/practice/pledges/", **EN))
    # Like the demo's member: a grant for the residential committee only, a member of a unit's organization.
    user = make_user("li_member", Role.PARTY_MEMBER, party["residential"], ScopeKind.PARTY_ORGANIZATION)
    actions.register_member(
        actor=None,
        person=person("李强", tree["compound"], user),
        organization=party["unit_org"],
        status="in_service",
        home_area=tree["compound"],
        workplace_organization=party["unit_org"],
    )
    c = client_for(user)
    # A member sees their own organization (party.permissions.is_member_of) and may open the link.
    assert own_url in _html(c.get("/party/practice/pledges/", **EN))
    assert c.get(own_url, **EN).status_code == 200


def test_a_pledge_page_links_to_the_organization_for_its_member_and_its_secretary(client_for, party, tree):
    user = make_user("li_member", Role.PARTY_MEMBER, party["residential"], ScopeKind.PARTY_ORGANIZATION)
    member = actions.register_member(
        actor=None,
        person=person("李强", tree["compound"], user),
        organization=party["unit_org"],
        status="in_service",
        home_area=tree["compound"],
        workplace_organization=party["unit_org"],
    )
    pledge = actions.make_pledge(actor=None, member=member, text_="每月服务一次", due_on=dt.date(2099, 1, 1))
    own_url = f"/party/practice/org/{party['unit_org'].pk}/pledges/"
    page = _html(client_for(user).get(f"/party/practice/pledges/{pledge.pk}/", **EN))
    assert "每月服务一次" in page and party["unit_org"].name in page and own_url in page
    page = _html(client_for(party["workplace_secretary"]).get(f"/party/practice/pledges/{pledge.pk}/", **EN))
    assert own_url in page


def test_the_receptions_of_an_organization_link_back_to_it_only_for_those_who_may_open_it(
    client_for, party, liaison_user
):
    org_url = f"/party/org/{party['residential'].pk}/"
    list_url = f"/party/care/receptions/?org={party['residential'].pk}"
    assert org_url not in _html(client_for(liaison_user).get(list_url, **EN))
    assert client_for(liaison_user).get(org_url, **EN).status_code == 403
    assert org_url in _html(client_for(party["secretary"]).get(list_url, **EN))


def test_a_participating_units_secretary_sees_the_project_without_links_to_the_owners_pages(
    client_for, party
):
    project = actions.create_project(
        actor=None,
        organization=party["residential"],
        title="楼道微更新",
        goal="改善楼道环境",
        methods=["self_governance"],
        participants=[party["unit_org"]],
        milestones=[("征求意见", dt.date(2099, 1, 31))],
    )
    owner = party["residential"].pk
    page = _html(
        client_for(party["workplace_secretary"]).get(f"/party/practice/projects/{project.pk}/", **EN)
    )
    assert "楼道微更新" in page
    assert f"/party/org/{owner}/" not in page and f"/party/practice/org/{owner}/projects/" not in page
    assert client_for(party["workplace_secretary"]).get(f"/party/org/{owner}/", **EN).status_code == 403
    page = _html(client_for(party["secretary"]).get(f"/party/practice/projects/{project.pk}/", **EN))
    assert f"/party/practice/org/{owner}/projects/" in page


# --- forms and labels ---------------------------------------------------------------------------------
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_seat_and_task_date_pickers_keep_their_initial_date_in_every_language(language):
    with translation.override(language):
        seat = str(GiveSeatForm(initial={"term_start": dt.date(2026, 11, 27)})["term_start"])
        task = str(TaskForm(initial={"due_on": dt.date(2026, 12, 31)})["due_on"])
    assert 'value="2026-11-27"' in seat and 'type="date"' in seat
    assert 'value="2026-12-31"' in task


def test_the_seats_page_fills_in_todays_date_for_a_new_seat_in_chinese(client_for, party, tree):
    council = council_actions.create_council(
        actor=None, area=tree["fangsong"], kind=Council.Kind.REPRESENTATIVE_ASSEMBLY, name="社区成员代表会议"
    )
    actions.link_representative_council(actor=None, organization=party["working"], council=council)
    page = client_for(party["working_secretary"]).get(
        f"/party/gives/org/{party['working'].pk}/seats/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    today = timezone.localdate().isoformat()
    assert f'type="date" name="term_start" value="{today}"' in _html(page)


def test_the_committee_table_is_headed_with_seat_words_not_household_ones(client_for, party):
    page = _html(client_for(party["working_secretary"]).get(f"/party/org/{party['working'].pk}/", **EN))
    assert "Committee members" in page and "Full-time or part-time" in page and "Represents" in page
    assert ">Tenure<" not in page and ">From<" not in page


def test_the_violations_table_heads_the_members_answer_not_a_webhook_response(client_for, party):
    url = f"/party/practice/org/{party['residential'].pk}/violations/"
    page = _html(client_for(party["secretary"]).get(url, **EN))
    assert "Member&#x27;s response" in page or "Member's response" in page
    assert ">Response<" not in page


def test_member_may_open_the_page_of_the_organization_they_belong_to(party, client_for):
    from gongzhi.party.permissions import can_view

    member_user, org = party["member_user"], party["member"].organization
    assert can_view(member_user, org)
    assert client_for(member_user).get(f"/party/org/{org.pk}/").status_code == 200


def test_outsider_may_not_open_an_organization_page(party, outsider, client_for):
    assert client_for(outsider).get(f"/party/org/{party['residential'].pk}/").status_code in (403, 404)
