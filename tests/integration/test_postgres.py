"""The schema comes from the migrations, and the product works on PostgreSQL."""

from pathlib import Path

import pyotp
import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from app.models import Consultation, User
from app.services import demo
from tests.conftest import FreshRequestClient

pytestmark = pytest.mark.postgres
FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.fixture(scope="module")
def pg_app(postgres_url, tmp_path_factory):
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=postgres_url,
        INSTANCE_DIR=tmp_path_factory.mktemp("pg"),
    )
    app.test_client_class = FreshRequestClient
    with app.app_context():
        upgrade()  # the real migrations, never create_all
        yield app
        db.session.remove()


def test_migrations_build_the_schema_the_models_expect(pg_app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_demo_and_the_council_document_on_postgres(pg_app):
    runner = pg_app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    result = runner.invoke(
        args=[
            "consultation",
            "import",
            str(FIXTURES / "policy-council-report-fr.txt"),
            "--slug",
            "rapport-conseil",
            "--lang",
            "fr",
        ]
    )
    assert result.exit_code == 0, result.output
    assert (
        runner.invoke(
            args=["consultation", "open", "rapport-conseil", "--closes", "2099-01-31"]
        ).exit_code
        == 0
    )

    client = pg_app.test_client()
    body = client.get("/api/v1/consultations/rapport-conseil").get_json()
    numbers = [p["number"] for s in body["sections"] for p in s["paragraphs"]]
    assert numbers == [str(n) for n in range(1, 18)]
    assert body["status"] == "open" and body["closes_at"] == "2099-01-31T23:59:00Z"
    listed = {c["slug"] for c in client.get("/api/v1/consultations").get_json()["consultations"]}
    assert listed == {"rapport-conseil", "pact-for-the-future-opportunities"}


def test_translated_texts_are_updated_in_place_on_jsonb(pg_app):
    consultation = db.session.scalar(
        sa.select(Consultation).where(Consultation.slug == "rapport-conseil")
    )
    paragraph = consultation.current_version.paragraphs[0]
    paragraph.text["en"] = "The local and territorial level is essential."
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(type(paragraph), paragraph.id).text["en"].startswith("The local")


def test_partner_needs_an_organisation_on_postgres(pg_app):
    db.session.add(User(email="x@example.org", name="X", role="partner"))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_sign_in_and_throttling_on_postgres(pg_app):
    client = pg_app.test_client()
    response = client.post(
        "/login", data={"email": "staff@example.org", "password": "demo-password-2026"}
    )
    assert response.headers["Location"].endswith("/login/second-factor")
    code = pyotp.TOTP(demo.DEMO_TOTP_SECRET).now()
    response = client.post("/login/second-factor", data={"code": code})
    assert response.headers["Location"] == "/staff/"  # staff land on their dashboard
    assert client.get("/staff/").status_code == 200
