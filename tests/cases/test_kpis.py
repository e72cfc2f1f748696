"""Case KPIs on a scenario with known answers: incremental rollups, rebuild, page, export and API."""

import datetime as dt
import io
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from gongzhi.cases import kpis
from gongzhi.cases.actions.feedback import rate_case, reopen_case
from gongzhi.cases.actions.lifecycle import accept_case, resolve_case, return_case, start_case
from gongzhi.cases.actions.supervision import sweep_overdue
from gongzhi.cases.models import RoutingRule
from gongzhi.core import rollups

SH = ZoneInfo("Asia/Shanghai")


def at(*args):
    return dt.datetime(*args, tzinfo=SH)


@pytest.fixture
def rules(tree, categories):
    for code in ("group_rental", "sanitation"):
        RoutingRule.objects.create(
            category=categories[code],
            area=tree["fangsong"],
            area_depth=tree["fangsong"].depth,
            lead_kind="area",
            lead_area_level="committee",
        )


@pytest.fixture
def scenario(
    tree,
    categories,
    rules,
    report,
    grid_worker,
    committee_worker,
    street_admin,
    django_capture_on_commit_callbacks,
):
    """Four cases received on Monday 2 March 2026 at 10:00 in 江中第1网格 (accept within 2 working hours):

    A group rental, patrol:  accepted 10:30 (in time), resolved 4 Mar solved, satisfied.
    B group rental, hotline: accepted 15:00 (late), resolved 5 Mar answered only, dissatisfied, reopened.
    C sanitation, hotline:   returned by the committee (退单).
    D sanitation, patrol:    accepted 10:45 (in time), never resolved: overdue on 10 March.
    """
    cb = django_capture_on_commit_callbacks
    w = committee_worker
    with freeze_time(at(2026, 3, 2, 10, 0)), cb(execute=True):
        a = report(grid_worker, channel="patrol", title="A")
        b = report(street_admin, channel="hotline", title="B")
        c = report(street_admin, channel="hotline", title="C", category=categories["sanitation"])
        d = report(grid_worker, channel="patrol", title="D", category=categories["sanitation"])
    with freeze_time(at(2026, 3, 2, 10, 30)), cb(execute=True):
        accept_case(actor=w, case=a)
    with freeze_time(at(2026, 3, 2, 10, 45)), cb(execute=True):
        accept_case(actor=w, case=d)
    with freeze_time(at(2026, 3, 2, 11, 0)), cb(execute=True):
        return_case(actor=w, case=c, reason="不属于本居委职责", legal_basis="《上海市市容环境卫生管理条例》")
    with freeze_time(at(2026, 3, 2, 15, 0)), cb(execute=True):
        accept_case(actor=w, case=b)
        start_case(actor=w, case=a)
        start_case(actor=w, case=b)
    with freeze_time(at(2026, 3, 4, 16, 0)), cb(execute=True):
        resolve_case(actor=w, case=a, answer="已劝离租客", solved=True)
        rate_case(actor=w, case=a, satisfaction="satisfied")
    with freeze_time(at(2026, 3, 5, 16, 0)), cb(execute=True):
        resolve_case(actor=w, case=b, answer="已答复", solved=False)
        rate_case(actor=w, case=b, satisfaction="dissatisfied")
        reopen_case(actor=street_admin, case=b, reason="群租仍在")
    with freeze_time(at(2026, 3, 10, 10, 30)), cb(execute=True):
        sweep_overdue()
    return {"a": a, "b": b, "c": c, "d": d}


EXPECTED = {
    "recv": "4",
    "resp": "50.0%",  # 2 of 4 dispatches accepted within 2 working hours
    "ontime": "66.7%",  # A and B resolved by their deadline; D fell due unresolved
    "res": "50.0%",  # A solved, B only answered
    "sat": "50.0%",  # A satisfied, B dissatisfied
    "htime": "2.5",  # A 2 working days, B 3
    "ret": "1",
    "reop": "1",
}


def _shown(data):
    return {m: data["total"][m]["display"] for m in kpis.METRICS}


def test_kpis_of_the_scenario_match_the_glossary_formulas(tree, scenario):
    data = kpis.report(tree["fangsong"], "2026-03", "2026-03")
    assert _shown(data) == EXPECTED


def test_folded_rollups_give_the_same_figures_and_the_page_reads_no_pending_deltas(tree, scenario):
    rollups.fold()
    data = kpis.report(tree["fangsong"], "2026-03", "2026-03", include_pending=False)
    assert _shown(data) == EXPECTED
    # the city above sees the same subtree total; another street sees nothing
    assert (
        kpis.report(tree["city"], "2026-01", "2026-12", include_pending=False)["total"]["recv"]["value"] == 4
    )
    assert kpis.report(tree["yongfeng"], "2026-03", "2026-03")["total"]["recv"]["value"] == 0


def test_rebuilding_from_the_timelines_gives_the_incremental_figures(tree, scenario):
    rollups.fold()
    before = kpis.report(tree["fangsong"], "2026-03", "2026-03", include_pending=False)
    for metric in kpis.METRICS:
        rollups.rebuild(f"cases.{metric}")
    after = kpis.report(tree["fangsong"], "2026-03", "2026-03", include_pending=False)
    assert _shown(after) == EXPECTED
    assert [(g["key"], _row(g)) for g in after["by_category"]] == [
        (g["key"], _row(g)) for g in before["by_category"]
    ]
    assert [(g["key"], _row(g)) for g in after["by_handler"]] == [
        (g["key"], _row(g)) for g in before["by_handler"]
    ]


def _row(group):
    return {m: group["row"][m]["display"] for m in kpis.METRICS}


