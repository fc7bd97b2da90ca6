"""How far an organisation's submission has come: paragraphs and questions answered, section by
section, and whether changes wait to be submitted again."""

from dataclasses import dataclass

from app.models import Consultation, Submission
from app.services.feedback.editing import submission_of
from app.services.feedback.submissions import has_unsubmitted_changes, outline


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
    return of_submission(consultation, submission_of(consultation, organisation_id))


def of_submission(consultation: Consultation, submission: Submission | None) -> Progress:
    """The progress of a submission the page has already loaded (not read a second time)."""
    sections = [
        SectionProgress(
            position,
            part.section.heading,
            sum(1 for line in part.lines if line.feedback and not line.feedback.is_empty),
            len(part.lines),
        )
        for position, part in enumerate(outline(consultation, submission))
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
