"""Importing feedback from CSV and XLSX files, tested on the service without HTTP."""

import csv
import io
import itertools
import zipfile
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from app.models import (
    AuditEvent,
    Organisation,
    ParagraphFeedback,
    Submission,
)
from app.services.accounts.access import COMMAND_LINE
from app.services.errors import Conflict, Forbidden
from app.services.feedback.file_import import (
    FeedbackFileError,
    FeedbackImportError,
    import_feedback,
)
from app.services.feedback.saving import ParagraphInput, save_paragraphs
from app.services.spreadsheet_safety import neutralise, restore
from tests.helpers import make_consultation

HEADER = [
    "ref",
    "organisation",
    "organisation_kind",
    "region",
    "country",
    "language",
    "paragraph",
    "stance",
    "comment",
    "amendment",
    "submitted_at",
]
FRENCH = "Nous soutenons pleinement ce paragraphe sur la culture et la diplomatie des villes."
SPANISH = "Apoyamos plenamente este párrafo sobre la cultura y la diplomacia de las ciudades."
ENGLISH = "We fully support this paragraph on culture and the diplomacy of cities."


def csv_file(
    rows: list[dict],
    header: list[str] = HEADER,
    delimiter: str = ",",
    bom: bool = True,
    encoding: str = "utf-8",
) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode(encoding)


def xlsx_file(rows: list[list], header: list[str] = HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.create_sheet("Ignored").append(["not", "read"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def unicef(**values) -> dict:
    return {
        "organisation": "UNICEF",
        "language": "en",
        "paragraph": "1",
        "stance": "support",
        **values,
    }


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def consultation(db, organisation, invite):
    consultation = make_consultation()
    invite(consultation, organisation)
    return consultation


@pytest.fixture
def staff(users):
    return users["staff"]


@pytest.fixture
def paragraphs(consultation):
    return {p.number: p for p in consultation.current_version.paragraphs}


def items_of(db, name: str) -> dict[str, ParagraphFeedback]:
    submission = db.session.scalar(
        sa.select(Submission).join(Organisation).where(Organisation.name == name)
    )
    return {item.paragraph.number: item for item in submission.items}


# --- spreadsheet_safety -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=SUM(A1:A3)", "'=SUM(A1:A3)"),
        ("+33 1 23", "'+33 1 23"),
        ("-5%", "'-5%"),
        ("@home", "'@home"),
        ("\tindented", "'\tindented"),
        ("\rx", "'\rx"),
        ("Plain text", "Plain text"),
        ("", ""),
        ("'quoted'", "'quoted'"),
        ("'=x", "''=x"),
        ("12 = twelve", "12 = twelve"),
    ],
)
def test_neutralise_escapes_only_what_a_spreadsheet_would_run(text, written):
    assert neutralise(text) == written
    assert restore(written) == text


def test_restore_undoes_neutralise_for_every_short_string():
    alphabet = ["'", "=", "+", "-", "@", "\t", "\r", "a", " "]
    for length in range(5):
        for letters in itertools.product(alphabet, repeat=length):
            text = "".join(letters)
            assert restore(neutralise(text)) == text, repr(text)


# --- files that import ------------------------------------------------------------------------


def test_a_csv_becomes_each_organisations_submitted_submission(db, staff, consultation, paragraphs):
    data = csv_file(
        [
            unicef(ref="L-2026/7", comment="Culture matters.", submitted_at="2026-03-02"),
            unicef(
                paragraph="3",
                stance="amend",
                comment="Say who pays.",
                amendment="Every city should fund decent work.",
                submitted_at="2026-03-04T09:30",
            ),
            {"organisation": "fao", "language": "en", "paragraph": "2", "stance": "oppose"},
        ]
    )
    report = import_feedback(staff, consultation, "letters.csv", data)
    assert (report.rows, report.submissions, report.items) == (3, 2, 3)
    assert (report.organisations_created, report.general_comments, report.errors) == (0, 0, [])
    items = items_of(db, "UNICEF")
    assert items["1"].stance == "support" and items["1"].comment == "Culture matters."
    assert items["1"].ref == "L-2026/7" and items["1"].language_confirmed
    assert items["3"].amendment == "Every city should fund decent work."
    submission = items["1"].submission
    assert submission.status == "submitted" and submission.source == "import"
    assert submission.version_id == consultation.current_version.id
    assert submission.submitted_at == datetime(2026, 3, 4, 9, 30, tzinfo=UTC)
    assert submission.lock_version == 1
    [revision] = submission.revisions
    assert revision.action == "imported" and revision.actor_id == staff.id
    assert revision.changes[f"p:{paragraphs['3'].id}"]["stance"] == [None, "amend"]
    assert items_of(db, "FAO")["2"].stance == "oppose"  # matched whatever the case
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "feedback.imported"))
    assert event.details["items"] == 3 and event.details["submissions"] == 2


