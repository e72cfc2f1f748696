"""Dual reporting: report slips, receipts closing the loop at the workplace, bad input, rates, API."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.module_loading import import_string
from freezegun import freeze_time

from gongzhi.accounts.roles import Role, ScopeKind
from gongzhi.notices.models import Notification
from gongzhi.party import actions, queries
from gongzhi.party.models import Receipt, ReportIn, ServiceRecord
from tests.conftest import make_user

from .conftest import add_member

PHONE = "13912345678"


def _report(party, actor=None):
    return actions.report_in(
        actor=actor or party["member_user"],
        member=party["member"],
        receiving=party["residential"],
        contact_phone=PHONE,
    )


def test_member_reports_in_and_secretary_issues_the_receipt_seen_at_the_workplace(
    party, client_for, django_capture_on_commit_callbacks
):
    report = _report(party)
    assert report.state == ReportIn.State.SUBMITTED
    assert report.contact_phone.endswith(PHONE)  # stored encrypted, read back in memory
    with django_capture_on_commit_callbacks(execute=True):
        receipt = actions.issue_receipt(actor=party["secretary"], report=report)
    assert receipt.number.startswith("HZ")
    # The workplace secretary is told, sees the receipt and the member's community service record.
    assert Notification.objects.filter(
        recipient=party["workplace_secretary"], title__contains=receipt.number
    ).exists()
    client = client_for(party["workplace_secretary"])
    page = client.get(f"/party/org/{party['unit_org'].pk}/workplace/")
    assert page.status_code == 200 and receipt.number in page.content.decode()
    assert client.post(f"/party/receipt/{receipt.pk}/acknowledge/").status_code == 302
    receipt.refresh_from_db()
    assert receipt.acknowledged_at is not None


def test_reporting_twice_is_refused_and_nothing_is_written(party):
    _report(party)
    with pytest.raises(ValidationError) as exc:
        _report(party)
    assert "already reported" in str(exc.value)
    assert ReportIn.objects.count() == 1


def test_a_receipt_for_a_slip_not_addressed_to_you_is_refused(party):
    report = _report(party)
    with pytest.raises(ValidationError) as exc:
        actions.issue_receipt(actor=party["other_secretary"], report=report)
    assert "not addressed to your organization" in str(exc.value)
    assert not Receipt.objects.exists()


@pytest.mark.parametrize("who", ["member_user", "workplace_secretary"])
def test_member_and_workplace_secretary_cannot_issue_the_receipt(party, who):
    report = _report(party)
    with pytest.raises((PermissionDenied, ValidationError)):
        actions.issue_receipt(actor=party[who], report=report)
    assert not Receipt.objects.exists()


def test_outsider_cannot_issue_a_receipt(party, outsider):
    report = _report(party)
    with pytest.raises(PermissionDenied):
        actions.issue_receipt(actor=outsider, report=report)


def test_working_committee_secretary_may_issue_for_the_organizations_it_leads(party):
    report = _report(party)
    assert actions.issue_receipt(actor=party["working_secretary"], report=report).pk


def test_a_member_cannot_report_in_for_someone_else(party, tree):
    other = add_member(tree, party, "李四")
    with pytest.raises(PermissionDenied):
        actions.report_in(
            actor=party["member_user"], member=other, receiving=party["residential"], contact_phone=PHONE
        )


def test_report_in_to_where_you_do_not_live_is_refused(party):
    with pytest.raises(ValidationError) as exc:
        actions.report_in(
            actor=party["member_user"],
            member=party["member"],
            receiving=party["other_residential"],
            contact_phone=PHONE,
        )
    assert "receiving" in exc.value.message_dict


def test_retired_members_do_not_report_in(party, tree):
    user = make_user("retired_user", Role.PARTY_MEMBER, party["residential"], ScopeKind.PARTY_ORGANIZATION)
    m = add_member(tree, party, "王老", status="retired", user=user)
    with pytest.raises(ValidationError):
        actions.report_in(actor=user, member=m, receiving=party["residential"], contact_phone=PHONE)


def test_bad_phone_is_a_field_error(party):
    with pytest.raises(ValidationError) as exc:
        actions.report_in(
            actor=party["member_user"],
            member=party["member"],
            receiving=party["residential"],
            contact_phone="12",
        )
    assert "contact_phone" in exc.value.message_dict


def test_other_secretary_cannot_see_the_receipt_page(party, client_for):
    receipt = actions.issue_receipt(actor=None, report=_report(party))
    assert client_for(party["other_secretary"]).get(f"/party/receipt/{receipt.pk}/").status_code == 404


@pytest.fixture
def file_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return tmp_path / "media"


def test_receipt_pdf_is_a_pdf_with_the_member_name(party, client_for, tmp_path, file_storage):
    import subprocess

    receipt = actions.issue_receipt(actor=None, report=_report(party))
    # Rendered by a task into the storage, then served by a token bound to the user who asked.
    response = client_for(party["member_user"]).get(f"/party/receipt/{receipt.pk}/pdf/")
    assert response.status_code == 302 and "?t=" in response["Location"]
    download = client_for(party["member_user"]).get(response["Location"])
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    content = b"".join(download.streaming_content)
    assert content.startswith(b"%PDF") and len(list(file_storage.glob("rendered/party/receipt-*.pdf"))) == 1
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607
    assert "张伟" in text and receipt.number in text


def test_a_receipt_pdf_token_opens_only_for_the_user_it_was_made_for(party, client_for, file_storage):
    receipt = actions.issue_receipt(actor=None, report=_report(party))
    url = client_for(party["member_user"]).get(f"/party/receipt/{receipt.pk}/pdf/")["Location"]
    # The receiving secretary may see the receipt, but not through the member's token.
    assert client_for(party["secretary"]).get(url).status_code == 404
    assert client_for(party["other_secretary"]).get(url).status_code == 404
    forged = f"/party/receipt/{receipt.pk}/pdf/?t=not-a-token"
    assert client_for(party["member_user"]).get(forged).status_code == 404


def test_a_receipt_pdf_token_does_not_open_another_receipt(party, client_for, file_storage, tree):
    user = make_user("li_member", Role.PARTY_MEMBER, party["unit_org"], ScopeKind.PARTY_ORGANIZATION)
    other_member = add_member(tree, party, "李四", user=user)
    mine = actions.issue_receipt(actor=None, report=_report(party))
    other = actions.issue_receipt(
        actor=None,
        report=actions.report_in(
            actor=user, member=other_member, receiving=party["residential"], contact_phone=PHONE
        ),
    )
    client = client_for(party["secretary"])  # may see both receipts
    token_url = client.get(f"/party/receipt/{mine.pk}/pdf/")["Location"]
    token = token_url.split("?t=")[1]
    assert client.get(f"/party/receipt/{other.pk}/pdf/?t={token}").status_code == 404


def test_a_receipt_pdf_still_being_rendered_shows_a_page_that_reloads(
    party, client_for, file_storage, settings, monkeypatch
):
    from gongzhi.core import tasks

    settings.CELERY_TASK_ALWAYS_EAGER = False
    queued = []
    monkeypatch.setattr(tasks.call, "delay", lambda path, *args: queued.append((path, args)))
    receipt = actions.issue_receipt(actor=None, report=_report(party))
    client = client_for(party["member_user"])
    url = client.get(f"/party/receipt/{receipt.pk}/pdf/")["Location"]
    pending = client.get(url)
    assert pending.status_code == 202 and 'http-equiv="refresh"' in pending.content.decode()
    [(path, args)] = queued
    assert path == "gongzhi.party.pdf.receipt_to_storage"
    import_string(path)(*args)  # the worker
    done = client.get(url)
    assert done.status_code == 200 and b"".join(done.streaming_content).startswith(b"%PDF")


@freeze_time("2026-06-15 10:00:00+08:00")
def test_rates_on_a_scenario_with_known_answers(party, tree):
    """4 in-service members live in 江中: 3 reported (75.0%); 2 of them served in Q2 (66.7%); 1 retired ignored."""
    members = [party["member"]] + [add_member(tree, party, f"成员{i}") for i in range(3)]
    add_member(tree, party, "退休者", status="retired")
    for m in members[:3]:
        r = actions.report_in(actor=None, member=m, receiving=party["residential"], contact_phone=PHONE)
        actions.issue_receipt(actor=None, report=r)
    for m in members[:2]:
        actions.record_service(
            actor=None, member=m, served_on=dt.date(2026, 5, 1), hours=2, description="巡逻"
        )
    r = queries.rates(tree["committee"], 2026)
    assert (r["in_service"], r["reported"], r["active"]) == (4, 3, 2)
    assert str(r["report_rate"]) == "75.0" and str(r["participation_rate"]) == "66.7"
    q1 = queries.rates(tree["committee"], 2026, 1)
    # Nobody had reported in by the end of Q1 (receipts were issued in June).
    assert (q1["reported"], q1["active"], q1["participation_rate"]) == (0, 0, None)
    # The street sees the same (a subtree), the other committee sees none.
    assert queries.rates(tree["fangsong"], 2026)["reported"] == 3
    assert queries.rates(tree["other_committee"], 2026)["report_rate"] is None


@freeze_time("2026-06-15 10:00:00+08:00")
def test_stats_api_answers_by_area_code_and_year(party, tree, client_for, street_admin):
    actions.issue_receipt(actor=None, report=_report(party))
    body = client_for(street_admin).get("/api/v1/party/stats?area=310117003000&year=2026").json()
    assert body["in_service"] == 1 and body["reported"] == 1 and body["report_rate"] == "100.0"
    assert client_for(street_admin).get("/api/v1/party/stats?area=999&year=2026").status_code == 422


def test_stats_api_denied_to_an_outsider(party, client_for, outsider):
    assert client_for(outsider).get("/api/v1/party/stats?area=310117003000&year=2026").status_code == 403


def test_report_in_through_the_api_and_the_receipt(party, client_for):
    c = client_for(party["member_user"])
    r = c.post(
        "/api/v1/party/report-ins",
        {"receiving_id": party["residential"].pk, "contact_phone": PHONE},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    again = c.post(
        "/api/v1/party/report-ins",
        {"receiving_id": party["residential"].pk, "contact_phone": PHONE},
        content_type="application/json",
    )
    assert again.status_code == 422
    c2 = client_for(party["secretary"])
    out = c2.post(f"/api/v1/party/report-ins/{r.json()['id']}/receipt")
    assert out.status_code == 201 and out.json()["number"].startswith("HZ")
    listing = client_for(party["workplace_secretary"]).get(
        f"/api/v1/party/receipts?workplace={party['unit_org'].pk}"
    )
    assert [x["number"] for x in listing.json()["items"]] == [out.json()["number"]]


def test_service_record_only_for_reported_members(party):
    with pytest.raises(ValidationError):
        actions.record_service(
            actor=None, member=party["member"], served_on=dt.date(2026, 1, 5), hours=1, description="x"
        )
    assert not ServiceRecord.objects.exists()


@freeze_time("2026-07-02 10:00:00+08:00")
def test_quarterly_statement_goes_back_to_the_workplace(party, django_capture_on_commit_callbacks):
    actions.issue_receipt(actor=None, report=_report(party))
    actions.record_service(
        actor=None, member=party["member"], served_on=dt.date(2026, 5, 1), hours=3, description="义诊"
    )
    with django_capture_on_commit_callbacks(execute=True):
        n = actions.send_quarterly_statements(
            actor=party["secretary"], organization=party["residential"], year=2026, quarter=2
        )
    assert n == 1
    s = party["member"].statements.get()
    assert (s.service_count, str(s.service_hours), s.workplace_organization_id) == (
        1,
        "3.0",
        party["unit_org"].pk,
    )
    assert Notification.objects.filter(recipient=party["workplace_secretary"]).exists()


def test_unit_report_publishes_resources_and_the_community_confirms(party, tree):
    from django.utils import timezone

    liaison = make_user("liaison", Role.UNIT_LIAISON, party["hospital"], ScopeKind.STATIONED_UNIT)
    start = timezone.now() + dt.timedelta(days=1)
    report = actions.submit_unit_report(
        actor=liaison,
        organization=party["unit_org"],
        receiving=party["working"],
        year=2026,
        contact_person="陈主任",
        contact_phone="021-57000000",
        tasks="义诊每月一次",
        resources=[
            {
                "kind": "professional_service",
                "title": "社区义诊",
                "capacity": 50,
                "available_from": start,
                "available_until": start + dt.timedelta(days=90),
            }
        ],
    )
    res = report.resources.get()
    assert (res.publisher_kind, res.publisher_id) == ("party_organization", party["unit_org"].pk)
    with pytest.raises(ValidationError):
        actions.confirm_unit_report(actor=party["other_secretary"], report=report)
    actions.confirm_unit_report(actor=party["working_secretary"], report=report)
    report.refresh_from_db()
    assert report.state == "confirmed"


def test_unit_liaison_of_another_unit_cannot_report_for_this_one(party, tree):
    from .conftest import _unit

    other = _unit(tree["fangsong"])
    liaison = make_user("liaison2", Role.UNIT_LIAISON, other, ScopeKind.STATIONED_UNIT)
    with pytest.raises(PermissionDenied):
        actions.submit_unit_report(
            actor=liaison,
            organization=party["unit_org"],
            receiving=party["working"],
            year=2026,
            contact_person="x",
            contact_phone="1",
            tasks="y",
        )


def test_report_in_form_offers_the_residential_organization_where_the_member_lives(party):
    from gongzhi.party.forms import ReportInForm

    offered = set(ReportInForm(member=party["member"]).fields["receiving"].queryset)
    assert party["residential"] in offered
    assert party["other_residential"] not in offered  # another committee's organization
