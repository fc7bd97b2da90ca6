"""Staff import feedback through the page and the `feedback import` command; others cannot."""

import io

import pytest
import sqlalchemy as sa

import app.staff.feedback_import  # noqa: F401 - puts the routes on the blueprint before any app exists
from app.cli.feedback import feedback_cli
from app.models import Organisation, ParagraphFeedback, Submission
from app.services.feedback import vocabulary
from tests.feedback.test_feedback_import import csv_file, unicef
from tests.helpers import make_consultation

URL = "/staff/consultations/{slug}/feedback/import"


@pytest.fixture
def consultation(db):
    return make_consultation()


@pytest.fixture
def cli(app, runner):
    """The runner, with the `feedback` commands whether or not the app registers them yet."""
    app.cli.add_command(feedback_cli)
    return runner


def post_file(client, consultation, data: bytes, name: str = "letters.csv"):
    return client.post(
        URL.format(slug=consultation.slug),
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_staff_upload_imports_and_shows_the_counts(client, auth, users, consultation, db):
    auth.login("staff@example.org")
    page = client.get(URL.format(slug=consultation.slug)).get_data(as_text=True)
    assert 'type="file"' in page and "<h1>Import feedback</h1>" in page
    data = csv_file([unicef(comment="By letter."), unicef(paragraph="2", organisation="FAO")])
    response = post_file(client, consultation, data)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/consultations/{consultation.slug}"
    assert count(db, ParagraphFeedback) == 2
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Feedback imported from 2 rows: 2 submissions, 2 paragraph comments" in page


def test_english_labels_work_whatever_language_the_page_is_in(
    client, auth, users, consultation, db
):
    vocabulary.vocabularies.cache_clear()  # built again inside this French request
    users["staff"].locale = "fr"
    db.session.commit()
    auth.login("staff@example.org")
    new = {
        "organisation": "Habitat Lab",
        "organisation_kind": "UN agency",
        "region": "Middle East and West Asia",
        "paragraph": "1",
        "stance": "support",
    }
    assert post_file(client, consultation, csv_file([new])).status_code == 302
    created = db.session.scalar(sa.select(Organisation).where(Organisation.name == "Habitat Lab"))
    assert (created.kind, created.region) == ("un_agency", "middle_east_west_asia")


def test_a_bad_file_lists_every_bad_row_and_imports_nothing(client, auth, users, consultation, db):
    auth.login("staff@example.org")
    data = csv_file(
        [
            unicef(),
            unicef(paragraph="42"),
            unicef(organisation="<script>alert(1)</script>"),
            unicef(stance="perhaps"),
        ]
    )
    response = post_file(client, consultation, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<a href="#row-errors">Rows with errors: 3. Nothing was imported.</a>' in page
    assert "<caption>" in page and '<th scope="col">Row</th>' in page
    assert '<tr><th scope="row">3</th><td>Paragraph 42 is not in the draft.</td></tr>' in page
    assert '<th scope="row">4</th>' in page and '<th scope="row">5</th>' in page
    assert "&lt;script&gt;" in page and "<script>alert" not in page
    assert count(db, Submission) == 0 and count(db, Organisation) == 2


@pytest.mark.parametrize(
    ("data", "name"),
    [(b"%PDF-1.4", "letters.pdf"), (b"", "empty.csv"), (b"not a workbook", "letters.xlsx")],
)
def test_a_wrong_file_gets_one_message_by_the_field(client, auth, users, consultation, data, name):
    auth.login("staff@example.org")
    page = post_file(client, consultation, data, name).get_data(as_text=True)
    assert 'id="file-error"' in page and 'href="#file"' in page
    assert 'id="row-errors"' not in page


def test_a_file_name_is_never_run_as_markup(client, auth, users, consultation):
    auth.login("staff@example.org")
    page = post_file(client, consultation, b"x", "a.<img src=x onerror=alert(1)>").get_data(
        as_text=True
    )
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img src=x" not in page


def test_no_file_chosen_is_refused(client, auth, users, consultation):
    auth.login("staff@example.org")
    page = client.post(
        URL.format(slug=consultation.slug), data={}, content_type="multipart/form-data"
    ).get_data(as_text=True)
    assert "Choose a file to import." in page


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("role", ["partner", "council", "visitor"])
def test_other_roles_are_refused(client, auth, users, consultation, db, role, method):
    auth.login(users[role].email)
    response = getattr(client, method)(URL.format(slug=consultation.slug))
    assert response.status_code == 403
    assert count(db, Submission) == 0


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_sign_in(client, users, consultation, method):
    response = getattr(client, method)(URL.format(slug=consultation.slug))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


# --- the command line -------------------------------------------------------------------------


def test_command_imports_and_prints_the_counts(cli, users, consultation, tmp_path, db):
    path = tmp_path / "letters.csv"
    path.write_bytes(csv_file([unicef(), unicef(paragraph="", stance="", comment="Thanks.")]))
    result = cli.invoke(args=["feedback", "import", consultation.slug, str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "Imported 2 rows into culture-2026: 1 submissions, 1 paragraph items, "
        "1 general comments, 0 new organisations"
    )
    assert count(db, ParagraphFeedback) == 1


def test_command_prints_each_bad_row_and_exits_1(cli, users, consultation, tmp_path, db):
    path = tmp_path / "letters.csv"
    path.write_bytes(csv_file([unicef(paragraph="9"), unicef(), unicef(stance="maybe")]))
    result = cli.invoke(args=["feedback", "import", consultation.slug, str(path)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "row 2: Paragraph 9 is not in the draft.",
        "row 4: “maybe” is not a stance: use support, amend, oppose or none, or the stance as "
        "the platform names it.",
        "Error: Rows with errors: 2. Nothing was imported.",
    ]
    assert result.stdout == ""
    assert count(db, Submission) == 0


def test_command_bad_input_is_one_line_and_no_traceback(cli, users, consultation, tmp_path):
    pdf = tmp_path / "letters.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    headerless = tmp_path / "letters.csv"
    headerless.write_text("UNICEF,1,support\n")
    for args in (
        ["nope", str(pdf)],
        [consultation.slug, str(tmp_path / "missing.csv")],
        [consultation.slug, str(pdf)],
        [consultation.slug, str(headerless)],
        [consultation.slug, str(tmp_path)],
    ):
        result = cli.invoke(args=["feedback", "import", *args])
        assert result.exit_code == 1, args
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.output