def test_semicolon_csv_with_bom_and_windows_encoding_imports(db, staff, consultation):
    data = csv_file(
        [unicef(comment="Très bien, la culture d’abord.")],
        delimiter=";",
        bom=False,
        encoding="cp1252",
    )
    import_feedback(staff, consultation, "lettres.csv", data)
    assert items_of(db, "UNICEF")["1"].comment == "Très bien, la culture d’abord."


def test_header_names_ignore_case_and_order_and_informational_columns(db, staff, consultation):
    header = [
        "Stance",
        "PARAGRAPH",
        "Organisation",
        "organisation_kind",
        "region",
        "country",
        "language",
        "comment",
        "amendment",
        "submitted_at",
        "ref",
        "section",
        "id",
    ]
    data = csv_file(
        [
            {
                "Stance": "SUPPORT",
                "PARAGRAPH": "2",
                "Organisation": "UNICEF",
                "language": "EN",
                "section": "One",
                "id": "77",
            }
        ],
        header=header,
    )
    import_feedback(staff, consultation, "x.CSV", data)
    assert items_of(db, "UNICEF")["2"].stance == "support"


def test_formula_looking_text_comes_back_as_the_sender_wrote_it(db, staff, consultation):
    data = csv_file([unicef(comment="'=1+1", amendment="'-5% for culture", ref="'@ref")])
    import_feedback(staff, consultation, "x.csv", data)
    item = items_of(db, "UNICEF")["1"]
    assert (item.comment, item.amendment, item.ref) == ("=1+1", "-5% for culture", "@ref")


def test_an_xlsx_sheet_imports_with_excel_dates_and_numbers(db, staff, consultation):
    data = xlsx_file(
        [
            [
                None,
                "UNICEF",
                None,
                None,
                None,
                "en",
                1,
                "support",
                "'=A1",
                None,
                datetime(2026, 2, 1, 14, 0),
            ],
            [],  # an empty row keeps the numbering of the rows below it
            [123, "UNICEF", None, None, None, None, 3.0, "none", None, None, "2026-02-03"],
        ]
    )
    report = import_feedback(staff, consultation, "letters.xlsx", data)
    assert report.items == 2
    items = items_of(db, "UNICEF")
    assert items["1"].comment == "=A1"
    assert items["3"].ref == "123" and items["3"].stance == "none"
    assert items["1"].submission.submitted_at == datetime(2026, 2, 3, tzinfo=UTC)


def test_unknown_organisation_is_created_from_its_rows(db, staff, consultation):
    data = csv_file(
        [
            {
                "organisation": "Ciudades Unidas",
                "organisation_kind": "LRG network",
                "region": "Latin America",
                "country": "br",
                "language": "es",
                "paragraph": "1",
                "stance": "support",
                "comment": SPANISH,
            },
            {
                "organisation": "ciudades unidas",
                "organisation_kind": "lrg_network",
                "language": "es",
                "paragraph": "2",
                "stance": "support",
            },
            {
                "organisation": "Campus",
                "organisation_kind": "un agency",
                "region": "asia-pacific",
                "paragraph": "2",
                "stance": "none",
            },
        ]
    )
    report = import_feedback(staff, consultation, "x.csv", data)
    assert report.organisations_created == 2
    created = db.session.scalar(
        sa.select(Organisation).where(Organisation.name == "Ciudades Unidas")
    )
    assert (created.kind, created.region, created.country) == ("lrg_network", "latin_america", "BR")
    assert not created.verified
    campus = db.session.scalar(sa.select(Organisation).where(Organisation.name == "Campus"))
    assert (campus.kind, campus.region, campus.country) == ("un_agency", "asia_pacific", "")


