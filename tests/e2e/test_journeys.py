"""Each role walks its way through the platform by keyboard, finding controls by their names.

Every page visited passes axe-core (WCAG 2.1 A/AA), has no id used twice and no two form
controls sharing a name, and does not scroll sideways at 320 px (see page_checks.py). One
journey per role, the three languages spread across the roles, then a sweep of the public
pages in each language.
"""

import re

import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import expect

from tests.e2e.conftest import serving
from tests.e2e.keyboard import type_second_factor
from tests.e2e.page_checks import PageChecks
from tests.e2e.test_council_review import SLUG, seed_released_synthesis

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 10_000

# Whether the sticky save bar covers the line being typed into.
COVERED_BY_SAVE_BAR = """() => {
  const bar = document.querySelector('.save-bar').getBoundingClientRect();
  const field = document.activeElement.getBoundingClientRect();
  const caret = Math.min(field.bottom, innerHeight);
  return bar.top < innerHeight && caret > bar.top + 1;
}"""
BROWSER_LOCALES = {"en": "en-GB", "fr": "fr-FR", "es": "es-ES"}
PASSWORD = "demo-password-2026"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The demo data, partners' submissions and a synthesis released to the Council."""
    with serving(tmp_path_factory.mktemp("journeys"), seed=seed_released_synthesis) as pair:
        yield pair


class Walk:
    """A person in a browser, in one language: moves by Tab and Enter, checks every page."""

    def __init__(self, browser, app, live: str, language: str):
        self.app, self.live, self.language = app, live, language
        self.context = browser.new_context(locale=BROWSER_LOCALES[language])
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.checks = PageChecks()

    def words(self, msgid: str, **values) -> str:
        """`msgid` as the platform says it in this walk's language."""
        with self.app.test_request_context(), force_locale(self.language):
            return gettext(msgid, **values)

    def open(self, path: str) -> None:
        self.page.goto(self.live + path)
        self.arrived()

    def arrived(self) -> None:
        assert self.page.locator("html").get_attribute("lang") == self.language
        self.checks(self.page)

    def focus(self, locator, limit: int = 500) -> None:
        """Press Tab until `locator` has the focus, as a keyboard user would."""
        for _ in range(limit):
            if locator.evaluate("el => el === document.activeElement"):
                return
            self.page.keyboard.press("Tab")
        raise AssertionError(f"{locator} cannot be reached with the Tab key")

    def follow(self, name: str | re.Pattern, role: str = "link", within: str = "main") -> None:
        """Reach the link (or button) named `name` with Tab and press Enter."""
        target = self.page.locator(within).get_by_role(role, name=name).first
        self.focus(target)
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")
        self.arrived()

    def sign_in(self, email: str, second_factor: bool = False) -> None:
        self.open("/login")
        self.focus(self.page.get_by_role("textbox", name=self.words("Email")))
        self.page.keyboard.type(email)
        self.page.keyboard.press("Tab")
        self.page.keyboard.type(PASSWORD)
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")
        if second_factor:
            self.checks(self.page)
            type_second_factor(self.page)
        self.arrived()

    def close(self) -> None:
        self.context.close()
        self.checks.assert_clean()


def test_partner_in_spanish_lands_on_their_consultations_and_submits_again(served, browser):
    app, live = served
    walk = Walk(browser, app, live, "es")
    walk.sign_in("partner@righttothecity.example.org")
    assert walk.page.url.endswith("/my-consultations")
    expect(walk.page.get_by_role("columnheader", name=walk.words("Next step"))).to_be_visible()

    walk.follow(re.compile(walk.words("See the receipt")))
    walk.follow(walk.words("Back to the overview"))
    sections = walk.page.get_by_role("navigation", name=walk.words("Your progress"))
    expect(sections).to_contain_text(walk.words("Questions from the Council"))
    walk.follow(re.compile(r"."), within="nav.submission-progress li:nth-child(2)")
    assert re.search(r"/respond/sections/1$", walk.page.url)

    # A stance by keyboard: the wording box opens on "Support with amendments". The window is
    # short enough for the save bar to matter, tall enough for it to stay on screen.
    walk.page.set_viewport_size({"width": 1100, "height": 760})
    support = walk.words("Support")
    first = walk.page.get_by_role("radio", name=re.compile("^" + re.escape(support) + " —")).first
    walk.focus(first)
    walk.page.keyboard.press("Space")
    walk.page.keyboard.press("ArrowRight")  # support → support with amendments
    amend = walk.words("Support with amendments")
    expect(walk.page.get_by_role("radio", name=re.compile("^" + amend)).first).to_be_checked()
    wording = walk.page.locator("details.wording").first
    expect(wording).to_have_attribute("open", "")
    walk.focus(walk.page.locator("details.wording textarea").first)
    walk.page.keyboard.press("Control+End")
    walk.page.keyboard.type(" Con las zonas rurales.")
    # Scrolling is smooth: wait for the page to come to rest clear of the bar.
    walk.page.wait_for_function(f"() => !({COVERED_BY_SAVE_BAR})()")
    walk.follow(walk.words("Save this section"), role="button")
    banner = walk.page.locator(".resubmit-banner")
    expect(banner).to_be_visible()

    walk.follow(walk.words("Questions from the Council"), within="nav.submission-progress")
    expect(walk.page.locator(".resubmit-banner")).to_be_visible()
    required = walk.page.locator("fieldset", has_text=walk.words("required"))
    for index in range(required.count()):
        walk.focus(required.nth(index).get_by_role("radio").first)
        walk.page.keyboard.press("Space")
    walk.follow(walk.words("Save the answers"), role="button")
    walk.follow(walk.words("Review and submit again"))
    walk.follow(walk.words("Submit on behalf of my organisation"), role="button")
    assert walk.page.url.endswith("/respond/receipt")
    expect(walk.page.locator(".resubmit-banner")).to_have_count(0)

    # What the partner is told of, chosen by keyboard on My account: the arrow moves the
    # colleagues' changes from the digest (the default) to nothing.
    walk.open("/account/")
    change = walk.words("A colleague changes my organisation's submission")
    digest = walk.words("In a daily digest") + " — " + change
    walk.focus(walk.page.get_by_role("radio", name=digest, exact=True))
    walk.page.keyboard.press("ArrowRight")
    nothing = walk.words("Nothing") + " — " + change
    expect(walk.page.get_by_role("radio", name=nothing, exact=True)).to_be_checked()
    walk.follow(walk.words("Save my choices"), role="button")
    expect(walk.page.get_by_role("radio", name=nothing, exact=True)).to_be_checked()
    # The page an email's unsubscribe link opens, signed in or not.
    walk.open(f"/unsubscribe/{unsubscribe_token(app, 'partner@righttothecity.example.org')}")
    walk.follow(walk.words("Stop these emails"), role="button")
    walk.close()


