"""Area dashboards: figures equal the records of a known scenario, the period selector, drill links to
the lists behind each number, who may open which dashboard, the menu and area-page links, the export."""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from gongzhi.cases.actions.feedback import rate_case
from gongzhi.cases.actions.lifecycle import accept_case, resolve_case, start_case
from gongzhi.cases.actions.supervision import sweep_overdue
from gongzhi.cases.models import RoutingRule
from gongzhi.core import rollups
from gongzhi.reports import dashboard
from gongzhi.volunteers import actions as volunteer_actions
from tests.cases.conftest import categories, report  # noqa: F401 - fixtures
from tests.volunteers.conftest import make_person, make_volunteer  # noqa: F401 - fixtures

SH = ZoneInfo("Asia/Shanghai")
PERIOD = {"from": "2026-01", "to": "2026-03"}


def at(*args):
    return dt.datetime(*args, tzinfo=SH)


@pytest.fixture
def scenario(
    tree,
    categories,  # noqa: F811
    report,  # noqa: F811
    make_volunteer,  # noqa: F811
    grid_worker,
    committee_worker,
    street_admin,
    django_capture_on_commit_callbacks,
):
    """方松街道, received Monday 2 March 2026 10:00 (the committee leads each case):

    A group rental, patrol, 江中: accepted in time, resolved 4 Mar solved, satisfied.
    B group rental, hotline, 江中: accepted late, resolved 5 Mar answered only, dissatisfied.
    C sanitation, hotline, 江秀: never accepted; overdue on 10 March.
    D sanitation, patrol, 江中: accepted in time, never resolved; overdue on 10 March.
    Volunteers in 江中: one registered in December 2025, two on 1 February 2026 who served
    3 h on 10 February (Wang) and 2.5 h + 1.5 h in March (Li). Then the sweep folds the rollups.
    """
    for code in ("group_rental", "sanitation"):
        RoutingRule.objects.create(
            category=categories[code],
            area=tree["fangsong"],
            area_depth=tree["fangsong"].depth,
            lead_kind="area",
            lead_area_level="committee",
        )
    cb = django_capture_on_commit_callbacks
    w = committee_worker
    with freeze_time(at(2025, 12, 5, 9, 0)), cb(execute=True):
        make_volunteer("赵老", registered_on=dt.date(2025, 12, 1))
    with freeze_time(at(2026, 2, 1, 9, 0)), cb(execute=True):
        wang = make_volunteer("王志愿", registered_on=dt.date(2026, 2, 1))
        li = make_volunteer("李志愿", registered_on=dt.date(2026, 2, 1))
    with freeze_time(at(2026, 2, 12, 9, 0)), cb(execute=True):
        volunteer_actions.record_service(
            actor=w,
            volunteer=wang,
            hours=3,
            served_on=dt.date(2026, 2, 10),
            content="助老",
            recording_body="江中",
        )
    with freeze_time(at(2026, 3, 2, 10, 0)), cb(execute=True):
        a = report(grid_worker, channel="patrol", title="A")
        b = report(street_admin, channel="hotline", title="B")
        c = report(
            street_admin,
            channel="hotline",
            title="C",
            category=categories["sanitation"],
            area=tree["other_committee"],
        )
        d = report(grid_worker, channel="patrol", title="D", category=categories["sanitation"])
    with freeze_time(at(2026, 3, 2, 10, 30)), cb(execute=True):
        accept_case(actor=w, case=a)
    with freeze_time(at(2026, 3, 2, 10, 45)), cb(execute=True):
        accept_case(actor=w, case=d)
    with freeze_time(at(2026, 3, 2, 15, 0)), cb(execute=True):
        accept_case(actor=w, case=b)
        start_case(actor=w, case=a)
        start_case(actor=w, case=b)
    with freeze_time(at(2026, 3, 4, 16, 0)), cb(execute=True):
        resolve_case(actor=w, case=a, answer="已劝离租客", solved=True)
        rate_case(actor=w, case=a, satisfaction="satisfied")
        for day, hours in ((3, "2.5"), (4, "1.5")):
            volunteer_actions.record_service(
                actor=w,
                volunteer=li,
                hours=hours,
                served_on=dt.date(2026, 3, day),
                content="巡逻",
                recording_body="江中",
            )
    with freeze_time(at(2026, 3, 5, 16, 0)), cb(execute=True):
        resolve_case(actor=w, case=b, answer="已答复", solved=False)
        rate_case(actor=w, case=b, satisfaction="dissatisfied")
    with freeze_time(at(2026, 3, 10, 10, 30)), cb(execute=True):
        sweep_overdue()
    rollups.fold()
    return {"a": a, "b": b, "c": c, "d": d}


