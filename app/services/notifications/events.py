"""Telling people of an event, each the way they chose: an email now, the digest, or nothing.

Services call these when something happens, inside their own transaction; they commit and
then relay the outbox messages returned.
"""

from collections.abc import Callable, Iterable
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from app.extensions import db
from app.i18n import localize
from app.lazy_text import lazy_gettext as _l
from app.models import (
    Consultation,
    ConsultationInvitation,
    Notification,
    OutboxMessage,
    Submission,
    Synthesis,
    User,
)
from app.models.common import utcnow
from app.services.mail import delivery as mail
from app.services.notifications import preferences
from app.services.notifications.kinds import DIGEST, NOW


def notify(
    recipients: Iterable[User],
    kind: str,
    about: Consultation | None,
    *,
    template: str,
    subject: Callable[[User], object],
    once: str | None = None,
    data: dict | None = None,
    per_person: Callable[[User], dict] | None = None,
    **context: object,
) -> list[OutboxMessage]:
    """Tell each recipient of one event about a consultation as they chose (the caller checked
    access and commits); `context` is the email template's, with `per_person(user)` added.

    With `once`, a person already told of this event (by that key) is not told again.
    """
    people = {u.id: u for u in recipients if u.id is not None}
    if once:
        told = set(
            db.session.scalars(
                sa.select(Notification.user_id).where(
                    Notification.once_key == once, Notification.user_id.in_(list(people))
                )
            )
        )
        people = {uid: u for uid, u in people.items() if uid not in told}
    chosen = preferences.deliveries(list(people), kind)
    messages = []
    for uid, user in people.items():
        delivery = chosen[uid]
        if once or delivery == DIGEST:
            db.session.add(
                Notification(
                    user_id=uid,
                    kind=kind,
                    consultation_id=about.id if about else None,
                    data=data or {},
                    delivery=delivery,
                    once_key=once,
                    digested_at=None if delivery == DIGEST else utcnow(),
                )
            )
        if delivery == NOW:
            messages.append(
                mail.queue_email(
                    user,
                    template,
                    subject(user),
                    unsubscribe_kind=kind,
                    **context,
                    **(per_person(user) if per_person else {}),
                )
            )
    return messages


def tell_once(work: Callable[[], list[OutboxMessage]]) -> list[OutboxMessage]:
    """Run `work` (calls of `notify`) in a transaction of its own and commit it: the messages
    to relay. A run beaten by another to the same people (their `once` rows came first, a
    unique constraint) keeps nothing: the other told them, and a later sweep tells the rest."""
    try:
        messages = work()
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        return []
    return messages


def members_of(organisation_ids: Iterable[int]) -> dict[int, list[User]]:
    """The members who can sign in of each organisation, in one query."""
    members: dict[int, list[User]] = {}
    for user in db.session.scalars(
        sa.select(User)
        .options(so.joinedload(User.organisation))
        .where(
            User.organisation_id.in_(list(organisation_ids)),
            User.active.is_(True),
            User.password_hash.is_not(None),
        )
        .order_by(User.id)
    ):
        members.setdefault(user.organisation_id, []).append(user)
    return members


def title_for(user: User, consultation: Consultation) -> str:
    """The consultation's title in the person's language (for a subject line)."""
    language = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    return localize(consultation.title, consultation.original_language, language).text


def consultation_opened(
    consultation: Consultation,
    organisation_ids: list[int] | None = None,
    now: datetime | None = None,
) -> list[OutboxMessage]:
    """Tell the members of the invited organisations (or of these) that they may answer now;
    nothing before the consultation is open, and each person once."""
    if consultation.phase(now) != "open":
        return []
    invited = set(
        db.session.scalars(
            sa.select(ConsultationInvitation.organisation_id).where(
                ConsultationInvitation.consultation_id == consultation.id
            )
        )
    )
    if organisation_ids is not None:
        invited &= set(organisation_ids)
    return notify(
        [m for members in members_of(invited).values() for m in members],
        "opened",
        consultation,
        template="consultation_invitation",
        subject=lambda _user: _l(
            "Your organisation is invited to comment on a Policy Council draft"
        ),
        once=f"opened:{consultation.id}",
        per_person=_organisation_of,
        consultation=consultation,
    )


