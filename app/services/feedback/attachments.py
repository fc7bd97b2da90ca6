"""Files attached to a submission: receiving them, removing them, handing them out, their text.

A partner attaches files while the consultation is open; adding one is a change like any
other, so a submitted submission becomes a draft again and must be sent again. A file can be
removed until the submission is sent (or once a change has re-opened it). Staff recording
feedback received by letter attach the organisation's files on its submission. Every file is
checked by its content (`attachment_checks`), kept under a random key, and handed only to
those who may read the submission. A worker then takes its text out for the synthesis.
"""

import hashlib
import logging
import re
import secrets
import unicodedata
from collections.abc import Iterator

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models import Attachment, Consultation, OutboxMessage, Submission, User
from app.models.attachment import ATTACHMENT_KINDS
from app.models.common import utcnow
from app.services import language
from app.services.accounts import access, audit
from app.services.errors import Conflict, NotFound, Unavailable
from app.services.feedback import attachment_text
from app.services.feedback.attachment_checks import AttachmentRefused, sniff
from app.services.feedback.editing import add_revision, require_open_for, start_submission
from app.services.feedback.editing import submission_of as _submission_of
from app.services.ids import is_valid_id
from app.services.mail import outbox
from app.services.storage import StorageUnavailable, StoredFileMissing, storage

log = logging.getLogger(__name__)

EXTRACT_TASK = "app.tasks.attachments.extract_text"
UNSAFE_IN_NAMES = re.compile(r"[\x00-\x1f\x7f-\x9f/\\:*?\"<>|\u2028\u2029]+")
# Direction marks and overrides: "invoice" + U+202E + "gnp.exe" + ".pdf" reads "invoicefdp.exe.png".
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

__all__ = ["AttachmentRefused", "attach", "attach_as_staff", "open_for_download", "remove"]


def max_files() -> int:
    return int(current_app.config["ATTACHMENT_MAX_FILES"])


def max_bytes() -> int:
    return int(current_app.config["ATTACHMENT_MAX_BYTES"])


