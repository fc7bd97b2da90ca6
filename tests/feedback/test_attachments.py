"""Partners attach files to their submission through the page; files are checked by content,
refused with the reason, served only to readers of the submission, and read into the synthesis."""

import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.models import Attachment, AuditEvent, Organisation, Submission
from app.services.accounts.audit_labels import ACTION_LABELS
from tests import attachment_files as files
from tests.conftest import make_user
from tests.helpers import make_consultation


@pytest.fixture
def consultation(db, organisation, invite):
    consultation = make_consultation()
    invite(consultation)
    return consultation


def upload(client, consultation, *named: tuple[str, bytes], json: bool = False):
    headers = {"Accept": "application/json"} if json else {}
    return client.post(
        f"/consultations/{consultation.slug}/respond/files",
        data={"files": [(io.BytesIO(data), name) for name, data in named]},
        content_type="multipart/form-data",
        headers=headers,
    )


def stored_files(app) -> list[Path]:
    root = Path(app.config["INSTANCE_DIR"]) / "attachments"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_partner_attaches_a_pdf_and_a_docx_and_downloads_them(
    client, auth, users, consultation, db, app
):
    auth.login("partner@unicef.example.org")
    response = upload(
        client, consultation, ("position paper.pdf", files.pdf()), ("annex.docx", files.docx_file())
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Files attached: position paper.pdf, annex.docx." in page
    assert "text read for the synthesis" in page  # the worker already read them (eager tasks)
    attached = db.session.scalars(sa.select(Attachment).order_by(Attachment.id)).all()
    assert [(a.filename, a.kind) for a in attached] == [
        ("position paper.pdf", "pdf"),
        ("annex.docx", "docx"),
    ]
    assert "every child" in attached[0].text and "every child" in attached[1].text
    # Stored under random names: nothing the sender typed is on the disk.
    on_disk = stored_files(app)
    assert len(on_disk) == 2 and all("paper" not in p.name for p in on_disk)

    download = client.get(f"/attachments/{attached[0].id}")
    assert download.status_code == 200
    assert download.data == files.pdf()
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "position%20paper.pdf" in download.headers["Content-Disposition"]
    assert download.headers["Cache-Control"] == "no-store"
    assert download.headers["X-Content-Type-Options"] == "nosniff"

    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert actions.count("attachment.uploaded") == 2
    assert "attachment.downloaded" in actions
    assert {"attachment.uploaded", "attachment.downloaded", "attachment.deleted"} <= set(
        ACTION_LABELS
    )


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("paper.pdf", files.plain_zip(), "is a compressed archive (zip), not a PDF, DOCX or ODT"),
        ("paper.pdf", files.EXE, "This file is a program, not a PDF, DOCX or ODT document."),
        ("tool.docx", files.EXE, "This file is a program"),
        ("script.pdf", files.pdf_with_javascript(), "This PDF contains JavaScript"),
        ("hidden.pdf", files.pdf_with_hidden_javascript(), "This PDF contains JavaScript"),
        ("packed.pdf", files.pdf_with_javascript_in_an_object_stream(), "contains JavaScript"),
        ("macros.docx", files.docm_file(), "This Word file contains macros"),
        ("locked.pdf", files.encrypted_pdf(), "This PDF is protected by a password"),
        ("locked.docx", files.OLE, "password-protected Office document"),
        ("basic.odt", files.odt_with_basic(), "contains macros or scripts"),
        ("onload.odt", files.odt_running_a_macro_on_opening(), "contains macros or scripts"),
        ("nested.docx", files.docx_with_an_embedded_workbook_with_macros(), "contains macros"),
        ("empty.pdf", b"", "This file is empty."),
    ],
)
def test_a_file_that_lies_or_carries_code_is_refused_with_the_reason(
    client, auth, users, consultation, db, app, name, data, reason
):
    auth.login("partner@unicef.example.org")
    response = upload(client, consultation, (name, data))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Not attached:" in page
    assert name in page
    assert reason.replace("'", "&#39;") in page
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 0
    assert stored_files(app) == []


def test_a_refused_file_does_not_stop_the_good_one_sent_with_it(
    client, auth, users, consultation, db
):
    auth.login("partner@unicef.example.org")
    response = upload(
        client, consultation, ("virus.pdf", files.EXE), ("note.odt", files.odt_file())
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "virus.pdf" in page and "This file is a program" in page
    assert "File attached: note.odt." in page
    attached = db.session.scalars(sa.select(Attachment)).all()
    assert [a.filename for a in attached] == ["note.odt"]
    assert "bibliothèques" in attached[0].text


def test_the_script_gets_the_reason_as_json(client, auth, users, consultation):
    auth.login("partner@unicef.example.org")
    response = upload(client, consultation, ("paper.pdf", files.plain_zip()), json=True)
    assert response.status_code == 422
    body = response.get_json()
    assert body["status"] == "refused"
    assert body["refused"][0]["name"] == "paper.pdf"
    assert "compressed archive" in body["refused"][0]["reason"]
    response = upload(client, consultation, ("paper.pdf", files.pdf()), json=True)
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "saved",
        "accepted": ["paper.pdf"],
        "refused": [],
        "message": "",
    }


