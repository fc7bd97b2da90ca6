"""Receiving attached files from a form post: the partner's page and the staff's share it.

The site refuses request bodies past MAX_CONTENT_LENGTH before any view runs, so these posts
are exempt from the global CSRF check (which would read the body first) and check the token
themselves after raising the limit for this one request to what the files may weigh.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app, flash, jsonify, request
from flask_babel import ngettext
from werkzeug.exceptions import RequestEntityTooLarge

from app.forms import BaseForm
from app.lazy_text import lazy_gettext as _l
from app.services.errors import DomainError
from app.services.feedback import attachments

# Room for the form's other fields and the multipart framing around the files.
FRAMING = 1024 * 1024


class AttachmentForm(BaseForm):
    """CSRF only: the files are read from the request by name (`files`)."""


@dataclass
class Received:
    """What came of one post: the files kept, and each file refused with its reason."""

    accepted: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    problem: str | None = None  # the post as a whole could not be read


def receive(store: Callable[[str, bytes], object]) -> Received:
    """Read the posted files and hand each to `store(name, bytes)`; refusals keep their reason."""
    config = current_app.config
    request.max_content_length = (
        config["ATTACHMENT_MAX_BYTES"] * config["ATTACHMENT_MAX_FILES"] + FRAMING
    )
    received = Received()
    try:
        form = AttachmentForm()
        if not form.validate_on_submit():
            received.problem = str(_l("The form had expired. Please choose the files again."))
            return received
        uploads = [f for f in request.files.getlist("files") if f and f.filename]
    except RequestEntityTooLarge:
        received.problem = str(attachments.too_large_message())
        return received
    if not uploads:
        received.problem = str(_l("Choose a file to attach."))
    for upload in uploads:
        name = upload.filename or ""
        data = upload.read(config["ATTACHMENT_MAX_BYTES"] + 1)
        try:
            kept = store(name, data)
        except DomainError as error:
            received.refused.append((name, str(error.message)))
        else:
            received.accepted.append(getattr(kept, "filename", name))
    return received


def wants_json() -> bool:
    """The page's script sends each file on its own and asks for JSON; the plain form, HTML."""
    return request.accept_mimetypes.best == "application/json"


def flash_accepted(received: Received) -> None:
    """Say which files were kept (shown on the page the browser goes to next)."""
    if received.accepted:
        flash(
            ngettext("File attached: %(names)s.", "Files attached: %(names)s.",
                     len(received.accepted), names=", ".join(received.accepted)),
            "success",
        )  # fmt: skip


def json_answer(received: Received):
    """The script's answer: what was kept, what was refused and why."""
    failed = bool(received.refused or received.problem)
    return jsonify(
        status="refused" if failed else "saved",
        accepted=received.accepted,
        refused=[{"name": n, "reason": r} for n, r in received.refused],
        message=received.problem or "",
    ), (422 if failed else 200)
