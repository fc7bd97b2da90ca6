"""Draft and feedback imports refuse zip bombs before any library unpacks them."""

import io
import zipfile

import pytest

from app.services.drafts.errors import ImportFormatError
from app.services.drafts.importer import parse_file
from app.services.feedback.file_rows import FeedbackFileError, read_sheet

MB = 1024 * 1024
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
)


def office_file(parts: dict[str, bytes], zeros: tuple[str, int] | None = None) -> bytes:
    """A zip of `parts`, and maybe one part of `size` zero bytes (deflated ~1,000 times)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        for name, data in parts.items():
            archive.writestr(name, data)
        if zeros is not None:
            name, size = zeros
            with archive.open(name, "w", force_zip64=True) as part:
                chunk = b"\0" * MB
                for _ in range(size // MB):
                    part.write(chunk)
    return buffer.getvalue()


def read_docx(data: bytes):
    return parse_file("draft.docx", data)


def read_xlsx(data: bytes):
    return read_sheet("feedback.xlsx", data)


READERS = [
    pytest.param(read_docx, "word/document.xml", ImportFormatError, id="docx"),
    pytest.param(read_xlsx, "xl/worksheets/sheet1.xml", FeedbackFileError, id="xlsx"),
]


def message_of(error: Exception) -> str:
    return str(getattr(error, "message", None) or error.args[0])


def test_a_docx_that_inflates_to_a_hundred_megabytes_is_refused_unread():
    bomb = office_file({}, zeros=("word/media/image1.png", 100 * MB))
    assert len(bomb) < 1 * MB

    with pytest.raises(ImportFormatError) as refused:
        read_docx(bomb)

    assert "unpacks to 100 MB, more than the 60 MB the platform reads" in message_of(refused.value)


def test_an_xlsx_that_inflates_past_three_hundred_megabytes_is_refused_unread():
    bomb = office_file({}, zeros=("xl/worksheets/sheet2.xml", 310 * MB))
    assert len(bomb) < 2 * MB

    with pytest.raises(FeedbackFileError) as refused:
        read_xlsx(bomb)

    assert "more than the 300 MB the platform reads" in message_of(refused.value)


@pytest.mark.parametrize(("read", "part", "error"), READERS)
def test_a_file_of_thousands_of_parts_is_refused(read, part, error):
    bomb = office_file({f"customXml/item{i}.bin": b"x" for i in range(2_500)})

    with pytest.raises(error) as refused:
        read(bomb)

    assert "too many parts (2501; at most 2000 are read)" in message_of(refused.value)


@pytest.mark.parametrize(("read", "part", "error"), READERS)
def test_xml_nested_thousands_deep_is_refused(read, part, error):
    deep = b"<?xml version='1.0'?>" + b"<a>" * 50_000 + b"</a>" * 50_000

    with pytest.raises(error) as refused:
        read(office_file({part: deep}))

    assert "nested more than 200 levels deep" in message_of(refused.value)


@pytest.mark.parametrize(("read", "part", "error"), READERS)
def test_xml_entities_that_expand_a_billion_times_are_refused(read, part, error):
    entities = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    laughs = (
        f'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">{entities}]><lolz>&lol9;</lolz>'
    ).encode()

    with pytest.raises(error) as refused:
        read(office_file({part: laughs}))

    assert "declares XML entities" in message_of(refused.value)


def test_the_feedback_import_page_shows_why_a_bomb_is_refused(client, auth, users, db):
    from tests.helpers import make_consultation

    consultation = make_consultation()
    auth.login(users["staff"].email)
    deep = b"<?xml version='1.0'?>" + b"<a>" * 1_000 + b"</a>" * 1_000

    response = client.post(
        f"/staff/consultations/{consultation.slug}/feedback/import",
        data={"file": (io.BytesIO(office_file({"xl/workbook.xml": deep})), "feedback.xlsx")},
    )

    assert response.status_code in (200, 422)
    assert "nested more than 200 levels deep" in response.get_data(as_text=True)
