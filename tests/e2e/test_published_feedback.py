"""The published feedback page, in each language, as anyone reads it: filtered with the GET
form by keyboard, and passing the page checks (axe-core, ids, names, 320 px)."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import Consultation, Organisation
from app.models.common import utcnow
from tests.e2e.conftest import serving
from tests.e2e.test_journeys import Walk
from tests.helpers import make_submitted

pytestmark = pytest.mark.e2e

SLUG = "pact-for-the-future-opportunities"
WITHHELD = "Nobody outside the Council may read this sentence about tariffs."


def seed_published_feedback() -> None:
    """Three demo partners submitted (by name, anonymously, not at all); the consultation
    closed and the secretariat published its feedback."""
    consultation = db.session.scalar(sa.select(Consultation).where(Consultation.slug == SLUG))
    orgs = {o.name: o for o in db.session.scalars(sa.select(Organisation))}
    p = consultation.current_version.paragraphs
    make_submitted(
        consultation,
        orgs["UNICEF"],
        [
            (p[0], "support", "We fully support this paragraph.", "", "en"),
            (
                p[1],
                "amend",
                "Name children explicitly.",
                p[1].text["en"] + " Children first.",
                "en",
            ),
        ],
        publication="named",
    )
    make_submitted(
        consultation,
        orgs["FAO"],
        [(p[0], "oppose", "Ce paragraphe oublie les zones rurales.", "", "fr")],
        publication="anonymous",
    )
    make_submitted(
        consultation,
        orgs["Right to the City Platform"],
        [(p[0], "oppose", WITHHELD, "", "en")],
        publication="none",
    )
    consultation.status, consultation.closes_at = "closed", utcnow() - timedelta(hours=1)
    consultation.feedback_published_at = utcnow()
    db.session.commit()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("published"), seed=seed_published_feedback) as pair:
        yield pair


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_anyone_reads_and_filters_the_published_feedback_in_each_language(
    served, browser, language
):
    app, live = served
    walk = Walk(browser, app, live, language)
    walk.open(f"/consultations/{SLUG}")
    walk.follow(
        walk.words("The feedback received, as each organisation allowed it to be published")
    )
    assert walk.page.url.endswith(f"/consultations/{SLUG}/feedback")
    main = walk.page.locator("main")
    expect(main).to_contain_text("UNICEF")
    expect(main).to_contain_text(walk.words("Anonymous organisation"))
    expect(main.locator('[lang="fr"]', has_text="zones rurales")).to_have_count(1)
    assert WITHHELD not in walk.page.content() and "FAO" not in main.inner_text()

    # Filter by keyboard: choose a stance, then press the form's button.
    walk.focus(walk.page.get_by_role("combobox", name=walk.words("Stance")))
    walk.page.get_by_role("combobox", name=walk.words("Stance")).select_option("oppose")
    walk.follow(walk.words("Show the matching feedback"), role="button")
    assert re.search(r"[?&]stance=oppose", walk.page.url)
    expect(main).not_to_contain_text("We fully support this paragraph.")
    expect(main).to_contain_text("zones rurales")
    walk.close()
