"""In a browser: a city registry officer opens the 2013 development report of the golden data set,
sees the server's shares in the charts' tables, and downloads its PDF (page 1 saved as PNG)."""

import subprocess

import pytest
from playwright.sync_api import expect

from gongzhi.accounts.roles import Role
from gongzhi.areas.models import Area
from gongzhi.demo import golden
from tests.conftest import make_user
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.helpers import sign_in


@pytest.mark.browser
def test_registry_officer_opens_the_report_and_downloads_its_pdf(live_server, page, shot, tmp_path):
    golden.load()
    make_user("city_registry", Role.REGISTRY_OFFICER, Area.objects.get(gb2260="310000"))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.set_extra_http_headers({"Accept-Language": "zh-CN,zh;q=0.9"})
    sign_in(page, live_server.url, "city_registry")

    page.goto(f"{live_server.url}/reports/orgs/?year=2013&compare_to=2012-12-31")
    expect(page.locator("#table-by_type")).to_contain_text("66.0%")
    expect(page.locator("#table-social_group_subtypes")).to_contain_text("20.3%")
    expect(page.locator("#table-foundation_kinds")).to_contain_text("33.6%")
    expect(page.locator("#staff-tenure")).to_contain_text("71.4%")
    expect(page.locator("#avg-net-assets")).to_have_text("3.2904")
    expect(page.locator("#density")).to_have_text("8.1")
    expect(page.locator("#chart-by_type svg")).to_be_visible()  # ECharts drew the pie
    expect(page.locator("#chart-by_type")).to_contain_text("66.0%")  # with the server's label
    shot(page, "orgs_report_page")

    with page.expect_download() as download_info:
        page.click("#download-pdf")
    pdf = tmp_path / "report.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(  # noqa: S603 - a fixed local tool on our own file
        [
            "/usr/bin/pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(ARTIFACTS / "orgs_report_pdf_page1"),
        ],
        check=True,
    )
    assert (ARTIFACTS / "orgs_report_pdf_page1.png").stat().st_size > 10_000