def display_name(filename: str, kind: str) -> str:
    """The name shown and given on download: the sender's, without any path or control
    character, ending in the extension of what the file really is."""
    name = unicodedata.normalize("NFC", filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = UNSAFE_IN_NAMES.sub(" ", BIDI_CONTROLS.sub("", name)).strip(" .")
    if "." in stem:
        stem = stem.rsplit(".", 1)[0].strip(" .")
    return f"{(stem or 'document')[:120]}{ATTACHMENT_KINDS[kind][1]}"


def attach(
    user: User, consultation: Consultation, filename: str, data: bytes, ip: str | None = None
) -> Attachment:
    """A partner attaches a file to their organisation's submission (created if need be)."""
    require_open_for(user, consultation)
    submission = _submission_of(consultation, user.organisation_id)
    if submission is None:
        start_submission(user, consultation)
        submission = _submission_of(consultation, user.organisation_id)
    return _add(user, submission, filename, data, reopen=True, ip=ip)


def attach_as_staff(
    user: User,
    consultation: Consultation,
    submission_id: int,
    filename: str,
    data: bytes,
    ip: str | None = None,
) -> Attachment:
    """Staff attach a file an organisation sent outside the platform to its submission."""
    submission = db.session.get(Submission, submission_id) if is_valid_id(submission_id) else None
    if submission is None or submission.consultation_id != consultation.id:
        raise NotFound(_l("This submission does not exist."))
    access.require(user, "attachment.import", submission)
    return _add(user, submission, filename, data, reopen=False, ip=ip)


def _add(
    user: User, submission: Submission, filename: str, data: bytes, reopen: bool, ip: str | None
) -> Attachment:
    if len(submission.attachments) >= max_files():
        raise AttachmentRefused(
            _l("A submission can carry at most %(count)d files.", count=max_files())
        )
    if len(data) > max_bytes():
        raise AttachmentRefused(_too_large())
    kind = sniff(data).kind
    attachment = Attachment(
        submission_id=submission.id,
        storage_key=secrets.token_hex(16),
        filename=display_name(filename, kind),
        kind=kind,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by_id=user.id,
    )
    try:
        storage().put(attachment.storage_key, data, attachment.content_type)
    except Exception as error:  # noqa: BLE001 - a disk or bucket that fails must not be a 500
        log.error("attachment not stored: %r", error)
        raise AttachmentRefused(
            _l("The file could not be stored just now. Please try again in a moment.")
        ) from None
    try:
        _record_change(user, submission, {"added": [None, attachment.filename]}, reopen)
        db.session.add(attachment)
        db.session.flush()
        audit.record(user, "attachment.uploaded", attachment, ip=ip, file=attachment.filename)
        message = outbox.enqueue(EXTRACT_TASK, attachment_id=attachment.id)
        db.session.commit()
    except BaseException as error:
        db.session.rollback()
        storage().delete(attachment.storage_key)  # nothing refers to it: leave no orphan
        if isinstance(error, StaleDataError):
            raise Conflict(
                _l("Others are saving this submission right now. Please try again.")
            ) from None
        raise
    outbox.relay(message)
    return attachment


def _too_large() -> str:
    return _l(
        "This file is larger than %(size)d MB. Send a smaller file (a PDF without "
        "high-resolution pictures is usually much smaller).",
        size=max_bytes() // (1024 * 1024),
    )


def too_large_message() -> str:
    """What a sender reads when the request itself was too large to be received."""
    return _too_large()


def _record_change(user: User, submission: Submission, change: dict, reopen: bool) -> None:
    """A file added or removed is a change of the submission: the version moves on (so a
    colleague's open form knows), the history says so, and a sent submission is a draft again."""
    now = utcnow()
    submission.updated_at = now
    submission.updated_by_id = user.id
    if reopen and submission.status in {"submitted", "withdrawn"}:
        submission.status = "draft"
    db.session.flush()  # takes the next lock version, or StaleDataError in a race
    add_revision(submission, submission.lock_version, "saved", user, now, {"file": change})


def remove(
    user: User, consultation: Consultation, attachment_id: int, ip: str | None = None
) -> Attachment:
    """A partner removes one of their organisation's files before the submission is sent."""
    require_open_for(user, consultation)
    attachment = _own(user, consultation, attachment_id)
    if attachment.submission.status == "submitted":
        raise Conflict(
            _l(
                "The submission has been sent with this file. Withdraw it, or change it, "
                "to remove the file; then send it again."
            )
        )
    return _delete(user, attachment, reopen=True, ip=ip)


def remove_as_staff(
    user: User,
    consultation: Consultation,
    submission_id: int,
    attachment_id: int,
    ip: str | None = None,
) -> Attachment:
    """Staff remove a file they (or anyone) attached to this submission of this consultation."""
    attachment = _get(attachment_id)
    access.require(user, "attachment.import", attachment.submission)
    # The address names the submission: a file of another one is not removed from this page.
    if (
        attachment.submission_id != submission_id
        or attachment.submission.consultation_id != consultation.id
    ):
        raise NotFound(_l("This file does not exist."))
    return _delete(user, attachment, reopen=False, ip=ip)


def _delete(user: User, attachment: Attachment, reopen: bool, ip: str | None) -> Attachment:
    try:
        _record_change(
            user, attachment.submission, {"removed": [attachment.filename, None]}, reopen
        )
        audit.record(user, "attachment.deleted", attachment, ip=ip, file=attachment.filename)
        db.session.delete(attachment)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(
            _l("Others are saving this submission right now. Please try again.")
        ) from None
    try:
        storage().delete(attachment.storage_key)
    except Exception:  # noqa: BLE001 - the record is gone; a stray object is only space
        log.warning("attachment %s left in storage", attachment.storage_key, exc_info=True)
    return attachment


def _get(attachment_id: int) -> Attachment:
    found = db.session.get(Attachment, attachment_id) if is_valid_id(attachment_id) else None
    if found is None:
        raise NotFound(_l("This file does not exist."))
    return found


def _own(user: User, consultation: Consultation, attachment_id: int) -> Attachment:
    """One of the user's organisation's files on this consultation; 404 for any other."""
    attachment = _get(attachment_id)
    submission = attachment.submission
    if (
        submission.consultation_id != consultation.id
        or submission.organisation_id != user.organisation_id
    ):
        raise NotFound(_l("This file does not exist."))
    return attachment


def open_for_download(
    user: User, attachment_id: int, ip: str | None = None
) -> tuple[Attachment, Iterator[bytes]]:
    """A file and its bytes, for whoever may read its submission (404 for anyone else: an
    id reveals nothing); each download is audited."""
    attachment = _get(attachment_id)
    if not access.can(user, "attachment.read", attachment):
        raise NotFound(_l("This file does not exist."))
    try:
        chunks = storage().stream(attachment.storage_key)
    except StoredFileMissing:
        log.error("attachment %s is missing from storage", attachment.id)
        raise NotFound(_l("This file is no longer available.")) from None
    except StorageUnavailable as error:
        log.error("attachment %s not fetched: %s", attachment.id, error)
        raise Unavailable(
            _l("This file cannot be fetched just now. Please try again in a moment.")
        ) from None
    audit.record(user, "attachment.downloaded", attachment, ip=ip, file=attachment.filename)
    db.session.commit()
    return attachment, chunks


def extract_text(outbox_id: int) -> None:
    """The outbox task: take the text out of one attached file, then mark the message done."""
    message = db.session.get(OutboxMessage, outbox_id)
    if message is None or message.done_at is not None:
        return
    attachment = db.session.get(Attachment, message.payload.get("attachment_id"))
    if attachment is not None:
        try:
            text = attachment_text.extract(attachment.kind, storage().get(attachment.storage_key))
        except StoredFileMissing:
            text, attachment.text_status = "", "failed"
        except StorageUnavailable:
            raise  # the file is there but out of reach: the task tries again later
        except Exception:  # noqa: BLE001 - a file that passed the checks but breaks a reader
            log.warning("no text from attachment %s", attachment.id, exc_info=True)
            text, attachment.text_status = "", "failed"
        else:
            attachment.text_status = "done" if text else "empty"
        attachment.text = text
        attachment.language = language.detect(text[:5000]) if text else None
        attachment.extracted_at = utcnow()
    outbox.mark_done(message)  # commits the text too


def texts_for_synthesis(submission_ids: list[int]) -> list[Attachment]:
    """The files with text of the submissions a synthesis reads, in a stable order."""
    if not submission_ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Attachment)
            .where(Attachment.submission_id.in_(submission_ids), Attachment.text != "")
            .order_by(Attachment.submission_id, Attachment.id)
        )
    )