def test_figures_by_category_channel_handler_and_area(tree, scenario):
    data = kpis.report(tree["fangsong"], "2026-03", "2026-03")
    by_cat = {g["key"]: _row(g) for g in data["by_category"]}
    assert by_cat["group_rental"]["recv"] == "2" and by_cat["group_rental"]["sat"] == "50.0%"
    assert by_cat["sanitation"]["resp"] == "50.0%" and by_cat["sanitation"]["ontime"] == "0.0%"
    assert {g["key"]: g["row"]["recv"]["value"] for g in data["by_channel"]} == {"patrol": 2, "hotline": 2}
    handler = {g["name"]: _row(g) for g in data["by_handler"]}
    assert handler["江中居委会"]["res"] == "50.0%"
    by_area = {g["name"]: g["row"]["recv"]["value"] for g in data["by_area"]}
    assert by_area == {"江中居委会": 4, "江秀居委会": 0}
    months = {m["period"]: m["row"]["recv"]["value"] for m in data["months"]}
    assert months == {"2026-03": 4}


def test_above_street_level_the_handlers_are_the_departments_only(tree, scenario):
    street = kpis.report(tree["fangsong"], "2026-03", "2026-03")
    city = kpis.report(tree["city"], "2026-03", "2026-03")
    assert any(g["key"].startswith("a") for g in street["by_handler"])  # the committee's office
    assert not street["departments_only"] and city["departments_only"]
    assert all(g["key"].startswith("d") for g in city["by_handler"])
    departments = {g["key"]: _row(g) for g in street["by_handler"] if g["key"].startswith("d")}
    assert {g["key"]: _row(g) for g in city["by_handler"]} == departments
    assert city["total"]["recv"]["value"] == street["total"]["recv"]["value"]


def test_the_overdue_list_holds_the_overdue_case(tree, scenario):
    assert [c.title for c in kpis.overdue_cases(tree["fangsong"])] == ["D"]


def test_the_kpi_page_shows_the_figures_and_charts(client_for, tree, scenario, street_admin):
    response = client_for(street_admin).get(
        "/field/kpis/", {"area": tree["fangsong"].pk, "period_from": "2026-03", "period_to": "2026-03"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="kpi-resp">50.0%' in html and 'id="kpi-htime">2.5' in html
    assert "echarts.min.js" in html
    chart_data = html.split('<script id="kpi-chart-data" type="application/json">', 1)[1].split("</script>")[
        0
    ]
    chart = json.loads(chart_data)
    assert chart["months"] == ["2026-03"] and chart["received"] == [4]
    overdue = html.split('id="overdue-table"', 1)[1].split("</table>", 1)[0]
    late = kpis.overdue_cases(tree["fangsong"]).get()
    assert f'<a href="/cases/{late.pk}/">{late.number}</a> D' in overdue
    assert f"<td>{late.category.name}</td><td>{late.area.name}</td>" in overdue


def test_the_kpi_page_reads_the_folded_figures_once_per_fold_and_stays_exact(
    client_for, tree, scenario, street_admin, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(street_admin)
    params = {"area": tree["fangsong"].pk, "period_from": "2026-03", "period_to": "2026-03"}

    def received():
        with CaptureQueriesContext(connection) as ctx:
            html = client.get("/field/kpis/", params).content.decode()
        return html.split('id="kpi-recv">', 1)[1].split("<", 1)[0], len(ctx)

    first, built = received()
    again, served = received()
    assert again == first and served < built
    # A case received since (a pending delta) is on the page at once, cache or not ...
    rollups.add_delta(tree["committee"], "cases.recv", "2026-03", 1000)
    assert received()[0] == str(int(first) + 1000)
    # ... and still counted once after the fold that moves it into the folded rows.
    with django_capture_on_commit_callbacks(execute=True):
        rollups.fold()
    assert received()[0] == str(int(first) + 1000)


def test_the_kpi_export_is_an_xlsx_workbook_with_server_formatted_rates(
    client_for, tree, scenario, street_admin
):
    from openpyxl import load_workbook

    response = client_for(street_admin).get(
        "/field/kpis/export.xlsx",
        {"area": tree["fangsong"].pk, "period_from": "2026-03", "period_to": "2026-03"},
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    total = list(book.worksheets[0].iter_rows(values_only=True))
    assert total[1][1] == 4 and total[1][2] == "50.0%"
    assert len(book.worksheets) == 6


def test_the_kpi_api_serves_the_same_figures(client_for, tree, scenario, street_admin, resident):
    url = f"/api/v1/cases-field/kpis?area={tree['fangsong'].pk}&period_from=2026-03&period_to=2026-03"
    body = client_for(street_admin).get(url).json()
    assert body["total"]["ontime"]["display"] == "66.7%"
    assert Decimal(str(body["total"]["ontime"]["value"])) == Decimal("66.7")
    client_for(resident)
    assert client_for(resident).get(url).status_code == 403


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("street_admin", 200),
        ("committee_worker", 403),
        ("grid_worker", 403),
        ("department_handler", 403),
        ("resident", 403),
        ("outsider", 403),
        ("other_street_admin", 403),
    ],
)
def test_who_may_see_the_street_kpis(client_for, request, tree, who, status):
    user = request.getfixturevalue(who)
    assert client_for(user).get("/field/kpis/", {"area": tree["fangsong"].pk}).status_code == status


def test_a_committee_worker_sees_the_kpis_of_their_committee(client_for, tree, committee_worker):
    assert client_for(committee_worker).get("/field/kpis/").status_code == 200


def test_a_bad_period_is_a_clear_api_error(client_for, tree, street_admin):
    url = f"/api/v1/cases-field/kpis?area={tree['fangsong'].pk}&period_from=2026-05&period_to=2026-01"
    response = client_for(street_admin).get(url)
    assert response.status_code == 422 and "period_to" in response.json()["error"]["fields"]
