"""Staff and the Council download feedback from the export page and `feedback export`."""

import csv
import io
import json

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.cli.feedback import feedback_cli
from app.models import AuditEvent
from app.services.exports.feedback_rows import COLUMNS
from tests.exports.test_feedback_export import ARABIC, FRENCH, add_feedback
from tests.helpers import make_consultation

URL = "/exports/consultations/{slug}/feedback"


@pytest.fixture
def feedback(db):
    return add_feedback(db, make_consultation())


@pytest.fixture
def cli(app, runner):
    """The runner, with the `feedback` commands whether or not the app registers them yet."""
    app.cli.add_command(feedback_cli)
    return runner


def download(client, consultation, **data):
    return client.post(URL.format(slug=consultation.slug), data={"file_format": "csv", **data})


def exports(db) -> list[AuditEvent]:
    """The audit events of exports (signing in leaves events too)."""
    query = sa.select(AuditEvent).where(AuditEvent.action == "feedback.exported")
    return db.session.scalars(query).all()


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_staff_see_the_form_with_the_sections_of_the_draft(client, auth, users, feedback):
    auth.login("staff@example.org")
    page = client.get(URL.format(slug=feedback.slug)).get_data(as_text=True)
    assert "<h1>Export feedback</h1>" in page
    assert '<option value="1">One</option>' in page and '<option value="2">Two</option>' in page
    assert 'name="submitted_from"' in page and 'value="xlsx"' in page


def test_staff_download_a_streamed_csv_and_the_export_is_audited(client, auth, users, feedback, db):
    auth.login("staff@example.org")
    response = download(client, feedback)
    assert response.status_code == 200
    assert response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=culture-2026-feedback.csv"
    )
    rows = csv_rows(response.get_data())
    assert rows[0] == list(COLUMNS) and len(rows) == 7
    assert FRENCH in {cell for row in rows for cell in row}
    [event] = exports(db)
    assert event.actor_id == users["staff"].id
    assert event.details["rows"] == 6 and event.details["format"] == "csv"


def test_filters_of_the_form_apply_to_the_download(client, auth, users, feedback, db):
    auth.login("staff@example.org")
    response = download(client, feedback, section="2", stance="support")
    rows = csv_rows(response.get_data())
    assert [row[COLUMNS.index("comment")] for row in rows[1:]] == [ARABIC]
    [event] = exports(db)
    assert event.details["filters"] == {"section": "2", "stance": "support"}


def test_staff_download_a_workbook_written_by_a_job(client, auth, users, feedback):
    auth.login("staff@example.org")
    started = download(client, feedback, file_format="xlsx", language="fr")
    assert started.status_code == 302 and started.headers["Location"].startswith("/exports/")
    response = client.get(started.headers["Location"] + "/download")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith("culture-2026-feedback.xlsx")
    workbook = load_workbook(io.BytesIO(response.get_data()))
    assert workbook.sheetnames == ["Feedback", "One", "Summary"]
    rows = list(workbook["Feedback"].iter_rows(values_only=True))
    assert rows[0] == COLUMNS and rows[1][COLUMNS.index("comment")] == FRENCH


def test_staff_download_json_with_the_filters_and_unescaped_text(client, auth, users, feedback):
    auth.login("staff@example.org")
    response = download(client, feedback, file_format="json", submitted_from="2026-04-01")
    assert response.mimetype == "application/json"
    document = json.loads(response.get_data(as_text=True))
    assert document["consultation"] == "culture-2026"
    assert document["filters"] == {"from": "2026-04-01"}
    assert [f["comment"] for f in document["feedback"]] == [FRENCH]


def test_a_filter_naming_nothing_shows_the_form_again_with_the_reason(
    client, auth, users, feedback, db
):
    auth.login("staff@example.org")
    response = download(client, feedback, paragraph="99")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Paragraph 99 is not in the draft." in page and 'id="error-summary"' in page
    assert exports(db) == []


def test_the_council_downloads_a_streamed_csv_too(client, auth, users, feedback, db):
    auth.login("council@example.org")
    assert "<h1>Export feedback</h1>" in client.get(URL.format(slug=feedback.slug)).text
    response = download(client, feedback)
    assert response.status_code == 200
    assert len(csv_rows(response.get_data())) == 7
    assert [event.actor_id for event in exports(db)] == [users["council"].id]


def test_the_former_staff_address_leads_to_the_export_page(client, auth, users, feedback):
    auth.login("staff@example.org")
    response = client.get(f"/staff/consultations/{feedback.slug}/feedback/export")
    assert response.status_code == 301
    assert response.headers["Location"] == URL.format(slug=feedback.slug)


@pytest.mark.parametrize("email", ["partner@unicef.example.org", "visitor@example.org"])
def test_partners_and_visitors_cannot_export(client, auth, users, feedback, email):
    auth.login(email)
    assert client.get(URL.format(slug=feedback.slug)).status_code == 403
    assert download(client, feedback).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, users, feedback):
    response = download(client, feedback)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_command_writes_the_file_with_filters(cli, feedback, tmp_path, db):
    target = tmp_path / "out.csv"
    result = cli.invoke(
        args=[
            "feedback", "export", feedback.slug, "--format", "csv", "-o", str(target),
            "--filter", "stance=oppose", "--filter", "region=Europe",
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"Exported 1 rows of {feedback.slug} to {target}"
    rows = csv_rows(target.read_bytes())
    assert [row[COLUMNS.index("comment")] for row in rows[1:]] == [FRENCH]
    assert exports(db)[0].details["filters"] == {
        "stance": "oppose",
        "region": "europe",
    }


@pytest.mark.parametrize("file_format", ["xlsx", "json"])
def test_command_writes_workbooks_and_json(cli, feedback, tmp_path, file_format):
    target = tmp_path / f"out.{file_format}"
    args = ["feedback", "export", feedback.slug, "--format", file_format, "-o", str(target)]
    assert cli.invoke(args=args).exit_code == 0
    if file_format == "xlsx":
        assert load_workbook(target).worksheets[0].max_row == 7
    else:
        assert len(json.loads(target.read_text("utf-8"))["feedback"]) == 6


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--filter", "stance"], "A filter is key=value"),
        (["--filter", "colour=red"], "is not a filter"),
        (["--filter", "from=yesterday"], "is not a date"),
    ],
)
def test_command_refuses_bad_filters_in_one_line(cli, feedback, tmp_path, extra, message):
    target = tmp_path / "out.csv"
    args = ["feedback", "export", feedback.slug, "--format", "csv", "-o", str(target), *extra]
    result = cli.invoke(args=args)
    assert result.exit_code == 1
    assert message in result.output and len(result.output.strip().splitlines()) == 1
    assert not target.exists()


def test_command_refuses_an_unknown_consultation(cli, db, tmp_path):
    target = tmp_path / "out.csv"
    args = ["feedback", "export", "nowhere", "--format", "csv", "-o", str(target)]
    result = cli.invoke(args=args)
    assert result.exit_code == 1 and "Traceback" not in result.output
