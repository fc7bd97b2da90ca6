"""A Council member, in French and by keyboard, reviews a synthesis and decides on a wording."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AmendmentDecision,
    Consultation,
    Organisation,
    Synthesis,
)
from app.models.common import utcnow
from tests.e2e.conftest import serving
from tests.e2e.keyboard import press_enter_and_wait, tab_to
from tests.factories import result_from_rows
from tests.helpers import make_submitted

pytestmark = pytest.mark.e2e

SLUG = "pact-for-the-future-opportunities"


def seed_released_synthesis() -> None:
    """Three demo partners answer; synthesis 1 is compiled from them and released to the Council."""
    consultation = db.session.scalar(sa.select(Consultation).where(Consultation.slug == SLUG))
    orgs = {o.name: o for o in db.session.scalars(sa.select(Organisation))}
    p = consultation.current_version.paragraphs
    wording = p[1].text["en"] + " Children and young people first."
    submissions = [
        make_submitted(
            consultation,
            orgs["UNICEF"],
            [
                (p[0], "support", "We fully support this paragraph.", "", "en"),
                (p[1], "amend", "Name children explicitly.", wording, "en"),
            ],
        ),
        make_submitted(
            consultation,
            orgs["FAO"],
            [
                (p[0], "oppose", "Ce paragraphe oublie les zones rurales.", "", "fr"),
                (p[1], "amend", "", wording, "en"),
            ],
        ),
        make_submitted(
            consultation,
            orgs["Right to the City Platform"],
            [(p[0], "support", "Apoyamos este párrafo sin reservas.", "", "es")],
        ),
    ]
    items = [i for s in submissions for i in s.items]
    result = result_from_rows(
        consultation,
        submissions,
        wording=wording,
        participation={
            "submissions": 3,
            "organisations": 3,
            "by_kind": {"un_agency": 2, "town_hall_partner": 1},
            "by_region": {"north_america": 1, "europe": 1, "latin_america": 1},
            "by_language": {"en": 3, "fr": 1, "es": 1},
            "invited_not_answered": [
                {"id": orgs["ACCORD"].id, "name": "ACCORD", "kind": "ngo", "region": "africa"}
            ],
        },
        ranking={"consensus": [p[1].number], "contested": [p[0].number]},
        themes=[
            {
                "label": {"en": "Rural areas", "fr": "Zones rurales"},
                "size": 2,
                "feedback_ids": [items[2].id, items[4].id],
                "organisations": ["FAO", "Right to the City Platform"],
                "languages": {"fr": 1, "es": 1},
                "number": 1,
                "quotes": [
                    {
                        "feedback_id": items[2].id,
                        "text": items[2].comment,
                        "organisation": "FAO",
                        "language": "fr",
                    }
                ],
            }
        ],
        duplicates=[
            {
                "feedback_ids": [items[1].id, items[3].id],
                "text": wording,
                "count": 2,
                "organisations": ["FAO", "UNICEF"],
            }
        ],
        questions=[],
    )
    db.session.add(
        Synthesis(
            consultation=consultation,
            number=1,
            status="done",
            progress=100,
            watermark=result["watermark"],
            result=result,
            released_to="council",
            released_at=utcnow(),
            finished_at=utcnow(),
        )
    )
    db.session.commit()


@pytest.fixture(scope="module")
def council_server(tmp_path_factory):
    """The live server of tests/e2e/conftest.py, with a synthesis released to the Council."""
    with serving(tmp_path_factory.mktemp("council"), seed=seed_released_synthesis) as served:
        yield served


def test_council_member_reviews_in_french_and_decides_with_the_keyboard(
    council_server, browser, assert_accessible
):
    app, live = council_server
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(f"{live}/login")
    tab_to(page, "#email")
    page.keyboard.type("council@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("demo-password-2026")
    press_enter_and_wait(page)

    page.goto(f"{live}/council/{SLUG}/syntheses")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert_accessible(page)
    tab_to(page, f"main a[href='/council/{SLUG}/syntheses/1']")
    press_enter_and_wait(page)
    assert page.locator("table.heat-map").is_visible()
    assert page.locator("svg[role=img] title").count() >= 3
    assert_accessible(page)

    # A filter is a plain GET form: choose a kind, and the counts are recounted.
    tab_to(page, "#kind")
    page.select_option("#kind", "un_agency")
    tab_to(page, "form.council-filters button[type=submit]")
    press_enter_and_wait(page)
    assert "kind=un_agency" in page.url
    assert page.locator(".alert-info[role=status]").is_visible()
    assert_accessible(page)

    tab_to(page, f"table.heat-map a[href='/council/{SLUG}/syntheses/1/paragraphs/2']")
    press_enter_and_wait(page)
    assert "Children and young people first." in page.locator(".word-diff ins").first.inner_text()
    assert page.locator(".draft-text").get_attribute("lang") is None  # French text exists
    assert_accessible(page)

    # Without a reason the decision is refused, next to the field and in a summary.
    tab_to(page, "#g0-decision-0")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")  # accept → accept in part
    tab_to(page, "#g0-submit")
    press_enter_and_wait(page)
    assert page.locator("#error-summary").is_visible()
    assert page.locator("#g0-reason-error").is_visible()
    assert page.locator("#g0-decision-1").is_checked()
    assert_accessible(page)

    tab_to(page, "#g0-reason")
    page.keyboard.type("Nous retenons la mention des enfants, pas la suite.")
    tab_to(page, "#g0-submit")
    press_enter_and_wait(page)
    assert page.url.endswith("/paragraphs/2#group-1")
    assert page.locator(".alert-success").count() == 1
    assert page.locator(".badge.decision-partial").is_visible()
    assert "Jean-Marc Lefèvre" in page.locator("#group-1").inner_text()
    assert_accessible(page)
    with app.app_context():
        decision = db.session.scalar(sa.select(AmendmentDecision))
        assert decision.decision == "partial"
        assert decision.reason == "Nous retenons la mention des enfants, pas la suite."

    # Every figure leads to the comments behind it.
    tab_to(page, "a[href$='/feedback?paragraph=2&stance=amend']")
    press_enter_and_wait(page)
    assert page.locator(".feedback-list > li").count() == 2
    assert_accessible(page)

    for path in ["themes", "feedback?theme=0", "feedback?duplicate=0"]:
        page.goto(f"{live}/council/{SLUG}/syntheses/1/{path}")
        assert page.locator("html").get_attribute("lang") == "fr"
        assert_accessible(page)
    assert page.locator(".feedback-list > li").count() == 2
    page.goto(f"{live}/council/{SLUG}/compare?a=1&b=1")
    assert_accessible(page)
    context.close()
