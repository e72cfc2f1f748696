"""Intake performance guards: the queries one report costs (rollup deltas batched, no repeated look-ups)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongzhi.cases.models import Case, CaseEvent
from gongzhi.core import rollups
from gongzhi.core.models import RollupDelta

pytestmark = pytest.mark.django_db

# A routed report (rule with a supporting department), its timeline, audit, notices and the
# rollup deltas of both its events. 44 statements on SQLite before the deltas were batched and the new
# case was dispatched without re-reading it, 35 before it was routed before its INSERT (no UPDATE, no
# withdrawal of tasks it cannot have, its street read once) and both events were counted together.
QUERY_BUDGET = 28


def _sql(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries]


def _report_and_deliver(report, actor, capture, **kw):
    with CaptureQueriesContext(connection) as ctx:
        with capture(execute=True):
            case = report(actor, **kw)
    return case, _sql(ctx)


def test_a_routed_report_stays_within_its_query_budget(
    grid_worker, report, rule, django_capture_on_commit_callbacks
):
    report(grid_worker)  # the first report fills the per-process calendar table
    case, sql = _report_and_deliver(report, grid_worker, django_capture_on_commit_callbacks)
    assert case.state == "dispatched"
    assert len(sql) <= QUERY_BUDGET, "\n".join(sql)


def test_the_events_of_one_report_write_their_rollup_deltas_in_one_insert(
    grid_worker, report, rule, django_capture_on_commit_callbacks
):
    case, sql = _report_and_deliver(report, grid_worker, django_capture_on_commit_callbacks)
    inserts = [s for s in sql if s.startswith('INSERT INTO "core_rollupdelta"')]
    assert len(inserts) == 1  # case.received and case.dispatched, delivered together
    assert sum(s.startswith('UPDATE "cases_case"') for s in sql) == 0  # written once, already routed
    figures = sorted(
        RollupDelta.objects.filter(area_id=case.area_id).values_list("figure", "numerator", "denominator")
    )
    lead = case.assignments.get(role="lead")
    assert figures == sorted(
        [
            ("cases.recv", Decimal(1), Decimal(0)),
            ("cases.recv.c.group_rental", Decimal(1), Decimal(0)),
            (f"cases.recv.h.a{lead.handler_area_id}", Decimal(1), Decimal(0)),
            ("cases.recv.ch.patrol", Decimal(1), Decimal(0)),
            ("cases.resp", Decimal(0), Decimal(1)),
            ("cases.resp.c.group_rental", Decimal(0), Decimal(1)),
            (f"cases.resp.h.a{lead.handler_area_id}", Decimal(0), Decimal(1)),
        ]
    )


def test_the_new_case_is_routed_without_being_read_again(grid_worker, report, rule):
    with CaptureQueriesContext(connection) as ctx:
        case = report(grid_worker)
    sql = _sql(ctx)
    assert not any(s.startswith('SELECT "cases_case"."id"') for s in sql), "\n".join(sql)
    assert not any("FOR UPDATE" in s for s in sql)
    assert [e.action for e in CaseEvent.objects.filter(case=case).order_by("id")] == ["received", "dispatch"]
    stored = Case.objects.get(pk=case.pk)
    assert (stored.state, stored.due_at, stored.accept_due_at) == (
        case.state,
        case.due_at,
        case.accept_due_at,
    )


def test_add_deltas_appends_every_change_in_one_statement(tree):
    with CaptureQueriesContext(connection) as ctx:
        rows = rollups.add_deltas(
            [
                (tree["grid"], "test.a", "2026-11", 1, 0),
                (tree["grid"].pk, "test.b", "2026-11", Decimal("2.5"), 4),
            ]
        )
    assert len(ctx.captured_queries) == 1 and len(rows) == 2
    assert rollups.add_deltas([]) == []
    with pytest.raises(ValueError):
        rollups.add_deltas([(tree["grid"], "test.c", "2026/11", 1, 0)])
    assert sorted(RollupDelta.objects.values_list("figure", "numerator", "denominator")) == [
        ("test.a", Decimal(1), Decimal(0)),
        ("test.b", Decimal("2.5"), Decimal(4)),
    ]


def test_an_open311_report_stores_its_token_with_the_case_in_one_insert(client, tree, categories):
    from gongzhi.cases.open311 import keys

    _row, key = keys.create_key(actor=None, name="热线", jurisdiction=tree["fangsong"])
    form = {
        "api_key": key,
        "service_code": "sanitation",
        "lat": "31.0323",
        "long": "121.2277",
        "description": "路边垃圾堆放",
    }
    with CaptureQueriesContext(connection) as ctx:
        response = client.post("/open311/v2/requests.json", form)
    assert response.status_code == 201, response.content
    body = response.json()[0]
    case = Case.objects.get(number=body["service_request_id"])
    assert case.open311_token == body["token"] and len(body["token"]) == 32
    assert not any(
        q["sql"].startswith('UPDATE "cases_case" SET "open311_token"') for q in ctx.captured_queries
    )
