"""Care through the API and the actions: reception days and counselling (booking, capacity, each matter
→ petition or case), the deliberation month, major-matter lists and information to members."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gongzhi.accounts.roles import Role, ScopeKind
from gongzhi.cases.models import Case, CaseCategory
from gongzhi.core.models import AuditEvent
from gongzhi.party import actions
from gongzhi.party.actions import care
from gongzhi.party.models import Deliberation, MajorMatter, Petition, ReceptionAppointment, ReceptionDay
from tests.conftest import make_user

API = "/api/v1/party"


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def category(db):
    return CaseCategory.objects.create(code="sanitation", name="环境卫生", resolve_within_days=5)


def _reception(party, *, capacity=5, kind="reception", days=3):
    start = timezone.now() + dt.timedelta(days=days)
    return actions.schedule_reception(
        actor=party["secretary"],
        organization=party["residential"],
        host_name="王书记",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        place="江中居委会203室",
        capacity=capacity,
        kind=kind,
    )


def _booked(party, resident, matter="楼道堆物需要清理"):
    r = _reception(party)
    return actions.book_reception(actor=resident, reception=r, matter=matter)


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


# --- reception days and booking -------------------------------------------------------------------------
def test_secretary_schedules_a_reception_day_and_a_resident_books_it_through_the_api(
    party, client_for, resident
):
    start = (timezone.now() + dt.timedelta(days=2)).isoformat()
    end = (timezone.now() + dt.timedelta(days=2, hours=2)).isoformat()
    body = {"host_name": "王书记", "starts_at": start, "ends_at": end, "place": "203室", "capacity": 1}
    response = _post(
        client_for(party["secretary"]), f"{API}/organizations/{party['residential'].pk}/receptions", body
    )
    assert response.status_code == 201
    rid = response.json()["id"]
    listed = client_for(resident).get(f"{API}/receptions?organization={party['residential'].pk}").json()
    assert [r["id"] for r in listed["items"]] == [rid]
    assert (
        _post(client_for(resident), f"{API}/receptions/{rid}/appointments", {"matter": "停车难"}).status_code
        == 201
    )
    mine = client_for(resident).get(f"{API}/appointments").json()
    assert mine[0]["matter"] == "停车难" and mine[0]["petition_id"] is None
    assert ReceptionDay.objects.get(pk=rid).booked == 1


def test_a_fully_booked_reception_refuses_the_next_booking_and_writes_nothing(
    party, client_for, resident, volunteer
):
    r = _reception(party, capacity=1)
    actions.book_reception(actor=resident, reception=r, matter="停车难")
    response = _post(client_for(volunteer), f"{API}/receptions/{r.pk}/appointments", {"matter": "噪音"})
    assert response.status_code == 422
    assert "fully booked" in response.json()["error"]["message"]
    r.refresh_from_db()
    assert r.booked == 1 and ReceptionAppointment.objects.count() == 1


def test_booking_the_same_day_twice_is_refused_and_the_count_is_unchanged(party, resident):
    r = _reception(party, capacity=3)
    actions.book_reception(actor=resident, reception=r, matter="停车难")
    with pytest.raises(ValidationError) as exc:
        actions.book_reception(actor=resident, reception=r, matter="又一件事")
    assert "already have an appointment" in str(exc.value)
    r.refresh_from_db()
    assert r.booked == 1


def test_booking_needs_a_matter_and_a_signed_in_user(party, client, client_for, resident):
    r = _reception(party)
    assert _post(client, f"{API}/receptions/{r.pk}/appointments", {"matter": "x"}).status_code == 401
    response = _post(client_for(resident), f"{API}/receptions/{r.pk}/appointments", {"matter": "  "})
    assert response.status_code == 422 and "matter" in response.json()["error"]["fields"]
    response = _post(client_for(resident), f"{API}/receptions/{r.pk}/appointments", {"matter": "a\x00b"})
    assert response.status_code == 422
    assert not ReceptionAppointment.objects.exists()


def test_a_past_reception_day_cannot_be_booked_or_listed(party, resident, client_for):
    r = _reception(party)
    ReceptionDay.objects.filter(pk=r.pk).update(
        starts_at=timezone.now() - dt.timedelta(days=2),
        ends_at=timezone.now() - dt.timedelta(days=2, hours=-1),
    )
    with pytest.raises(ValidationError):
        actions.book_reception(actor=resident, reception=r, matter="停车难")
    assert client_for(resident).get(f"{API}/receptions").json()["items"] == []


def test_counselling_is_a_kind_of_reception_day_and_can_be_listed_alone(party, client_for, party_member):
    _reception(party)
    c = _reception(party, kind="counselling")
    items = client_for(party_member).get(f"{API}/receptions?kind=counselling").json()["items"]
    assert [i["id"] for i in items] == [c.pk] and items[0]["kind"] == "counselling"


def test_a_member_cannot_schedule_a_reception_day(party, client_for):
    start = (timezone.now() + dt.timedelta(days=2)).isoformat()
    body = {"host_name": "x", "starts_at": start, "ends_at": start, "place": "p", "capacity": 1}
    response = _post(
        client_for(party["member_user"]), f"{API}/organizations/{party['residential'].pk}/receptions", body
    )
    assert response.status_code == 403 and not ReceptionDay.objects.exists()


def test_only_the_organizations_managers_see_the_matters_raised(party, client_for, resident):
    appt = _booked(party, resident)
    url = f"{API}/receptions/{appt.reception_id}/appointments"
    assert client_for(party["secretary"]).get(url).json()[0]["matter"] == "楼道堆物需要清理"
    for other in (resident, party["other_secretary"], party["member_user"]):
        assert client_for(other).get(url).status_code == 403


# --- a matter becomes a petition ------------------------------------------------------------------------
def test_secretary_turns_a_matter_into_a_petition_the_resident_follows(party, client_for, resident):
    appt = _booked(party, resident)
    url = f"{API}/appointments/{appt.pk}/petition"
    response = _post(client_for(party["secretary"]), url, {"kind": "opinion"})
    assert response.status_code == 201
    p = Petition.objects.get(pk=response.json()["id"])
    assert p.submitter == resident and p.organization == party["residential"] and p.body == appt.matter
    assert client_for(resident).get(f"{API}/petitions/{p.pk}").status_code == 200
    again = _post(client_for(party["secretary"]), url, {"kind": "opinion"})
    assert again.status_code == 422 and Petition.objects.count() == 1


def test_a_member_or_another_secretary_cannot_turn_a_matter_into_a_petition(party, client_for, resident):
    appt = _booked(party, resident)
    for other in (resident, party["other_secretary"]):
        response = _post(client_for(other), f"{API}/appointments/{appt.pk}/petition", {"kind": "opinion"})
        assert response.status_code == 403
    assert not Petition.objects.exists()


def test_a_petition_of_an_unknown_kind_is_refused_and_writes_nothing(party, client_for, resident):
    appt = _booked(party, resident)
    response = _post(
        client_for(party["secretary"]), f"{API}/appointments/{appt.pk}/petition", {"kind": "gossip"}
    )
    assert response.status_code == 422 and "kind" in response.json()["error"]["fields"]
    assert not Petition.objects.exists()


# --- a matter becomes a case ----------------------------------------------------------------------------
def test_secretary_turns_a_matter_into_a_case_the_resident_follows_as_reporter(
    party, client_for, resident, category
):
    appt = _booked(party, resident)
    url = f"{API}/appointments/{appt.pk}/case"
    response = _post(client_for(party["secretary"]), url, {"category": "sanitation", "urgent": True})
    assert response.status_code == 201, response.content
    case = Case.objects.get(pk=response.json()["id"])
    assert case.number == response.json()["number"]
    assert case.reporter_user == resident and case.urgent and case.channel == "visit"
    assert (case.source_type, case.source_id) == ("party.reception", appt.pk)
    assert case.area_id == party["residential"].area_id
    listed = client_for(party["secretary"]).get(f"{API}/receptions/{appt.reception_id}/appointments").json()
    assert listed[0]["case_number"] == case.number
    event = AuditEvent.objects.get(verb="reception.matter_to_case")
    assert event.actor == party["secretary"] and event.details["appointment"] == appt.pk


def test_a_matter_is_tracked_once_as_a_petition_or_as_a_case(party, client_for, resident, category):
    first = _booked(party, resident)
    assert (
        _post(
            client_for(party["secretary"]), f"{API}/appointments/{first.pk}/case", {"category": "sanitation"}
        ).status_code
        == 201
    )
    again = _post(
        client_for(party["secretary"]), f"{API}/appointments/{first.pk}/case", {"category": "sanitation"}
    )
    assert again.status_code == 422 and "already received as case" in again.json()["error"]["message"]
    response = _post(
        client_for(party["secretary"]), f"{API}/appointments/{first.pk}/petition", {"kind": "opinion"}
    )
    assert response.status_code == 422 and not Petition.objects.exists()
    actions.raise_matter_as_petition(
        actor=party["secretary"], appointment=_booked(party, party["member_user"], "路灯坏了"), kind="opinion"
    )
    second = ReceptionAppointment.objects.get(petition__isnull=False)
    with pytest.raises(ValidationError) as exc:
        care.raise_matter_as_case(actor=party["secretary"], appointment=second, category=category)
    assert "already tracked as a petition" in str(exc.value)
    assert Case.objects.count() == 1


def test_a_case_with_an_unknown_category_is_refused_and_nothing_is_written(
    party, client_for, resident, category
):
    appt = _booked(party, resident)
    response = _post(
        client_for(party["secretary"]), f"{API}/appointments/{appt.pk}/case", {"category": "nope"}
    )
    assert response.status_code == 422 and "category" in response.json()["error"]["fields"]
    assert (
        not Case.objects.exists() and not AuditEvent.objects.filter(verb="reception.matter_to_case").exists()
    )


def test_a_resident_or_another_secretary_cannot_turn_a_matter_into_a_case(party, resident, category):
    appt = _booked(party, resident)
    for other in (resident, party["other_secretary"], party["member_user"]):
        with pytest.raises(PermissionDenied):
            care.raise_matter_as_case(actor=other, appointment=appt, category=category)
    assert not Case.objects.exists()


def test_area_staff_receive_the_case_in_their_own_name(party, resident, category, street_admin):
    appt = _booked(party, resident)
    case = care.raise_matter_as_case(actor=street_admin, appointment=appt, category=category)
    received = AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk)).first()
    assert received is not None and received.actor == street_admin


# --- major matters --------------------------------------------------------------------------------------
def test_major_matters_are_listed_with_the_motions_state_for_members_who_may_view(
    party, client_for, party_member, outsider
):
    start = (timezone.now() + dt.timedelta(days=2)).isoformat()
    end = (timezone.now() + dt.timedelta(days=2, hours=1)).isoformat()
    body = {"title": "小区停车改造", "motion_text": "同意改造方案", "starts_at": start, "ends_at": end}
    url = f"{API}/organizations/{party['residential'].pk}/major-matters"
    assert _post(client_for(party["secretary"]), url, body).status_code == 201
    items = client_for(party_member).get(url).json()["items"]
    assert (
        items[0]["title"] == "小区停车改造"
        and items[0]["motion_state"] == "draft"
        and items[0]["result"] == ""
    )
    assert client_for(outsider).get(url).status_code == 403
    assert _post(client_for(party_member), url, body).status_code == 403
    assert MajorMatter.objects.count() == 1


# --- the deliberation month -----------------------------------------------------------------------------
def test_the_deliberation_month_is_recorded_once_and_listed_by_year(party, client_for, party_member):
    url = f"{API}/organizations/{party['residential'].pk}/deliberations"
    body = {"month": "2026-05", "topic": "加装电梯", "participants": 23, "conclusions": "先征询意见"}
    assert _post(client_for(party["secretary"]), url, body).status_code == 201
    again = _post(client_for(party["secretary"]), url, {**body, "topic": "另一个"})
    assert again.status_code == 422 and "month" in again.json()["error"]["fields"]
    listed = client_for(party_member).get(f"{url}?year=2026").json()
    assert [(d["month"], d["topic"], d["participants"]) for d in listed] == [("2026-05", "加装电梯", 23)]
    assert client_for(party_member).get(f"{url}?year=2025").json() == []
    assert client_for(party_member).get(f"{url}?year=1900").status_code == 422


@pytest.mark.parametrize(
    ("field", "value"),
    [("month", "2026-13"), ("month", "May"), ("participants", -1), ("topic", ""), ("topic", "a\x01b")],
)
def test_a_bad_deliberation_entry_is_refused_and_writes_nothing(party, client_for, field, value):
    body = {"month": "2026-05", "topic": "加装电梯", "participants": 23, field: value}
    url = f"{API}/organizations/{party['residential'].pk}/deliberations"
    response = _post(client_for(party["secretary"]), url, body)
    assert response.status_code == 422
    assert not Deliberation.objects.exists()


def test_a_member_cannot_record_the_deliberation_month(party, client_for, party_member, outsider):
    url = f"{API}/organizations/{party['residential'].pk}/deliberations"
    body = {"month": "2026-05", "topic": "t", "participants": 1}
    assert _post(client_for(party_member), url, body).status_code == 403
    assert client_for(outsider).get(f"{url}?year=2026").status_code == 403
    assert not Deliberation.objects.exists()


# --- information to members ------------------------------------------------------------------------------
def test_the_secretary_informs_the_members_and_sees_who_has_read_it(party, client_for):
    org = party["residential"]
    member = make_user("li_member", Role.PARTY_MEMBER, org, ScopeKind.PARTY_ORGANIZATION)
    url = f"{API}/organizations/{org.pk}/information"
    response = _post(client_for(party["secretary"]), url, {"title": "支部学习安排", "body": "周五下午学习"})
    assert response.status_code == 201
    notice_id = response.json()["id"]
    assert response.json()["recipient_count"] >= 1
    readers = f"{url}/{notice_id}/readers"
    unread = client_for(party["secretary"]).get(f"{readers}?read=false").json()["items"]
    assert member.pk in {r["user_id"] for r in unread}
    assert (
        client_for(member).get(f"/notices/bulletins/{notice_id}/").status_code == 200
    )  # opening it is the receipt
    read = client_for(party["secretary"]).get(readers).json()["items"]
    assert [r["user_id"] for r in read] == [member.pk] and read[0]["read_at"]
    listed = client_for(party["secretary"]).get(url).json()["items"]
    assert listed[0]["read_count"] == 1
    assert client_for(member).get(readers).status_code == 403
    assert _post(client_for(member), url, {"title": "t", "body": "b"}).status_code == 403


def test_information_without_a_title_is_refused(party, client_for):
    from gongzhi.notices.models_bulletins import Notice

    url = f"{API}/organizations/{party['residential'].pk}/information"
    response = _post(client_for(party["secretary"]), url, {"title": " ", "body": "b"})
    assert response.status_code == 422 and not Notice.objects.exists()


def test_readers_of_another_organizations_notice_are_not_found(party, client_for):
    n = care.inform_members(
        actor=party["other_secretary"], organization=party["other_residential"], title="t", body="b"
    )
    url = f"{API}/organizations/{party['residential'].pk}/information/{n.pk}/readers"
    assert client_for(party["secretary"]).get(url).status_code == 404
