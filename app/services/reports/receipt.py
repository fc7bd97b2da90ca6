"""An organisation's submission printed as a PDF: what it sent, when and by whom."""

from pathlib import Path
from typing import IO

from flask_babel import force_locale

from app.models import Submission
from app.services.feedback.submissions import outline, receipt_number
from app.services.reports.pdf import render_pdf


def write_pdf(
    submission: Submission, language: str, target: str | Path | IO[bytes] | None = None
) -> bytes | None:
    """The submission as a tagged PDF in `language`: bytes, or written to `target`."""
    consultation = submission.consultation
    with force_locale(language):
        return render_pdf(
            "reports/receipt.html",
            target,
            language=language,
            consultation=consultation,
            submission=submission,
            receipt_number=receipt_number(submission),
            sections=outline(consultation, submission),
        )
