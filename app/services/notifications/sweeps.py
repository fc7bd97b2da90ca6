"""What beat looks for: consultations that opened on their own, deadlines a week and a day
away, and colleagues who finished changing a submission. Each event reaches a person once,
however often a sweep runs (the `once` rows of `events.notify`)."""

from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models import (
    Consultation,
    ConsultationInvitation,
    Submission,
    SubmissionRevision,
    User,
)
from app.models.common import utcnow
from app.services.feedback.submissions import submitted_organisations
from app.services.mail import outbox
from app.services.notifications import events

REMINDER_DAYS = (7, 1)
# A reminder is due in the day that starts `days` before the deadline: a sweep running
# hourly finds it whatever hour it starts, and an organisation invited later is not told of
# a week left when three remain.
REMINDER_WINDOW = timedelta(days=1)
# A colleague's change is told once they have stopped for this long: one notice per stretch
# of work, not one per autosave.
QUIET_AFTER_CHANGE = timedelta(minutes=15)
# How far back sweeps look: enough for beat to have been down a while.
LOOKBACK = timedelta(days=2)


def remind_deadlines(now: datetime | None = None) -> int:
    """Remind the members of invited organisations that have not submitted, 7 and 1 days
    before each deadline; returns how many emails were queued."""
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(Consultation).where(
            Consultation.status == "open",
            Consultation.closes_at > now,
            Consultation.closes_at <= now + timedelta(days=max(REMINDER_DAYS)),
        )
    ).all()
    sent = 0
    for consultation in due:
        if consultation.phase(now) != "open":
            continue
        left = consultation.closes_at - now
        for days in REMINDER_DAYS:
            if timedelta(days=days) - REMINDER_WINDOW < left <= timedelta(days=days):
                messages = events.tell_once(
                    lambda c=consultation, d=days: events.deadline_near(c, _waiting(c), d)
                )
                outbox.relay(*messages)
                sent += len(messages)
    return sent


def _waiting(consultation: Consultation) -> list[int]:
    """The invited organisations that have not submitted (a withdrawn submission waits too)."""
    submitted = submitted_organisations(consultation)
    return list(
        db.session.scalars(
            sa.select(ConsultationInvitation.organisation_id).where(
                ConsultationInvitation.consultation_id == consultation.id,
                ConsultationInvitation.organisation_id.not_in(submitted),
            )
        )
    )


def announce_openings(now: datetime | None = None) -> int:
    """Tell invited organisations of consultations whose opening date came (scheduled ones)."""
    now = now or utcnow()
    opened = db.session.scalars(
        sa.select(Consultation).where(
            Consultation.status == "open",
            Consultation.opens_at <= now,
            Consultation.opens_at > now - LOOKBACK,
        )
    ).all()
    sent = 0
    for consultation in opened:
        messages = events.tell_once(lambda c=consultation: events.consultation_opened(c, now=now))
        outbox.relay(*messages)
        sent += len(messages)
    return sent


def tell_colleagues(now: datetime | None = None) -> int:
    """Tell members of an organisation of a colleague's changes to its submission, once the
    colleague has stopped for a quarter of an hour."""
    now = now or utcnow()
    latest = db.session.execute(
        sa.select(SubmissionRevision.submission_id, SubmissionRevision.actor_id)
        .add_columns(sa.func.max(SubmissionRevision.id))
        .where(SubmissionRevision.at > now - LOOKBACK, SubmissionRevision.actor_id.is_not(None))
        .group_by(SubmissionRevision.submission_id, SubmissionRevision.actor_id)
        .having(sa.func.max(SubmissionRevision.at) <= now - QUIET_AFTER_CHANGE)
    ).all()
    sent = 0
    for submission_id, editor_id, revision_id in latest:
        submission = db.session.scalar(
            sa.select(Submission)
            .where(Submission.id == submission_id)
            .options(so.joinedload(Submission.organisation), so.joinedload(Submission.consultation))
        )
        editor = db.session.get(User, editor_id)
        # Only a member of the organisation is a colleague (not staff importing feedback).
        if submission is None or editor is None:
            continue
        if editor.organisation_id != submission.organisation_id:
            continue
        action = db.session.get(SubmissionRevision, revision_id).action
        messages = events.tell_once(
            lambda s=submission, e=editor, r=revision_id, a=action: events.colleague_changed(
                s, e, r, a
            )
        )
        outbox.relay(*messages)
        sent += len(messages)
    return sent


def run(now: datetime | None = None) -> int:
    """Every sweep, as beat runs them: returns how many emails were queued."""
    return announce_openings(now) + remind_deadlines(now) + tell_colleagues(now)
