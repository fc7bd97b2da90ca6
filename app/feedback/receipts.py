"""An organisation's submission as a PDF, for its members and for those who read submissions."""

from io import BytesIO

from flask import send_file
from flask_babel import get_locale
from flask_login import current_user, login_required

from app.feedback import bp
from app.services.consultations import lifecycle as consultations
from app.services.feedback import moderation, submissions
from app.services.reports import receipt
from app.utils import client_ip


@bp.get("/consultations/<slug>/submissions/<int:submission_id>/receipt.pdf")
@login_required
def receipt_pdf(slug: str, submission_id: int):
    consultation = consultations.get_by_slug(slug)
    submission = submissions.get_for_reader(
        current_user, consultation, submission_id, ip=client_ip()
    )
    language = str(get_locale())
    return send_file(
        BytesIO(
            receipt.write_pdf(
                submission, language, hidden=moderation.hidden_from(current_user, submission)
            )
        ),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"{slug}-submission-{submission.id}-{language}.pdf",
    )
