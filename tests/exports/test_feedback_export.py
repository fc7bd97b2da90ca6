"""Exporting feedback as CSV, XLSX and JSON, tested on the services and real file readers."""

import csv
import io
import json
import tempfile
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from openpyxl.utils.escape import unescape

from app.models import AuditEvent, Organisation, ParagraphFeedback, Submission
from app.services.accounts.access import COMMAND_LINE
from app.services.errors import Forbidden
from app.services.exports.feedback_rows import (
    COLUMNS,
    SECTION,
    ExportFilterError,
    ExportFilters,
    export_rows,
    feedback_rows,
    parse_filters,
)
from app.services.exports.writers import csv_chunks, json_chunks, write_file, write_xlsx
from app.services.feedback.file_import import FeedbackFileError, import_feedback
from tests.helpers import make_consultation

PAYLOADS = ["=1+1", "+33 6 12 34 56 78", "-x", "@SUM(A1:A9)", "\tTabbed", "\rReturned"]
FRENCH = "Coopération décentralisée : « la culture » — ça compte, ñandú."
ARABIC = "نحن ندعم هذه الفقرة بشأن الثقافة"
CONTROL = "Bell\x07, escape\x1b, \x01\x0bvertical tab, _x0041_ as typed"
MARCH = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
APRIL = datetime(2026, 4, 15, 8, 0, tzinfo=UTC)


@pytest.fixture
def consultation(db):
    return make_consultation()


def submit(db, consultation, organisation, items, general="", language=None, at=MARCH, **kw):
    """A submission of `organisation` with items {paragraph number: fields}."""
    version = consultation.current_version
    paragraphs = {p.number: p for p in version.paragraphs}
    submission = Submission(
        consultation=consultation,
        organisation=organisation,
        version=version,
        status=kw.get("status", "submitted"),
        submitted_at=at,
        general_comment=general,
        general_language=language,
    )
    submission.items = [
        ParagraphFeedback(paragraph=paragraphs[number], **values)
        for number, values in items.items()
    ]
    db.session.add(submission)
    db.session.commit()
    return submission


def organisation(db, name, kind="ngo", region="europe", country="FR"):
    """The organisation of this name (the `users` fixture makes UNICEF), made if need be."""
    found = db.session.scalar(sa.select(Organisation).where(Organisation.name == name))
    if found is None:
        found = Organisation(name=name, kind=kind, region=region, country=country)
        db.session.add(found)
        db.session.commit()
    return found


@pytest.fixture
def feedback(db, consultation):
    return add_feedback(db, consultation)


def add_feedback(db, consultation):
    """Three organisations, each stance, a general comment, a draft that is not exported."""
    unicef = organisation(db, "UNICEF", "un_agency", "north_america", "US")
    cités = organisation(db, "Cités Unies", "lrg_network", "europe", "FR")
    arab = organisation(db, "شبكة المدن العربية", "ngo", "middle_east_west_asia", "JO")
    submit(
        db,
        consultation,
        unicef,
        {
            "1": {"stance": "support", "comment": "Yes.", "language": "en", "ref": "U-1"},
            "2": {"stance": "amend", "amendment": "Say cities.", "language": "en"},
            "3": {"stance": None, "comment": "Unsure.", "language": "en"},
        },
        general="Thanks for asking.",
        language="en",
    )
    submit(
        db,
        consultation,
        cités,
        {"1": {"stance": "oppose", "comment": FRENCH, "language": "fr"}},
        at=APRIL,
    )
    submit(
        db, consultation, arab, {"3": {"stance": "support", "comment": ARABIC, "language": "en"}}
    )
    drafter = organisation(db, "Draft Only", "academic", "africa", "KE")
    submit(
        db, consultation, drafter, {"1": {"stance": "support", "comment": "Draft."}}, status="draft"
    )
    return consultation


def csv_records(rows) -> tuple[bytes, list[list[str]]]:
    data = "".join(csv_chunks(rows)).encode("utf-8")
    return data, list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def xlsx_workbook(rows):
    out = io.BytesIO()
    write_xlsx(rows, out)
    out.seek(0)
    return load_workbook(out)


def sheet_values(sheet, min_row=1) -> list[tuple]:
    """The cells as a spreadsheet shows them: _xHHHH_ escapes (CR, control characters) undone."""
    return [
        tuple(unescape(c) if isinstance(c, str) else c for c in row)
        for row in sheet.iter_rows(min_row=min_row, values_only=True)
    ]


def json_document(slug, rows, filters=None):
    return json.loads("".join(json_chunks(slug, filters or {}, rows)))


def rows_of(consultation, **given):
    return list(feedback_rows(consultation, parse_filters(consultation, given)))


