"""Matching pages and API: lists, forms with clear errors, the matcher page, accepting, projects."""

import pytest

from gongzhi.matching.models import MatchedProject, Need, Resource

from .conftest import at

pytestmark = pytest.mark.django_db


def test_the_liaison_publishes_through_the_form_and_bad_dates_show_next_to_the_field(
    client_for, tree, unit, liaison
):
    client = client_for(liaison)
    form = {
        "publisher": f"unit:{unit.pk}",
        "area": tree["fangsong"].pk,
        "kind": "venue",
        "title": "多功能厅",
        "capacity": "3",
        "unit": "场",
        "available_from": "2030-01-10T09:00",
        "available_until": "2030-01-09T09:00",
    }
    page = client.post("/matching/resources/new/", form)
    assert page.status_code == 200 and 'id="id_available_until-errors"' in page.content.decode()
    assert not Resource.objects.exists()
    form["available_until"] = "2030-02-10T09:00"
    assert client.post("/matching/resources/new/", form).status_code == 302
    assert "多功能厅" in client.get("/matching/resources/").content.decode()


def test_staff_pages_show_lists_proposals_and_figures(client_for, tree, venue, need, street_admin):
    client = client_for(street_admin)
    for url in ("/matching/", "/matching/resources/", "/matching/needs/", "/matching/projects/"):
        assert client.get(f"{url}?area={tree['fangsong'].pk}").status_code == 200
    page = client.get(f"/matching/proposals/?area={tree['fangsong'].pk}").content.decode()
    assert "多功能厅" in page and f'id="accept-{need.pk}-{venue.pk}"' in page
    r = client.post("/matching/accept/", {"need": need.pk, "resource": venue.pk})
    project = MatchedProject.objects.get()
    assert r.status_code == 302 and r.url == f"/matching/projects/{project.pk}/"
    assert (
        client.post(f"/matching/projects/{project.pk}/complete/", {"results": "到场60人"}).status_code == 302
    )
    assert Need.objects.get(pk=need.pk).state == "met"


def test_people_outside_the_area_are_refused(client_for, tree, venue, need, other_street_admin, resident):
    assert (
        client_for(other_street_admin).get(f"/matching/proposals/?area={tree['fangsong'].pk}").status_code
        == 403
    )
    assert client_for(other_street_admin).get(f"/matching/needs/{need.pk}/").status_code == 403
    r = client_for(resident).post("/matching/accept/", {"need": need.pk, "resource": venue.pk})
    assert r.status_code == 403
    assert not MatchedProject.objects.exists()


def test_the_api_covers_publish_rank_accept_and_complete(
    client_for, tree, unit, liaison, committee_worker, django_capture_on_commit_callbacks
):
    api = client_for(liaison)
    r = api.post(
        "/api/v1/matching/resources",
        {
            "publisher_kind": "unit",
            "publisher_id": unit.pk,
            "area_id": tree["fangsong"].pk,
            "kind": "venue",
            "title": "多功能厅",
            "capacity": 1,
            "available_from": at(2).isoformat(),
            "available_until": at(1).isoformat(),
        },
        content_type="application/json",
    )
    assert r.status_code == 422 and "available_until" in r.json()["error"]["fields"]
    r = api.post(
        "/api/v1/matching/resources",
        {
            "publisher_kind": "unit",
            "publisher_id": unit.pk,
            "area_id": tree["fangsong"].pk,
            "kind": "venue",
            "title": "多功能厅",
            "capacity": 1,
            "available_from": at(2).isoformat(),
            "available_until": at(28).isoformat(),
        },
        content_type="application/json",
    )
    assert r.status_code == 201
    resource_id = r.json()["id"]
    assert api.get("/api/v1/matching/resources").json()["items"][0]["id"] == resource_id

    api = client_for(committee_worker)
    r = api.post(
        "/api/v1/matching/needs",
        {
            "area_id": tree["committee"].pk,
            "kind": "venue",
            "title": "讲座",
            "wanted_from": at(10).isoformat(),
            "wanted_until": at(11).isoformat(),
        },
        content_type="application/json",
    )
    need_id = r.json()["id"]
    ranked = api.get(f"/api/v1/matching/needs/{need_id}/resources").json()
    assert ranked[0]["resource_id"] == resource_id and ranked[0]["reasons"]
    proposals = api.get(f"/api/v1/matching/proposals?area_id={tree['committee'].pk}").json()
    assert proposals[0]["need"]["id"] == need_id
    r = api.post(
        "/api/v1/matching/projects",
        {"resource_id": resource_id, "need_id": need_id},
        content_type="application/json",
    )
    assert r.status_code == 201
    project_id = r.json()["id"]
    r = api.post(
        "/api/v1/matching/projects",
        {"resource_id": resource_id, "need_id": need_id},
        content_type="application/json",
    )
    assert r.status_code == 422
    with django_capture_on_commit_callbacks(execute=True):
        r = api.post(
            f"/api/v1/matching/projects/{project_id}/complete",
            {"results": "完成"},
            content_type="application/json",
        )
    assert r.json()["state"] == "completed"
    figures = api.get(
        f"/api/v1/matching/figures?area_id={tree['committee'].pk}&period_from=2026-01&period_to=2030-12"
    ).json()
    assert figures["projects_completed"] == 1
