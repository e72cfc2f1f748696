"""In a browser: a committee worker imports households, reads the error report, fixes the file, imports it."""

import io

import pytest
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from gongzhi.people.models import Household
from tests.e2e.helpers import sign_in

HEADER = "户号,户别,区域,楼号,单元,室,产权"
GOOD = ["H101,户籍,江中小区,1,1,101,自有", "H102,常住,江中小区,1,1,102,租赁"]
BAD = "H103,临时,江中小区,1,2,201,自有"  # 户别 "临时" is not a kind of household
FIXED = "H103,常住,江中小区,1,2,201,自有"


@pytest.mark.browser
def test_committee_worker_fixes_a_bad_row_and_imports_households(
    live_server, page, shot, committee_worker, tmp_path
):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.set_extra_http_headers({"Accept-Language": "zh-CN,zh;q=0.9"})
    sign_in(page, live_server.url, "jiangzhong_worker")

    bad_file = tmp_path / "households.csv"
    bad_file.write_text("\n".join([HEADER, *GOOD, BAD]) + "\n", encoding="utf-8")
    page.goto(f"{live_server.url}{reverse('core:imports')}")
    page.select_option("#id_kind", "households")
    page.set_input_files("#id_file", str(bad_file))
    shot(page, "import_households_upload")
    page.click("#import-form button[type=submit]")

    # One bad row: nothing written, the row and column named, a report to download.
    errors = page.locator("#import-errors")
    expect(errors).to_be_visible()
    expect(errors.locator("tbody tr")).to_have_count(1)
    expect(errors.locator("tbody tr td").first).to_have_text("4")
    expect(errors).to_contain_text("户别/kind")
    expect(page.locator("#rows-written")).to_have_text("0")
    assert Household.objects.count() == 0
    shot(page, "import_households_error_report")

    with page.expect_download() as download_info:
        page.click("#error-report-link")
    report = download_info.value.path().read_bytes()
    rows = CalamineWorkbook.from_filelike(io.BytesIO(report)).get_sheet_by_index(0).to_python()
    assert rows[3][1] == "H103" and "户别" in rows[3][-1]

    fixed_file = tmp_path / "households-fixed.csv"
    fixed_file.write_text("\n".join([HEADER, *GOOD, FIXED]) + "\n", encoding="utf-8")
    expect(page.locator("#id_kind")).to_have_value("households")
    page.set_input_files("#id_file", str(fixed_file))
    page.click("#import-form button[type=submit]")
    expect(page.locator("#rows-written")).to_have_text("3")
    expect(page.locator("#import-written")).to_contain_text("H103")
    shot(page, "import_households_imported")
    assert set(Household.objects.values_list("number", flat=True)) == {"H101", "H102", "H103"}

    # The households list of the people app, where it exists.
    try:
        url = reverse("people:households")
    except NoReverseMatch:
        return
    page.goto(f"{live_server.url}{url}")
    expect(page.locator("main")).to_contain_text("H103")
    shot(page, "import_households_list")