def _cards(response) -> dict:
    return {c["key"]: c for s in response.context["data"]["sections"] for c in s["cards"]}


def _shown(response) -> dict:
    return {key: card["display"] for key, card in _cards(response).items()}


def _get(client, area, **params):
    from django.core.cache import cache

    cache.clear()  # these tests read the figures the view builds (response.context), not a cached page
    return client.get(f"/reports/dashboard/{area.pk}/", params)


EXPECTED = {
    "cases.cases.recv": "4",
    "cases.cases.ontime:shortfall": "2",  # C and D fell due unresolved
    "cases.cases.resp": "50.0%",  # A and D accepted in time of 4 dispatches
    "cases.cases.ontime": "50.0%",  # A and B resolved by the deadline, C and D not
    "cases.cases.res": "50.0%",  # A solved, B only answered
    "cases.cases.sat": "50.0%",  # A satisfied, B not
    "cases.cases.htime": "2.5",  # A 2 working days, B 3
    "cases.cases.ret": "0",
    "volunteers.volunteers.registered": "3",  # a level: everyone registered up to March
    "volunteers.volunteers.active_year": "2",  # Wang in February, Li in March
    "volunteers.volunteers.hours": "7",
    "matching.matching.needs_met": "0",
}


# --- figures ---------------------------------------------------------------------------------------
def test_street_dashboard_figures_equal_the_records(client_for, tree, scenario, street_admin):
    response = _get(client_for(street_admin), tree["fangsong"], **PERIOD)
    assert response.status_code == 200
    shown = _shown(response)
    assert {k: shown[k] for k in EXPECTED} == EXPECTED
    html = response.content.decode()
    assert "echarts.min.js" in html and 'id="dashboard-chart-data"' in html


def test_the_city_sees_the_same_subtree_totals_and_another_street_sees_none(
    client_for, tree, scenario, city_admin
):
    client = client_for(city_admin)
    assert _shown(_get(client, tree["city"], **PERIOD))["cases.cases.recv"] == "4"
    assert _shown(_get(client, tree["yongfeng"], **PERIOD))["cases.cases.recv"] == "0"
    assert _shown(_get(client, tree["yongfeng"], **PERIOD))["cases.cases.sat"] == "—"


def test_child_table_splits_the_figures_by_committee_and_links_their_dashboards(
    client_for, tree, scenario, street_admin
):
    response = _get(client_for(street_admin), tree["fangsong"], **PERIOD)
    data = response.context["data"]
    keys = [c["key"] for c in data["columns"]]
    rows = {
        r["area"].name: dict(zip(keys, (c["display"] for c in r["cells"]), strict=True))
        for r in data["children"]
    }
    assert rows["江中居委会"]["cases.cases.recv"] == "3" and rows["江秀居委会"]["cases.cases.recv"] == "1"
    assert rows["江中居委会"]["cases.cases.ontime:shortfall"] == "1"
    assert (
        rows["江中居委会"]["volunteers.volunteers.hours"] == "7"
        and rows["江秀居委会"]["volunteers.volunteers.hours"] == "0"
    )
    html = response.content.decode()
    assert f'href="/reports/dashboard/{tree["committee"].pk}/?from=2026-01&amp;to=2026-03"' in html
    chart = response.context["chart_data"]
    assert chart["children"] == ["江中居委会", "江秀居委会"]
    recv = next(c for c in chart["columns"] if c["key"] == "cases.cases.recv")
    assert recv["values"] == [3.0, 1.0] and recv["displays"] == ["3", "1"]