def test_a_paper_about_javascript_is_not_mistaken_for_one_that_runs_it(
    client, auth, users, consultation, db
):
    auth.login("partner@unicef.example.org")
    text = "Our guide names the /JavaScript, /JS and /AA keys of PDF files, and /OpenAction."
    assert upload(client, consultation, ("guide.pdf", files.pdf(text))).status_code == 302
    assert "/JavaScript" in db.session.scalar(sa.select(Attachment)).text


def test_a_file_is_named_by_what_it_is(client, auth, users, consultation, db):
    auth.login("partner@unicef.example.org")
    upload(client, consultation, ("../../etc/Report 2026.pdf", files.docx_file()))
    attachment = db.session.scalar(sa.select(Attachment))
    assert (attachment.kind, attachment.filename) == ("docx", "Report 2026.docx")


def test_at_most_five_files_and_twenty_megabytes(client, auth, users, consultation, db, app):
    auth.login("partner@unicef.example.org")
    for index in range(5):
        assert upload(client, consultation, (f"p{index}.pdf", files.pdf())).status_code == 302
    page = upload(client, consultation, ("sixth.pdf", files.pdf())).get_data(as_text=True)
    assert "A submission can carry at most 5 files." in page
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 5
    app.config["ATTACHMENT_MAX_FILES"] = 6
    app.config["ATTACHMENT_MAX_BYTES"] = 1024 * 1024
    big = files.pdf() + b"\n%" + b"0" * (1024 * 1024)  # a PDF comment after the end
    page = upload(client, consultation, ("big.pdf", big)).get_data(as_text=True)
    assert "This file is larger than 1 MB." in page
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 5


def test_another_organisations_partner_gets_404_and_the_council_reads_it(
    client, auth, users, consultation, db, invite
):
    auth.login("partner@unicef.example.org")
    upload(client, consultation, ("paper.pdf", files.pdf()))
    attachment_id = db.session.scalar(sa.select(Attachment.id))
    auth.logout()
    fao = db.session.scalar(sa.select(Organisation).where(Organisation.name == "FAO"))
    make_user(db, "partner@fao.example.org", "partner", fao)
    auth.login("partner@fao.example.org")
    assert client.get(f"/attachments/{attachment_id}").status_code == 404
    assert client.get("/attachments/999999").status_code == 404
    url = f"/consultations/{consultation.slug}/respond/files/{attachment_id}/delete"
    deleted = client.post(url, data={"confirmed": "yes"})
    assert db.session.get(Attachment, attachment_id) is not None
    assert deleted.status_code in (302, 404)
    auth.logout()
    auth.login("council@example.org")
    assert client.get(f"/attachments/{attachment_id}").status_code == 200
    auth.logout()
    assert client.get(f"/attachments/{attachment_id}").status_code == 302  # to sign in


def test_files_are_removed_until_submitted_and_again_once_a_change_reopens_it(
    client, auth, users, consultation, db, app
):
    auth.login("partner@unicef.example.org")
    upload(client, consultation, ("paper.pdf", files.pdf()))
    submission = db.session.scalar(sa.select(Submission))
    first = db.session.scalar(sa.select(Attachment.id))
    question = consultation.questions[0]
    client.post(
        f"/consultations/{consultation.slug}/respond/questions",
        data={"lock_version": str(submission.lock_version), f"question-{question.id}": "4"},
    )
    db.session.refresh(submission)
    client.post(
        f"/consultations/{consultation.slug}/respond/submit",
        data={"lock_version": str(submission.lock_version)},
    )
    db.session.refresh(submission)
    assert submission.status == "submitted"
    url = f"/consultations/{consultation.slug}/respond/files/{first}/delete"
    page = client.post(url, data={"confirmed": "yes"}, follow_redirects=True).get_data(as_text=True)
    assert "The submission has been sent with this file." in page
    assert db.session.get(Attachment, first) is not None
    # Attaching another file is a change: the submission is a draft to send again.
    upload(client, consultation, ("annex.odt", files.odt_file()))
    db.session.refresh(submission)
    assert submission.status == "draft"
    page = client.get(f"/consultations/{consultation.slug}/respond").get_data(as_text=True)
    assert "the Council has not received the changes" in page
    asked = client.post(url).get_data(as_text=True)
    assert "Remove this file from the submission?" in asked
    page = client.post(url, data={"confirmed": "yes"}, follow_redirects=True).get_data(as_text=True)
    assert "File removed: paper.pdf." in page
    assert db.session.get(Attachment, first) is None
    assert len(stored_files(app)) == 1
    history = client.get(f"/consultations/{consultation.slug}/respond/history").get_data(
        as_text=True
    )
    assert "added annex.odt" in history and "removed paper.pdf" in history
    assert "attachment.deleted" in db.session.scalars(sa.select(AuditEvent.action)).all()