def test_csv_is_utf8_with_bom_crlf_and_the_feedback_file_columns(feedback):
    data, records = csv_records(feedback_rows(feedback, ExportFilters()))
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data and data.count(b"\n") == data.count(b"\r\n")
    assert records[0] == list(COLUMNS)
    by_ref = {record[1]: dict(zip(COLUMNS, record, strict=True)) for record in records[1:]}
    first = by_ref["U-1"]
    assert first["consultation"] == "culture-2026" and first["version"] == "1"
    assert (first["organisation"], first["organisation_kind"], first["region"]) == (
        "UNICEF",
        "un_agency",
        "north_america",
    )
    assert (first["section"], first["paragraph"], first["stance"]) == ("One", "1", "support")
    assert first["submitted_at"] == "2026-03-01T12:30:00Z"


def test_only_submitted_feedback_and_nonempty_general_comments_are_exported(feedback):
    rows = [dict(zip(COLUMNS, row, strict=True)) for row in rows_of(feedback)]
    assert "Draft Only" not in {row["organisation"] for row in rows}
    assert len(rows) == 6  # five items and one general comment
    general = [row for row in rows if not row["paragraph"]]
    assert [(g["organisation"], g["comment"], g["stance"]) for g in general] == [
        ("UNICEF", "Thanks for asking.", "none")
    ]
    assert general[0]["id"].startswith("g")
    unsure = next(row for row in rows if row["comment"] == "Unsure.")
    assert unsure["stance"] == "none"  # no stance given is written as none


def test_formula_payloads_are_neutralised_in_csv_and_xlsx_and_kept_in_database_and_json(
    db, consultation
):
    sender = organisation(db, '=HYPERLINK("http://x")')
    items = {
        number: {"stance": "amend", "comment": comment, "amendment": amendment, "ref": comment}
        for number, comment, amendment in zip(
            ("1", "2", "3"), PAYLOADS[::2], PAYLOADS[1::2], strict=True
        )
    }
    submit(db, consultation, sender, items, general="@general", language="en")
    rows = rows_of(consultation)

    _, records = csv_records(rows)
    cells = [dict(zip(COLUMNS, record, strict=True)) for record in records[1:]]
    written = {c["comment"] for c in cells} | {c["amendment"] for c in cells if c["amendment"]}
    assert written == {"'" + payload for payload in PAYLOADS} | {"'@general"}
    assert {c["organisation"] for c in cells} == {'\'=HYPERLINK("http://x")'}
    assert {c["ref"] for c in cells if c["paragraph"]} == {"'" + p for p in PAYLOADS[::2]}

    sheet = xlsx_workbook(rows).worksheets[0]
    values = sheet_values(sheet, min_row=2)
    comments = {row[COLUMNS.index("comment")] for row in values}
    comments |= {row[COLUMNS.index("amendment")] for row in values if row[13]}
    assert comments == {"'" + payload for payload in PAYLOADS} | {"'@general"}
    assert all(sheet.cell(row=r, column=13).data_type == "s" for r in range(2, 6))

    stored = db.session.scalars(sa.select(ParagraphFeedback.comment)).all()
    stored += db.session.scalars(sa.select(ParagraphFeedback.amendment)).all()
    assert sorted(stored) == sorted(PAYLOADS)
    document = json_document(consultation.slug, rows)
    assert {f["comment"] for f in document["feedback"]} == set(PAYLOADS[::2]) | {"@general"}


def test_accented_and_right_to_left_text_is_intact_in_every_format(feedback):
    rows = rows_of(feedback)
    _, records = csv_records(rows)
    texts = {cell for record in records for cell in record}
    assert {FRENCH, ARABIC, "شبكة المدن العربية", "Cités Unies"} <= texts
    workbook = xlsx_workbook(rows)
    texts = {cell for row in workbook.worksheets[0].iter_rows(values_only=True) for cell in row}
    assert {FRENCH, ARABIC, "شبكة المدن العربية", "Cités Unies"} <= texts
    raw = "".join(json_chunks(feedback.slug, {}, rows))
    assert ARABIC in raw  # not \u escapes
    assert {f["comment"] for f in json.loads(raw)["feedback"]} >= {FRENCH, ARABIC}


def test_an_empty_consultation_gives_a_header_only_file(consultation):
    rows = rows_of(consultation)
    assert rows == []
    _, records = csv_records(rows)
    assert records == [list(COLUMNS)]
    workbook = xlsx_workbook(rows)
    assert workbook.sheetnames == ["Feedback", "Summary"]
    assert list(workbook["Feedback"].iter_rows(values_only=True)) == [COLUMNS]
    assert workbook["Feedback"].freeze_panes == "A2"
    assert workbook["Feedback"].auto_filter.ref == "A1:O1"
    assert json_document(consultation.slug, rows) == {
        "consultation": "culture-2026",
        "filters": {},
        "feedback": [],
    }


