"""Publication with consent: each organisation chooses how its submission may be published,
and staff publish a consultation's feedback once it has closed.

The choice is made when submitting (the form offers the consultation's default first) and can
change until staff publish; every change is audited. What the public then reads is in
`published.py`.
"""

from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models import Consultation, Submission, User
from app.models.common import utcnow
from app.models.feedback import PUBLICATION
from app.services.accounts import access, audit
from app.services.errors import Conflict, DomainError
from app.services.feedback.editing import submission_of
from app.services.feedback.published import require_readable

CLOSED_PHASES = frozenset({"closed", "archived"})


@dataclass(frozen=True)
class ChoiceCounts:
    """How many submitted submissions allow each kind of publication."""

    named: int = 0
    anonymous: int = 0
    none: int = 0

    @property
    def published(self) -> int:
        return self.named + self.anonymous


def check_choice(choice: str | None) -> str:
    """`choice` if it is one of PUBLICATION's codes; otherwise a DomainError on the field."""
    if choice not in PUBLICATION:
        raise DomainError(_l("Choose how your submission may be published."), field="publication")
    return choice


def default_choice(consultation: Consultation, submission: Submission | None) -> str:
    """The choice a submit form offers first: the one already made, else the consultation's."""
    if submission is not None and submission.submitted_at is not None:
        return submission.publication
    return consultation.publication_default


def is_published(consultation: Consultation) -> bool:
    """Whether the consultation's feedback is public now (it closed and staff published it)."""
    return consultation.feedback_published_at is not None and (
        consultation.phase() in CLOSED_PHASES
    )


def record_choice(
    user: User, submission: Submission, choice: str, ip: str | None = None, first: bool = False
) -> None:
    """Set the choice on a submission being submitted, auditing a change (the caller commits)."""
    before = submission.publication
    submission.publication = check_choice(choice)
    if before != choice and not first:
        audit.record(
            user, "submission.publication_changed", submission, ip=ip, before=before, after=choice
        )


def choose(user: User, consultation: Consultation, choice: str, ip: str | None = None) -> str:
    """Change how the organisation's submitted submission may be published, until staff
    publish the feedback; returns the choice now in force."""
    access.require(user, "submission.write", consultation)
    choice = check_choice(choice)
    if consultation.feedback_published_at is not None:
        raise Conflict(
            _l(
                "The feedback on this consultation is already published: the choice can no "
                "longer change here. To take your submission out of the publication, write to "
                "the secretariat at %(email)s.",
                email=current_app.config["SECRETARIAT_EMAIL"],
            )
        )
    submission = submission_of(consultation, user.organisation_id)
    if submission is None or submission.submitted_at is None:
        raise Conflict(_l("Submit your feedback first: you choose how it may be published then."))
    before = submission.publication
    if before == choice:
        return choice
    # A plain UPDATE: the choice is not part of the text, so it must not bump the version
    # that co-editing and "submitted, nothing changed since" compare.
    db.session.execute(
        sa.update(Submission).where(Submission.id == submission.id).values(publication=choice)
    )
    audit.record(
        user, "submission.publication_changed", submission, ip=ip, before=before, after=choice
    )
    db.session.commit()
    db.session.refresh(submission)
    return choice


def counts(reader: User | None, consultation: Consultation) -> ChoiceCounts:
    """The choices of the submitted submissions: public once the feedback is published."""
    require_readable(reader, consultation)
    return _counts(consultation)


def _counts(consultation: Consultation) -> ChoiceCounts:
    rows = db.session.execute(
        sa.select(Submission.publication, sa.func.count())
        .where(Submission.consultation_id == consultation.id, Submission.status == "submitted")
        .group_by(Submission.publication)
    )
    found = Counter({choice: number for choice, number in rows})
    return ChoiceCounts(found["named"], found["anonymous"], found["none"])


def may_publish(consultation: Consultation) -> bool:
    """Whether publishing would be accepted now: after the deadline, not yet published."""
    return consultation.phase() in CLOSED_PHASES and consultation.feedback_published_at is None


def publish(actor: User, consultation: Consultation, ip: str | None = None) -> ChoiceCounts:
    """Publish the feedback that its organisations allowed to be published; only after the
    deadline, since a submission can change until then."""
    access.require(actor, "feedback.publish", consultation)
    if consultation.phase() not in CLOSED_PHASES:
        raise Conflict(
            _l(
                "The feedback can be published only once the consultation has closed: "
                "until the deadline, organisations can still change their submissions."
            )
        )
    if consultation.feedback_published_at is not None:
        raise Conflict(_l("The feedback on this consultation is already published."))
    found = _counts(consultation)
    consultation.feedback_published_at = utcnow()
    audit.record(
        actor,
        "feedback.published",
        consultation,
        ip=ip,
        named=found.named,
        anonymous=found.anonymous,
        unpublished=found.none,
    )
    db.session.commit()
    return found


def unpublish(actor: User, consultation: Consultation, ip: str | None = None) -> None:
    """Take the published feedback off the public pages and files; choices can change again."""
    access.require(actor, "feedback.publish", consultation)
    if consultation.feedback_published_at is None:
        raise Conflict(_l("The feedback on this consultation is not published."))
    consultation.feedback_published_at = None
    audit.record(actor, "feedback.unpublished", consultation, ip=ip)
    db.session.commit()