def deadline_near(
    consultation: Consultation, organisation_ids: list[int], days: int | None = None
) -> list[OutboxMessage]:
    """Remind these organisations' members of the deadline: `days` before it (7 or 1), once
    each; without `days`, a reminder staff send, each time they send it."""
    return notify(
        [m for members in members_of(organisation_ids).values() for m in members],
        "deadline",
        consultation,
        template="reminder",
        subject=lambda user: _deadline_subject(user, consultation, days),
        once=f"deadline:{consultation.id}:{days}" if days else None,
        data={"days": days} if days else {},
        per_person=_organisation_of,
        consultation=consultation,
        days=days,
    )


def _organisation_of(user: User) -> dict:
    return {"organisation": user.organisation}


def _deadline_subject(user: User, consultation: Consultation, days: int | None) -> object:
    title = title_for(user, consultation)
    if days == 7:
        return _l("One week left to comment on “%(title)s”", title=title)
    if days == 1:
        return _l("Last day to comment on “%(title)s”", title=title)
    return _l("Reminder: the Policy Council awaits your feedback")


def synthesis_released(synthesis: Synthesis) -> list[OutboxMessage]:
    """Tell those a synthesis was just released to: the Council, and for a public one the
    members of the organisations invited to the consultation too; each person once."""
    if synthesis.released_to not in ("council", "public"):
        return []
    consultation = synthesis.consultation
    readers = list(
        db.session.scalars(
            sa.select(User).where(
                User.role == "council", User.active.is_(True), User.password_hash.is_not(None)
            )
        )
    )
    if synthesis.released_to == "public":
        invited = sa.select(ConsultationInvitation.organisation_id).where(
            ConsultationInvitation.consultation_id == consultation.id
        )
        answered = sa.select(Submission.organisation_id).where(
            Submission.consultation_id == consultation.id
        )
        ids = set(db.session.scalars(invited)) | set(db.session.scalars(answered))
        readers += [m for members in members_of(ids).values() for m in members]
    return notify(
        readers,
        "synthesis",
        consultation,
        template="synthesis_released",
        subject=lambda user: _l(
            "A synthesis of the feedback on “%(title)s”", title=title_for(user, consultation)
        ),
        once=f"synthesis:{synthesis.id}",
        data={"synthesis_id": synthesis.id},
        consultation=consultation,
        synthesis=synthesis,
    )


def decisions_published(synthesis: Synthesis, members: list[User]) -> list[OutboxMessage]:
    """Tell these partners that the Council's decisions on a synthesis are published, once."""
    consultation = synthesis.consultation
    return notify(
        members,
        "decisions",
        consultation,
        template="decisions_published",
        subject=lambda user: _l(
            "The Council's decisions on “%(title)s”", title=title_for(user, consultation)
        ),
        once=f"decisions:{synthesis.id}",
        data={"synthesis_id": synthesis.id},
        consultation=consultation,
    )


def colleague_changed(
    submission: Submission, editor: User, revision_id: int, action: str = "saved"
) -> list[OutboxMessage]:
    """Tell the editor's colleagues (not the editor) that the submission changed, once per
    history entry."""
    colleagues = [
        m
        for m in members_of([submission.organisation_id]).get(submission.organisation_id, [])
        if m.id != editor.id
    ]
    return notify(
        colleagues,
        "change",
        submission.consultation,
        template="colleague_change",
        subject=lambda user: _l(
            "%(name)s changed your organisation's feedback on “%(title)s”",
            name=editor.name,
            title=title_for(user, submission.consultation),
        ),
        once=f"change:{submission.id}:{revision_id}",
        data={"editor_id": editor.id, "submission_id": submission.id, "action": action},
        consultation=submission.consultation,
        editor=editor,
        action=action,
        organisation=submission.organisation,
    )