def test_breakdowns_by_category_and_source(client_for, tree, scenario, street_admin):
    response = _get(client_for(street_admin), tree["fangsong"], **PERIOD)
    cases = next(s for s in response.context["data"]["sections"] if s["key"] == "cases")
    by = {b["key"]: {r["label"]: (r["display"], r["share"]) for r in b["rows"]} for b in cases["breakdowns"]}
    assert by["category"] == {"群租": ("2", "50.0%"), "环境卫生": ("2", "50.0%")}
    channels = next(b for b in cases["breakdowns"] if b["key"] == "channel")
    assert {r["code"]: (r["display"], r["share"]) for r in channels["rows"]} == {
        "hotline": ("2", "50.0%"),
        "patrol": ("2", "50.0%"),
    }


def test_monthly_trend_holds_each_month_and_a_stock_as_its_running_level(
    client_for, tree, scenario, street_admin
):
    response = _get(client_for(street_admin), tree["fangsong"], **PERIOD)
    cards = _cards(response)
    assert response.context["data"]["months"] == ["2026-01", "2026-02", "2026-03"]
    assert cards["cases.cases.recv"]["trend"] == [0.0, 0.0, 4.0]
    assert cards["volunteers.volunteers.registered"]["trend"] == [1.0, 3.0, 3.0]
    assert cards["volunteers.volunteers.hours"]["trend"] == [0.0, 3.0, 4.0]
    assert cards["cases.cases.sat"]["trend"] == [None, None, 50.0]


# --- period ----------------------------------------------------------------------------------------
def test_period_selector_limits_the_months(client_for, tree, scenario, street_admin):
    client = client_for(street_admin)
    february = _shown(_get(client, tree["fangsong"], **{"from": "2026-02", "to": "2026-02"}))
    assert february["cases.cases.recv"] == "0"
    assert february["volunteers.volunteers.hours"] == "3"
    assert february["volunteers.volunteers.registered"] == "3"
    january = _shown(_get(client, tree["fangsong"], **{"from": "2026-01", "to": "2026-01"}))
    assert january["volunteers.volunteers.registered"] == "1"


@pytest.mark.parametrize(
    ("preset", "today", "expected"),
    [
        ("month", dt.date(2026, 5, 15), ("2026-05", "2026-05")),
        ("quarter", dt.date(2026, 5, 15), ("2026-04", "2026-05")),
        ("year", dt.date(2026, 5, 15), ("2026-01", "2026-05")),
        ("last_year", dt.date(2026, 5, 15), ("2025-01", "2025-12")),
        ("quarter", dt.date(2026, 12, 1), ("2026-10", "2026-12")),
    ],
)
def test_period_presets(preset, today, expected):
    assert dashboard.preset_period(preset, today) == expected
    assert (
        dashboard.parse_period({"preset": preset}, today).period_from,
        dashboard.parse_period({"preset": preset}, today).period_to,
    ) == expected


def test_the_default_period_is_this_year_and_preset_links_carry_their_months(client_for, tree, street_admin):
    with freeze_time(at(2026, 5, 15, 9, 0)):
        response = _get(client_for(street_admin), tree["fangsong"])
    period = response.context["period"]
    assert (period.period_from, period.period_to, period.preset) == ("2026-01", "2026-05", "year")
    html = response.content.decode()
    assert 'href="?from=2026-04&amp;to=2026-05" id="preset-quarter"' in html


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-13", "to": "2026-12"}, "from"),
        ({"from": "2026-05", "to": "2026-01"}, "to"),
        ({"from": "1999-01", "to": "2026-01"}, "from"),
        ({"from": "2020-01", "to": "2026-01"}, "to"),  # more than 60 months
        ({"from": "2026-01", "to": "x\x00"}, "to"),
    ],
)
def test_a_bad_period_answers_422_with_the_message_next_to_the_field(
    client_for, tree, street_admin, params, field
):
    response = _get(client_for(street_admin), tree["fangsong"], **params)
    assert response.status_code == 422
    assert "data" not in response.context
    assert field in response.context["period"].errors
    assert "invalid-feedback" in response.content.decode()
    export = client_for(street_admin).get(f"/reports/dashboard/{tree['fangsong'].pk}/export.xlsx", params)
    assert export.status_code == 422


# --- drill links -----------------------------------------------------------------------------------
def _titles(client, url) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    return sorted(c.title for c in response.context["page"].items)


