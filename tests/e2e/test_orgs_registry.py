"""In a browser: a registry officer registers an organization, its staff submit the annual report
(the live sums guide them), and the officer records the result. Screenshots in test-artifacts/."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from gongzhi.accounts.roles import Role, ScopeKind
from gongzhi.orgs import actions
from gongzhi.orgs.models import AnnualInspection, SocialOrganization
from tests.conftest import make_user
from tests.e2e.helpers import sign_in
from tests.orgs.conftest import GOOD_STAFF, make_uscc


@pytest.mark.browser
def test_register_submit_and_review_an_annual_report(live_server, page, shot, registry_officer, tree):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.set_extra_http_headers({"Accept-Language": "zh-CN,zh;q=0.9"})

    # 1. The registry officer registers an organization; a wrong code is refused next to the field.
    sign_in(page, live_server.url, "registry_officer")
    page.goto(f"{live_server.url}/orgs/")
    page.click("#register-org")
    page.select_option("#id_area", str(tree["fangsong"].pk))
    page.fill("#id_name", "上海乐群社工服务社")
    page.fill("#id_uscc", make_uscc("51"))
    page.select_option("#id_org_type", "non_enterprise_unit")
    page.select_option("#id_subtype", "civil_affairs")
    page.select_option("#id_form", "social_work_agency")
    page.fill("#id_registered_on", "2015-03-01")
    page.fill("#id_legal_representative", "张宁")
    page.fill("#id_legal_rep_id_number", "11010519491231002X")
    page.click("#org-form button[type=submit]")
    expect(page.locator("#id_uscc-errors")).to_contain_text("52")
    shot(page, "orgs_register_wrong_uscc")
    page.fill("#id_uscc", make_uscc("52"))
    page.click("#org-form button[type=submit]")
    expect(page.locator("#org-name")).to_contain_text("上海乐群社工服务社")
    expect(page.locator("#legal-rep-id")).to_contain_text("1101**********002X")
    expect(page.locator("#org-history")).to_contain_text("2015-03-01")
    shot(page, "orgs_registered_detail")
    org = SocialOrganization.objects.get()

    # The year is opened (by the officer, through the action the page uses) and the staff get a login.
    actions.open_inspection_year(actor=None, area=tree["songjiang"], year=2024, due_on=dt.date(2099, 5, 31))
    inspection = AnnualInspection.objects.get(organization=org)
    make_user("lequn_staff", Role.ORG_STAFF, org, ScopeKind.SOCIAL_ORGANIZATION)

    # 2. The organization's staff fill in the report; a group that does not add up is shown red and refused.
    sign_in(page, live_server.url, "lequn_staff")
    page.goto(f"{live_server.url}/orgs/inspections/{inspection.pk}/")
    for field, value in GOOD_STAFF.items():
        page.fill(f"#id_{field}", str(value + (1 if field == "part_time" else 0)))
    page.fill("#id_net_assets", "120000")
    page.fill("#id_total_income", "300000")
    page.fill("#id_total_expenditure", "280000")
    page.fill("#id_activities", "为老服务、青少年社工、社区矫正")
    expect(page.locator("[data-group=tenure] .gz-sum")).to_have_class("badge gz-sum text-bg-danger")
    page.click("#submit-report")
    expect(page.locator("#id_full_time-errors")).to_be_visible()
    shot(page, "orgs_report_sums_refused")
    page.fill("#id_part_time", str(GOOD_STAFF["part_time"]))
    expect(page.locator("[data-group=tenure] .gz-sum")).to_have_class("badge gz-sum text-bg-success")
    shot(page, "orgs_report_filled")
    page.click("#submit-report")
    expect(page.locator("#inspection-form")).to_have_count(0)
    inspection.refresh_from_db()
    assert inspection.state == "submitted"
    shot(page, "orgs_report_submitted")

    # 3. The registry officer reviews it: a result other than qualified needs a reason.
    sign_in(page, live_server.url, "registry_officer")
    page.goto(f"{live_server.url}/orgs/inspections/?state=submitted&year=")
    expect(page.locator("#inspection-table")).to_contain_text("上海乐群社工服务社")
    shot(page, "orgs_reports_to_review")
    page.click("#inspection-table a")
    page.select_option("#review-form select[name=result]", "basically_qualified")
    page.click("#review-button")
    expect(page.locator("#review-form .invalid-feedback")).to_be_visible()
    page.fill("#review-form textarea[name=reason]", "财务制度需完善")
    page.click("#review-button")
    expect(page.locator("#inspection-result")).to_contain_text("财务制度需完善")
    shot(page, "orgs_report_reviewed")
    inspection.refresh_from_db()
    assert (inspection.state, inspection.result) == ("reviewed", "basically_qualified")
