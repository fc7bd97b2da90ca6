"""How far an organisation's submission has come: paragraphs and questions answered, section by
section, and whether changes wait to be submitted again."""

import functools
from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.models import Consultation, Paragraph, ParagraphFeedback, Section, Submission
from app.services.feedback.editing import submission_of
from app.services.feedback.submissions import has_unsubmitted_changes


@dataclass(frozen=True)
class SectionProgress:
    position: int
    heading: dict
    answered: int
    total: int


@dataclass(frozen=True)
class Progress:
    """What a partner sees at the top of every page of their submission."""

    submission: Submission | None
    sections: list[SectionProgress]
    questions_answered: int
    questions_total: int

    @property
    def paragraphs_answered(self) -> int:
        return sum(s.answered for s in self.sections)

    @property
    def paragraphs_total(self) -> int:
        return sum(s.total for s in self.sections)

    @property
    def unsubmitted(self) -> bool:
        """Changed after it was submitted: the Council has not received the changes."""
        return has_unsubmitted_changes(self.submission)


def of(consultation: Consultation, organisation_id: int | None) -> Progress:
    """The progress of the organisation's submission on the consultation."""
    return of_submission(
        consultation, submission_of(consultation, organisation_id, with_items=False)
    )


def of_submission(consultation: Consultation, submission: Submission | None) -> Progress:
    """The progress of a submission the page has already loaded (its answers, not its items:
    the paragraphs are counted in one query, whatever the length of the draft)."""
    version_id = submission.version_id if submission else consultation.current_version.id
    submission_id = submission.id if submission else None
    counts = db.session.execute(
        _counts_statement(), {"version_id": version_id, "submission_id": submission_id}
    ).all()
    sections = [
        SectionProgress(position, heading, answered, total)
        for position, (heading, answered, total) in enumerate(counts)
    ]
    answered = {
        a.question_id
        for a in (submission.answers if submission else [])
        if a.value not in (None, "", [])
    }
    questions = consultation.questions
    return Progress(
        submission,
        sections,
        sum(1 for q in questions if q.id in answered),
        len(questions),
    )


@functools.cache
def _counts_statement() -> sa.Select:
    """Each section of a version in order: its heading, its paragraphs with feedback from the
    submission (an item with no stance, comment or wording is no answer), all its paragraphs."""
    feedback = sa.and_(
        ParagraphFeedback.paragraph_id == Paragraph.id,
        ParagraphFeedback.submission_id == sa.bindparam("submission_id", type_=sa.Integer),
        sa.or_(
            sa.func.coalesce(ParagraphFeedback.stance, "") != "",
            sa.func.coalesce(ParagraphFeedback.comment, "") != "",
            sa.func.coalesce(ParagraphFeedback.amendment, "") != "",
        ),
    )
    return (
        sa.select(Section.heading, sa.func.count(ParagraphFeedback.id), sa.func.count(Paragraph.id))
        .outerjoin(Paragraph, Paragraph.section_id == Section.id)
        .outerjoin(ParagraphFeedback, feedback)
        .where(Section.version_id == sa.bindparam("version_id"))
        .group_by(Section.id)
        .order_by(Section.position, Section.id)
    )
