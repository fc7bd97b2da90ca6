"""My data: everything the platform holds about the signed-in person, as one JSON document."""

from datetime import datetime

import sqlalchemy as sa

from app.extensions import db
from app.models import ApiToken, AuditEvent, Submission, SubmissionRevision, User
from app.models.common import utcnow
from app.services.accounts import audit


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def collect(user: User, ip: str | None = None) -> dict:
    """The person's account, organisation, edits, submissions sent, tokens and audit lines."""
    organisation = user.organisation
    revisions = db.session.scalars(
        sa.select(SubmissionRevision)
        .where(SubmissionRevision.actor_id == user.id)
        .order_by(SubmissionRevision.id)
    )
    sent = db.session.scalars(
        sa.select(Submission).where(Submission.submitted_by_id == user.id).order_by(Submission.id)
    )
    tokens = db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)
    )
    lines = db.session.scalars(
        sa.select(AuditEvent)
        .where(
            sa.or_(
                AuditEvent.actor_id == user.id,
                sa.and_(AuditEvent.object_type == "user", AuditEvent.object_id == user.id),
            )
        )
        .order_by(AuditEvent.id)
    )
    document = {
        "generated_at": _when(utcnow()),
        "account": {
            "name": user.name,
            "email": user.email,
            "role": user.role,
            "language": user.locale,
            "time_zone": user.timezone,
            "created_at": _when(user.created_at),
            "last_sign_in_at": _when(user.last_login_at),
            "second_factor": user.totp_enabled_at is not None,
            "privacy_notice_version": user.privacy_version,
            "privacy_notice_accepted_at": _when(user.privacy_accepted_at),
            "erasure_requested_at": _when(user.erasure_requested_at),
        },
        "organisation": (
            {
                "name": organisation.name,
                "kind": organisation.kind,
                "region": organisation.region,
                "country": organisation.country,
            }
            if organisation
            else None
        ),
        "edits": [
            {
                "consultation": r.submission.consultation.slug,
                "action": r.action,
                "at": _when(r.at),
                "changes": r.changes,
            }
            for r in revisions
        ],
        "submissions_sent": [
            {
                "consultation": s.consultation.slug,
                "status": s.status,
                "submitted_at": _when(s.submitted_at),
                "general_comment": s.general_comment,
                "paragraphs": [
                    {
                        "paragraph": i.paragraph.number,
                        "stance": i.stance,
                        "comment": i.comment,
                        "amendment": i.amendment,
                    }
                    for i in s.items
                ],
                "answers": [{"question": a.question.position, "value": a.value} for a in s.answers],
            }
            for s in sent
        ],
        "api_tokens": [
            {
                "name": t.name,
                "created_at": _when(t.created_at),
                "expires_at": _when(t.expires_at),
                "last_used_at": _when(t.last_used_at),
                "revoked_at": _when(t.revoked_at),
            }
            for t in tokens
        ],
        "audit_lines": [
            {
                "at": _when(e.at),
                "action": e.action,
                "object": f"{e.object_type} {e.object_id or ''}".strip(),
                "details": e.details,
                "ip": e.ip,
            }
            for e in lines
        ],
    }
    audit.record(user, "user.data_downloaded", user, ip=ip)
    db.session.commit()
    return document
