"""Query-shape and query-count guards for the case list, the case list API and the case KPI page."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from gongzhi.accounts.roles import ScopeKind
from gongzhi.areas.models import subtree_q
from gongzhi.cases import kpis, permissions, queries
from gongzhi.cases.models import Case, CaseAssignment
from gongzhi.core import memo, policy, rollups


def _by_paths(user):
    """The reference: the scope as area_path ranges OR the departments' cases OR the reporter's."""
    paths = policy.area_paths(user, permissions.VIEW) or []
    q = Q(pk__in=[])
    for p in paths:
        q |= subtree_q("area_path", p)
    depts = policy.body_ids(user, permissions.HANDLE_DEPARTMENT, ScopeKind.DEPARTMENT)
    if depts:
        q |= Q(pk__in=CaseAssignment.objects.filter(handler_department_id__in=depts).values("case_id"))
    return set(Case.objects.filter(q | Q(reporter_user_id=user.pk)).values_list("pk", flat=True))


@pytest.fixture
def spread(tree, report, rule, street_admin, resident):
    """Cases in the grid, the committee, the street itself, another street and another district."""
    cases = [
        report(None, area=tree["grid"]),
        report(None, area=tree["committee"]),
        report(None, area=tree["fangsong"]),
        report(None, area=tree["yongfeng"]),
        report(None, area=tree["malu_committee"]),
        report(resident, channel="resident_web", area=tree["committee"]),
    ]
    # The street admin reported one case outside the street (e.g. as a resident elsewhere).
    Case.objects.filter(pk=cases[4].pk).update(reporter_user=street_admin)
    return cases


@pytest.mark.parametrize(
    "who",
    [
        "city_admin",
        "district_admin",
        "street_admin",
        "other_street_admin",
        "committee_worker",
        "grid_worker",
        "department_handler",
        "resident",
        "outsider",
    ],
)
def test_visible_cases_are_exactly_those_of_the_area_ranges_departments_and_reporter(request, spread, who):
    user = request.getfixturevalue(who)
    assert set(queries.visible_cases(user).values_list("pk", flat=True)) == _by_paths(user)


def test_staff_see_the_case_they_reported_outside_their_street(spread, street_admin, client_for):
    outside = spread[4]
    assert queries.visible_cases(street_admin).filter(pk=outside.pk).exists()
    assert outside.number in client_for(street_admin).get("/cases/").content.decode()


def _where(qs) -> str:
    return str(qs.query).split(" WHERE ", 1)[1]


def test_street_staff_list_uses_the_street_column_and_no_reporter_branch(spread, other_street_admin, tree):
    sql = _where(queries.visible_cases(other_street_admin))
    assert f'"street_id" = {tree["yongfeng"].pk}' in sql
    assert "reporter_user_id" not in sql
    assert "area_path" not in sql


def test_the_city_list_is_one_range_without_the_reporter_branch(spread, city_admin):
    sql = _where(queries.visible_cases(city_admin))
    assert "area_path" in sql and "reporter_user_id" not in sql


def test_a_resident_lists_only_the_cases_they_reported(spread, resident):
    assert list(queries.visible_cases(resident).values_list("pk", flat=True)) == [spread[5].pk]


def _count(client, url, **params):
    cache.clear()  # every count is of a page built afresh (the bell's count, the figures' caches,
    memo.clear_all()  # the area bar's areas)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_case_list_page_and_api_queries_do_not_grow_with_the_cases(
    client_for, tree, report, rule, street_admin
):
    client = client_for(street_admin)
    for _ in range(2):
        report(None, area=tree["grid"])
    page, api = _count(client, "/cases/"), _count(client, "/api/v1/cases/")
    for _ in range(6):
        report(None, area=tree["committee"])
    assert _count(client, "/cases/") == page
    assert _count(client, "/api/v1/cases/") == api
    assert api <= 8


def test_kpi_page_reads_the_pending_deltas_once_per_table_not_per_figure_or_area(
    client_for, tree, report, rule, street_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report(None, area=tree["grid"])
        report(None, area=tree["committee"], channel="hotline")
    assert rollups.read_pending([tree["fangsong"].pk], "2000-01", "2999-12", prefix=kpis.PREFIX)
    period = rollups.period_of(Case.objects.first().received_at)
    client = client_for(street_admin)
    params = {"area": tree["fangsong"].pk, "period_from": period, "period_to": period}
    client.get("/field/kpis/", params)
    cache.clear()  # both counts below are of a page built afresh (the figures' cache is tested elsewhere)
    memo.clear_all()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/field/kpis/", params)
    assert response.status_code == 200
    deltas = [q["sql"] for q in ctx.captured_queries if 'FROM "core_rollupdelta"' in q["sql"]]
    # Whether anything is pending, then one grouped read for the area and its child areas together.
    assert len(deltas) == 2 and sum("GROUP BY" in sql for sql in deltas) == 1, deltas
    # One grouped read of the pending table for all areas, not a subtree read per area.
    assert not [sql for sql in deltas if "areas_area" in sql]
    with django_capture_on_commit_callbacks(execute=True):
        report(None, area=tree["fangsong"], channel="hotline")
        report(None, area=tree["compound"], channel="suggestion_box")
    cache.clear()
    assert _count(client, "/field/kpis/", **params) == len(ctx.captured_queries)


def test_kpi_report_counts_pending_deltas_of_every_child_area(
    tree, report, rule, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report(None, area=tree["grid"])
        report(None, area=tree["fangsong"])
    period = rollups.period_of(Case.objects.first().received_at)
    data = kpis.report(tree["fangsong"], period, period)
    assert data["total"]["recv"]["value"] == 2
    by_area = {row["key"]: row["row"]["recv"]["value"] for row in data["by_area"]}
    assert by_area[tree["committee"].pk] == 1
    rollups.fold()
    assert kpis.report(tree["fangsong"], period, period, include_pending=False)["total"] == data["total"]


def test_case_page_reads_calls_and_extension_requests_only_when_the_case_has_them(
    client_for, tree, report, rule, street_admin
):
    from django.utils import timezone

    from gongzhi.cases.models import ExtensionRequest, FollowUpCall

    case = report(None)
    client = client_for(street_admin)
    url = f"/cases/{case.pk}/"
    plain = _count(client, url)
    FollowUpCall.objects.create(case=case, called_at=timezone.now(), reached=True, note="回访：已解决")
    assert _count(client, url) == plain + 1
    assert "回访：已解决" in client.get(url).content.decode()
    ExtensionRequest.objects.create(case=case, extra_days=5, reason="需等待产权人到场")
    assert _count(client, url) == plain + 2
    assert "需等待产权人到场" in client.get(url).content.decode()
