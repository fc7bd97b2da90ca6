"""Builders for test data that several test modules share."""

from datetime import timedelta

from app.extensions import db
from app.models import Consultation, DocumentVersion, Paragraph, Question, Section
from app.models.common import utcnow

DRAFT_TXT = """A DRAFT POSITION ON CULTURE

Culture and peace

1. Culture is the fourth pillar of sustainable development.
2. Local governments lead city diplomacy in times of crisis (R&D > 5%).

Decent work

3. Every city should guarantee decent work for all.
"""


def make_consultation(
    slug: str = "culture-2026",
    status: str = "open",
    language: str = "en",
    texts: dict | None = None,
) -> Consultation:
    """A consultation with two sections, three paragraphs and one question of each kind."""
    now = utcnow()
    consultation = Consultation(
        slug=slug,
        title={language: f"Draft {slug}"},
        original_language=language,
        status=status,
        opens_at=now - timedelta(days=1) if status != "draft" else None,
        closes_at=now + timedelta(days=10) if status != "draft" else None,
    )
    version = DocumentVersion(number=1, published_at=now if status != "draft" else None)
    texts = texts or {
        "1": {language: "First paragraph."},
        "2": {language: "Second."},
        "3": {language: "Third."},
    }
    numbers = list(texts)
    for position, (heading, chunk) in enumerate([("One", numbers[:2]), ("Two", numbers[2:])]):
        section = Section(position=position, heading={language: heading})
        section.paragraphs = [
            Paragraph(number=n, position=i, text=dict(texts[n])) for i, n in enumerate(chunk)
        ]
        version.sections.append(section)
    consultation.versions.append(version)
    consultation.questions = [
        Question(position=0, kind="scale", prompt={language: "How well?"}, required=True),
        Question(
            position=1,
            kind="single",
            prompt={language: "Which first?"},
            options=[{language: "People"}, {language: "Planet"}],
        ),
    ]
    db.session.add(consultation)
    db.session.commit()
    return consultation


def make_submitted(consultation, organisation, items, answers=None, publication="named"):
    """A submitted submission: items are (paragraph, stance, comment, amendment, language);
    its organisation allowed it to be published with its name unless `publication` says not."""
    from app.models import Answer, ParagraphFeedback, Submission

    submission = Submission(
        consultation=consultation,
        organisation=organisation,
        version=consultation.current_version,
        status="submitted",
        submitted_at=utcnow(),
        publication=publication,
    )
    for paragraph, stance, comment, amendment, language in items:
        submission.items.append(
            ParagraphFeedback(
                paragraph=paragraph,
                stance=stance,
                comment=comment,
                amendment=amendment,
                language=language,
            )
        )
    for question, value in (answers or {}).items():
        submission.answers.append(Answer(question=question, value=value, language="en"))
    db.session.add(submission)
    db.session.commit()
    return submission
