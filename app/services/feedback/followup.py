"""Following the response: which invited organisations answered, and reminding the others."""

from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models import Consultation, ConsultationInvitation, Organisation, Submission, User
from app.models.common import utcnow
from app.services.accounts import access, audit
from app.services.errors import DomainError
from app.services.feedback.submissions import submitted_organisations
from app.services.mail import outbox
from app.services.notifications import events


@dataclass
class ResponseRow:
    organisation: Organisation
    invitation: ConsultationInvitation | None
    submission: Submission | None

    @property
    def state(self) -> str:
        """submitted | draft | withdrawn | not_started"""
        return self.submission.status if self.submission else "not_started"


@dataclass(frozen=True)
class Invited:
    """What inviting organisations did: how many were invited and how many people emailed."""

    organisations: int
    emails: int


def invite_organisations(
    actor: User, consultation: Consultation, organisation_ids: list[int], ip: str | None = None
) -> Invited:
    """Invite organisations to answer and email each of their members in their language;
    inviting one twice changes nothing."""
    access.require(actor, "feedback.follow")
    already = set(
        db.session.scalars(
            sa.select(ConsultationInvitation.organisation_id).where(
                ConsultationInvitation.consultation_id == consultation.id
            )
        )
    )
    known = set(
        db.session.scalars(sa.select(Organisation.id).where(Organisation.id.in_(organisation_ids)))
    )
    new = [oid for oid in dict.fromkeys(organisation_ids) if oid in known and oid not in already]
    invitations = [add_invitation(actor, consultation, oid, ip=ip) for oid in new]
    messages = _announce(consultation, invitations)
    db.session.commit()
    outbox.relay(*messages)
    return Invited(len(new), len(messages))


def _announce(consultation: Consultation, invitations: list[ConsultationInvitation]) -> list:
    """Tell the members of the newly invited organisations, as each chose, once the
    consultation is open (an invitation to a draft waits for its opening)."""
    return events.consultation_opened(consultation, [i.organisation_id for i in invitations])


def add_invitation(
    actor: User | None, consultation: Consultation, organisation_id: int, ip: str | None = None
) -> ConsultationInvitation:
    """Invite one organisation and audit it (the caller checks the right and commits)."""
    invitation = ConsultationInvitation(
        consultation_id=consultation.id,
        organisation_id=organisation_id,
        invited_by_id=getattr(actor, "id", None),
    )
    db.session.add(invitation)
    audit.record(
        actor,
        "consultation.organisation_invited",
        consultation,
        ip=ip,
        organisation=organisation_id,
    )
    return invitation


def invite_missing(
    actor: User | None, consultation: Consultation, organisation_ids: list[int], ip=None
) -> int:
    """Invite those of the organisations not invited yet, in one statement (the caller
    commits): feedback staff import from a file comes from organisations they took in."""
    already = set(
        db.session.scalars(
            sa.select(ConsultationInvitation.organisation_id).where(
                ConsultationInvitation.consultation_id == consultation.id
            )
        )
    )
    new = [oid for oid in dict.fromkeys(organisation_ids) if oid not in already]
    if not new:
        return 0
    now, actor_id = utcnow(), getattr(actor, "id", None)
    db.session.execute(
        sa.insert(ConsultationInvitation),
        [
            {
                "consultation_id": consultation.id,
                "organisation_id": oid,
                "invited_by_id": actor_id,
                "invited_at": now,
            }
            for oid in new
        ],
    )
    for oid in new:
        audit.record(
            actor, "consultation.organisation_invited", consultation, ip=ip, organisation=oid
        )
    return len(new)


def response_table(reader: User | None, consultation: Consultation) -> list[ResponseRow]:
    """Every invited organisation, and every other one that answered, with its state."""
    access.require(reader, "feedback.follow")
    invitations = {
        i.organisation_id: i
        for i in db.session.scalars(
            sa.select(ConsultationInvitation).where(
                ConsultationInvitation.consultation_id == consultation.id
            )
        )
    }
    submissions = {
        s.organisation_id: s
        for s in db.session.scalars(
            sa.select(Submission).where(Submission.consultation_id == consultation.id)
        )
    }
    ids = set(invitations) | set(submissions)
    organisations = db.session.scalars(
        sa.select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.name)
    )
    return [ResponseRow(o, invitations.get(o.id), submissions.get(o.id)) for o in organisations]


def state_counts(rows: list[ResponseRow]) -> dict[str, int]:
    """How many organisations are in each state, every state present."""
    counts = dict.fromkeys(("submitted", "draft", "withdrawn", "not_started"), 0)
    for row in rows:
        counts[row.state] += 1
    return counts


def _remind(consultation: Consultation, invitations: list[ConsultationInvitation]) -> list:
    """Remind the members of these organisations, each as they chose for deadlines."""
    return events.deadline_near(consultation, [i.organisation_id for i in invitations])


def _waiting(consultation: Consultation) -> list[ConsultationInvitation]:
    """Invitations of organisations that have not submitted anything."""
    submitted = submitted_organisations(consultation)
    return list(
        db.session.scalars(
            sa.select(ConsultationInvitation)
            .where(
                ConsultationInvitation.consultation_id == consultation.id,
                ConsultationInvitation.organisation_id.not_in(submitted),
            )
            .options(so.joinedload(ConsultationInvitation.organisation))
        )
    )


def send_reminders(actor: User, consultation: Consultation, ip: str | None = None) -> int:
    """Email every member of the invited organisations that have not submitted."""
    access.require(actor, "feedback.follow")
    if consultation.phase() != "open":
        raise DomainError(_l("Reminders are only sent while the consultation is open."))
    waiting = _waiting(consultation)
    messages = _remind(consultation, waiting)
    now = utcnow()
    for invitation in waiting:
        invitation.last_reminded_at = now
    audit.record(
        actor,
        "consultation.reminded",
        consultation,
        ip=ip,
        organisations=[i.organisation_id for i in waiting],
    )
    db.session.commit()
    outbox.relay(*messages)
    return len(waiting)