def test_times_are_stored_in_utc(db, staff, consultation):
    data = csv_file([unicef(submitted_at="2026-03-01T10:00:00+02:00")])
    import_feedback(staff, consultation, "x.csv", data)
    submitted_at = db.session.scalar(sa.select(Submission.submitted_at))
    assert submitted_at == datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def test_rows_of_one_organisation_on_one_paragraph_are_joined(db, staff, consultation):
    data = csv_file(
        [
            unicef(comment="First letter.", ref="A"),
            unicef(comment="Second letter.", amendment="New words."),
            unicef(stance="Support", amendment="Other words.", ref="B"),
        ]
    )
    report = import_feedback(staff, consultation, "x.csv", data)
    assert report.items == 1
    item = items_of(db, "UNICEF")["1"]
    assert item.comment == "First letter.\n\nSecond letter."
    assert item.amendment == "New words.\n\nOther words."
    assert item.ref == "A"


def test_general_comments_are_joined_into_the_submission(db, staff, consultation):
    data = csv_file(
        [
            {"organisation": "UNICEF", "language": "en", "comment": "Thank you for the draft."},
            {"organisation": "UNICEF", "language": "en", "stance": "none", "comment": "More soon."},
            unicef(),
        ]
    )
    report = import_feedback(staff, consultation, "x.csv", data)
    assert report.general_comments == 1 and report.items == 1
    submission = db.session.scalar(sa.select(Submission))
    assert submission.general_comment == "Thank you for the draft.\n\nMore soon."
    assert submission.general_language == "en"


def test_empty_language_is_detected(db, staff, consultation):
    data = csv_file(
        [
            unicef(language="", comment=FRENCH),
            unicef(language="", paragraph="2", comment=SPANISH),
            unicef(language="", paragraph="3", comment=ENGLISH),
            unicef(language="", paragraph="", stance="", comment=FRENCH),
            unicef(language="fr", paragraph="2", organisation="FAO", comment=ENGLISH),
        ]
    )
    import_feedback(staff, consultation, "x.csv", data)
    items = items_of(db, "UNICEF")
    assert [items[n].language for n in ("1", "2", "3")] == ["fr", "es", "en"]
    assert not items["1"].language_confirmed
    assert items["1"].submission.general_language == "fr"
    assert items_of(db, "FAO")["2"].language == "fr"  # given, so kept as given


def test_import_replaces_the_paragraphs_it_names_and_keeps_the_others(
    db, users, staff, consultation, paragraphs
):
    save_paragraphs(
        users["partner"],
        consultation,
        [
            ParagraphInput(paragraphs["1"].id, stance="oppose", comment="Typed on the site."),
            ParagraphInput(paragraphs["2"].id, stance="support", comment="Keep this one."),
        ],
        0,
    )
    before = db.session.scalar(sa.select(Submission))
    lock_version, item_id = before.lock_version, before.item_for(paragraphs["1"].id).id
    import_feedback(staff, consultation, "x.csv", csv_file([unicef(comment="By letter.")]))
    db.session.expire_all()
    items = items_of(db, "UNICEF")
    assert items["1"].comment == "By letter." and items["1"].stance == "support"
    assert items["1"].id == item_id  # updated in place: references to the item stay valid
    assert items["2"].comment == "Keep this one."
    submission = items["1"].submission
    assert submission.lock_version == lock_version + 1
    assert submission.revisions[-1].action == "imported"
    assert submission.revisions[-1].changes[f"p:{paragraphs['1'].id}"]["comment"] == [
        "Typed on the site.",
        "By letter.",
    ]


def test_the_command_line_may_import(db, organisation, consultation):
    report = import_feedback(COMMAND_LINE, consultation, "x.csv", csv_file([unicef()]))
    assert report.items == 1


# --- files that are refused -------------------------------------------------------------------