def test_workbook_has_a_sheet_per_section_a_summary_frozen_headers_and_filters(feedback):
    workbook = xlsx_workbook(rows_of(feedback))
    assert workbook.sheetnames == ["Feedback", "One", "Two", "General comments", "Summary"]
    first = workbook["Feedback"]
    assert all(sheet.freeze_panes == "A2" for sheet in workbook.worksheets)
    assert first.auto_filter.ref == "A1:O7"
    # Stored as Excel stores them: characters of the digit 0, plus the cell's padding.
    assert int(first.column_dimensions["E"].width) == 32  # organisation
    assert int(first.column_dimensions["M"].width) == 60  # comment, and amendment beside it
    assert int(workbook["Summary"].column_dimensions["A"].width) == 30
    assert all(cell.font.bold for cell in first[1])
    assert [row[10] for row in workbook["One"].iter_rows(min_row=2, values_only=True)] == [
        "1",
        "1",
        "2",
    ]
    assert workbook["Two"].auto_filter.ref == "A1:O3"
    assert workbook["Summary"].auto_filter.ref == "A1:G5"
    summary = list(workbook["Summary"].iter_rows(values_only=True))
    assert summary[0] == ("section", "paragraph", "support", "amend", "oppose", "none", "total")
    assert summary[1:] == [
        ("One", "1", 1, 0, 1, 0, 2),
        ("One", "2", 0, 1, 0, 0, 1),
        ("Two", "3", 1, 0, 0, 1, 2),
        ("General comments", None, None, None, None, None, 1),
    ]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"section": "2"}, {"Unsure.", ARABIC}),
        ({"section": "one"}, {"Yes.", "", FRENCH}),
        ({"paragraph": "1"}, {"Yes.", FRENCH}),
        ({"stance": "oppose"}, {FRENCH}),
        ({"stance": "none"}, {"Unsure.", "Thanks for asking."}),
        ({"kind": "UN agency"}, {"Yes.", "", "Unsure.", "Thanks for asking."}),
        ({"region": "europe"}, {FRENCH}),
        ({"language": "fr"}, {FRENCH}),
        ({"from": "2026-04-01"}, {FRENCH}),
        (
            {"from": "2026-03-01", "to": "2026-03-01"},
            {"Yes.", "", "Unsure.", ARABIC, "Thanks for asking."},
        ),
        ({"to": "2026-02-28"}, set()),
    ],
)
def test_filters_select_the_feedback_they_name(feedback, given, expected):
    comments = {row[COLUMNS.index("comment")] for row in rows_of(feedback, **given)}
    assert comments == expected


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"colour": "red"}, "colour"),
        ({"section": "9"}, "section"),
        ({"section": "Nowhere"}, "section"),
        ({"paragraph": "99"}, "paragraph"),
        ({"stance": "maybe"}, "stance"),
        ({"kind": "club"}, "kind"),
        ({"region": "mars"}, "region"),
        ({"language": "de"}, "language"),
        ({"from": "01/03/2026"}, "from"),
        ({"from": "2026-04-01", "to": "2026-03-01"}, "to"),
    ],
)
def test_bad_filters_are_refused_with_the_field_they_concern(consultation, given, field):
    with pytest.raises(ExportFilterError) as caught:
        parse_filters(consultation, given)
    assert caught.value.field == field


def comparable(consultation) -> list[tuple]:
    """Every column but the ids and the slug, which differ between consultations."""
    skip = {COLUMNS.index("id"), COLUMNS.index("consultation")}
    return [
        tuple(value for index, value in enumerate(row) if index not in skip)
        for row in rows_of(consultation)
    ]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_imports_back_to_the_same_feedback(db, feedback, file_format):
    sender = organisation(db, "-Formula Friends", "other", "asia_pacific", "JP")
    items = {"2": {"stance": "amend", "comment": "=1+1", "amendment": "@SUM", "language": "es"}}
    items["3"] = {"stance": "oppose", "comment": "\tTabbed\nand \rreturned", "language": "fr"}
    items["1"] = {
        "stance": "support",
        "comment": CONTROL,
        "amendment": "'=typed",
        "ref": "-r",
        "language": "en",
    }
    submit(db, feedback, sender, items, general="+33 6 12 34 56 78", language="fr")
    rows = rows_of(feedback)
    assert {CONTROL, FRENCH, ARABIC} <= {row[COLUMNS.index("comment")] for row in rows}
    if file_format == "csv":
        data = "".join(csv_chunks(rows)).encode("utf-8")
    else:
        out = io.BytesIO()
        write_xlsx(rows, out)
        data = out.getvalue()
    copy = make_consultation(slug="culture-copy")
    report = import_feedback(COMMAND_LINE, copy, f"export.{file_format}", data)
    assert report.rows == len(rows)
    assert comparable(copy) == comparable(feedback)


