"""The practice pages: points rules, manual points, totals and handbooks, violations and responses,
assessments with the party organization's opinion, pledges and projects — allowed and denied per role,
bad input answered with a clear message next to the field and nothing written."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import get_resolver
from freezegun import freeze_time

from gongzhi.party import actions
from gongzhi.party.models import (
    Assessment,
    PartyProject,
    Pledge,
    PointsEntry,
    PointsScheme,
    ProjectMilestone,
    Violation,
)
from gongzhi.party.models.practice import ActivityKind

NOW = "2026-03-02 10:00:00+08:00"
PHONE = "13912345678"


@pytest.fixture(autouse=True)
def english_requests(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    get_resolver().url_patterns  # noqa: B018 - build the URLconf (and the API schemas) before time is frozen


@pytest.fixture
def reported(party):
    r = actions.report_in(
        actor=None, member=party["member"], receiving=party["residential"], contact_phone=PHONE
    )
    actions.issue_receipt(actor=None, report=r)
    return r


def _text(response) -> str:
    return response.content.decode()


# --- points -------------------------------------------------------------------------------------------
RULES = {
    "base_points": "60",
    "manual_cap": "5",
    "points_service": "2",
    "cap_service": "20",
    "points_study": "1",
    "cap_study": "",
}


@freeze_time(NOW)
def test_a_secretary_configures_the_points_rules_of_the_year_through_the_page(client_for, party):
    c = client_for(party["secretary"])
    url = f"/party/practice/org/{party['residential'].pk}/points/rules/?year=2026"
    assert "Points per activity" in _text(c.get(url))
    response = c.post(url, RULES)
    assert response.status_code == 302
    scheme = PointsScheme.objects.get(organization=party["residential"], year=2026)
    assert scheme.base_points == Decimal(60) and scheme.manual_cap == Decimal(5)
    rules = {r.activity_kind: (r.points, r.yearly_cap) for r in scheme.rules.all()}
    assert rules == {ActivityKind.SERVICE: (Decimal(2), Decimal(20)), ActivityKind.STUDY: (Decimal(1), None)}
    # The form shows the saved rules again.
    assert 'value="20.0"' in _text(c.get(url))


@freeze_time(NOW)
def test_bad_points_rules_are_answered_next_to_the_field_and_nothing_is_saved(client_for, party):
    c = client_for(party["secretary"])
    url = f"/party/practice/org/{party['residential'].pk}/points/rules/?year=2026"
    response = c.post(url, {**RULES, "base_points": "-5", "points_study": "", "cap_study": "3"})
    assert response.status_code == 200
    page = _text(response)
    assert "greater than or equal to 0" in page and "Give the points before a cap." in page
    assert not PointsScheme.objects.exists()


@freeze_time(NOW)
def test_a_member_and_another_organizations_secretary_cannot_open_the_points_rules(client_for, party):
    url = f"/party/practice/org/{party['residential'].pk}/points/rules/?year=2026"
    for user in (party["member_user"], party["other_secretary"]):
        c = client_for(user)
        assert c.get(url).status_code == 403
        assert c.post(url, RULES).status_code == 403
    assert not PointsScheme.objects.exists()


def _scheme(party, org="residential"):
    return actions.save_points_scheme(
        actor=None,
        organization=party[org],
        year=2026,
        base_points=60,
        manual_cap=5,
        rules={ActivityKind.SERVICE: (2, 20)},
    )


@freeze_time(NOW)
def test_a_secretary_adds_manual_points_with_a_reason_and_sees_them_in_the_members_handbook(
    client_for, party, reported
):
    _scheme(party)
    c = client_for(party["secretary"])
    url = f"/party/practice/org/{party['residential'].pk}/points/manual/"
    assert "张伟" in _text(c.get(url))
    response = c.post(
        url, {"member": party["member"].pk, "year": 2026, "points": "3", "reason": "组织楼道清洁"}
    )
    assert response.status_code == 302
    entry = PointsEntry.objects.get()
    assert entry.activity_kind == ActivityKind.MANUAL and entry.points == Decimal(3)
    handbook = _text(c.get(response.url))
    assert "组织楼道清洁" in handbook and "63.0" in handbook


@freeze_time(NOW)
def test_manual_points_outside_the_rules_get_a_clear_message_and_nothing_is_written(
    client_for, party, reported
):
    c = client_for(party["secretary"])
    url = f"/party/practice/org/{party['residential'].pk}/points/manual/"
    data = {"member": party["member"].pk, "year": 2026, "points": "3", "reason": "补记"}
    assert "No points rules are set" in _text(c.post(url, data))
    _scheme(party)
    page = _text(c.post(url, {**data, "points": "8"}))
    assert "must be between" in page and "5.0" in page
    assert "must be between" in _text(c.post(url, {**data, "points": "0"}))
    assert "This field is required." in _text(c.post(url, {**data, "reason": ""}))
    assert not PointsEntry.objects.exists()


@freeze_time(NOW)
def test_a_member_cannot_add_manual_points(client_for, party, reported):
    _scheme(party)
    c = client_for(party["member_user"])
    url = f"/party/practice/org/{party['residential'].pk}/points/manual/"
    response = c.post(url, {"member": party["member"].pk, "year": 2026, "points": "5", "reason": "自己加分"})
    assert response.status_code == 403
    assert not PointsEntry.objects.exists()


@freeze_time(NOW)
def test_the_yearly_totals_list_links_each_member_to_their_handbook(client_for, party, reported):
    _scheme(party)
    actions.add_manual_points(actor=None, member=party["member"], year=2026, points=4, reason="表彰")
    c = client_for(party["secretary"])
    page = _text(c.get(f"/party/practice/org/{party['residential'].pk}/points/?year=2026"))
    link = f"/party/practice/member/{party['member'].pk}/handbook/?year=2026"
    assert link in page and "64.0" in page
    assert "表彰" in _text(c.get(link))


@freeze_time(NOW)
def test_another_secretary_cannot_read_a_members_handbook_or_the_totals(client_for, party, reported):
    _scheme(party)
    c = client_for(party["other_secretary"])
    assert c.get(f"/party/practice/member/{party['member'].pk}/handbook/?year=2026").status_code == 403
    assert c.get(f"/party/practice/org/{party['residential'].pk}/points/").status_code == 403


@freeze_time(NOW)
def test_the_members_own_handbook_shows_entries_and_the_total(client_for, party, reported):
    _scheme(party)
    actions.add_manual_points(actor=None, member=party["member"], year=2026, points=5, reason="义诊服务")
    actions.add_manual_points(actor=None, member=party["member"], year=2026, points=-2, reason="缺席学习")
    page = _text(client_for(party["member_user"]).get("/party/handbook/?year=2026"))
    assert "义诊服务" in page and "缺席学习" in page
    assert "63.0" in page  # 60 base + 5 − 2


# --- violations of the six don'ts ---------------------------------------------------------------------
@freeze_time(NOW)
def test_the_committee_records_a_violation_and_the_member_responds_once(client_for, party, reported):
    c = client_for(party["secretary"])
    url = f"/party/practice/org/{party['residential'].pk}/violations/"
    response = c.post(
        url,
        {
            "member": party["member"].pk,
            "dont": 2,
            "occurred_on": "2026-02-20",
            "description": "占用消防通道停车",
        },
    )
    assert response.status_code == 302
    v = Violation.objects.get()
    assert "占用消防通道停车" not in _text(c.get(url)) and "张伟" in _text(c.get(url))
    m = client_for(party["member_user"])
    assert f"/party/practice/violations/{v.pk}/" in _text(m.get("/party/practice/violations/"))
    assert "占用消防通道停车" in _text(m.get(f"/party/practice/violations/{v.pk}/"))
    assert m.post(f"/party/practice/violations/{v.pk}/", {"response": "已挪车，以后注意"}).status_code == 302
    v.refresh_from_db()
    assert v.response == "已挪车，以后注意" and v.responded_at
    again = m.post(f"/party/practice/violations/{v.pk}/", {"response": "再说一次"})
    assert "already responded" in _text(again)
    v.refresh_from_db()
    assert v.response == "已挪车，以后注意"


@freeze_time(NOW)
def test_a_violation_in_the_future_or_without_a_description_is_refused(client_for, party, reported):
    c = client_for(party["secretary"])
    url = f"/party/practice/org/{party['residential'].pk}/violations/"
    page = _text(
        c.post(
            url, {"member": party["member"].pk, "dont": 1, "occurred_on": "2026-04-01", "description": "x"}
        )
    )
    assert "cannot lie in the future" in page
    page = _text(
        c.post(url, {"member": party["member"].pk, "dont": 9, "occurred_on": "2026-02-01", "description": ""})
    )
    assert "Select a valid choice" in page and "This field is required." in page
    assert not Violation.objects.exists()


@freeze_time(NOW)
def test_only_the_committee_records_violations_and_only_the_member_responds(client_for, party, reported):
    url = f"/party/practice/org/{party['residential'].pk}/violations/"
    data = {"member": party["member"].pk, "dont": 4, "occurred_on": "2026-02-01", "description": "遛狗不牵绳"}
    for user in (party["member_user"], party["other_secretary"]):
        assert client_for(user).post(url, data).status_code == 403
    assert not Violation.objects.exists()
    v = actions.record_violation(
        actor=party["secretary"],
        member=party["member"],
        dont=4,
        occurred_on=dt.date(2026, 2, 1),
        description="遛狗",
    )
    assert client_for(party["other_secretary"]).get(f"/party/practice/violations/{v.pk}/").status_code == 404
    response = client_for(party["secretary"]).post(
        f"/party/practice/violations/{v.pk}/", {"response": "代答"}
    )
    assert response.status_code == 403
    v.refresh_from_db()
    assert v.response == ""


# --- assessments (听取意见) -----------------------------------------------------------------------------
def _request_page(c, party, **extra):
    data = {
        "kind": "year_end",
        "leader_name": "王强",
        "leader_position": "所长",
        "unit_name": "方松派出所",
        "opinion_organization": party["admin_group"].pk,
        **extra,
    }
    return c.post("/party/practice/assessments/new/", data)


@freeze_time(NOW)
def test_an_assessment_is_requested_opinion_given_and_completed_through_the_pages(
    client_for, party, street_admin
):
    admin = client_for(street_admin)
    response = _request_page(admin, party)
    a = Assessment.objects.get()
    assert response.status_code == 302 and response.url == f"/party/practice/assessments/{a.pk}/"
    assert "王强" in _text(admin.get("/party/practice/assessments/"))
    # Completing before the opinion: refused with a clear message, nothing changes.
    page = _text(admin.post(response.url, {"step": "complete", "result": "称职"}))
    assert "opinion has not been given" in page
    a.refresh_from_db()
    assert a.state == Assessment.State.REQUESTED and a.result == ""
    # The working committee's secretary leads the administrative group and gives its opinion.
    sec = client_for(party["working_secretary"])
    assert "Give the opinion" in _text(sec.get(response.url))
    assert sec.post(response.url, {"step": "opinion", "opinion": "工作扎实，群众认可"}).status_code == 302
    admin = client_for(street_admin)
    assert admin.post(response.url, {"step": "complete", "result": "称职"}).status_code == 302
    a.refresh_from_db()
    assert a.state == Assessment.State.COMPLETED and a.opinion == "工作扎实，群众认可" and a.result == "称职"


@freeze_time(NOW)
def test_an_opinion_request_may_be_waived_only_with_a_reason(client_for, party, street_admin):
    c = client_for(street_admin)
    _request_page(c, party, kind="promotion")
    a = Assessment.objects.get()
    url = f"/party/practice/assessments/{a.pk}/"
    assert "This field is required." in _text(c.post(url, {"step": "waive", "reason": ""}))
    a.refresh_from_db()
    assert a.state == Assessment.State.REQUESTED
    assert c.post(url, {"step": "waive", "reason": "该党组织已撤销"}).status_code == 302
    assert c.post(url, {"step": "complete", "result": "同意提拔"}).status_code == 302
    a.refresh_from_db()
    assert a.state == Assessment.State.COMPLETED and a.waiver_reason == "该党组织已撤销"


@freeze_time(NOW)
def test_bad_assessment_requests_are_answered_and_write_nothing(client_for, party, street_admin):
    c = client_for(street_admin)
    page = _text(_request_page(c, party, leader_name="", opinion_organization=party["residential"].pk))
    assert "This field is required." in page and "Select a valid choice" in page
    assert not Assessment.objects.exists()


@freeze_time(NOW)
def test_members_and_outsiders_neither_request_nor_see_assessments(client_for, party, street_admin, outsider):
    a = actions.request_assessment_opinion(
        actor=None,
        opinion_organization=party["unit_org"],
        kind="mid_term",
        leader_name="赵敏",
        leader_position="院长",
        unit_name="松江区某某医院",
    )
    for user in (party["member_user"], outsider):
        c = client_for(user)
        assert c.get("/party/practice/assessments/new/").status_code == 403
        assert "赵敏" not in _text(c.get("/party/practice/assessments/"))
        assert c.get(f"/party/practice/assessments/{a.pk}/").status_code == 404
        assert (
            c.post(f"/party/practice/assessments/{a.pk}/", {"step": "opinion", "opinion": "x"}).status_code
            == 404
        )
    # The unit's secretary gives the opinion but may not waive or complete (street staff decide those).
    c = client_for(party["workplace_secretary"])
    assert c.post(f"/party/practice/assessments/{a.pk}/", {"step": "waive", "reason": "x"}).status_code == 403
    assert (
        c.post(f"/party/practice/assessments/{a.pk}/", {"step": "opinion", "opinion": "同意"}).status_code
        == 302
    )
    a.refresh_from_db()
    assert a.state == Assessment.State.OPINION_GIVEN


# --- pledges ------------------------------------------------------------------------------------------
def test_a_member_pledges_fulfils_and_the_organization_list_marks_overdue_ones(client_for, party):
    m = client_for(party["member_user"])
    with freeze_time(NOW):
        assert (
            m.post("/party/practice/pledges/", {"text": "每月义诊一次", "due_on": "2026-04-30"}).status_code
            == 302
        )
        assert (
            m.post("/party/practice/pledges/", {"text": "结对帮扶一户", "due_on": "2026-03-10"}).status_code
            == 302
        )
    first, second = Pledge.objects.order_by("id")
    org_url = f"/party/practice/org/{party['unit_org'].pk}/pledges/"
    with freeze_time("2026-03-20 10:00:00+08:00"):
        page = _text(m.get(org_url))
        assert "每月义诊一次" in page and "结对帮扶一户" in page and "overdue" in page
        assert "结对帮扶一户" in _text(m.get(org_url + "?show=overdue"))
        assert "每月义诊一次" not in _text(m.get(org_url + "?show=overdue"))
        assert (
            m.post(f"/party/practice/pledges/{second.pk}/", {"fulfilment": "已结对王阿姨家"}).status_code
            == 302
        )
    second.refresh_from_db()
    assert second.fulfilled_on == dt.date(2026, 3, 20) and second.fulfilment == "已结对王阿姨家"
    # The workplace secretary sees the organization's list and may record a fulfilment too.
    w = client_for(party["workplace_secretary"])
    with freeze_time("2026-04-01 10:00:00+08:00"):
        assert "已结对王阿姨家" in _text(w.get(org_url))
        assert w.post(f"/party/practice/pledges/{first.pk}/", {"fulfilment": "义诊三次"}).status_code == 302
    first.refresh_from_db()
    assert first.fulfilment == "义诊三次"


@freeze_time(NOW)
def test_a_pledge_in_the_past_or_without_text_is_refused_on_the_page(client_for, party):
    m = client_for(party["member_user"])
    page = _text(m.post("/party/practice/pledges/", {"text": "承诺", "due_on": "2026-01-01"}))
    assert "cannot lie in the past" in page
    assert "This field is required." in _text(
        m.post("/party/practice/pledges/", {"text": "", "due_on": "2026-05-01"})
    )
    assert not Pledge.objects.exists()


@freeze_time(NOW)
def test_outsiders_cannot_read_or_fulfil_an_organizations_pledges(client_for, party, outsider):
    p = actions.make_pledge(actor=None, member=party["member"], text_="每周学习", due_on=dt.date(2026, 5, 1))
    c = client_for(party["other_secretary"])
    assert c.get(f"/party/practice/org/{party['unit_org'].pk}/pledges/").status_code == 403
    assert c.post(f"/party/practice/pledges/{p.pk}/", {"fulfilment": "代办"}).status_code == 404
    assert client_for(outsider).get("/party/practice/pledges/").status_code == 403
    p.refresh_from_db()
    assert p.fulfilled_on is None


# --- projects -----------------------------------------------------------------------------------------
def _project_form(party, **extra):
    data = {
        "title": "江中小区停车治理",
        "goal": "缓解停车难，规范停车秩序",
        "methods": ["co_governance", "joint_rectification"],
        "participants": [party["unit_org"].pk],
        "ms-TOTAL_FORMS": "4",
        "ms-INITIAL_FORMS": "0",
        "ms-MIN_NUM_FORMS": "0",
        "ms-MAX_NUM_FORMS": "20",
        "ms-0-title": "摸底调查",
        "ms-0-due_on": "2026-04-01",
        "ms-1-title": "划线施工",
        "ms-1-due_on": "2026-06-01",
    }
    data.update(extra)
    return data


@freeze_time(NOW)
def test_a_secretary_creates_a_project_marks_milestones_with_htmx_and_completes_it(client_for, party):
    c = client_for(party["secretary"])
    new_url = f"/party/practice/org/{party['residential'].pk}/projects/new/"
    assert "Project milestones" in _text(c.get(new_url))
    response = c.post(new_url, _project_form(party))
    project = PartyProject.objects.get()
    assert response.status_code == 302 and response.url == f"/party/practice/projects/{project.pk}/"
    assert project.methods == ["co_governance", "joint_rectification"] and project.milestones.count() == 2
    board = _text(c.get(f"/party/practice/org/{party['residential'].pk}/projects/"))
    assert "江中小区停车治理" in board and "0/2" in board
    first = project.milestones.first()
    fragment = c.post(f"/party/practice/milestones/{first.pk}/done/", HTTP_HX_REQUEST="true")
    text = _text(fragment)
    assert fragment.status_code == 200 and 'id="milestones"' in text and "1/2" in text and "<html" not in text
    assert "1/2" in _text(c.get(f"/party/practice/org/{party['residential'].pk}/projects/"))
    done = c.post(
        f"/party/practice/projects/{project.pk}/", {"results": "新增车位40个", "evidence": "施工照片"}
    )
    assert done.status_code == 302
    project.refresh_from_db()
    assert project.state == PartyProject.State.COMPLETED and project.results == "新增车位40个"
    # The participating unit sees the project among those it takes part in.
    assert "江中小区停车治理" in _text(
        client_for(party["workplace_secretary"]).get(f"/party/practice/org/{party['unit_org'].pk}/projects/")
    )


@freeze_time(NOW)
def test_bad_project_input_is_answered_next_to_the_field_and_nothing_is_created(client_for, party):
    c = client_for(party["secretary"])
    url = f"/party/practice/org/{party['residential'].pk}/projects/new/"
    page = _text(c.post(url, _project_form(party, title="", **{"ms-1-due_on": ""})))
    assert "This field is required." in page and "Give the milestone&#x27;s due date." in page
    page = _text(c.post(url, _project_form(party, methods=["magic"])))
    assert "Select a valid choice" in page
    assert not PartyProject.objects.exists() and not ProjectMilestone.objects.exists()


@freeze_time(NOW)
def test_completing_a_project_without_results_is_refused(client_for, party):
    p = actions.create_project(actor=None, organization=party["residential"], title="项目", goal="目标")
    page = _text(client_for(party["secretary"]).post(f"/party/practice/projects/{p.pk}/", {"results": ""}))
    assert "This field is required." in page
    p.refresh_from_db()
    assert p.state == PartyProject.State.PLANNED


@freeze_time(NOW)
def test_members_see_the_project_board_but_only_the_committee_changes_it(client_for, party, outsider):
    p = actions.create_project(
        actor=None,
        organization=party["unit_org"],
        title="医院志愿义诊",
        goal="每季度进社区义诊",
        milestones=[("首次义诊", dt.date(2026, 3, 1))],
    )
    m = client_for(party["member_user"])
    assert "医院志愿义诊" in _text(m.get(f"/party/practice/org/{party['unit_org'].pk}/projects/"))
    assert "Mark done" not in _text(m.get(f"/party/practice/projects/{p.pk}/"))
    assert m.get(f"/party/practice/org/{party['unit_org'].pk}/projects/new/").status_code == 403
    assert m.post(f"/party/practice/milestones/{p.milestones.get().pk}/done/").status_code == 403
    assert m.post(f"/party/practice/projects/{p.pk}/", {"results": "越权"}).status_code == 403
    o = client_for(outsider)
    assert o.get(f"/party/practice/projects/{p.pk}/").status_code == 404
    assert o.get(f"/party/practice/org/{party['unit_org'].pk}/projects/").status_code == 403
    p.refresh_from_db()
    assert p.state == PartyProject.State.PLANNED and p.milestones.get().done_on is None


# --- links from the party pages -----------------------------------------------------------------------
@freeze_time(NOW)
def test_the_organization_and_home_pages_link_to_the_practice_pages(client_for, party, reported):
    c = client_for(party["secretary"])
    page = _text(c.get(f"/party/org/{party['residential'].pk}/"))
    for url in ("points/?year=2026", "violations/", "pledges/", "projects/"):
        assert f"/party/practice/org/{party['residential'].pk}/{url}" in page
    home = _text(client_for(party["member_user"]).get("/party/"))
    assert "/party/practice/pledges/" in home and "/party/practice/violations/" in home
    member_org = _text(client_for(party["member_user"]).get(f"/party/org/{party['unit_org'].pk}/"))
    assert "/projects/" in member_org and "/points/" not in member_org
