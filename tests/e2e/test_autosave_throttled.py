"""Autosave told to slow down keeps the partner's words and saves them after the pause."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import ParagraphFeedback
from tests.e2e.conftest import serving

pytestmark = pytest.mark.e2e

SLUG = "pact-for-the-future-opportunities"


def test_a_throttled_autosave_is_sent_again_with_everything_typed(browser, tmp_path):
    # One autosave per five seconds: the second, typed 2.5 s after the first, is refused.
    with serving(tmp_path, AUTOSAVE_RATE_LIMIT="1 per 5 seconds") as (app, url):
        page = browser.new_context(locale="en-GB").new_page()
        statuses: list[int] = []
        page.on(
            "response",
            lambda r: statuses.append(r.status) if r.request.method == "POST" else None,
        )
        page.goto(f"{url}/login")
        page.fill("#email", "partner@righttothecity.example.org")
        page.fill("#password", "demo-password-2026")
        page.click("main form [type=submit]")
        page.goto(f"{url}/consultations/{SLUG}/respond/sections/0")
        pid = page.eval_on_selector("textarea[name^=comment-]", "n => n.name.split('-')[1]")

        page.check(f"#stance-{pid}-support")
        page.fill(f"#comment-{pid}", "First words.")
        status = page.locator("[data-autosave-status]")
        status.filter(has_text="Saved at").wait_for(timeout=15_000)
        page.type(f"#comment-{pid}", " And more words, typed at once.")
        status.filter(has_text="Saving paused for a moment").wait_for(timeout=15_000)
        status.filter(has_text="Saved at").wait_for(timeout=20_000)

        assert 429 in statuses and statuses[-1] == 200
        assert page.input_value(f"#comment-{pid}") == "First words. And more words, typed at once."
        with app.app_context():
            stored = db.session.scalar(
                sa.select(ParagraphFeedback.comment).where(ParagraphFeedback.paragraph_id == pid)
            )
        assert stored == "First words. And more words, typed at once."
