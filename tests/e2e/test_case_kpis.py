"""In a browser: a street admin opens the case KPIs for March, sees the figures, both charts and the
overdue case, then changes the period; a second view (figures from the page cache) looks the same."""

import pytest
from playwright.sync_api import expect

from tests.cases.conftest import categories, report  # noqa: F401 - fixtures of the scenario
from tests.cases.test_kpis import rules, scenario  # noqa: F401 - the known KPI scenario
from tests.e2e.helpers import sign_in


@pytest.mark.browser
def test_street_admin_reads_the_case_kpis_and_the_overdue_case(
    live_server,
    page,
    shot,
    tree,
    scenario,  # noqa: F811
    street_admin,
):
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    page.set_extra_http_headers({"Accept-Language": "zh-CN,zh;q=0.9"})
    sign_in(page, base, "fangsong_admin")

    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    url = f"{base}/field/kpis/?area={tree['fangsong'].pk}&period_from=2026-03&period_to=2026-03"
    for visit in (1, 2):  # the second view's figures come from the cache
        page.goto(url)
        expect(page.locator("#kpi-resp")).to_have_text("50.0%")
        expect(page.locator("#kpi-htime")).to_have_text("2.5")
        expect(page.locator("#chart-months svg, #chart-months canvas").first).to_be_visible()
        expect(page.locator("#chart-categories svg, #chart-categories canvas").first).to_be_visible()
        expect(page.locator("#overdue-table tbody tr")).to_have_count(1)
        expect(page.locator("#overdue-table")).to_contain_text("已督办")
        page.wait_for_timeout(1200)  # ECharts animates the series in
        shot(page, f"case_kpis_{visit}_march")

    page.fill("#id_period_from", "2026-01")
    with page.expect_navigation():
        page.click("#kpi-filter button[type=submit]")
    expect(page).to_have_url(
        f"{base}/field/kpis/?area={tree['fangsong'].pk}&period_from=2026-01&period_to=2026-03"
    )
    expect(page.locator("#kpi-cards")).to_be_visible()
    assert not errors, errors
    page.locator("#overdue-table a").first.click()
    expect(page.locator("#case-state")).to_be_visible()
    shot(page, "case_kpis_3_overdue_case")
