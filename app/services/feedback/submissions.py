"""Submitting, withdrawing and reading an organisation's submission."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models import (
    Consultation,
    Paragraph,
    ParagraphFeedback,
    Section,
    Submission,
    User,
)
from app.models.common import utcnow
from app.services.accounts import access, audit
from app.services.consultations import reading
from app.services.errors import Conflict, DomainError, NotFound
from app.services.feedback import publication as publishing
from app.services.feedback.editing import (
    ValidationFailed,
    add_revision,
    require_open_for,
    submission_of,
)
from app.services.ids import is_valid_id
from app.services.mail import delivery as mail
from app.services.mail import outbox
from app.services.synthesis import vector_jobs


@dataclass
class ParagraphLine:
    """A paragraph of the draft beside what the organisation said about it."""

    paragraph: Paragraph
    feedback: ParagraphFeedback | None


@dataclass
class SectionOutline:
    section: Section
    lines: list[ParagraphLine]

    @property
    def answered(self) -> int:
        return sum(1 for line in self.lines if line.feedback and not line.feedback.is_empty)


def submitted_organisations(consultation: Consultation) -> sa.Select:
    """The ids of the organisations whose submission to `consultation` stands sent, as a
    subquery (a withdrawn or re-opened submission is not sent)."""
    return sa.select(Submission.organisation_id).where(
        Submission.consultation_id == consultation.id, Submission.status == "submitted"
    )


def outline(consultation: Consultation, submission: Submission | None) -> list[SectionOutline]:
    """Every section of the submission's version with the feedback given on each paragraph."""
    version = submission.version if submission else consultation.current_version
    return _beside_items(version.sections, submission)


def outline_to_show(
    consultation: Consultation, submission: Submission | None
) -> list[SectionOutline]:
    """The outline for a page that only shows it: the draft's text read as plain rows, which
    costs less than an object for each paragraph of a long draft."""
    version = submission.version if submission else consultation.current_version
    return _beside_items(reading.sections(version), submission)


def _beside_items(sections, submission: Submission | None) -> list[SectionOutline]:
    items = {i.paragraph_id: i for i in submission.items} if submission else {}
    return [
        SectionOutline(s, [ParagraphLine(p, items.get(p.id)) for p in s.paragraphs])
        for s in sections
    ]


def section_outline(section: Section, submission: Submission | None) -> SectionOutline:
    """One section beside the feedback given on its paragraphs: the form of a section reads
    these items only, not the whole submission's."""
    items = {}
    if submission is not None:
        items = {
            i.paragraph_id: i
            for i in db.session.scalars(
                sa.select(ParagraphFeedback).where(
                    ParagraphFeedback.submission_id == submission.id,
                    ParagraphFeedback.paragraph_id.in_([p.id for p in section.paragraphs]),
                )
            )
        }
    return SectionOutline(section, [ParagraphLine(p, items.get(p.id)) for p in section.paragraphs])


def is_empty(submission: Submission | None) -> bool:
    if submission is None:
        return True
    has_items = any(not item.is_empty for item in submission.items)
    has_answers = any(a.value not in (None, "", []) for a in submission.answers)
    return not (has_items or has_answers or submission.general_comment)


def missing_required_answers(consultation: Consultation, submission: Submission | None) -> list:
    answered = (
        {a.question_id for a in submission.answers if a.value not in (None, "", [])}
        if submission
        else set()
    )
    return [q for q in consultation.questions if q.required and q.id not in answered]


def has_unsubmitted_changes(submission: Submission | None) -> bool:
    return (
        submission is not None
        and submission.status == "draft"
        and submission.submitted_at is not None
    )


def submit(
    user: User,
    consultation: Consultation,
    reviewed_version: int,
    ip: str | None = None,
    publication: str | None = None,
) -> Submission:
    """Send the organisation's submission as reviewed, with how it may be published (by
    default the choice already made, else the consultation's); a repeated submit changes
    nothing but that choice."""
    require_open_for(user, consultation)
    submission = submission_of(consultation, user.organisation_id)
    if is_empty(submission):
        raise DomainError(_l("There is nothing to submit yet."))
    if publication is None:
        publication = publishing.default_choice(consultation, submission)
    publication = publishing.check_choice(publication)
    if _already_submitted(submission):
        if submission.publication != publication:
            publishing.choose(user, consultation, publication, ip=ip)
        return submission
    if submission.lock_version != reviewed_version:
        raise Conflict(_l("The submission changed since you reviewed it. Please review it again."))
    missing = missing_required_answers(consultation, submission)
    if missing:
        raise ValidationFailed(
            {f"question-{q.id}": [_l("This question needs an answer.")] for q in missing}
        )
    try:
        receipt = _mark_submitted(user, consultation, submission, publication, ip)
        # Embedding the comments now spares the next synthesis the slowest step.
        embedding = vector_jobs.queue_for_submissions(consultation.id, [submission.id])
        db.session.commit()
    except StaleDataError:
        # Someone submitted (or saved) between our read and our write: theirs stands.
        db.session.rollback()
        submission = submission_of(consultation, user.organisation_id)
        if _already_submitted(submission):
            return submission
        raise Conflict(
            _l("The submission changed since you reviewed it. Please review it again.")
        ) from None
    outbox.relay(receipt, *embedding)
    return submission


