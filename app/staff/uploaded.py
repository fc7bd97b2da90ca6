"""Reading a draft file from a staff form, whether just uploaded or kept from the preview."""

from flask import current_app, session

from app.lazy_text import lazy_gettext as _l
from app.services.drafts import uploads
from app.services.drafts.importer import ImportFormatError, ParsedDraft, parse_file

SESSION_KEY = "draft_uploads"


def read_draft(file_field, token_field=None) -> tuple[ParsedDraft, str | None]:
    """Parse the file of the form, or the one kept under its token; returns (draft, token)."""
    upload = file_field.data
    if upload and getattr(upload, "filename", ""):
        data = upload.read(current_app.config["UPLOAD_MAX_BYTES"] + 1)
        if len(data) > current_app.config["UPLOAD_MAX_BYTES"]:
            raise ImportFormatError(_l("The file is too large (10 MB at most)."))
        draft = parse_file(upload.filename, data)
        token = uploads.stash(data)
        session[SESSION_KEY] = {**session.get(SESSION_KEY, {}), token: upload.filename}
        return draft, token
    token = token_field.data if token_field is not None else None
    filename = session.get(SESSION_KEY, {}).get(token or "")
    data = uploads.load(token) if filename else None
    if data is None:
        raise ImportFormatError(_l("Choose a file to import."))
    return parse_file(filename, data), token


def forget(token: str | None) -> None:
    if token:
        uploads.discard(token)
        kept = dict(session.get(SESSION_KEY, {}))
        kept.pop(token, None)
        session[SESSION_KEY] = kept
