"""A partner attaches files in a real browser: progress while sending, refusals with reasons."""

import pytest

from tests import attachment_files as files
from tests.e2e.conftest import serving
from tests.e2e.keyboard import press_enter_and_wait, tab_to, type_second_factor
from tests.e2e.page_checks import PageChecks

pytestmark = pytest.mark.e2e

SLUG = "pact-for-the-future-opportunities"


def test_partner_attaches_a_paper_with_progress_and_is_told_why_a_fake_is_refused(
    live_server, browser
):
    checks = PageChecks()
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("#email", "partner@unicef.example.org")
    page.fill("#password", "demo-password-2026")
    tab_to(page, "#password")
    press_enter_and_wait(page)
    page.goto(f"{live_server}/consultations/{SLUG}/respond/files")
    checks(page)

    # One good paper and one "PDF" that is a zip, sent one by one by the page's script.
    page.set_input_files(
        "#attachment-files",
        [
            {"name": "position-paper.pdf", "mimeType": "application/pdf", "buffer": files.pdf()},
            {"name": "fake.pdf", "mimeType": "application/pdf", "buffer": files.plain_zip()},
        ],
    )
    tab_to(page, "form[data-attachment-upload] button")
    page.keyboard.press("Enter")
    alert = page.locator("[data-attachment-errors]")
    alert.wait_for()
    assert "fake.pdf was not attached: " in alert.inner_text()
    assert "compressed archive (zip)" in alert.inner_text()
    assert page.evaluate(
        "document.activeElement === document.querySelector('[data-attachment-errors]')"
    )
    assert page.locator("#attachment-status").get_attribute("aria-live") == "polite"
    checks(page)

    # The kept paper is listed after a reload, with its download link.
    with page.expect_navigation():
        page.locator("[data-attachment-errors] a").click()
    assert page.locator("a[download]", has_text="position-paper.pdf").count() == 1
    assert "File attached: position-paper.pdf." in page.locator(".flash-messages").inner_text()

    # Progress is shown while a file travels, then the page shows it in the list.
    page.set_input_files(
        "#attachment-files",
        [
            {
                "name": "annex.docx",
                "mimeType": "application/octet-stream",
                "buffer": files.docx_file(),
            }
        ],
    )
    with page.expect_navigation():
        page.locator("form[data-attachment-upload] button").click()
    assert page.locator("a[download]", has_text="annex.docx").count() == 1
    checks(page)
    checks.assert_clean()
    context.close()


def _letter_from_fao() -> None:
    """Feedback FAO sent by letter, recorded by staff as its submission."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import Consultation, Organisation
    from tests.helpers import make_submitted

    consultation = db.session.scalar(sa.select(Consultation).where(Consultation.slug == SLUG))
    fao = db.session.scalar(sa.select(Organisation).where(Organisation.name.like("%FAO%")))
    make_submitted(consultation, fao, [])


def test_staff_attach_the_letter_an_organisation_sent_on_its_submission(browser, tmp_path_factory):
    with serving(tmp_path_factory.mktemp("staff-files"), seed=_letter_from_fao) as (app, url):
        with app.app_context():
            import sqlalchemy as sa

            from app.extensions import db
            from app.models import Submission

            submission_id = db.session.scalar(sa.select(Submission.id))
        checks = PageChecks()
        context = browser.new_context(locale="en-GB")
        page = context.new_page()
        page.goto(f"{url}/login")
        page.fill("#email", "staff@example.org")
        page.fill("#password", "demo-password-2026")
        with page.expect_navigation():
            page.press("#password", "Enter")
        type_second_factor(page)
        page.goto(f"{url}/consultations/{SLUG}/submissions/{submission_id}")
        checks(page)
        page.set_input_files(
            "#attachment-files",
            [{"name": "fao-letter.odt", "mimeType": "", "buffer": files.odt_file()}],
        )
        with page.expect_navigation():
            page.locator("form[data-attachment-upload] button").click()
        assert page.locator("a[download]", has_text="fao-letter.odt").count() == 1
        assert "File attached: fao-letter.odt." in page.locator(".flash-messages").inner_text()
        checks(page)
        checks.assert_clean()
        context.close()
