"""Erasing an organisation once every consultation it took part in is archived.

Its members are erased as a person is; its name gives way to a pseudonym and its country is
forgotten (kind and region stay: the participation figures count them). The row stays, so
its submissions stay, attributed to the pseudonym: pages, exports, the API and reports read
the name from the row, and the syntheses already computed have it replaced where they
stored it. Export files of those consultations written before are deleted.
"""

import secrets
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models import (
    Attachment,
    Consultation,
    ConsultationInvitation,
    ExportJob,
    Organisation,
    Submission,
    Synthesis,
    SynthesisPart,
    User,
)
from app.models.common import utcnow
from app.services.accounts import access, audit, erasure
from app.services.errors import Conflict, NotFound
from app.services.exports import jobs
from app.services.ids import is_valid_id


def pseudonym() -> str:
    """A name that says nothing about the organisation and reads the same in every language."""
    return f"O-{secrets.token_hex(4).upper()}"


def organisation(admin: User | None, organisation_id: int) -> Organisation:
    """The organisation an administrator is about to erase."""
    access.require(admin, "organisation.erase")
    found = db.session.get(Organisation, organisation_id) if is_valid_id(organisation_id) else None
    if found is None:
        raise NotFound(_l("This organisation does not exist."))
    return found


def _consultations_of(item: Organisation) -> list[Consultation]:
    """The consultations the organisation was invited to or answered, by title."""
    invited = sa.select(ConsultationInvitation.consultation_id).where(
        ConsultationInvitation.organisation_id == item.id
    )
    answered = sa.select(Submission.consultation_id).where(Submission.organisation_id == item.id)
    return list(
        db.session.scalars(
            sa.select(Consultation)
            .where(sa.or_(Consultation.id.in_(invited), Consultation.id.in_(answered)))
            .order_by(Consultation.id)
        )
    )


def not_archived(admin: User | None, item: Organisation) -> list[Consultation]:
    """What stands in the way of erasing the organisation: its consultations not archived."""
    access.require(admin, "organisation.erase")
    return [c for c in _consultations_of(item) if c.status != "archived"]


def erase(admin: User, organisation_id: int, ip: str | None = None) -> Organisation:
    """Erase an organisation and its members; refused while a consultation of it is not archived."""
    item = organisation(admin, organisation_id)
    if item.erased_at is not None:
        raise Conflict(_l("This organisation is already erased."))
    waiting = not_archived(admin, item)
    if waiting:
        raise Conflict(
            _l(
                "Archive every consultation this organisation took part in first. Not archived"
                " yet: %(titles)s.",
                titles=", ".join(c.slug for c in waiting),
            )
        )
    former, name = item.name, pseudonym()
    members = db.session.scalars(item.members.select().where(User.erased_at.is_(None))).all()
    for member in members:  # each reads as erased in their own lines of the trail too
        revoked, exports = erasure.pseudonymise(member)
        audit.record(
            admin, "user.erased", member, ip,
            tokens_revoked=revoked, exports=exports, organisation=item.id,
        )  # fmt: skip
    item.name, item.country, item.verified, item.erased_at = name, "", False, utcnow()
    consultation_ids = [c.id for c in _consultations_of(item)]
    replaced = _rename_in_syntheses(consultation_ids, former, name)
    _rename_attachments(item, name)
    exports = _delete_exports(consultation_ids)
    audit.record(
        admin, "organisation.erased", item, ip,
        members=len(members), syntheses=replaced, exports=exports,
    )  # fmt: skip
    db.session.commit()
    return item


def _renamed(value: Any, former: str, name: str) -> Any:
    """`value` with every string equal to the former name replaced by the pseudonym."""
    if isinstance(value, str):
        return name if value == former else value
    if isinstance(value, dict):
        return {key: _renamed(item, former, name) for key, item in value.items()}
    if isinstance(value, list):
        return [_renamed(item, former, name) for item in value]
    return value


def _rename_in_syntheses(consultation_ids: list[int], former: str, name: str) -> int:
    """Syntheses store the names they counted and quoted: those become the pseudonym."""
    changed = 0
    syntheses = db.session.scalars(
        sa.select(Synthesis).where(Synthesis.consultation_id.in_(consultation_ids))
    ).all()
    parts = db.session.scalars(
        sa.select(SynthesisPart).where(SynthesisPart.synthesis_id.in_([s.id for s in syntheses]))
    ).all()
    for row in [*syntheses, *parts]:
        if row.result is None:
            continue
        result = _renamed(row.result, former, name)
        if result != row.result:
            row.result, changed = result, changed + 1
    return changed


def _rename_attachments(item: Organisation, name: str) -> None:
    """Files' names often carry the organisation's ("UNICEF position paper.pdf"): each file
    is named after the pseudonym instead. Their content, like any text people wrote, stays."""
    files = db.session.scalars(
        sa.select(Attachment)
        .join(Submission, Attachment.submission_id == Submission.id)
        .where(Submission.organisation_id == item.id)
        .order_by(Attachment.id)
    )
    for number, attachment in enumerate(files, start=1):
        attachment.filename = f"{name}-{number}.{attachment.kind}"


def _delete_exports(consultation_ids: list[int]) -> int:
    """Files of those consultations written before hold the name: deleted, whoever asked;
    jobs still waiting for a worker will not write theirs."""
    folder = jobs.export_folder()
    written = db.session.scalars(
        sa.select(ExportJob).where(
            ExportJob.consultation_id.in_(consultation_ids),
            ExportJob.status.in_(("done", "queued")),
        )
    ).all()
    for job in written:
        (folder / job.stored_as).unlink(missing_ok=True)
        job.status = "expired"
    return len(written)
