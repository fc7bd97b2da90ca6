"""The feedback import page explains its columns in the reader's language and offers templates."""

import csv
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

from app.models import Organisation
from tests.feedback.test_feedback_import_web import post_file
from tests.helpers import make_consultation


@pytest.fixture
def consultation(db):
    return make_consultation()


def sign_in_reading(auth, users, db, locale: str) -> None:
    """Staff signed in, then reading the pages in `locale` (signing in keeps the sign-in's)."""
    auth.login("staff@example.org")
    users["staff"].locale = locale
    db.session.commit()


def page_in(client, auth, users, db, consultation, locale: str) -> str:
    sign_in_reading(auth, users, db, locale)
    response = client.get(f"/staff/consultations/{consultation.slug}/feedback/import")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_page_lists_every_column_with_an_example(client, auth, users, db, consultation):
    page = page_in(client, auth, users, db, consultation, "en")
    for column in ("organisation_kind", "region", "country", "language", "stance", "paragraph"):
        assert f"<code>{column}</code>" in page
    assert "UN agency" in page and "Latin America" in page and "Senegal" in page
    assert "Support with amendments" in page
    assert "template.xlsx" in page and "template.csv" in page


@pytest.mark.parametrize(
    ("locale", "names"),
    [
        ("fr", ["Agence des Nations unies", "Amérique latine", "Sénégal", "français"]),
        ("es", ["Agencia de las Naciones Unidas", "América Latina", "Senegal", "español"]),
    ],
)
def test_the_examples_are_in_the_readers_language(
    client, auth, users, db, consultation, locale, names
):
    page = page_in(client, auth, users, db, consultation, locale)
    for name in names:
        assert name in page


def test_the_csv_template_is_the_header_the_import_reads(client, auth, users, db, consultation):
    auth.login("staff@example.org")
    response = client.get(f"/staff/consultations/{consultation.slug}/feedback/template.csv")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data().decode("utf-8-sig")
    [header] = list(csv.reader(io.StringIO(text)))
    assert header[:3] == ["ref", "organisation", "organisation_kind"]
    assert {"region", "country", "language", "paragraph", "stance", "comment"} <= set(header)


def test_the_xlsx_template_offers_the_accepted_values_in_drop_downs(
    client, auth, users, db, consultation
):
    sign_in_reading(auth, users, db, "fr")
    response = client.get(f"/staff/consultations/{consultation.slug}/feedback/template.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.get_data()))
    feedback, accepted = workbook.worksheets
    header = [cell.value for cell in feedback[1]]
    assert header[1:4] == ["organisation", "organisation_kind", "region"]
    listed = {
        column[0].value: [cell.value for cell in column[1:] if cell.value is not None]
        for column in accepted.iter_cols()
    }
    assert "Agence des Nations unies" in listed["organisation_kind"]
    assert "Amérique latine" in listed["region"]
    assert "Sénégal" in listed["country"] and "français" in listed["language"]
    assert listed["paragraph"] == ["1", "2", "3"]
    validated = {
        header[range_boundaries(str(rule.sqref))[0] - 1]: rule.formula1
        for rule in feedback.data_validations.dataValidation
    }
    assert set(validated) == {"stance", "organisation_kind", "region", "language", "country"} | {
        "paragraph"
    }
    assert all(rule.type == "list" for rule in feedback.data_validations.dataValidation)
    assert validated["region"].startswith(f"'{accepted.title}'!$")


def test_a_template_filled_in_french_imports(client, auth, users, db, consultation):
    sign_in_reading(auth, users, db, "fr")
    response = client.get(f"/staff/consultations/{consultation.slug}/feedback/template.xlsx")
    workbook = load_workbook(io.BytesIO(response.get_data()))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    row = {
        "organisation": "Réseau sahélien",
        "organisation_kind": "Agence des Nations unies",
        "region": "Afrique",
        "country": "Sénégal",
        "language": "français",
        "paragraph": "2",
        "stance": "Soutien",
    }
    sheet.append([row.get(column) for column in header])
    out = io.BytesIO()
    workbook.save(out)
    assert post_file(client, consultation, out.getvalue(), "courrier.xlsx").status_code == 302
    created = db.session.scalar(
        sa.select(Organisation).where(Organisation.name == row["organisation"])
    )
    assert (created.kind, created.region, created.country) == ("un_agency", "africa", "SN")


@pytest.mark.parametrize("role", ["partner", "council"])
def test_other_roles_get_no_template(client, auth, users, consultation, role):
    auth.login(users[role].email)
    response = client.get(f"/staff/consultations/{consultation.slug}/feedback/template.xlsx")
    assert response.status_code == 403


def test_an_unknown_template_format_is_not_found(client, auth, users, consultation):
    auth.login("staff@example.org")
    response = client.get(f"/staff/consultations/{consultation.slug}/feedback/template.pdf")
    assert response.status_code == 404
