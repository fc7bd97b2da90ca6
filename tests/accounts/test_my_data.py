"""My data: a person asks on My account, a worker writes a ZIP of a JSON file and a PDF, and
only that person downloads it, for as long as exports are kept."""

import io
import json
import zipfile

import sqlalchemy as sa
from pypdf import PdfReader

from app.extensions import db as _db
from app.models import AuditEvent, ExportJob, OutboxMessage, User
from app.services.accounts.tokens import create as create_token
from app.services.exports import jobs
from tests.conftest import AuthActions, make_user
from tests.exports.test_export_jobs import broker_down  # noqa: F401 - the fixture, reused
from tests.factories import COMMENTS, answered_consultation

EMAIL = "m0@org.example.org"


def ask(client, button: str = "Prepare my data (JSON and PDF)") -> str:
    """Press the button on My account; the address of the job's page."""
    page = client.get("/account/").text
    assert button in page
    response = client.post("/account/my-data")
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def archive(client, location: str) -> zipfile.ZipFile:
    response = client.get(f"{location}/download")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"] == "attachment; filename=my-agora-data.zip"
    assert response.headers["Cache-Control"] == "private, no-store"
    return zipfile.ZipFile(io.BytesIO(response.get_data()))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_person_gets_a_json_file_and_a_pdf_of_everything_held_about_them(client, auth, users, db):
    answered_consultation(db)
    person = db.session.scalar(sa.select(User).where(User.email == EMAIL))
    person.name = "Amélie Dupont-Ngoma"
    db.session.commit()
    create_token(person, "monthly script")
    auth.login(EMAIL)

    location = ask(client)

    page = client.get(location).text
    assert "Ready to download" in page and "Download my-agora-data.zip" in page
    assert "Only you can download this file." in page
    progress = client.get(f"{location}/progress").get_json()
    assert progress["status"] == "done" and progress["progress"] == 100
    files = archive(client, location)
    assert sorted(files.namelist()) == ["my-agora-data.json", "my-agora-data.pdf"]
    data = json.loads(files.read("my-agora-data.json"))
    assert data["account"]["email"] == EMAIL and data["account"]["name"] == "Amélie Dupont-Ngoma"
    assert data["organisation"]["name"] == "Org 0"
    assert {edit["action"] for edit in data["edits"]} >= {"saved", "submitted"}
    assert {"paragraph": "1"} in [part for edit in data["edits"] for part in edit["changed"]]
    [sent] = data["submissions_sent"]
    assert sent["paragraphs"][0]["comment"] == COMMENTS[0]
    assert [t["name"] for t in data["api_tokens"]] == ["monthly script"]
    actions = [line["action"] for line in data["audit_lines"]]
    assert "auth.login" in actions and "user.data_requested" in actions
    text = json.dumps(data, ensure_ascii=False)
    assert "m1@org.example.org" not in text and COMMENTS[1] not in text  # nobody else's
    printed = pdf_text(files.read("my-agora-data.pdf"))
    assert "Amélie Dupont-Ngoma" in printed and "monthly script" in printed
    assert COMMENTS[0][:30] in printed and "Signed in" in printed
    downloaded = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "user.data_downloaded")
    )
    assert downloaded.actor_id == person.id and downloaded.details["kind"] == "my_data"


def test_the_pdf_is_in_the_persons_language_and_time_zone(client, auth, users, db):
    auth.login("council@example.org")
    person = users["council"]
    person.locale, person.timezone = "es", "America/Bogota"  # as saved on My account
    db.session.commit()

    location = ask(client, "Preparar mis datos (JSON y PDF)")

    assert "<h1>Mis datos</h1>" in client.get(location).text
    printed = pdf_text(archive(client, location).read("my-agora-data.pdf"))
    assert "Mis datos en Agora" in printed and "(America/Bogota)" in printed
    assert "Miembro del Consejo" in printed


def test_another_person_gets_not_found_for_the_job_and_its_file(client, auth, users, db):
    auth.login("council@example.org")
    location = ask(client)
    auth.logout()
    for email in ("staff@example.org", "partner@unicef.example.org"):
        auth.login(email)
        assert client.get(location).status_code == 404
        assert client.get(f"{location}/progress").status_code == 404
        assert client.get(f"{location}/download").status_code == 404
        auth.logout()
    assert client.get(f"{location}/download").status_code == 302  # signed out: sign in first


def test_while_no_worker_has_it_the_page_shows_a_progress_bar_that_works_without_script(
    broker_down,  # noqa: F811
):
    make_user(_db, "council@example.org", "council")
    client = broker_down.test_client()
    AuthActions(client).login("council@example.org")

    location = ask(client)

    page = client.get(location).text
    assert "Waiting for a worker" in page and '<progress max="100" value="0"' in page
    assert '<p role="status"' in page and f'href="{location}">Refresh</a>' in page
    job = _db.session.scalar(sa.select(ExportJob))
    assert (job.kind, job.consultation_id, job.status) == ("my_data", None, "queued")
    [message] = _db.session.scalars(sa.select(OutboxMessage)).all()
    jobs.run_message(message.id)  # the broker is back and a worker takes it
    assert "Download my-agora-data.zip" in client.get(location).text


def test_the_file_goes_when_exports_expire(client, auth, users, db):
    from datetime import timedelta

    from app.models.common import utcnow

    auth.login("council@example.org")
    location = ask(client)
    job = db.session.scalar(sa.select(ExportJob))
    stored = jobs.export_folder() / job.stored_as
    assert stored.is_file()
    job.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert client.get(f"{location}/download").status_code == 404
    assert jobs.purge_expired() == 1 and not stored.exists()
    assert "Ask for my data again" in client.get(location).text


def test_the_old_download_address_leads_to_the_button(client, auth, users):
    assert client.get("/account/my-data.json").status_code == 302  # signed out: sign in
    auth.login("council@example.org")
    response = client.get("/account/my-data.json")
    assert response.status_code == 301 and response.headers["Location"].endswith("#my-data")


def test_the_file_holds_the_files_the_person_attached_and_their_email_choices(
    client, auth, users, db, invite
):
    from app.services.feedback import attachments
    from app.services.notifications import preferences
    from tests import attachment_files
    from tests.helpers import make_consultation

    partner = users["partner"]
    consultation = make_consultation()
    invite(consultation)
    attachments.attach(partner, consultation, "position paper.pdf", attachment_files.pdf())
    preferences.save(partner, {"change": "none"})
    auth.login(partner.email)

    files = archive(client, ask(client))
    data = json.loads(files.read("my-agora-data.json"))

    [attached] = data["files_attached"]
    assert (attached["consultation"], attached["filename"]) == (
        consultation.slug,
        "position paper.pdf",
    )
    assert data["email_choices"] == {"change": "none"}
    printed = pdf_text(files.read("my-agora-data.pdf"))
    assert "Files you attached" in printed and "position paper.pdf" in printed
    assert attached["sha256"][:16] in printed
    # The choice made, and every other kind that concerns a partner as its default.
    assert "A colleague changes my organisation's submission" in printed
    assert "Nothing" in printed and "An email at once (default)" in printed
