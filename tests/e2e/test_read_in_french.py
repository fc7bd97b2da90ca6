"""A partner signs in with the keyboard and reads the demo consultation in French."""

import pytest

from tests.e2e.keyboard import type_second_factor

pytestmark = pytest.mark.e2e

SLUG = "pact-for-the-future-opportunities"


def test_partner_signs_in_and_reads_the_draft_in_french(live_server, page, assert_accessible):
    page.goto(f"{live_server}/login")
    assert_accessible(page)

    # Keyboard only: the skip link first, then the form in tab order.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to main content"
    page.locator("#email").focus()
    page.keyboard.type("partner@unicef.example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("demo-password-2026")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/my-consultations")  # a partner's own page first
    page.goto(f"{live_server}/")

    page.select_option("#language-select", "fr")
    page.get_by_role("button", name="Change language").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", name="Consultations", level=1).is_visible()
    assert_accessible(page)

    page.locator(f"a[href='/consultations/{SLUG}']").first.click()
    page.wait_for_url(f"**/consultations/{SLUG}")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("#p12").is_visible()
    assert page.get_by_role("heading", name="Gouvernance inclusive et confiance").is_visible()
    assert page.get_by_role("heading", name="Questions du Conseil").is_visible()
    assert_accessible(page)

    page.goto(f"{live_server}/consultations/{SLUG}#p12")
    assert page.evaluate("location.hash") == "#p12"


def test_staff_pages_are_accessible(live_server, page, assert_accessible):
    page.goto(f"{live_server}/login")
    page.fill("#email", "staff@example.org")
    page.fill("#password", "demo-password-2026")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/login/second-factor")
    assert_accessible(page)
    type_second_factor(page)
    page.wait_for_url(f"{live_server}/staff/")
    for path in [
        "/staff/",
        f"/staff/consultations/{SLUG}",
        "/staff/consultations/import",
        "/staff/organisations",
        "/staff/users",
        "/staff/users/invite",
        "/account/",
    ]:
        page.goto(live_server + path)
        assert_accessible(page)
    # My data: asked for on My account, followed on its job's page.
    page.get_by_role("button", name="Prepare my data (JSON and PDF)").click()
    page.wait_for_url("**/exports/*")
    assert page.get_by_role("heading", name="My data", level=1).is_visible()
    assert_accessible(page)


def test_narrow_screen_has_no_horizontal_scroll(live_server, browser):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(f"{live_server}/consultations/{SLUG}")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    context.close()
    assert overflow <= 0


def test_second_factor_set_up_page_is_accessible(live_server, page, assert_accessible):
    page.goto(f"{live_server}/login")
    page.fill("#email", "partner@fao.example.org")
    page.fill("#password", "demo-password-2026")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server}/my-consultations")
    page.goto(f"{live_server}/login/set-up-second-factor")
    assert page.get_by_role("img", name="QR code for your authenticator app").is_visible()
    assert_accessible(page)


def test_administrator_erasure_pages_are_accessible(live_server, page, assert_accessible):
    page.goto(f"{live_server}/login")
    page.fill("#email", "admin@example.org")
    page.fill("#password", "demo-password-2026")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/login/second-factor")
    type_second_factor(page)
    page.wait_for_url(f"{live_server}/staff/")
    page.goto(f"{live_server}/staff/organisations")
    page.get_by_role("link", name="UNICEF").click()
    page.get_by_role("link", name="Erase this organisation").click()
    # The demo consultation is open: the page says what stands in the way.
    assert page.get_by_text("Not archived yet:").is_visible()
    assert_accessible(page)
