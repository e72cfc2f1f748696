"""Queued intake (受理队列): a report is one checked row at once, a case after the drain; the API and
Open311 answer with a token the client follows; bad input and rights are refused before anything
is written; a report that no longer passes when drained is rejected with its reasons."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from gongzhi.accounts.actions import create_api_token
from gongzhi.cases.actions import common, intake_queue
from gongzhi.cases.models import Case, IntakeTicket
from gongzhi.cases.open311 import keys
from gongzhi.core.models import AuditEvent


@pytest.fixture(autouse=True)
def _no_drain_flag():
    """The drain flag lives in the cache, which outlives a test."""
    from django.core.cache import cache

    cache.delete(intake_queue.DRAIN_FLAG)
    yield
    cache.delete(intake_queue.DRAIN_FLAG)


@pytest.fixture
def queued(tree, categories, rule):
    def _queue(actor=None, **kw):
        args = {
            "actor": actor,
            "category": "group_rental",
            "area": tree["committee"].pk,
            "channel": "hotline",
            "title": "江中小区 3 号楼群租",
            "description": "市民来电：3 号楼 502 室隔成 6 间出租。",
            "reporter_name": "王先生",
            "reporter_phone": "13912345678",
        }
        args.update(kw)
        return intake_queue.accept_report(**args)

    return _queue


def test_a_queued_report_is_one_waiting_row_until_the_drain_receives_it_as_a_routed_case(queued, tree):
    moment = timezone.now() - dt.timedelta(hours=3)
    with common.clock(moment):
        ticket = queued()
    assert ticket.state == "pending" and not Case.objects.exists()

    assert intake_queue.drain_queue() == {"received": 1, "rejected": 0}

    ticket.refresh_from_db()
    case = ticket.case
    assert ticket.state == "done" and ticket.processed_at is not None
    # The case counts from the moment the resident called, not from the drain.
    assert case.received_at == moment and case.state == "dispatched"
    assert case.street_id == tree["fangsong"].pk and case.open311_token == ticket.token
    assert case.reporter_phone == "+8613912345678" and case.reporter_name == "王先生"
    assert case.number.endswith("-000001")
    assert intake_queue.drain_queue() == {"received": 0, "rejected": 0}


def test_tickets_are_received_in_the_order_they_arrived(queued):
    first, second = queued(title="第一件"), queued(title="第二件")
    intake_queue.drain_queue()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.case.number < second.case.number


def test_every_bad_field_is_refused_at_the_door_and_nothing_is_written(queued):
    with pytest.raises(ValidationError) as exc:
        queued(category="no-such", title="", reporter_phone="12", latitude=91, longitude=0)
    assert {"category", "title", "reporter_phone", "latitude"} <= set(exc.value.message_dict)
    assert not IntakeTicket.objects.exists()


def test_an_account_without_the_right_to_report_there_is_refused_and_nothing_is_written(queued, outsider):
    with pytest.raises(PermissionDenied):
        queued(actor=outsider)
    assert not IntakeTicket.objects.exists()


def test_a_report_whose_category_was_retired_before_the_drain_is_rejected_with_the_reason(queued, categories):
    ticket = queued()
    categories["group_rental"].is_active = False
    categories["group_rental"].save()

    assert intake_queue.drain_queue() == {"received": 0, "rejected": 1}

    ticket.refresh_from_db()
    assert ticket.state == "rejected" and ticket.case is None and "category" in ticket.errors
    assert not Case.objects.exists()
    assert AuditEvent.objects.filter(verb="case.intake_rejected").count() == 1


def test_the_reporters_phone_is_encrypted_in_the_ticket_row(queued):
    ticket = queued()
    with connection.cursor() as cursor:
        cursor.execute("SELECT reporter_phone, payload FROM cases_intaketicket WHERE id = %s", [ticket.pk])
        stored_phone, payload = cursor.fetchone()
    assert "13912345678" not in stored_phone and "13912345678" not in str(payload)


def test_a_drain_is_asked_for_once_while_one_is_pending(db, monkeypatch):
    asked = []
    monkeypatch.setattr(intake_queue.tasks, "run_task", lambda path: asked.append(path))
    intake_queue.request_drain()
    intake_queue.request_drain()
    assert asked == [intake_queue.DRAIN_TASK]
    intake_queue.drain_queue()  # an empty queue lowers the flag
    intake_queue.request_drain()
    assert len(asked) == 2


def test_the_sweep_receives_what_the_drains_left(queued):
    from gongzhi.core import sweeps

    queued()
    result = sweeps.run_all()
    assert result["cases.intake_queue"] == {"received": 1, "rejected": 0}


# --- API ----------------------------------------------------------------------------------------
def _bearer(user):
    return {"HTTP_AUTHORIZATION": "Bearer " + create_api_token(actor=user, name="12345")[1]}


BODY = {
    "category": "group_rental",
    "channel": "hotline",
    "title": "江中小区群租",
    "description": "市民来电反映群租。",
    "reporter_phone": "13912345678",
}


@pytest.mark.django_db(transaction=True)
def test_api_queue_answers_202_with_a_token_its_sender_follows_to_the_case(
    client, tree, rule, street_admin, committee_worker
):
    auth = _bearer(street_admin)
    response = client.post(
        "/api/v1/cases/intake/",
        {**BODY, "area_id": tree["committee"].pk},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 202, response.content
    body = response.json()
    # Without a broker the drain ran on commit, in this process.
    assert body["state"] == "done" and body["case_number"] == Case.objects.get().number
    assert body["status_url"] == f"/api/v1/cases/intake/{body['token']}"

    followed = client.get(body["status_url"], **auth)
    assert followed.status_code == 200 and followed.json()["case_id"] == Case.objects.get().pk
    assert client.get(body["status_url"], **_bearer(committee_worker)).status_code == 404


def test_api_queue_without_a_drain_answers_pending(client, tree, rule, street_admin):
    auth = _bearer(street_admin)
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False):
        intake_queue_run = intake_queue.tasks.run_task
        intake_queue.tasks.run_task = lambda *a, **k: None  # a broker that has not delivered yet
        try:
            response = client.post(
                "/api/v1/cases/intake/",
                {**BODY, "area_id": tree["committee"].pk},
                content_type="application/json",
                **auth,
            )
        finally:
            intake_queue.tasks.run_task = intake_queue_run
    assert response.status_code == 202
    assert response.json()["state"] == "pending" and response.json()["case_number"] is None


def test_api_queue_refuses_bad_input_with_every_field_and_writes_nothing(client, tree, street_admin):
    response = client.post(
        "/api/v1/cases/intake/",
        {**BODY, "category": "nope", "title": "", "area_id": tree["committee"].pk},
        content_type="application/json",
        **_bearer(street_admin),
    )
    assert response.status_code == 422
    assert {"category", "title"} <= set(response.json()["error"]["fields"])
    assert not IntakeTicket.objects.exists()


def test_api_queue_refuses_a_user_who_may_not_report_there(client, tree, categories, outsider):
    response = client.post(
        "/api/v1/cases/intake/",
        {**BODY, "area_id": tree["committee"].pk},
        content_type="application/json",
        **_bearer(outsider),
    )
    assert response.status_code == 403 and not IntakeTicket.objects.exists()


# --- Open311 ------------------------------------------------------------------------------------
def _post_open311(client, tree):
    _row, key = keys.create_key(actor=None, name="热线", jurisdiction=tree["fangsong"])
    form = {
        "api_key": key,
        "service_code": "group_rental",
        "description": "5号楼群租",
        "address_string": "江中路",
    }
    return client.post("/open311/v2/requests.json", form)


@override_settings(GONGZHI_QUEUED_INTAKE=True)
def test_open311_queued_post_answers_a_token_then_the_token_gives_the_request_id(client, tree, rule):
    response = _post_open311(client, tree)
    assert response.status_code == 201, response.content
    token = response.json()[0]["token"]
    assert "service_request_id" not in response.json()[0]
    assert client.get(f"/open311/v2/tokens/{token}.json").json() == [{"token": token}]

    intake_queue.drain_queue()

    case = Case.objects.get()
    assert client.get(f"/open311/v2/tokens/{token}.json").json() == [
        {"service_request_id": case.number, "token": token}
    ]
    assert client.get(f"/open311/v2/requests/{case.number}.json").status_code == 200


@override_settings(GONGZHI_QUEUED_INTAKE=True)
def test_open311_token_of_a_rejected_report_says_why(client, tree, rule, categories):
    response = _post_open311(client, tree)
    token = response.json()[0]["token"]
    categories["group_rental"].is_active = False
    categories["group_rental"].save()
    intake_queue.drain_queue()
    answer = client.get(f"/open311/v2/tokens/{token}.json").json()[0]
    assert answer["token"] == token and "service_request_id" not in answer and answer["service_notice"]
