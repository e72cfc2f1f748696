"""Case pages and API: permission matrix per role, the report form, actions through forms and API,
structured errors for bad input."""

import json

import pytest

from gongzhi.cases.models import Case

pytestmark = pytest.mark.django_db


@pytest.fixture
def routed(grid_worker, report, rule):
    return report(grid_worker)


def api(client, method, url, body=None):
    fn = getattr(client, method)
    if body is None:
        return fn(url)
    return fn(url, data=json.dumps(body), content_type="application/json")


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("grid_worker", 200),
        ("committee_worker", 200),
        ("street_admin", 200),
        ("department_handler", 200),
        ("community_worker", 403),
        ("other_street_admin", 403),
        ("outsider", 403),
        ("resident", 403),
    ],
)
def test_who_sees_the_case_page(request, client_for, routed, user, status):
    client = client_for(request.getfixturevalue(user))
    assert client.get(f"/cases/{routed.pk}/").status_code == status
    assert api(client, "get", f"/api/v1/cases/{routed.pk}").status_code == status


def test_reporter_sees_status_and_public_timeline_only(client_for, resident, report, rule, tree):
    case = report(resident, channel="resident_web", area=tree["committee"])
    page = client_for(resident).get(f"/cases/{case.pk}/")
    assert page.status_code == 200
    assert case.number in page.content.decode()


def test_list_shows_only_visible_cases(client_for, routed, other_street_admin, committee_worker):
    assert routed.number in client_for(committee_worker).get("/cases/").content.decode()
    assert routed.number not in client_for(other_street_admin).get("/cases/").content.decode()


