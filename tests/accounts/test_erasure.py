"""Erasure: an administrator erases a person, who may ask for it; their name is gone everywhere."""

import io
import json

import docx
import pypdf
import pytest
import sqlalchemy as sa

from app.models import ApiToken, AuditEvent, ExportJob, Submission, User
from app.services.accounts.access import COMMAND_LINE
from app.services.accounts.tokens import create as create_token
from app.services.accounts.tokens import user_for
from app.services.exports import jobs
from app.services.exports.feedback_rows import export_rows, parse_filters
from app.services.reports import synthesis as report_service
from tests.conftest import PASSWORD
from tests.factories import answered_consultation, computed_synthesis

NAME = "Zoé Quillfeather"
EMAIL = "m0@org.example.org"


@pytest.fixture
def world(db, users):
    consultation = answered_consultation(db)
    person = db.session.scalar(sa.select(User).where(User.email == EMAIL))
    person.name = NAME
    db.session.commit()
    synthesis = computed_synthesis(db, users["staff"], consultation)
    synthesis.released_to = "public"
    db.session.commit()
    submission = db.session.scalar(
        sa.select(Submission).where(Submission.organisation_id == person.organisation_id)
    )
    return {"consultation": consultation, "person": person, "submission": submission,
            "synthesis": synthesis}  # fmt: skip


def everything_staff_read(client, world, token: str) -> str:
    """The pages, files and JSON in which a person's name could show."""
    consultation, synthesis = world["consultation"], world["synthesis"]
    texts = [
        client.get(path).get_data(as_text=True)
        for path in (
            "/staff/users",
            "/staff/audit",
            "/staff/audit.csv",
            f"/consultations/{consultation.slug}/submissions/{world['submission'].id}",
            f"/staff/consultations/{consultation.slug}/responses",
        )
    ]
    api = f"/api/v1/consultations/{consultation.slug}/syntheses/{synthesis.number}"
    answer = client.get(api, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    texts.append(answer.get_data(True))
    rows = export_rows(COMMAND_LINE, consultation, parse_filters(consultation, {}), "json")
    texts.append(json.dumps(list(rows), ensure_ascii=False, default=str))
    pdf, word = io.BytesIO(), io.BytesIO()
    report_service.write_pdf(synthesis, "en", pdf, None, reader=COMMAND_LINE)
    report_service.write_docx(synthesis, "en", word, None, reader=COMMAND_LINE)
    texts.append(" ".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages))
    document = docx.Document(io.BytesIO(word.getvalue()))
    texts.append(" ".join(p.text for p in document.paragraphs))
    texts.append(" ".join(c.text for t in document.tables for r in t.rows for c in r.cells))
    return "\n".join(texts)


def test_an_erased_persons_name_appears_nowhere_and_their_organisation_keeps_its_feedback(
    client, auth, users, world, db, runner
):
    _, token = create_token(users["admin"], "checks")
    client.post("/login", data={"email": EMAIL, "password": "not-the-password"})  # audited
    auth.login("admin@example.org")
    before = everything_staff_read(client, world, token)
    assert NAME in before and EMAIL in before  # so the check below can fail

    page = client.get(f"/staff/users/{world['person'].id}/erase").get_data(as_text=True)
    assert "Erasing cannot be undone" in page
    response = client.post(f"/staff/users/{world['person'].id}/erase")

    assert response.status_code == 302
    person = db.session.get(User, world["person"].id)
    after = everything_staff_read(client, world, token)
    assert NAME not in after and EMAIL not in after
    assert person.name in after  # the pseudonym stands in the audit trail and the users list
    assert "Org 0" in after  # the submission stays with the organisation
    erased = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "user.erased"))
    assert erased.actor_id == users["admin"].id and erased.object_id == person.id
    failed = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "auth.login_failed")
    )
    assert failed.details["email"] == EMAIL  # the line itself is never rewritten
    assert "intact" in runner.invoke(args=["audit", "verify"]).output


def test_an_erased_person_is_signed_out_and_loses_tokens_and_exports(
    client, auth, users, world, db, app
):
    council = users["council"]
    _, token = create_token(council, "script")
    bearer = f"Bearer {token}"
    assert user_for(bearer) == council  # the token works before
    job = jobs.start(council, "feedback", "csv", world["consultation"], filters={})
    db.session.refresh(job)
    stored = jobs.export_folder() / job.stored_as
    assert stored.is_file()
    auth.login("council@example.org")
    assert client.get("/account/").status_code == 200

    from app.services.accounts import erasure

    erasure.erase(users["admin"], council.id)

    assert client.get("/account/").status_code == 302  # the session ended
    assert not stored.exists()
    assert db.session.get(ExportJob, job.id).status == "expired"
    assert db.session.scalar(sa.select(ApiToken.revoked_at).where(ApiToken.user_id == council.id))
    assert user_for(bearer) is None  # and signs nobody in after
    response = client.post("/login", data={"email": "council@example.org", "password": PASSWORD})
    assert response.status_code != 302


def test_a_person_asks_from_my_account_and_an_administrator_confirms(
    client, auth, users, world, db
):
    auth.login(EMAIL)
    page = client.get("/account/").get_data(as_text=True)
    assert "Ask for my account to be erased" in page

    client.post("/account/erasure")

    assert "Withdraw my request" in client.get("/account/").get_data(as_text=True)
    assert db.session.get(User, world["person"].id).name == NAME  # nothing erased yet
    auth.logout()
    auth.login("admin@example.org")
    listing = client.get("/staff/users").get_data(as_text=True)
    assert "asked to be erased" in listing
    client.post(f"/staff/users/{world['person'].id}/erase")
    assert NAME not in client.get("/staff/users").get_data(as_text=True)
    actions = db.session.scalars(
        sa.select(AuditEvent.action)
        .where(AuditEvent.action.like("user.eras%"))
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["user.erasure_requested", "user.erased"]


def test_only_administrators_erase(client, auth, users, world, db):
    auth.login("staff@example.org")
    assert client.get(f"/staff/users/{world['person'].id}/erase").status_code == 403
    assert client.post(f"/staff/users/{world['person'].id}/erase").status_code == 403
    assert db.session.get(User, world["person"].id).name == NAME
