"""An attached file's text counts in the synthesis as its organisation's general comment,
marked as coming from the file, with a link to it in the quote."""

import sqlalchemy as sa

from app.models import Attachment, Submission, User
from app.services.feedback import attachments, submissions
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


def test_a_paper_attached_to_a_draft_stays_out_of_the_synthesis(client, users, db):
    consultation = answered_consultation(db)
    member = db.session.scalar(sa.select(User).where(User.email == "m1@org.example.org"))
    attachments.attach(member, consultation, "draft.docx", files.docx_file())
    synthesis = computed_synthesis(db, users["staff"], consultation)
    assert schema.result_of(synthesis).general_comments == []