def test_staff_attach_a_file_received_by_email_on_the_submission(
    client, auth, users, consultation, db
):
    from tests.helpers import make_submitted

    fao = db.session.scalar(sa.select(Organisation).where(Organisation.name == "FAO"))
    submission = make_submitted(consultation, fao, [])
    auth.login("staff@example.org")
    page_url = f"/consultations/{consultation.slug}/submissions/{submission.id}"
    assert "Files received from FAO" in client.get(page_url).get_data(as_text=True)
    response = client.post(
        f"/staff/consultations/{consultation.slug}/submissions/{submission.id}/files",
        data={"files": [(io.BytesIO(files.pdf()), "fao-letter.pdf")]},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "File attached: fao-letter.pdf." in page
    attachment = db.session.scalar(sa.select(Attachment))
    assert attachment.submission_id == submission.id
    db.session.refresh(submission)
    assert submission.status == "submitted"  # recording what arrived re-opens nothing
    refused = client.post(
        f"/staff/consultations/{consultation.slug}/submissions/{submission.id}/files",
        data={"files": [(io.BytesIO(files.docm_file()), "macro.docx")]},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "macro.docx was not attached: This Word file contains macros" in refused
    auth.logout()
    auth.login("partner@unicef.example.org")
    assert (
        client.post(
            f"/staff/consultations/{consultation.slug}/submissions/{submission.id}/files",
            data={"files": [(io.BytesIO(files.pdf()), "x.pdf")]},
            content_type="multipart/form-data",
        ).status_code
        == 403
    )


def test_a_post_too_large_to_read_answers_the_size_limit_not_an_error(
    client, auth, users, consultation, db, app
):
    app.config.update(ATTACHMENT_MAX_BYTES=1024 * 1024, ATTACHMENT_MAX_FILES=1)
    auth.login("partner@unicef.example.org")
    response = upload(client, consultation, ("huge.pdf", files.pdf() + b"0" * (3 * 1024 * 1024)))
    assert response.status_code == 422
    assert "This file is larger than 1 MB." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 0


def test_readers_of_the_submission_see_its_files_listed(client, auth, users, consultation, db):
    auth.login("partner@unicef.example.org")
    upload(client, consultation, ("paper.pdf", files.pdf()))
    submission = db.session.scalar(sa.select(Submission))
    attachment = db.session.scalar(sa.select(Attachment))
    review = client.get(f"/consultations/{consultation.slug}/respond/review").get_data(as_text=True)
    assert f'href="/attachments/{attachment.id}"' in review
    auth.logout()
    auth.login("council@example.org")
    page = client.get(f"/consultations/{consultation.slug}/submissions/{submission.id}")
    assert f'href="/attachments/{attachment.id}"' in page.get_data(as_text=True)
    assert "Files received from" not in page.get_data(as_text=True)  # staff only


def test_staff_remove_a_file_and_a_withdrawn_submission_lets_the_partner_remove_one(
    client, auth, users, consultation, db, app
):
    auth.login("partner@unicef.example.org")
    upload(client, consultation, ("a.pdf", files.pdf()), ("b.odt", files.odt_file()))
    submission = db.session.scalar(sa.select(Submission))
    first, second = db.session.scalars(sa.select(Attachment.id).order_by(Attachment.id)).all()
    submission.status = "withdrawn"
    db.session.commit()
    url = f"/consultations/{consultation.slug}/respond/files/{first}/delete"
    page = client.post(url, data={"confirmed": "yes"}, follow_redirects=True)
    assert "File removed: a.pdf." in page.get_data(as_text=True)
    auth.logout()
    auth.login("staff@example.org")
    base = f"/staff/consultations/{consultation.slug}/submissions/{submission.id}"
    page = client.post(f"{base}/files/{second}/delete", data={"confirmed": "yes"},
                       follow_redirects=True)  # fmt: skip
    assert "File removed: b.odt." in page.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 0
    assert stored_files(app) == []


def test_the_receipt_names_each_file_sent_with_its_fingerprint(
    client, auth, users, consultation, db, sent_mail
):
    import hashlib

    from pypdf import PdfReader

    auth.login("partner@unicef.example.org")
    upload(client, consultation, ("position paper.pdf", files.pdf()))
    submission = db.session.scalar(sa.select(Submission))
    question = consultation.questions[0]
    client.post(
        f"/consultations/{consultation.slug}/respond/questions",
        data={"lock_version": str(submission.lock_version), f"question-{question.id}": "4"},
    )
    db.session.refresh(submission)
    client.post(
        f"/consultations/{consultation.slug}/respond/submit",
        data={"lock_version": str(submission.lock_version)},
    )
    fingerprint = hashlib.sha256(files.pdf()).hexdigest()
    [email] = [m for m in sent_mail() if "Your submission" in m["Subject"]]
    body = email.get_body(("plain",)).get_content()
    assert f"position paper.pdf — SHA-256 fingerprint: {fingerprint}" in body
    html = email.get_body(("html",)).get_content()
    assert "position paper.pdf" in html and f"SHA-256 fingerprint: {fingerprint}" in html
    pdf = client.get(f"/consultations/{consultation.slug}/submissions/{submission.id}/receipt.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Attached files" in text and "position paper.pdf" in text
    assert fingerprint in "".join(text.split())


def test_a_name_cannot_disguise_what_the_file_is_with_direction_controls(
    client, auth, users, consultation, db
):
    auth.login("partner@unicef.example.org")
    # Shown as typed (with U+202E before "gnp"), the name would read "invoicefdp.exe.png".
    upload(client, consultation, ("invoice\u202egnp.exe.pdf", files.pdf()))
    attachment = db.session.scalar(sa.select(Attachment))
    assert attachment.filename == "invoicegnp.exe.pdf"
    page = client.get(f"/consultations/{consultation.slug}/respond/files").get_data(as_text=True)
    assert "\u202e" not in page


def test_staff_remove_a_file_only_from_the_submission_the_page_names(
    client, auth, users, consultation, db
):
    auth.login("partner@unicef.example.org")
    upload(client, consultation, ("paper.pdf", files.pdf()))
    attachment = db.session.scalar(sa.select(Attachment))
    auth.logout()
    other = make_consultation(slug="other-2026")
    auth.login("staff@example.org")
    wrong = [
        f"/staff/consultations/{other.slug}/submissions/{attachment.submission_id}",
        f"/staff/consultations/{consultation.slug}/submissions/{attachment.submission_id + 1}",
    ]
    for base in wrong:
        page = client.post(f"{base}/files/{attachment.id}/delete", data={"confirmed": "yes"},
                           follow_redirects=True)  # fmt: skip
        assert "This file does not exist." in page.get_data(as_text=True)
    assert db.session.get(Attachment, attachment.id) is not None


@pytest.mark.parametrize("count", ["2000000000", "x", ""])
def test_an_odt_asking_for_billions_of_spaces_or_nonsense_still_gives_its_text(
    client, auth, users, consultation, db, count
):
    content = files.ODT_CONTENT.replace("<text:s/>", f'<text:s text:c="{count}"/>')
    auth.login("partner@unicef.example.org")
    upload(client, consultation, ("note.odt", odt_with(content)))
    attachment = db.session.scalar(sa.select(Attachment))
    assert attachment.text_status == "done"
    assert "la culture pour chaque enfant" in attachment.text


def odt_with(content: str) -> bytes:
    """An OpenDocument text like `files.odt_file()` whose content.xml is `content`."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        mimetype = zipfile.ZipInfo("mimetype")
        archive.writestr(mimetype, "application/vnd.oasis.opendocument.text",
                         compress_type=zipfile.ZIP_STORED)  # fmt: skip
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", files.ODT_MANIFEST)
    return out.getvalue()


def test_a_pdf_of_thousands_of_blank_pages_is_read_only_up_to_the_page_limit(
    client, auth, users, consultation, db
):
    from pypdf import PdfReader, PdfWriter

    from app.services.drafts.pdf import MAX_PAGES

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(files.pdf())))
    for _ in range(MAX_PAGES):
        writer.add_blank_page(width=200, height=200)
    writer.append(PdfReader(io.BytesIO(files.pdf())))  # past the limit: not read
    out = io.BytesIO()
    writer.write(out)
    auth.login("partner@unicef.example.org")
    upload(client, consultation, ("long.pdf", out.getvalue()))
    attachment = db.session.scalar(sa.select(Attachment))
    assert attachment.text_status == "done"
    assert attachment.text.count("every child") == 1