def test_each_number_links_to_the_list_behind_it(client_for, tree, scenario, street_admin):
    client = client_for(street_admin)
    response = _get(client, tree["fangsong"], **PERIOD)
    cards = _cards(response)
    fangsong = tree["fangsong"].pk
    assert cards["cases.cases.ontime:shortfall"]["drill"] == f"/cases/?view=overdue&area={fangsong}"
    assert _titles(client, cards["cases.cases.ontime:shortfall"]["drill"]) == ["C", "D"]
    assert _titles(client, cards["cases.cases.recv"]["drill"]) == ["A", "B", "C", "D"]
    html = response.content.decode()
    assert f'href="/cases/?area={fangsong}&amp;from=2026-01&amp;to=2026-03"' in html
    cases = next(s for s in response.context["data"]["sections"] if s["key"] == "cases")
    sanitation = next(r for r in cases["breakdowns"][0]["rows"] if r["code"] == "sanitation")
    assert _titles(client, sanitation["drill"]) == ["C", "D"]
    # the child's cell drills into the child's subtree
    keys = [c["key"] for c in response.context["data"]["columns"]]
    jiangxiu = next(r for r in response.context["data"]["children"] if r["area"].name == "江秀居委会")
    assert _titles(client, jiangxiu["cells"][keys.index("cases.cases.recv")]["drill"]) == ["C"]
    # a period without cases lists none
    assert _titles(client, f"/cases/?area={fangsong}&from=2026-01&to=2026-02") == []
    assert cards["volunteers.volunteers.registered"]["drill"] == f"/volunteers/people/?area={fangsong}"
    assert client.get(cards["volunteers.volunteers.registered"]["drill"]).status_code == 200
    assert client.get(cards["matching.matching.needs_met"]["drill"]).status_code == 200


def test_the_case_list_filters_stay_inside_the_users_scope(client_for, tree, scenario, other_street_admin):
    # Another street's admin asking for 方松's cases sees none of them: the filter only narrows.
    assert _titles(client_for(other_street_admin), f"/cases/?area={tree['fangsong'].pk}") == []


def test_the_case_list_ignores_filters_that_do_not_parse(client_for, tree, scenario, street_admin):
    url = "/cases/?area=abc&from=2026-99&to=x&category=%00bad&channel=no%20way"
    assert _titles(client_for(street_admin), url) == ["A", "B", "C", "D"]


# --- who may see -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("who", "area", "status"),
    [
        ("street_admin", "fangsong", 200),
        ("street_admin", "committee", 200),
        ("street_admin", "songjiang", 403),
        ("district_admin", "fangsong", 200),
        ("city_admin", "city", 200),
        ("committee_worker", "committee", 200),
        ("committee_worker", "fangsong", 403),
        ("committee_worker", "other_committee", 403),
        ("other_street_admin", "fangsong", 403),
        ("other_street_admin", "committee", 403),
        ("community_worker", "community", 200),
        ("registry_officer", "songjiang", 200),
        ("grid_worker", "grid", 403),
        ("party_member", "committee", 403),
        ("resident", "committee", 403),
        ("department_handler", "fangsong", 403),
        ("outsider", "fangsong", 403),
    ],
)
def test_who_may_open_which_dashboard(client_for, request, tree, who, area, status):
    user = request.getfixturevalue(who)
    assert _get(client_for(user), tree[area]).status_code == status
    assert client_for(user).get(f"/reports/dashboard/{tree[area].pk}/export.xlsx").status_code == status


def test_a_missing_area_is_404_and_anonymous_users_sign_in_first(client, client_for, tree, street_admin):
    assert client.get(f"/reports/dashboard/{tree['fangsong'].pk}/").status_code == 302
    assert client_for(street_admin).get("/reports/dashboard/999999/").status_code == 404


def test_sections_follow_their_capability(client_for, tree, scenario, registry_officer):
    response = _get(client_for(registry_officer), tree["songjiang"], **PERIOD)
    keys = {s["key"] for s in response.context["data"]["sections"]}
    assert "cases" not in keys and "volunteers" not in keys


