"""With the database gone, pages answer a translated 503 with an incident id, never a 500."""

import re

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db as _db
from app.models import Consultation
from app.services import demo

SLUG = "pact-for-the-future-opportunities"
INCIDENT = re.compile(r"Incident reference: ([0-9A-F]{12})")


@pytest.fixture
def database_gone(db):
    """Every statement from now on fails as it does when PostgreSQL restarts."""

    def refuse(*_args, **_kwargs):
        raise sa.exc.OperationalError(
            "SELECT 1", {}, Exception("server closed the connection unexpectedly")
        )

    def start():
        sa.event.listen(db.engine, "before_cursor_execute", refuse)

    yield start
    if sa.event.contains(db.engine, "before_cursor_execute", refuse):
        sa.event.remove(db.engine, "before_cursor_execute", refuse)


@pytest.fixture
def partner(client, db):
    demo.seed()
    client.post(
        "/login", data={"email": "partner@unicef.example.org", "password": demo.DEMO_PASSWORD}
    )
    return client


def test_a_page_answers_503_with_an_incident_id_that_is_logged(partner, database_gone, caplog):
    database_gone()
    response = partner.get(f"/consultations/{SLUG}")
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "The service is briefly unavailable. Please try again in a moment." in page
    incident = INCIDENT.search(page).group(1)
    assert any(incident in record.getMessage() for record in caplog.records)


def test_autosave_is_told_in_json_that_the_text_is_kept_in_the_browser(partner, db, database_gone):
    consultation = db.session.scalar(sa.select(Consultation).where(Consultation.slug == SLUG))
    paragraph = consultation.current_version.sections[0].paragraphs[0]
    database_gone()
    response = partner.post(
        f"/consultations/{SLUG}/respond/sections/0",
        data={
            "lock_version": "0",
            f"stance-{paragraph.id}": "support",
            f"comment-{paragraph.id}": "Typed while the database restarts.",
        },
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable" and re.fullmatch(r"[0-9A-F]{12}", body["incident"])
    assert body["retry_after"] == 5
    assert "your text is kept in this browser" in body["message"]


def test_the_api_answers_503_in_json(client, database_gone):
    database_gone()
    response = client.get("/api/v1/consultations")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"


def test_a_sign_in_the_database_could_not_record_leaves_the_browser_signed_out(client, db):
    demo.seed()

    def refuse_writes(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith(("UPDATE", "INSERT")):
            raise sa.exc.OperationalError(statement, {}, Exception("terminating connection"))

    sa.event.listen(db.engine, "before_cursor_execute", refuse_writes)
    try:
        response = client.post(
            "/login",
            data={"email": "partner@unicef.example.org", "password": demo.DEMO_PASSWORD},
        )
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", refuse_writes)
    assert response.status_code == 503
    assert client.get("/my-consultations").status_code == 302  # not signed in
    again = client.post(
        "/login", data={"email": "partner@unicef.example.org", "password": demo.DEMO_PASSWORD}
    )
    assert again.status_code == 302
    assert client.get("/my-consultations").status_code == 200


def test_a_page_made_before_the_database_went_away_is_still_answered(tmp_path):
    """The request's closing rollback fails as PostgreSQL shuts down: the page stands."""
    # An app of its own: each request then ends its own app context, as in production.
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'a.sqlite'}",
        INSTANCE_DIR=tmp_path,
    )
    with app.app_context():
        _db.create_all()
        demo.seed()
        engine = _db.engine

    def shutting_down(_connection):
        raise sa.exc.OperationalError(
            "ROLLBACK", {}, Exception("terminating connection due to administrator command")
        )

    sa.event.listen(engine, "rollback", shutting_down)
    try:
        response = app.test_client().get(f"/consultations/{SLUG}")
    finally:
        sa.event.remove(engine, "rollback", shutting_down)
    assert response.status_code == 200
    assert "Pact for the Future" in response.get_data(as_text=True)


def test_the_503_page_reads_in_french(client, db, database_gone):
    """Passes once the French catalogue holds the new strings."""
    demo.seed()
    client.post("/language", data={"lang": "fr", "next": "/"})
    database_gone()
    page = client.get(f"/consultations/{SLUG}").get_data(as_text=True)
    assert "Le service est momentanément indisponible" in page
    assert "Référence de l’incident" in page