def test_every_bad_row_is_reported_and_nothing_is_written(db, staff, consultation):
    data = csv_file(
        [
            unicef(),  # 2: good
            unicef(paragraph="99"),  # 3
            unicef(stance="maybe"),  # 4
            unicef(stance="", comment="No stance given."),  # 5
            {"organisation": "UNICEF", "paragraph": "2"},  # 6: nothing at all
            unicef(organisation=""),  # 7
            unicef(language="de"),  # 8
            unicef(submitted_at="next Tuesday"),  # 9
            unicef(paragraph="2", comment="x" * 10_001),  # 10
            {"organisation": "New One", "paragraph": "1", "stance": "support"},  # 11: no kind
            {"organisation": "UNICEF", "stance": "amend", "comment": "General?"},  # 12
            {
                "organisation": "Other",
                "organisation_kind": "club",
                "region": "mars",
                "country": "XYZ",
                "paragraph": "1",
                "stance": "support",
            },  # 13: three problems
        ]
    )
    with pytest.raises(FeedbackImportError) as raised:
        import_feedback(staff, consultation, "x.csv", data)
    report = raised.value.report
    assert sorted({e.row for e in report.errors}) == list(range(3, 14))
    assert len([e for e in report.errors if e.row == 13]) == 3
    messages = {e.row: str(e.message) for e in report.errors}
    assert messages[3] == "Paragraph 99 is not in the draft."
    assert "Rows with errors: 11." in str(raised.value.message)
    assert count(db, ParagraphFeedback) == count(db, Submission) == 0
    assert count(db, Organisation) == 2 and count(db, AuditEvent) == 0


def test_two_stances_on_one_paragraph_name_both_rows(db, staff, consultation):
    data = csv_file([unicef(), unicef(paragraph="2"), unicef(stance="oppose")])
    with pytest.raises(FeedbackImportError) as raised:
        import_feedback(staff, consultation, "x.csv", data)
    [error] = raised.value.report.errors
    assert error.row == 4 and "Row 2" in str(error.message)
    assert count(db, Submission) == 0


def test_a_new_organisation_cannot_have_two_kinds(db, staff, consultation):
    new = {
        "organisation": "Newcomers",
        "organisation_kind": "ngo",
        "region": "europe",
        "paragraph": "1",
        "stance": "support",
    }
    data = csv_file([new, {**new, "paragraph": "2", "organisation_kind": "academic"}])
    with pytest.raises(FeedbackImportError) as raised:
        import_feedback(staff, consultation, "x.csv", data)
    [error] = raised.value.report.errors
    assert error.row == 3 and "row 2" in str(error.message)


def corrupt_xlsx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "<not-a-workbook")
    return out.getvalue()


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("feedback.pdf", b"%PDF-1.4", "cannot be imported"),
        ("feedback", b"a,b", "cannot be imported"),
        ("feedback.csv", b"", "empty"),
        ("feedback.csv", b"\n\n", "empty"),
        ("feedback.xlsx", b"not a zip", "Excel workbook"),
        ("feedback.xlsx", corrupt_xlsx(), "Excel workbook"),
        ("feedback.csv", b"\x00\x01binary\x00", "could not be read"),
        ("feedback.csv", b"organisation,paragraph,stance\nUNICEF,1,support\n", "missing"),
        ("feedback.csv", csv_file([]), "no feedback rows"),
    ],
)
def test_an_unreadable_file_gets_one_clear_message(
    db, staff, consultation, filename, data, message
):
    with pytest.raises(FeedbackFileError) as raised:
        import_feedback(staff, consultation, filename, data)
    assert message in str(raised.value.message)
    assert raised.value.field == "file"


def test_missing_columns_are_named(db, staff, consultation):
    data = csv_file([unicef()], header=[c for c in HEADER if c not in {"ref", "amendment"}])
    with pytest.raises(FeedbackFileError) as raised:
        import_feedback(staff, consultation, "x.csv", data)
    assert str(raised.value.message).endswith("ref, amendment.")


def test_only_staff_may_import(db, users, consultation):
    for role in ("partner", "council", "visitor"):
        with pytest.raises(Forbidden):
            import_feedback(users[role], consultation, "x.csv", csv_file([unicef()]))
    assert count(db, Submission) == 0


def test_an_archived_consultation_takes_no_import(db, staff):
    consultation = make_consultation(status="archived")
    with pytest.raises(Conflict):
        import_feedback(staff, consultation, "x.csv", csv_file([unicef()]))
