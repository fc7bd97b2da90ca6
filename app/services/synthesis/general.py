"""The organisations' general comments in a synthesis: typed ones, and the text of the files
they attached, each counted as that organisation's general comment and quoted with a link."""

import re

import sqlalchemy as sa

from app.extensions import db
from app.models import Submission
from app.services.feedback import moderation
from app.services.feedback.attachments import texts_for_synthesis
from app.services.synthesis import schema
from app.services.synthesis.vectors import among

# A quote is the opening of the text, cut at a sentence (or a word) near this length.
QUOTE_LENGTH = 600
SENTENCE_END = re.compile(r"[.!?…](?=\s)")


def excerpt(text: str, length: int = QUOTE_LENGTH) -> str:
    """The opening of `text`: whole paragraphs while they fit, else cut after a sentence."""
    text = text.strip()
    if len(text) <= length:
        return text
    head = text[:length]
    ends = [m.end() for m in SENTENCE_END.finditer(head)]
    cut = ends[-1] if ends and ends[-1] > length // 3 else head.rfind(" ")
    return head[: cut if cut > 0 else length].rstrip() + " …"


def general_comments(
    submission_ids: list[int], organisation_of: dict
) -> list[schema.GeneralComment]:
    """Every general comment the synthesis reads, organisation by organisation: the typed one
    (unless moderation hid it), then each attached file with text."""
    typed = db.session.execute(
        sa.select(Submission.id, Submission.general_comment, Submission.general_language)
        .where(
            among(Submission.id, submission_ids),
            sa.func.trim(Submission.general_comment) != "",
            Submission.id.not_in(moderation.hidden_targets("general")),
        )
        .order_by(Submission.id)
    ).all()
    entries = [
        schema.GeneralComment(
            submission_id=row.id,
            organisation=organisation_of[row.id].name,
            text=excerpt(row.general_comment),
            language=row.general_language,
            characters=len(row.general_comment),
        )
        for row in typed
    ]
    entries += [
        schema.GeneralComment(
            submission_id=file.submission_id,
            organisation=organisation_of[file.submission_id].name,
            text=excerpt(file.text),
            language=file.language,
            attachment_id=file.id,
            filename=file.filename,
            characters=len(file.text),
        )
        for file in texts_for_synthesis(submission_ids)
    ]
    return sorted(entries, key=lambda e: (e.organisation.casefold(), e.attachment_id or 0))