def test_breadcrumb_links_only_to_dashboards_the_user_may_open(client_for, tree, street_admin):
    html = _get(client_for(street_admin), tree["committee"]).content.decode()
    assert f"/reports/dashboard/{tree['fangsong'].pk}/?" in html
    assert f"/reports/dashboard/{tree['songjiang'].pk}/?" not in html


# --- entry points ----------------------------------------------------------------------------------
def test_the_menu_entry_opens_the_users_own_top_area(client_for, tree, street_admin, city_admin, outsider):
    client = client_for(street_admin)
    home = client.get("/").content.decode()
    assert 'href="/reports/dashboard/"' in home
    response = client.get("/reports/dashboard/")
    assert (
        response.status_code == 302 and response["Location"] == f"/reports/dashboard/{tree['fangsong'].pk}/"
    )
    assert (
        client_for(city_admin).get("/reports/dashboard/")["Location"]
        == f"/reports/dashboard/{tree['city'].pk}/"
    )
    assert client_for(outsider).get("/reports/dashboard/").status_code == 403
    assert 'href="/reports/dashboard/"' not in client_for(outsider).get("/").content.decode()


def test_the_area_page_links_its_dashboard_for_staff_only(client_for, tree, street_admin, resident):
    url = f"/areas/{tree['committee'].pk}/"
    assert (
        f'href="/reports/dashboard/{tree["committee"].pk}/"'
        in client_for(street_admin).get(url).content.decode()
    )
    page = client_for(resident).get(url)
    assert 'id="area-dashboard"' not in page.content.decode()


