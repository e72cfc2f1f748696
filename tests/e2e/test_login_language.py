"""In a browser: a street admin signs in, switches the language there and back, and signs out."""

import re

import pytest
from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.mark.browser
def test_street_admin_signs_in_switches_language_and_signs_out(live_server, page, shot, street_admin):
    page.set_viewport_size(DESKTOP)
    page.set_extra_http_headers({"Accept-Language": "zh-CN,zh;q=0.9"})  # a street office's browser
    page.goto(f"{live_server.url}/")

    # The anonymous visitor lands on the Chinese sign-in page.
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", name="登录共治平台")).to_be_visible()
    shot(page, "login_zh")

    page.fill("#id_username", "fangsong_admin")
    page.fill("#id_password", "pw-for-tests-1")
    page.click("#login-button")
    expect(page.get_by_role("heading", name="欢迎您，fangsong_admin")).to_be_visible()
    expect(page.get_by_text("街镇管理员").first).to_be_visible()
    shot(page, "home_street_admin_zh")

    # The language menu submits itself on change and comes back to the same page.
    with page.expect_navigation():
        page.select_option("#language-select", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Welcome, fangsong_admin")).to_be_visible()
    expect(page.get_by_text("street/town administrator").first).to_be_visible()
    shot(page, "home_street_admin_en")

    with page.expect_navigation():
        page.select_option("#language-select", "zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", name="欢迎您，fangsong_admin")).to_be_visible()

    # On a phone the menu folds behind the toggler; sign out from there.
    page.set_viewport_size(PHONE)
    expect(page.locator("#logout-button")).to_be_hidden()
    shot(page, "home_street_admin_zh_phone")
    page.get_by_role("button", name="展开/收起导航").click()
    expect(page.locator("#logout-button")).to_be_visible()
    # Wait for Bootstrap's collapse animation to end, or the screenshot catches the menu half open.
    expect(page.locator("#gz-nav")).to_have_class(re.compile(r"\bcollapse show\b"))
    shot(page, "home_street_admin_zh_phone_menu")
    page.click("#logout-button")

    expect(page.get_by_role("heading", name="登录共治平台")).to_be_visible()
    expect(page.locator("#logout-button")).to_have_count(0)
    shot(page, "signed_out_zh_phone")