def unsubscribe_token(app, email: str) -> str:
    """The token of the link in this person's emails about consultations opening."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import User
    from app.services.mail import unsubscribe

    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.email == email))
        return unsubscribe.make_token(user_id, "opened")


def test_council_member_in_french_lands_on_their_syntheses_and_decides(served, browser):
    app, live = served
    walk = Walk(browser, app, live, "fr")
    walk.sign_in("council@example.org")
    assert walk.page.url.endswith("/council/")
    nav = walk.page.get_by_role("navigation", name=walk.words("Main"))
    expect(nav.get_by_role("link", name=walk.words("My syntheses"))).to_be_visible()

    walk.follow(re.compile("^" + walk.words("Synthesis %(number)d", number=1)))
    walk.follow(walk.words("Paragraph %(number)s", number="2"), within="table.heat-map")
    decision = walk.page.get_by_role("radio", name=re.compile(walk.words("Accept"))).first
    walk.focus(decision)
    walk.page.keyboard.press("Space")
    reason_name = walk.words("Reason for the decision on wording %(index)d", index=1)
    reason = walk.page.get_by_role("textbox", name=reason_name)
    walk.focus(reason)
    walk.page.keyboard.type("Nous retenons la mention des enfants.")
    walk.follow(walk.words("Record the decision on wording %(index)d", index=1), role="button")
    expect(walk.page.locator(".alert-success")).to_have_count(1)
    walk.follow(walk.words("Synthesis %(number)d", number=1), within="nav[aria-label]")
    walk.open(f"/council/{SLUG}/syntheses/1/themes")
    walk.close()


def test_staff_in_english_land_on_the_dashboard_and_follow_a_consultation(served, browser):
    app, live = served
    walk = Walk(browser, app, live, "en")
    walk.sign_in("staff@example.org", second_factor=True)
    assert walk.page.url.endswith("/staff/")
    walk.follow(re.compile("Pact for the Future"))

    # Closing asks in a dialog; Escape keeps everything as it was and the focus where it was.
    close = walk.page.get_by_role("button", name="Close the consultation now")
    walk.focus(close)
    walk.page.keyboard.press("Enter")
    dialog = walk.page.get_by_role("dialog", name=re.compile("now?"))
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    walk.page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(close).to_be_focused()

    walk.follow("Follow the responses and remind organisations")
    walk.page.go_back()
    walk.arrived()
    walk.follow("Syntheses: compile, follow and release")
    walk.page.go_back()
    walk.follow("Import feedback received by letter or email (CSV or XLSX)")
    walk.open("/staff/organisations")
    walk.open("/staff/users")
    walk.open("/staff/audit")
    walk.open(f"/council/{SLUG}/syntheses/1/themes")
    expect(walk.page.get_by_text("Change theme 1")).to_be_visible()  # staff's theme forms
    walk.close()


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_the_public_pages_pass_in_each_language(served, browser, language):
    app, live = served
    walk = Walk(browser, app, live, language)
    walk.open("/")
    walk.follow(re.compile("."), within="main h2, main h3, main li")
    walk.open(f"/consultations/{SLUG}")
    walk.open("/login")
    walk.open("/reset")
    walk.close()