# --- export ----------------------------------------------------------------------------------------
def test_the_export_holds_the_figures_of_the_area_and_each_child(client_for, tree, scenario, street_admin):
    from openpyxl import load_workbook

    response = client_for(street_admin).get(
        f"/reports/dashboard/{tree['fangsong'].pk}/export.xlsx", PERIOD, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "dashboard-310117003000-2026-01-2026-03.xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    figures = {row[1]: row[2] for row in book.worksheets[0].iter_rows(min_row=3, values_only=True)}
    assert figures["Cases received"] == 4
    assert figures["Satisfaction rate"] == "50.0%"
    assert figures["Service hours"] == 7
    assert figures["Average handling time (working days)"] == 2.5
    children = list(book.worksheets[1].iter_rows(values_only=True))
    header = children[0]
    by_area = {row[0]: dict(zip(header, row, strict=True)) for row in children[1:]}
    assert by_area["江中居委会"]["Cases received"] == 3
    assert by_area["江秀居委会"]["Cases received"] == 1
    assert by_area["江秀居委会"]["Code"] == "310117003002"
    months = list(book.worksheets[2].iter_rows(values_only=True))
    assert [m[0] for m in months[1:]] == ["2026-01", "2026-02", "2026-03"]
    breakdowns = list(book.worksheets[3].iter_rows(min_row=2, values_only=True))
    assert ("Cases by category", "群租", 2, "50.0%") in breakdowns


# --- the rollup readers ------------------------------------------------------------------------------
def test_read_many_equals_read_cell_by_cell_and_counts_pending_deltas_when_asked(tree):
    rollups.add_delta(tree["grid"], "t.x", "2026-01", 2, 4)
    rollups.add_delta(tree["other_committee"], "t.x", "2026-02", 1, 1)
    rollups.add_delta(tree["malu"], "t.y", "2026-02", 5)
    rollups.fold()
    rollups.add_delta(tree["committee"], "t.x", "2026-02", 10)  # pending, not folded
    ids = [tree[k].pk for k in ("city", "fangsong", "committee", "other_committee", "jiading")]
    folded = rollups.read_many(ids, ["t.x", "t.y"], "2026-01", "2026-02")
    for area_id in ids:
        for figure in ("t.x", "t.y"):
            assert folded[(area_id, figure)] == rollups.read(area_id, figure, "2026-01", "2026-02")
    assert folded[(tree["fangsong"].pk, "t.x")] == (Decimal(3), Decimal(5))
    pending = rollups.read_many(ids, ["t.x"], "2026-01", "2026-02", include_pending=True)
    assert pending[(tree["fangsong"].pk, "t.x")] == (Decimal(13), Decimal(5))
    assert pending[(tree["other_committee"].pk, "t.x")] == (Decimal(1), Decimal(1))
    assert pending[(tree["jiading"].pk, "t.x")] == (Decimal(0), Decimal(0))
    since_ever = rollups.read_many([tree["city"].pk], ["t.x"], None, "2026-01")
    assert since_ever[(tree["city"].pk, "t.x")] == (Decimal(2), Decimal(4))


def test_read_series_and_read_prefixed(tree):
    rollups.add_delta(tree["grid"], "t.x", "2026-01", 2)
    rollups.add_delta(tree["grid"], "t.x", "2026-03", 1)
    rollups.add_delta(tree["grid"], "t.x.c.a", "2026-03", 1)
    rollups.add_delta(tree["grid"], "t.x.c.b", "2026-03", 4)
    rollups.fold()
    rollups.add_delta(tree["grid"], "t.x", "2026-03", 7)
    series = rollups.read_series(tree["fangsong"], ["t.x"], "2026-01", "2026-03")
    assert series == {"t.x": {"2026-01": (2, 0), "2026-03": (1, 0)}}
    assert rollups.read_series(tree["fangsong"], ["t.x"], "2026-01", "2026-03", include_pending=True)["t.x"][
        "2026-03"
    ] == (8, 0)
    assert rollups.read_prefixed(tree["fangsong"], ["t.x.c."], "2026-01", "2026-03") == {
        "t.x.c.a": (1, 0),
        "t.x.c.b": (4, 0),
    }
    assert rollups.months("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]


# --- the section contract ----------------------------------------------------------------------------
def test_figure_kinds_parts_and_denominators_give_the_documented_values():
    from gongzhi.core.dashboards import Figure

    assert Figure("f", "f").display(Figure("f", "f").evaluate(Decimal("1234"), 0)) == "1,234"
    assert Figure("f", "f").display(Decimal("7.2500")) == "7.25"
    rate = Figure("f", "f", "rate")
    assert rate.display(rate.evaluate(2, 3)) == "66.7%" and rate.evaluate(1, 0) is None
    assert rate.display(None) == "—"
    share = Figure("f", "f", "stock", denominator="g")
    assert share.is_percent and share.window("2026-01", "2026-03") == (None, "2026-03")
    assert share.evaluate(3, 99, 4) == Decimal("75.0")
    average = Figure("f", "f", "average")
    assert not average.is_percent and average.evaluate(5, 2) == Decimal("2.5")
    assert Figure("f", "f", "rate", part="shortfall").evaluate(2, 3) == 1
    assert Figure("f", "f", "rate", part="denominator").evaluate(2, 3) == 3
    assert Figure("f", "f", "rate", part="numerator").key == "f:numerator"
    with pytest.raises(ValueError, match="kind"):
        Figure("f", "f", "ratio")
    with pytest.raises(ValueError, match="part"):
        Figure("f", "f", part="half")


def test_a_registered_section_appears_on_the_dashboard_and_can_be_replaced(client_for, tree, street_admin):
    from gongzhi.core import dashboards

    rollups.add_delta(tree["committee"], "t.demo", "2026-02", 5)
    rollups.fold()
    dashboards.register_section("zz_test", "测试板块", [dashboards.Figure("t.demo", "测试指标")], order=999)
    try:
        response = _get(client_for(street_admin), tree["fangsong"], **{"from": "2026-02", "to": "2026-02"})
        assert _shown(response)["zz_test.t.demo"] == "5"
        assert 'id="section-zz_test"' in response.content.decode()
    finally:
        dashboards.unregister_section("zz_test")


@pytest.mark.django_db
def test_every_drill_link_depends_on_the_area_id_only(tree):
    """The child table makes each column's link once and puts each child's id in (Figure.drill)."""
    from gongzhi.core import dashboards

    period = dashboard.parse_period(PERIOD)
    checked = 0
    for section in dashboards.sections():
        for figure in section.figures:
            if figure.drill is None:
                continue
            template = dashboard.drill_template(figure, period)
            for area in (tree["city"], tree["fangsong"]):
                expected = figure.drill(area, period.period_from, period.period_to)
                assert template.replace(str(dashboard.PROBE_ID), str(area.pk)) == expected, figure.name
            checked += 1
    assert checked >= 10
