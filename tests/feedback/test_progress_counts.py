"""The progress at the top of a partner's pages, counted in SQL section by section."""

from app.services.feedback import progress
from tests.helpers import make_consultation, make_submitted


def test_a_paragraph_counts_as_answered_with_a_stance_a_comment_or_a_wording(users, db):
    consultation = make_consultation(
        texts={str(n): {"en": f"Paragraph {n}."} for n in range(1, 6)}
    )  # sections of 2 and 3 paragraphs
    first, second, third, fourth, fifth = consultation.current_version.paragraphs
    organisation = users["partner"].organisation
    make_submitted(
        consultation,
        organisation,
        [
            (first, "support", "", "", None),
            (second, None, "", "", None),  # saved, then emptied: no answer
            (third, None, "Cities first.", "", "en"),
            (fourth, None, "", "Paragraph 4, for cities.", "en"),
        ],
    )
    db.session.expire_all()  # nothing loaded: the counts come from the database

    found = progress.of(consultation, users["partner"].organisation_id)

    assert [(s.position, s.heading, s.answered, s.total) for s in found.sections] == [
        (0, {"en": "One"}, 1, 2),
        (1, {"en": "Two"}, 2, 3),
    ]
    assert (found.paragraphs_answered, found.paragraphs_total) == (3, 5)


def test_an_organisation_without_a_submission_has_answered_nothing(users, db):
    consultation = make_consultation()

    found = progress.of(consultation, users["partner"].organisation_id)

    assert [(s.answered, s.total) for s in found.sections] == [(0, 2), (0, 1)]
    assert found.submission is None and found.questions_answered == 0
