"""My data: everything the platform holds about a person, as one JSON-ready document.

A worker writes it, with a readable PDF of the same, as an export job of the person's own
(`app.services.exports.my_data`); asking for it and downloading it are audited there.
"""

from datetime import datetime

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    ApiToken,
    Attachment,
    AuditEvent,
    NotificationPreference,
    Paragraph,
    Question,
    Submission,
    SubmissionRevision,
    User,
)
from app.models.common import utcnow


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _parts(revisions: list[SubmissionRevision]) -> dict[str, dict]:
    """Each key of the revisions' changes ("p:<id>", "q:<id>") as a person reads it."""
    ids: dict[str, set[int]] = {"p": set(), "q": set()}
    for revision in revisions:
        for key in revision.changes or {}:
            kind, _sep, number = key.partition(":")
            if kind in ids and number.isdigit():
                ids[kind].add(int(number))
    parts: dict[str, dict] = {"general": {"general_comment": True}}
    for paragraph in db.session.scalars(sa.select(Paragraph).where(Paragraph.id.in_(ids["p"]))):
        parts[f"p:{paragraph.id}"] = {"paragraph": paragraph.number}
    for question in db.session.scalars(sa.select(Question).where(Question.id.in_(ids["q"]))):
        parts[f"q:{question.id}"] = {"question": question.position + 1}
    return parts


def collect(user: User) -> dict:
    """The person's account, organisation, edits, submissions sent, tokens and audit lines
    (the caller decided the reader is this person)."""
    organisation = user.organisation
    revisions = db.session.scalars(
        sa.select(SubmissionRevision)
        .where(SubmissionRevision.actor_id == user.id)
        .order_by(SubmissionRevision.id)
    ).all()
    parts = _parts(revisions)
    sent = db.session.scalars(
        sa.select(Submission).where(Submission.submitted_by_id == user.id).order_by(Submission.id)
    )
    attached = db.session.scalars(
        sa.select(Attachment).where(Attachment.uploaded_by_id == user.id).order_by(Attachment.id)
    )
    # Only the choices the person made: a kind never chosen follows its default.
    choices = db.session.scalars(
        sa.select(NotificationPreference)
        .where(NotificationPreference.user_id == user.id)
        .order_by(NotificationPreference.kind)
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
                "changed": [parts.get(key, {"key": key}) for key in r.changes or {}],
                "changes": r.changes,
            }
            for r in revisions
        ],
        "submissions_sent": [
            {
                "consultation": s.consultation.slug,
                "consultation_title": s.consultation.title,
                "status": s.status,
                "submitted_at": _when(s.submitted_at),
                "general_comment": s.general_comment,
                "general_comment_language": s.general_language,
                "paragraphs": [
                    {
                        "paragraph": i.paragraph.number,
                        "stance": i.stance,
                        "comment": i.comment,
                        "language": i.language,
                        "amendment": i.amendment,
                    }
                    for i in s.items
                ],
                "answers": [
                    {
                        "question": a.question.position + 1,
                        "prompt": a.question.prompt,
                        "value": a.value,
                    }
                    for a in s.answers
                ],
            }
            for s in sent
        ],
        "files_attached": [
            {
                "consultation": a.submission.consultation.slug,
                "filename": a.filename,
                "kind": a.kind,
                "size": a.size,
                "sha256": a.sha256,
                "uploaded_at": _when(a.uploaded_at),
            }
            for a in attached
        ],
        "email_choices": {c.kind: c.delivery for c in choices},
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
    return document
