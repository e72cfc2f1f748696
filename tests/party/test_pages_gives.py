"""Pages of the three gives and unit report slips: community tasks with sign-up and completion, honour
nominations with the eligibility check, representative seats under the ≥ half rule, units' report
slips with their resources — each allowed and denied per role, bad input refused with nothing written."""

import datetime as dt

import pytest
from freezegun import freeze_time

from gongzhi.accounts.roles import Role, ScopeKind
from gongzhi.councils import actions as council_actions
from gongzhi.councils.models import Council, Seat
from gongzhi.matching.models import Resource
from gongzhi.party import actions
from gongzhi.party.models import CommunityTask, Honour, TaskSignup, UnitReport
from tests.conftest import make_user

from .conftest import _unit

NOW = "2026-05-01 10:00:00+08:00"
TERM = dt.date(2026, 1, 1)
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True, scope="module")
def _urls_loaded_outside_a_frozen_clock():
    """Loading the URLconf builds the API schemas, which fail on freezegun's fake datetime class."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - loading is the point


@pytest.fixture
def liaison(party):
    return make_user("liaison", Role.UNIT_LIAISON, party["hospital"], ScopeKind.STATIONED_UNIT)


def _task(party, **kw):
    return actions.publish_task(
        actor=party["working_secretary"],
        organization=party["working"],
        title=kw.pop("title", "垃圾分类宣传"),
        due_on=kw.pop("due_on", dt.date(2026, 6, 30)),
        **kw,
    )


# --- landing and links ------------------------------------------------------------------------------
@freeze_time(NOW)
def test_landing_page_shows_each_role_what_it_can_do(party, client_for, liaison):
    _task(party)
    page = client_for(party["member_user"]).get("/party/gives/")
    assert page.status_code == 200
    assert "垃圾分类宣传" in page.content.decode()
    page = client_for(liaison).get("/party/gives/")
    assert page.status_code == 200
    assert f"/party/gives/org/{party['unit_org'].pk}/unit-report/" in page.content.decode()
    page = client_for(party["working_secretary"]).get("/party/gives/")
    html = page.content.decode()
    assert f"/party/gives/org/{party['working'].pk}/seats/" in html
    assert f"/party/gives/org/{party['working'].pk}/unit-reports/" in html


def test_outsider_cannot_open_the_landing_page(party, client_for, outsider):
    assert client_for(outsider).get("/party/gives/").status_code == 403


def test_organization_and_home_pages_link_to_the_gives_pages(party, client_for):
    c = client_for(party["working_secretary"])
    html = c.get(f"/party/org/{party['working'].pk}/").content.decode()
    for part in ("tasks", "seats", "nominations", "unit-reports"):
        assert f"/party/gives/org/{party['working'].pk}/{part}/" in html
    assert "/party/gives/" in c.get("/party/").content.decode()


# --- tasks ------------------------------------------------------------------------------------------
@freeze_time(NOW)
def test_secretary_publishes_a_task_member_signs_up_and_completion_is_recorded(
    party, client_for, django_capture_on_commit_callbacks
):
    c = client_for(party["working_secretary"])
    url = f"/party/gives/org/{party['working'].pk}/tasks/"
    assert c.get(url).status_code == 200
    r = c.post(url, {"title": "楼道清洁", "audience": "both", "due_on": "2026-06-30", "goal": "美丽家园"})
    task = CommunityTask.objects.get(title="楼道清洁")
    assert r.status_code == 302 and r["Location"] == f"/party/gives/tasks/{task.pk}/"
    assert "楼道清洁" in c.get(url).content.decode()

    m = client_for(party["member_user"])
    listing = m.get("/party/gives/tasks/")
    assert listing.status_code == 200 and "楼道清洁" in listing.content.decode()
    assert m.get(f"/party/gives/tasks/{task.pk}/").status_code == 200
    m.post(f"/party/gives/tasks/{task.pk}/sign-up/")
    signup = TaskSignup.objects.get(task=task)
    assert signup.member == party["member"]
    # Twice: refused with a message, still one sign-up.
    r = m.post(f"/party/gives/tasks/{task.pk}/sign-up/", follow=True, **EN)
    assert "already signed up" in r.content.decode()
    assert TaskSignup.objects.filter(task=task).count() == 1

    c = client_for(party["working_secretary"])
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(f"/party/gives/signups/{signup.pk}/complete/", {"note": "清洁三次"}, **HTMX)
    assert r.status_code == 200 and "清洁三次" in r.content.decode()
    signup.refresh_from_db()
    assert signup.state == "completed" and signup.completion_note == "清洁三次"
    assert "清洁三次" in c.get(f"/party/gives/tasks/{task.pk}/").content.decode()


@freeze_time(NOW)
def test_a_task_due_in_the_past_is_refused_with_a_message_and_nothing_written(party, client_for):
    c = client_for(party["working_secretary"])
    r = c.post(
        f"/party/gives/org/{party['working'].pk}/tasks/",
        {"title": "过期任务", "audience": "both", "due_on": "2026-01-01"},
        **EN,
    )
    assert r.status_code == 200 and "cannot lie in the past" in r.content.decode()
    assert not CommunityTask.objects.exists()


@freeze_time(NOW)
def test_completion_needs_a_note(party, client_for):
    task = _task(party)
    signup = actions.sign_up_member(actor=party["member_user"], task=task, member=party["member"])
    r = client_for(party["working_secretary"]).post(
        f"/party/gives/signups/{signup.pk}/complete/", {"note": ""}, **HTMX, **EN
    )
    assert r.status_code == 200 and "required" in r.content.decode()
    signup.refresh_from_db()
    assert signup.state == "signed_up"


@freeze_time(NOW)
def test_a_member_cannot_publish_or_complete_tasks(party, client_for):
    task = _task(party)
    signup = actions.sign_up_member(actor=party["member_user"], task=task, member=party["member"])
    m = client_for(party["member_user"])
    r = m.post(
        f"/party/gives/org/{party['working'].pk}/tasks/",
        {"title": "x", "audience": "both", "due_on": "2026-06-30"},
    )
    assert r.status_code == 403
    assert m.post(f"/party/gives/signups/{signup.pk}/complete/", {"note": "done"}).status_code == 403
    assert m.post(f"/party/gives/tasks/{task.pk}/close/").status_code == 403
    signup.refresh_from_db()
    assert signup.state == "signed_up" and CommunityTask.objects.count() == 1


@freeze_time(NOW)
def test_the_residential_secretary_cannot_manage_the_working_committees_task(party, client_for):
    task = _task(party)
    c = client_for(party["other_secretary"])
    assert c.post(f"/party/gives/tasks/{task.pk}/close/").status_code == 403
    assert c.get(f"/party/gives/org/{party['working'].pk}/tasks/").status_code == 403
    task.refresh_from_db()
    assert task.state == "open"


@freeze_time(NOW)
def test_outsider_cannot_see_a_task_or_sign_up(party, client_for, outsider):
    task = _task(party)
    c = client_for(outsider)
    assert c.get(f"/party/gives/tasks/{task.pk}/").status_code == 404
    assert c.get("/party/gives/tasks/").status_code == 403
    assert c.post(f"/party/gives/tasks/{task.pk}/sign-up/").status_code == 403
    assert not TaskSignup.objects.exists()


@freeze_time(NOW)
def test_unit_liaison_signs_up_the_unit_once(party, client_for, liaison):
    task = _task(party, audience="units")
    c = client_for(liaison)
    listing = c.get(f"/party/gives/tasks/?unit={party['unit_org'].pk}")
    assert listing.status_code == 200 and task.title in listing.content.decode()
    detail = c.get(f"/party/gives/tasks/{task.pk}/")
    assert detail.status_code == 200 and 'id="sign-up-unit"' in detail.content.decode()
    c.post(f"/party/gives/tasks/{task.pk}/sign-up/", {"unit_organization": party["unit_org"].pk})
    assert TaskSignup.objects.get(task=task).unit_organization == party["unit_org"]
    r = c.post(
        f"/party/gives/tasks/{task.pk}/sign-up/",
        {"unit_organization": party["unit_org"].pk},
        follow=True,
        **EN,
    )
    assert "already signed up" in r.content.decode()
    assert TaskSignup.objects.filter(task=task).count() == 1


@freeze_time(NOW)
def test_a_liaison_of_another_unit_cannot_sign_up_this_unit(party, client_for, tree):
    task = _task(party, audience="units")
    other = make_user("liaison2", Role.UNIT_LIAISON, _unit(tree["fangsong"]), ScopeKind.STATIONED_UNIT)
    c = client_for(other)
    assert c.get(f"/party/gives/tasks/?unit={party['unit_org'].pk}").status_code == 403
    r = c.post(f"/party/gives/tasks/{task.pk}/sign-up/", {"unit_organization": party["unit_org"].pk})
    assert r.status_code == 403
    assert not TaskSignup.objects.exists()


@freeze_time(NOW)
def test_a_closed_task_takes_no_more_sign_ups(party, client_for):
    task = _task(party)
    client_for(party["working_secretary"]).post(f"/party/gives/tasks/{task.pk}/close/")
    task.refresh_from_db()
    assert task.state == "closed"
    r = client_for(party["member_user"]).post(f"/party/gives/tasks/{task.pk}/sign-up/", follow=True, **EN)
    assert "closed for sign-up" in r.content.decode()
    assert not TaskSignup.objects.exists()


# --- honours ----------------------------------------------------------------------------------------
@freeze_time(NOW)
def test_an_ineligible_organization_shows_the_reason_and_its_nomination_is_refused(party, client_for):
    c = client_for(party["working_secretary"])
    base = f"/party/gives/org/{party['working'].pk}/nominations/"
    assert c.get(base).status_code == 200
    check = c.get(f"{base}eligibility/", {"organization": party["unit_org"].pk, "year": 2026}, **EN)
    assert check.status_code == 200 and "did not take part" in check.content.decode()
    r = c.post(
        base,
        {
            "title": "先进基层党组织",
            "year": 2026,
            "nominee": "organization",
            "organization": party["unit_org"].pk,
        },
        **EN,
    )
    assert r.status_code == 200 and "did not take part" in r.content.decode()
    assert not Honour.objects.exists()


@freeze_time(NOW)
def test_an_eligible_organization_is_nominated_awarded_and_published(party, client_for):
    task = _task(party)
    signup = actions.sign_up_unit(
        actor=party["workplace_secretary"], task=task, unit_organization=party["unit_org"]
    )
    actions.complete_signup(actor=party["working_secretary"], signup=signup, note="完成")
    c = client_for(party["working_secretary"])
    base = f"/party/gives/org/{party['working'].pk}/nominations/"
    check = c.get(f"{base}eligibility/", {"organization": party["unit_org"].pk, "year": 2026}, **EN)
    assert "may be nominated" in check.content.decode()
    r = c.post(
        base,
        {
            "title": "先进基层党组织",
            "year": 2026,
            "nominee": "organization",
            "organization": party["unit_org"].pk,
        },
        follow=True,
    )
    assert r.redirect_chain[-1][0] == base
    honour = Honour.objects.get()
    assert honour.state == "nominated"
    assert "先进基层党组织" not in c.get("/party/honours/").content.decode()
    c.post(f"/party/gives/honours/{honour.pk}/award/")
    honour.refresh_from_db()
    assert honour.state == "awarded"
    public = c.get("/party/honours/").content.decode()
    assert "先进基层党组织" in public and party["unit_org"].name in public


@freeze_time(NOW)
def test_a_member_is_found_by_name_and_nominated(party, client_for):
    c = client_for(party["working_secretary"])
    base = f"/party/gives/org/{party['working'].pk}/nominations/"
    found = c.get(f"{base}members/", {"q": "张"}, **HTMX)
    assert found.status_code == 200 and f'value="{party["member"].pk}"' in found.content.decode()
    assert "张伟" in c.get(base, {"q": "张"}).content.decode()  # the no-script search
    r = c.post(
        base,
        {"title": "优秀共产党员", "year": 2026, "nominee": "member", "member": party["member"].pk, "q": "张"},
    )
    assert r.status_code == 302
    assert Honour.objects.get().member == party["member"]


@freeze_time(NOW)
def test_a_nomination_without_a_nominee_is_refused(party, client_for):
    r = client_for(party["working_secretary"]).post(
        f"/party/gives/org/{party['working'].pk}/nominations/",
        {"title": "优秀共产党员", "year": 2026, "nominee": "member"},
        **EN,
    )
    assert r.status_code == 200 and "Search for the member" in r.content.decode()
    assert not Honour.objects.exists()


def test_members_and_other_secretaries_cannot_nominate(party, client_for):
    base = f"/party/gives/org/{party['working'].pk}/nominations/"
    data = {"title": "x", "year": 2026, "nominee": "organization", "organization": party["unit_org"].pk}
    for user in (party["member_user"], party["other_secretary"]):
        c = client_for(user)
        assert c.get(base).status_code == 403
        assert c.post(base, data).status_code == 403
        assert c.get(f"{base}eligibility/", {"organization": party["unit_org"].pk}).status_code == 403
    assert not Honour.objects.exists()


@freeze_time(NOW)
def test_only_the_awarding_organization_awards(party, client_for):
    honour = Honour(awarded_by=party["working"], year=2026, title="x", member=party["member"])
    honour.set_area(party["working"].area)
    honour.save()
    assert (
        client_for(party["other_secretary"]).post(f"/party/gives/honours/{honour.pk}/award/").status_code
        == 403
    )
    honour.refresh_from_db()
    assert honour.state == "nominated"


# --- seats ------------------------------------------------------------------------------------------
@pytest.fixture
def assembly(party, tree):
    council = council_actions.create_council(
        actor=None, area=tree["fangsong"], kind=Council.Kind.REPRESENTATIVE_ASSEMBLY, name="社区成员代表会议"
    )
    actions.link_representative_council(actor=None, organization=party["working"], council=council)
    for name, rep in [
        ("医院", "unit"),
        ("中学", "unit"),
        ("居民甲", "residents"),
        ("社工服务社", "organization"),
    ]:
        actions.give_seat(
            actor=None, organization=party["working"], holder_name=name, represents=rep, term_start=TERM
        )
    council_actions.publish_roster(actor=None, council=council)
    return council


@freeze_time("2026-03-01 10:00:00+08:00")
def test_the_seats_page_shows_the_units_share_and_a_unit_seat_is_given(party, assembly, client_for):
    c = client_for(party["working_secretary"])
    url = f"/party/gives/org/{party['working'].pk}/seats/"
    page = c.get(url, **EN)
    assert page.status_code == 200
    assert "Units' representatives: 2 of 4 seats (50.0%)" in page.content.decode()
    r = c.post(
        f"{url}give/",
        {
            "holder_name": "银行代表",
            "represents": "unit",
            "represents_label": "某银行",
            "term_start": "2026-03-01",
        },
    )
    assert r.status_code == 302
    assert "3 of 5 seats (60.0%)" in c.get(url, **EN).content.decode()


@freeze_time("2026-03-01 10:00:00+08:00")
def test_a_seat_breaking_the_half_rule_is_refused_with_a_clear_message_and_nothing_written(
    party, assembly, client_for
):
    c = client_for(party["working_secretary"])
    url = f"/party/gives/org/{party['working'].pk}/seats/"
    data = {"holder_name": "居民乙", "represents": "residents", "term_start": "2026-03-01"}
    r = c.post(f"{url}give/", data, **EN)
    html = r.content.decode()
    assert r.status_code == 200 and "alert-danger" in html
    assert "must remain no less than half" in html and "2 of 5 seats" in html
    assert assembly.seats.count() == 4
    # The page in Chinese (the default) shows the refusal too.
    assert "alert-danger" in c.post(f"{url}give/", data).content.decode()
    assert assembly.seats.count() == 4


@freeze_time("2026-03-01 10:00:00+08:00")
def test_ending_a_unit_seat_that_breaks_the_rule_is_refused_on_the_page(party, assembly, client_for):
    seat = assembly.seats.filter(represents="unit").first()
    c = client_for(party["working_secretary"])
    r = c.post(f"/party/gives/org/{party['working'].pk}/seats/{seat.pk}/end/", {"on": "2026-03-01"}, **EN)
    assert r.status_code == 200 and f'id="end-{seat.pk}-errors"' in r.content.decode()
    assert "must remain no less than half" in r.content.decode()
    seat.refresh_from_db()
    assert seat.term_end is None
    # A residents' seat may end: units then hold 2 of 3.
    resident = assembly.seats.get(represents="residents")
    r = c.post(f"/party/gives/org/{party['working'].pk}/seats/{resident.pk}/end/", {"on": "2026-03-01"})
    assert r.status_code == 302
    resident.refresh_from_db()
    assert resident.term_end == dt.date(2026, 3, 1)


def test_members_cannot_give_or_end_seats(party, assembly, client_for):
    seat = assembly.seats.first()
    c = client_for(party["member_user"])
    url = f"/party/gives/org/{party['working'].pk}/seats/"
    assert c.get(url).status_code == 403
    assert (
        c.post(
            f"{url}give/", {"holder_name": "x", "represents": "unit", "term_start": "2026-03-01"}
        ).status_code
        == 403
    )
    assert c.post(f"{url}{seat.pk}/end/", {"on": "2026-03-01"}).status_code == 403
    assert assembly.seats.count() == 4 and Seat.objects.filter(term_end__isnull=False).count() == 0


def test_the_residential_secretary_sees_the_seats_but_cannot_change_them(party, assembly, client_for):
    # The working committee leads the residential committee, not the other way round.
    c = client_for(party["secretary"])
    url = f"/party/gives/org/{party['working'].pk}/seats/"
    assert c.get(url).status_code == 403
    c = client_for(party["working_secretary"])
    assert c.get(f"/party/gives/org/{party['residential'].pk}/seats/").status_code == 404


@freeze_time("2026-03-01 10:00:00+08:00")
def test_linking_the_meeting_and_publishing_the_roster(party, client_for, tree):
    council = council_actions.create_council(
        actor=None, area=tree["fangsong"], kind=Council.Kind.REPRESENTATIVE_ASSEMBLY, name="社区代表大会"
    )
    c = client_for(party["working_secretary"])
    url = f"/party/gives/org/{party['working'].pk}/seats/"
    assert "社区代表大会" in c.get(url).content.decode()
    assert c.post(f"{url}link/", {"council": council.pk}).status_code == 302
    party["working"].refresh_from_db()
    assert party["working"].representative_council == council
    for name, rep in [("医院", "unit"), ("居民甲", "residents")]:
        c.post(f"{url}give/", {"holder_name": name, "represents": rep, "term_start": "2026-03-01"})
    assert c.post(f"{url}publish/").status_code == 302
    council.refresh_from_db()
    assert council.roster_published_at is not None
    r = c.post(
        f"{url}give/", {"holder_name": "居民乙", "represents": "residents", "term_start": "2026-03-01"}
    )
    assert r.status_code == 200 and council.seats.count() == 2


# --- unit report slips ------------------------------------------------------------------------------
def _slip(party, **over):
    data = {
        "receiving": party["working"].pk,
        "year": 2026,
        "contact_person": "陈主任",
        "contact_phone": "021-57000000",
        "tasks": "义诊每月一次",
        "res-TOTAL_FORMS": 3,
        "res-INITIAL_FORMS": 0,
        "res-MIN_NUM_FORMS": 0,
        "res-MAX_NUM_FORMS": 10,
        "res-0-kind": "professional_service",
        "res-0-title": "社区义诊",
        "res-0-capacity": 50,
        "res-0-unit": "人次",
        "res-0-available_from": "2026-05-02",
        "res-0-available_until": "2026-08-01",
    }
    data.update(over)
    return data


@freeze_time(NOW)
def test_a_liaison_sends_a_slip_its_resources_are_published_and_the_community_confirms(
    party, client_for, liaison
):
    c = client_for(liaison)
    url = f"/party/gives/org/{party['unit_org'].pk}/unit-report/"
    assert c.get(url).status_code == 200
    r = c.post(url, _slip(party))
    assert r.status_code == 302
    report = UnitReport.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/party/gives/unit-reports/{report.pk}/"
    resource = report.resources.get()
    assert (resource.title, resource.publisher_id, resource.capacity) == (
        "社区义诊",
        party["unit_org"].pk,
        50,
    )
    detail = c.get(f"/party/gives/unit-reports/{report.pk}/").content.decode()
    assert f"/matching/resources/{resource.pk}/" in detail and 'id="confirm-slip"' not in detail

    s = client_for(party["working_secretary"])
    listing = s.get(f"/party/gives/org/{party['working'].pk}/unit-reports/?state=submitted")
    assert listing.status_code == 200 and party["unit_org"].name in listing.content.decode()
    assert 'id="confirm-slip"' in s.get(f"/party/gives/unit-reports/{report.pk}/").content.decode()
    r = s.post(f"/party/gives/unit-reports/{report.pk}/confirm/", **HTMX)
    assert r.status_code == 200 and f'id="unit-report-{report.pk}"' in r.content.decode()
    report.refresh_from_db()
    assert report.state == "confirmed"


@freeze_time(NOW)
def test_reporting_twice_is_refused_with_a_message_and_nothing_written(party, client_for, liaison):
    c = client_for(liaison)
    url = f"/party/gives/org/{party['unit_org'].pk}/unit-report/"
    c.post(url, _slip(party))
    r = c.post(url, _slip(party, **{"res-0-title": "第二次"}), **EN)
    assert r.status_code == 200 and "already reported for this year" in r.content.decode()
    assert UnitReport.objects.count() == 1
    assert not Resource.objects.filter(title="第二次").exists()


@freeze_time(NOW)
def test_a_bad_resource_row_writes_nothing(party, client_for, liaison):
    c = client_for(liaison)
    url = f"/party/gives/org/{party['unit_org'].pk}/unit-report/"
    r = c.post(url, _slip(party, **{"res-0-capacity": "", "res-0-available_until": "2026-04-01"}), **EN)
    assert r.status_code == 200 and "This field is required." in r.content.decode()
    r = c.post(url, _slip(party, **{"res-0-available_until": "2026-05-01"}), **EN)
    assert r.status_code == 200 and "Availability must end" in r.content.decode()
    assert not UnitReport.objects.exists() and not Resource.objects.exists()


@freeze_time(NOW)
def test_a_slip_needs_a_contact_person(party, client_for, liaison):
    r = client_for(liaison).post(
        f"/party/gives/org/{party['unit_org'].pk}/unit-report/", _slip(party, contact_person=""), **EN
    )
    assert r.status_code == 200 and "contact_person-errors" in r.content.decode()
    assert not UnitReport.objects.exists()


@freeze_time(NOW)
def test_others_cannot_send_see_or_confirm_a_units_slip(party, client_for, liaison, tree, outsider):
    url = f"/party/gives/org/{party['unit_org'].pk}/unit-report/"
    other = make_user("liaison2", Role.UNIT_LIAISON, _unit(tree["fangsong"]), ScopeKind.STATIONED_UNIT)
    assert client_for(other).get(url).status_code == 403
    assert client_for(other).post(url, _slip(party)).status_code == 403
    assert client_for(party["member_user"]).post(url, _slip(party)).status_code == 403
    assert not UnitReport.objects.exists()
    client_for(liaison).post(url, _slip(party))
    report = UnitReport.objects.get()
    assert client_for(outsider).get(f"/party/gives/unit-reports/{report.pk}/").status_code == 404
    assert client_for(other).get(f"/party/gives/unit-reports/{report.pk}/").status_code == 404
    # A secretary elsewhere is told it is not addressed to them; nothing changes.
    r = client_for(party["other_secretary"]).post(
        f"/party/gives/unit-reports/{report.pk}/confirm/", follow=True, **EN
    )
    assert "not addressed to your organization" in r.content.decode()
    assert client_for(liaison).post(f"/party/gives/unit-reports/{report.pk}/confirm/").status_code == 403
    member = client_for(party["member_user"])
    assert member.get(f"/party/gives/org/{party['working'].pk}/unit-reports/").status_code == 403
    report.refresh_from_db()
    assert report.state == "submitted"


def test_a_non_unit_organization_has_no_slip_form(party, client_for):
    c = client_for(party["working_secretary"])
    assert c.get(f"/party/gives/org/{party['residential'].pk}/unit-report/").status_code == 404