def _mark_submitted(
    user: User,
    consultation: Consultation,
    submission: Submission,
    publication: str,
    ip: str | None,
):
    """Set the submitted state and the publication choice, log them and queue the receipt
    (the caller commits)."""
    first = submission.submitted_at is None
    publishing.record_choice(user, submission, publication, ip=ip, first=first)
    now = utcnow()
    submission.status, submission.submitted_at, submission.submitted_by = "submitted", now, user
    submission.submitted_lock_version = submission.lock_version + 1
    add_revision(submission, submission.lock_version + 1, "submitted", user, now)
    audit.record(user, "submission.submitted", submission, ip=ip, publication=publication)
    return mail.queue_email(
        user,
        "receipt",
        _l("Your submission on “%(title)s”", title=_title(consultation, user)),
        submission=submission,
        consultation=consultation,
        sections=outline(consultation, submission),
    )


def _already_submitted(submission: Submission) -> bool:
    """Submitted, and nothing changed since: submitting again would send the same thing."""
    return (
        submission.status == "submitted"
        and submission.submitted_lock_version == submission.lock_version
    )


def _title(consultation: Consultation, user: User) -> str:
    language = user.locale or consultation.original_language
    return consultation.title.get(language) or consultation.title.get(
        consultation.original_language, consultation.slug
    )


def withdraw(user: User, consultation: Consultation, ip: str | None = None) -> Submission:
    """Withdraw the organisation's submission; it stays in the history and can be sent again."""
    require_open_for(user, consultation)
    submission = submission_of(consultation, user.organisation_id)
    if submission is None or submission.status != "submitted":
        raise Conflict(_l("Only a submitted submission can be withdrawn."))
    now = utcnow()
    submission.status, submission.updated_at, submission.updated_by = "withdrawn", now, user
    add_revision(submission, submission.lock_version + 1, "withdrawn", user, now)
    audit.record(user, "submission.withdrawn", submission, ip=ip)
    db.session.commit()
    return submission


def get_for_reader(
    user: User, consultation: Consultation, submission_id: int, ip: str | None = None
) -> Submission:
    """A submission to `consultation` the user may read; 404 for anything else, so ids reveal
    nothing (neither another organisation's submission nor one to another consultation).

    A reading by the Council or the secretariat of an organisation's submission is audited:
    these positions are confidential until published."""
    submission = db.session.get(Submission, submission_id) if is_valid_id(submission_id) else None
    if (
        submission is None
        or submission.consultation_id != consultation.id
        or not access.can(user, "submission.read", submission)
    ):
        raise NotFound(_l("This submission does not exist."))
    if getattr(user, "organisation_id", None) != submission.organisation_id:
        audit.record(user, "submission.read", submission, ip=ip)
        db.session.commit()
    return submission


# Short words left out of a consultation's initials ("Pact for the Future" gives PF).
MINOR_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "for",
        "in",
        "of",
        "on",
        "the",
        "to",
        "de",
        "del",
        "des",
        "du",
        "el",
        "en",
        "et",
        "la",
        "las",
        "le",
        "les",
        "los",
        "para",
        "pour",
        "y",
    ]
)


def receipt_number(submission: Submission) -> str:
    """A short number people can read out, the same on the page and the PDF: the
    consultation's initials and the submission's number ("PFO-0042"), then how many times
    it was submitted when more than once ("PFO-0042-2")."""
    words = [w for w in submission.consultation.slug.split("-") if w.isalpha()]
    initials = "".join(w[0] for w in words if w not in MINOR_WORDS)[:4].upper() or "AG"
    number = f"{initials}-{submission.id:04d}"
    times = sum(1 for r in submission.revisions if r.action == "submitted")
    return f"{number}-{times}" if times > 1 else number


def partner_overview(user: User) -> dict[str, list[tuple[Consultation, Submission | None]]]:
    """The open (and upcoming) consultations the partner's organisation is invited to answer,
    and the closed ones it took part in."""
    from app.services.consultations import lifecycle as consultations

    submissions = {
        s.consultation_id: s
        for s in db.session.scalars(
            sa.select(Submission).where(Submission.organisation_id == user.organisation_id)
        )
    }
    overview: dict[str, list] = {"open": [], "upcoming": [], "closed": []}
    for consultation in consultations.readable_by(user):
        phase = consultation.phase()
        submission = submissions.get(consultation.id)
        if phase in {"open", "upcoming"}:
            if access.can(user, "submission.write", consultation):
                overview[phase].append((consultation, submission))
        elif phase in {"closed", "archived"} and submission is not None:
            overview["closed"].append((consultation, submission))
    return overview
