"""An attached file's text counts in the synthesis as its organisation's general comment,
marked as coming from the file, with a link to it in the quote."""

import io

import docx
import sqlalchemy as sa
from pypdf import PdfReader

from app.models import Attachment, Submission, User
from app.services.feedback import attachments, submissions
from app.services.reports import synthesis as reports
from app.services.synthesis import schema
from tests import attachment_files as files
from tests.factories import answered_consultation, computed_synthesis


def test_the_text_of_an_attached_paper_is_quoted_in_the_synthesis_with_a_link(
    client, auth, users, db
):
    consultation = answered_consultation(db)
    member = db.session.scalar(sa.select(User).where(User.email == "m0@org.example.org"))
    attached = attachments.attach(member, consultation, "position paper.pdf", files.pdf())
    submission = db.session.scalar(
        sa.select(Submission).where(Submission.organisation_id == member.organisation_id)
    )
    db.session.refresh(submission)
    assert submission.status == "draft"  # attaching re-opened it: it is sent again
    submissions.submit(member, consultation, submission.lock_version)
    attachment = db.session.get(Attachment, attached.id)
    assert attachment.text_status == "done" and attachment.language == "en"

    synthesis = computed_synthesis(db, users["staff"], consultation)
    result = schema.result_of(synthesis)
    [entry] = result.general_comments
    assert entry.organisation == "Org 0"
    assert entry.attachment_id == attachment.id and entry.filename == "position paper.pdf"
    assert entry.text.startswith("Position paper of the organisation.")
    assert schema.as_json(synthesis)["general_comments"][0]["attachment_id"] == attachment.id

    auth.login("staff@example.org")
    page = client.get(f"/council/{consultation.slug}/syntheses/{synthesis.number}/themes")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "General comments and attached documents" in html
    assert "From an attached file" in html
    assert "Cities must guarantee access to culture for every" in html
    assert f'href="/attachments/{attachment.id}"' in html
    assert "Download the file position paper.pdf" in html
    assert client.get(f"/attachments/{attachment.id}").data == files.pdf()

    # The reports say the same: the quote, the file it comes from and where to download it.
    link = f"http://127.0.0.1:5000/attachments/{attachment.id}"
    pdf, word = io.BytesIO(), io.BytesIO()
    reports.write_pdf(synthesis, "en", pdf, reader=users["staff"])
    reports.write_docx(synthesis, "en", word, reader=users["staff"])
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert "General comments and attached documents" in text
    assert "From the attached file position paper.pdf" in text
    assert "Cities must guarantee access to culture" in text and link in text
    paragraphs = [p.text for p in docx.Document(io.BytesIO(word.getvalue())).paragraphs]
    assert "From the attached file position paper.pdf" in paragraphs
    assert any(p.startswith("Position paper of the organisation.") for p in paragraphs)
    assert any(link in p for p in paragraphs)


def test_a_paper_attached_to_a_draft_stays_out_of_the_synthesis(client, users, db):
    consultation = answered_consultation(db)
    member = db.session.scalar(sa.select(User).where(User.email == "m1@org.example.org"))
    attachments.attach(member, consultation, "draft.docx", files.docx_file())
    synthesis = computed_synthesis(db, users["staff"], consultation)
    assert schema.result_of(synthesis).general_comments == []