def test_an_empty_export_imports_back_as_a_file_with_no_feedback_rows(consultation):
    out = io.BytesIO()
    write_xlsx(rows_of(consultation), out)
    copy = make_consultation(slug="culture-copy")
    with pytest.raises(FeedbackFileError) as caught:
        import_feedback(COMMAND_LINE, copy, "export.xlsx", out.getvalue())
    assert str(caught.value.message) == "The file has a header row but no feedback rows."


def section_row(section: str, paragraph: str = "1", comment: str = "Yes.") -> tuple:
    """A row of the export, as `feedback_rows` gives it, on `section`."""
    return (
        7, "", "culture-2026", 1, "UNICEF", "un_agency", "north_america", "US", "en",
        section, paragraph, "support", comment, "", "2026-03-01T12:30:00Z",
    )  # fmt: skip


def test_sheet_names_follow_excels_rules_whatever_the_headings(app):
    headings = [
        "Finance: who pays? [a/b]*\\",
        "Abcdefghijklmnopqrstuvwxyz1234'5 and more",
        "'Quoted'",
        "ONE",
        "one",
        "🎭" * 20,
        "\x07Bell\ttab",
        "",
    ]
    rows = [section_row(heading, str(n)) for n, heading in enumerate(headings, start=1)]
    workbook = xlsx_workbook(rows)
    assert workbook.sheetnames == [
        "Feedback",
        "Finance  who pays   a b",
        "Abcdefghijklmnopqrstuvwxyz1234",
        "Quoted",
        "ONE",
        "one (2)",
        "🎭" * 15,
        "Belltab",
        "Section",
        "Summary",
    ]
    for heading, name in zip(headings, workbook.sheetnames[1:-1], strict=True):
        assert [row[SECTION] for row in sheet_values(workbook[name], min_row=2)] == [
            heading or None
        ]


def test_text_xml_cannot_carry_is_dropped_and_the_rest_kept(app):
    workbook = xlsx_workbook([section_row("One", comment="a\ufffeb\uffffc\x00d")])
    assert sheet_values(workbook["One"], min_row=2)[0][COLUMNS.index("comment")] == "abc\x00d"


def test_a_failed_export_leaves_neither_a_file_nor_temporary_files(app, tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))

    def failing():
        yield section_row("One")
        raise RuntimeError("the database went away")

    target = tmp_path / "export.xlsx"
    with pytest.raises(RuntimeError):
        write_file("xlsx", "culture-2026", {}, failing(), str(target))
    assert not target.exists()
    assert list(scratch.iterdir()) == []
    write_file("xlsx", "culture-2026", {}, [section_row("One")], str(target))
    assert load_workbook(target).sheetnames == ["Feedback", "One", "Summary"]
    assert list(scratch.iterdir()) == []


def test_staff_and_council_may_export_and_each_export_is_audited(db, users, feedback):
    for role in ("staff", "council"):
        rows = export_rows(
            users[role], feedback, parse_filters(feedback, {"stance": "amend"}), "csv"
        )
        assert len(list(rows)) == 1
    events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.actor_id) for e in events] == [
        ("feedback.exported", users["staff"].id),
        ("feedback.exported", users["council"].id),
    ]
    assert events[0].object_id == feedback.id
    assert events[0].details == {
        "format": "csv",
        "filters": {"stance": "amend"},
        "rows": 1,
        "complete": True,
    }


@pytest.mark.parametrize("role", ["partner", "visitor", None])
def test_partners_visitors_and_anonymous_cannot_export(db, users, feedback, role):
    actor = users[role] if role else None
    with pytest.raises(Forbidden):
        export_rows(actor, feedback, ExportFilters(), "csv")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0


def test_rows_are_fetched_in_batches_not_all_at_once(feedback, monkeypatch):
    from app.services.exports import feedback_rows as module

    seen = []
    real = module.db.session.execute

    def spy(statement, *args, **kwargs):
        seen.append(kwargs.get("execution_options"))
        return real(statement, *args, **kwargs)

    monkeypatch.setattr(module.db.session, "execute", spy)
    assert len(list(feedback_rows(feedback, ExportFilters(), batch=2))) == 6
    assert seen == [{"yield_per": 2}, {"yield_per": 2}]
