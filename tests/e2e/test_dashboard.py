"""In a browser: a street admin opens the area dashboard from the menu, sees the figures and charts,
drills down to a committee's dashboard and from there to the overdue cases behind the number."""

import pytest
from playwright.sync_api import expect

from tests.cases.conftest import categories, report  # noqa: F401 - fixtures of the scenario
from tests.e2e.helpers import sign_in
from tests.reports.test_dashboard import scenario  # noqa: F401 - the known scenario (folded rollups)
from tests.volunteers.conftest import make_person, make_volunteer  # noqa: F401


@pytest.mark.browser
def test_street_admin_drills_down_to_a_committee_and_its_overdue_cases(
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

    # 1. From the menu to the street's own dashboard, for March 2026.
    if page.locator("#nav-dashboards").count():  # a menu when other dashboards share the group
        page.click("#nav-dashboards")
    page.locator('a[href="/reports/dashboard/"]').first.click()
    expect(page.locator("#dashboard-title")).to_contain_text("方松街道")
    page.fill("#period-from", "2026-01")
    page.fill("#period-to", "2026-03")
    page.click("#period-show")
    expect(page).to_have_url(f"{base}/reports/dashboard/{tree['fangsong'].pk}/?from=2026-01&to=2026-03")
    expect(page.locator("#figure-casescasesrecv .figure-value")).to_have_text("4")
    expect(page.locator("#figure-casescasessat .figure-value")).to_have_text("50.0%")
    expect(page.locator("#section-cases .trend-chart svg")).to_be_visible()  # ECharts drew the trend
    expect(page.locator("#children-chart svg")).to_be_visible()
    expect(page.locator("#children-chart")).to_contain_text("江中居委会")
    expect(page.locator("#breakdown-cases-category")).to_contain_text("群租")
    shot(page, "dashboard_1_street")

    # 2. Down the tree: the committee's dashboard keeps the period.
    page.locator("#children-table a.child-link", has_text="江中居委会").click()
    expect(page.locator("#dashboard-title")).to_contain_text("江中居委会")
    expect(page).to_have_url(f"{base}/reports/dashboard/{tree['committee'].pk}/?from=2026-01&to=2026-03")
    expect(page.locator("#figure-casescasesrecv .figure-value")).to_have_text("3")
    expect(page.locator("#figure-casescasesontimeshortfall .figure-value")).to_have_text("1")
    expect(page.locator("#section-volunteers .trend-chart svg")).to_be_visible()
    shot(page, "dashboard_2_committee")

    # 3. The overdue number opens the overdue cases of the committee.
    page.click("#figure-casescasesontimeshortfall .figure-value")
    expect(page).to_have_url(f"{base}/cases/?view=overdue&area={tree['committee'].pk}")
    expect(page.locator("#case-list")).to_contain_text("D")
    expect(page.locator("#case-list .list-group-item")).to_have_count(1)
    expect(page.locator("#case-list-narrowed")).to_contain_text("江中居委会")
    shot(page, "dashboard_3_overdue_cases")

    # 4. On a phone the dashboard stacks its cards and the charts still draw.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/reports/dashboard/{tree['fangsong'].pk}/?from=2026-01&to=2026-03")
    expect(page.locator("#section-cases .trend-chart svg")).to_be_visible()
    shot(page, "dashboard_4_phone")