def test_grid_worker_reports_through_the_form_with_a_photo(
    client_for, grid_worker, categories, tree, photo, rule
):
    client = client_for(grid_worker)
    assert client.get("/cases/new/").status_code == 200
    response = client.post(
        "/cases/new/",
        {
            "category": categories["group_rental"].pk,
            "area": tree["grid"].pk,
            "channel": "patrol",
            "title": "3号楼群租",
            "description": "隔成6间",
            "coordinate_system": "wgs84",
            "files": photo,
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.files.count() == 1 and case.state == "received"  # the dispatcher sends it on


def test_report_form_suggests_duplicates_before_saving(client_for, grid_worker, categories, tree, routed):
    client = client_for(grid_worker)
    data = {
        "category": categories["group_rental"].pk,
        "area": tree["grid"].pk,
        "channel": "patrol",
        "title": "又见群租",
        "description": "同一楼",
        "coordinate_system": "wgs84",
    }
    first = client.post("/cases/new/", data)
    assert first.status_code == 200 and routed.number in first.content.decode()
    assert Case.objects.count() == 1
    second = client.post("/cases/new/", data | {"confirm_new": "on"})
    assert second.status_code == 302 and Case.objects.count() == 2


def test_form_errors_show_next_to_fields(client_for, routed, committee_worker):
    client = client_for(committee_worker)
    client.post(f"/cases/{routed.pk}/do/accept/")
    client.post(f"/cases/{routed.pk}/do/start/")
    response = client.post(f"/cases/{routed.pk}/do/park/", {"park-reason": ""})
    assert response.status_code == 422
    assert 'id="id_park-reason-errors"' in response.content.decode()


def test_api_lifecycle_and_errors(client_for, routed, committee_worker, department_handler, street_admin):
    client = client_for(committee_worker)
    bad = api(client, "post", f"/api/v1/cases/{routed.pk}/resolve", {"answer": "x", "solved": True})
    assert bad.status_code == 422 and bad.json()["error"]["fields"]["state"]
    assert api(client, "post", f"/api/v1/cases/{routed.pk}/accept").json()["state"] == "accepted"
    no_reason = api(client, "post", f"/api/v1/cases/{routed.pk}/return", {"reason": "", "legal_basis": ""})
    assert no_reason.status_code == 422 and "legal_basis" in no_reason.json()["error"]["fields"]
    assert api(client, "post", f"/api/v1/cases/{routed.pk}/start").status_code == 200
    task = routed.assignments.get(role="support")
    dept = client_for(department_handler)
    done = api(dept, "post", f"/api/v1/cases/{routed.pk}/tasks/{task.pk}/done", {"answer": "已执法"})
    assert done.status_code == 200
    client = client_for(committee_worker)
    resolved = api(client, "post", f"/api/v1/cases/{routed.pk}/resolve", {"answer": "已整改", "solved": True})
    assert resolved.json()["state"] == "resolved"
    rated = api(
        client,
        "post",
        f"/api/v1/cases/{routed.pk}/follow-up-calls",
        {"reached": True, "satisfaction": "basically"},
    )
    assert rated.status_code == 201 and rated.json()["state"] == "followed_up"
    assert api(client, "post", f"/api/v1/cases/{routed.pk}/close", {}).json()["state"] == "closed"
    events = api(client, "get", f"/api/v1/cases/{routed.pk}/timeline").json()
    assert [e["action"] for e in events][:2] == ["received", "dispatch"]


def test_api_intake_refuses_unknown_category_and_area(client_for, grid_worker, tree):
    client = client_for(grid_worker)
    body = {
        "category": "nope",
        "area_id": tree["grid"].pk,
        "channel": "patrol",
        "title": "t",
        "description": "d",
    }
    r = api(client, "post", "/api/v1/cases/", body)
    assert r.status_code == 422 and "category" in r.json()["error"]["fields"]
    r = api(client, "post", "/api/v1/cases/", body | {"area_id": 987654})
    assert r.status_code == 422
    assert not Case.objects.exists()


def test_api_file_upload_refuses_non_images(client_for, routed, grid_worker):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(grid_worker)
    r = client.post(
        f"/api/v1/cases/{routed.pk}/files", {"file": SimpleUploadedFile("a.png", b"not an image")}
    )
    assert r.status_code == 422
    assert routed.files.count() == 0


def test_routing_rules_page_is_for_street_admins(
    client_for, street_admin, committee_worker, categories, tree
):
    assert client_for(committee_worker).get("/cases/rules/").status_code == 403
    client = client_for(street_admin)
    assert client.get("/cases/rules/").status_code == 200
    r = client.post(
        "/cases/rules/",
        {
            "category": categories["sanitation"].pk,
            "area": tree["fangsong"].pk,
            "lead_kind": "department",
            "lead_department": tree["department"].pk,
            "support_days": 10,
        },
    )
    assert r.status_code == 302


def test_case_page_names_the_actions_and_loads_each_form_when_its_panel_opens(
    client_for, routed, committee_worker
):
    client = client_for(committee_worker)
    page = client.get(f"/cases/{routed.pk}/").content.decode()
    assert 'id="btn-accept"' in page
    assert f'hx-get="/cases/{routed.pk}/do/accept/form/"' in page
    assert 'id="form-accept"' not in page  # not built until asked for

    fragment = client.get(f"/cases/{routed.pk}/do/accept/form/", HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    body = fragment.content.decode()
    assert 'id="form-accept"' in body and f'action="/cases/{routed.pk}/do/accept/"' in body
    assert "<html" not in body

    # Without htmx the same address is a page of its own, so the form works without scripts.
    whole = client.get(f"/cases/{routed.pk}/do/accept/form/").content.decode()
    assert "<html" in whole and 'id="form-accept"' in whole


def test_action_form_is_refused_for_an_action_not_open_to_the_user(
    client_for, routed, committee_worker, other_street_admin
):
    assert client_for(committee_worker).get(f"/cases/{routed.pk}/do/rate/form/").status_code == 404
    assert client_for(other_street_admin).get(f"/cases/{routed.pk}/do/accept/form/").status_code == 403


def test_a_form_sent_back_with_errors_is_open_on_the_page(client_for, routed, committee_worker):
    client = client_for(committee_worker)
    client.post(f"/cases/{routed.pk}/do/accept/")
    client.post(f"/cases/{routed.pk}/do/start/")
    page = client.post(f"/cases/{routed.pk}/do/park/", {"park-reason": ""}).content.decode()
    assert 'id="form-park"' in page and 'id="act-park" class="accordion-collapse collapse show"' in page
    assert 'id="form-resolve"' not in page


def test_timeline_names_the_satisfaction_in_the_page_language(
    client_for, routed, committee_worker, department_handler
):
    from gongzhi.cases.actions import feedback, lifecycle

    support = routed.assignments.get(role="support")
    lifecycle.accept_case(actor=committee_worker, case=routed)
    lifecycle.start_case(actor=committee_worker, case=routed)
    lifecycle.accept_task(actor=department_handler, assignment=support)
    lifecycle.complete_task(actor=department_handler, assignment=support, answer="已执法")
    lifecycle.resolve_case(actor=committee_worker, case=routed, answer="已处理", solved=True)
    feedback.rate_case(actor=committee_worker, case=routed, satisfaction="basically")
    page = client_for(committee_worker).get(f"/cases/{routed.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    timeline = page.content.decode().split('id="case-timeline"', 1)[1]
    assert "回访: 基本满意" in timeline
    assert "basically" not in timeline


def test_the_inbox_counts_cases_to_accept_up_to_the_cap_then_says_more_than(
    routed, report, grid_worker, committee_worker, monkeypatch
):
    from django.utils import translation

    from gongzhi.cases import case_app, queries

    report(grid_worker)
    with translation.override("zh-hans"):
        (item,) = [i for i in case_app.case_work(committee_worker) if "view=to_accept" in i.url]
        assert item.count == 2 and item.label == "2件诉求待签收"
        monkeypatch.setattr(queries, "COUNT_CAP", 1)
        (item,) = [i for i in case_app.case_work(committee_worker) if "view=to_accept" in i.url]
        assert item.count == 2 and item.label == "超过1件诉求待签收"
