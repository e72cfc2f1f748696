"""Steps the browser tests share: signing in (and out) through the login page as a test user."""

from playwright.sync_api import expect


def sign_in(page, base, username, password="pw-for-tests-1"):
    """Sign in afresh as `username` and wait for the page the login leads to.

    The wait checks that the browser has left the login page and that the sign-out button is in the
    page: attached, not visible, since on a phone the menu that holds it is folded away."""
    login_url = f"{base}/accounts/login/"
    page.context.clear_cookies()
    page.goto(login_url)
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login-button")
    expect(page).not_to_have_url(login_url)
    expect(page.locator("#logout-button")).to_be_attached()


def sign_out(page):
    """Sign out with the menu's button, even where a phone's menu folds it away, and let the sign-out
    navigation finish before the next one starts (else Chromium aborts one of them)."""
    with page.expect_navigation():
        page.locator("#logout-button").dispatch_event("click")
