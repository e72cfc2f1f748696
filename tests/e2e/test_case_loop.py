"""In a browser: a grid worker reports group rental from a phone with a photo, the committee dispatches
to itself as lead with 城管 supporting, both handle, and the reporter reads the answer and rates it."""

import re

import pytest
from playwright.sync_api import expect

from gongzhi.cases.models import Case, CaseCategory
from tests.e2e.helpers import sign_in

PHONE = {"width": 390, "height": 844}


def open_action(page, name):
    """Open an action's accordion panel unless the page already shows it open (a click would close it)."""
    form = page.locator(f"#form-{name}")
    if not form.is_visible():
        page.click(f"#btn-{name}")
    expect(form).to_be_visible()
    # Wait for the panel to finish opening: while it slides open its height is fixed and the rest
    # of the form, the submit button included, is clipped.
    expect(page.locator(f"#act-{name}")).to_have_class(re.compile(r"\bshow\b"))


def act(page, name, fill=None):
    """Open the action's panel, fill it, submit it and wait for the page it leads to (a next action
    clicked before that lands on the old page)."""
    open_action(page, name)
    form = page.locator(f"#form-{name}")
    for selector, value in (fill or {}).items():
        form.locator(selector).fill(value)
    with page.expect_navigation():
        page.click(f"#submit-{name}")


@pytest.mark.browser
def test_group_rental_reported_on_a_phone_is_handled_and_rated(
    live_server, page, shot, tree, grid_worker, committee_worker, department_handler, tmp_path
):
    from tests.cases.conftest import png_bytes

    CaseCategory.objects.create(
        code="group_rental", name="群租", accept_within_hours=2, resolve_within_days=15
    )
    photo = tmp_path / "photo.png"
    photo.write_bytes(png_bytes((320, 240)))
    base = live_server.url
    page.set_viewport_size(PHONE)
    page.set_extra_http_headers({"Accept-Language": "zh-CN,zh;q=0.9"})

    # 1. The grid worker reports from the phone, with a photo.
    sign_in(page, base, "grid_worker")
    page.goto(f"{base}/cases/new/")
    page.select_option("#id_category", label="群租")
    page.select_option("#id_area", label="江中第1网格")
    page.select_option("#id_channel", "patrol")
    page.fill("#id_title", "江中小区3号楼502室群租")
    page.fill("#id_description", "该户隔成6间出租，居住10余人。")
    page.fill("#id_address", "江中小区3号楼502室")
    page.set_input_files("#id_files", str(photo))
    shot(page, "case_loop_1_report_phone")
    page.click("#report-submit")
    expect(page.locator("#case-state")).to_be_visible()
    case = Case.objects.get()
    assert case.files.count() == 1
    shot(page, "case_loop_2_reported")

    # 2. The committee dispatches to itself as lead and 城管 as support.
    sign_in(page, base, "jiangzhong_worker")
    page.goto(f"{base}/cases/{case.pk}/")
    open_action(page, "dispatch")
    page.select_option("#id_dispatch-lead", f"area:{tree['committee'].pk}")
    page.check(f"#form-dispatch input[name=dispatch-supports][value='{tree['department'].pk}']")
    page.fill("#id_dispatch-support_task", "依法查处群租、拆除隔断")
    shot(page, "case_loop_3_dispatch")
    with page.expect_navigation():
        page.click("#submit-dispatch")
    expect(page.locator("#case-tasks")).to_contain_text("方松街道城管执法中队")
    act(page, "accept")
    act(page, "start")
    expect(page.locator("#case-state")).to_contain_text("办理")

    # 3. 城管 does its part.
    sign_in(page, base, "chengguan")
    page.goto(f"{base}/cases/{case.pk}/")
    support = case.assignments.get(role="support")
    expect(page.locator(f"#task-{support.pk}-answer")).to_be_visible()
    page.fill(f"#task-{support.pk}-answer", "已现场执法，责令拆除隔断。")
    with page.expect_navigation():
        page.click(f"#case-tasks form[action$='/tasks/{support.pk}/done/'] button")
    expect(page.locator("#case-tasks")).to_contain_text("已现场执法")
    shot(page, "case_loop_4_support_done")

    # 4. The committee resolves.
    sign_in(page, base, "jiangzhong_worker")
    page.goto(f"{base}/cases/{case.pk}/")
    open_action(page, "resolve")
    page.fill("#id_resolve-answer", "隔断已拆除，恢复原状，租住人员已搬离。")
    page.select_option("#id_resolve-solved", "1")
    with page.expect_navigation():
        page.click("#submit-resolve")
    expect(page.locator("#case-answer")).to_be_visible()

    # 5. The reporter reads the answer and rates it.
    sign_in(page, base, "grid_worker")
    page.goto(f"{base}/cases/{case.pk}/")
    expect(page.locator("#case-answer")).to_contain_text("隔断已拆除")
    open_action(page, "rate")
    satisfied = page.locator("#form-rate input[name=rate-satisfaction][value=satisfied]")
    satisfied.check()
    expect(satisfied).to_be_checked()
    with page.expect_navigation():
        page.click("#submit-rate")
    expect(page.locator("#case-satisfaction")).to_be_visible()
    shot(page, "case_loop_5_rated")
    case.refresh_from_db()
    assert case.state == "followed_up" and case.satisfaction == "satisfied"
