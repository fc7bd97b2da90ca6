"""Files partners might attach, made in the test: good ones, and ones that lie or carry code."""

import io
import zipfile

import docx

from tests.pdf_maker import pdf_bytes, text_page, wrap

PAPER = (
    "Position paper of the organisation. Cities must guarantee access to culture for every "
    "child, whatever the neighbourhood they grow up in. We ask the Council to name children "
    "explicitly in paragraph one and to fund local libraries."
)


def pdf(text: str = PAPER, catalog: bytes = b"") -> bytes:
    return pdf_bytes([text_page(wrap(text))], catalog=catalog)


def pdf_with_javascript() -> bytes:
    """A PDF that runs a script when it is opened."""
    return pdf(catalog=b"/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >> ")


def pdf_with_hidden_javascript() -> bytes:
    """The same, with the name written in escapes (/J#61vaScript), as malware does."""
    return pdf(catalog=b"/OpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >> ")


def pdf_with_javascript_in_an_object_stream() -> bytes:
    """The script's action kept inside a compressed object stream, where a plain search of
    the file's bytes would not see it."""
    import zlib

    packed = zlib.compress(b"21 0 << /S /JavaScript /JS (app.alert\\(1\\)) >>")
    head, xref, tail = pdf().rpartition(b"xref")
    stream = (
        b"20 0 obj\n<< /Type /ObjStm /N 1 /First 5 /Filter /FlateDecode /Length %d >>\n"
        % len(packed)
        + b"stream\n"
        + packed
        + b"\nendstream\nendobj\n"
    )
    return head + stream + xref + tail


def encrypted_pdf() -> bytes:
    """A PDF protected by a password (RC4 or AES, as pypdf writes it)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(pdf())).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")  # noqa: S106
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_file(text: str = PAPER) -> bytes:
    document = docx.Document()
    document.add_heading("Position paper", level=1)
    for sentence in text.split(". "):
        document.add_paragraph(sentence.rstrip(".") + ".")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _rezip(data: bytes, replace: dict[str, bytes], add: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, replace.get(item.filename, source.read(item.filename)))
        for name, content in add.items():
            target.writestr(name, content)
    return out.getvalue()


def docm_file() -> bytes:
    """A Word document with macros (what Word saves as .docm), whatever it is called."""
    original = docx_file()
    with zipfile.ZipFile(io.BytesIO(original)) as archive:
        types = archive.read("[Content_Types].xml")
    types = types.replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml",
    ).replace(
        b"</Types>",
        b'<Override PartName="/word/vbaProject.bin" '
        b'ContentType="application/vnd.ms-office.vbaProject"/></Types>',
    )
    return _rezip(original, {"[Content_Types].xml": types}, {"word/vbaProject.bin": b"\x01" * 64})


ODT_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
    "<office:body><office:text>"
    "<text:h>Note de position</text:h>"
    "<text:p>Les villes doivent garantir l’accès à la culture<text:s/>pour chaque enfant."
    "<text:line-break/>Nous demandons au Conseil de financer les bibliothèques.</text:p>"
    "</office:text></office:body></office:document-content>"
)
ODT_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def odt_file(extra: dict[str, bytes] | None = None) -> bytes:
    """An OpenDocument text, laid out as LibreOffice writes one (`mimetype` first, stored)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"),
            "application/vnd.oasis.opendocument.text",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr("content.xml", ODT_CONTENT)
        archive.writestr("META-INF/manifest.xml", ODT_MANIFEST)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return out.getvalue()


def odt_with_basic() -> bytes:
    """An OpenDocument text carrying a LibreOffice Basic macro library."""
    return odt_file({"Basic/Standard/Module1.xml": b"<script:module>Sub Main</script:module>"})


def odt_running_a_macro_on_opening() -> bytes:
    """An OpenDocument text without macros of its own that calls one of the reader's office
    suite when it is opened."""
    out = io.BytesIO()
    listener = (
        '<office:event-listeners xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" '
        'xmlns:xlink="http://www.w3.org/1999/xlink"><script:event-listener '
        'script:language="ooo:script" script:event-name="dom:load" xlink:href="vnd.sun.star.'
        'script:Tools.Misc.Shell?language=Basic&amp;location=application"/>'
        "</office:event-listeners>"
    )
    content = ODT_CONTENT.replace(
        "<office:body>", f"<office:scripts>{listener}</office:scripts><office:body>"
    )
    with zipfile.ZipFile(io.BytesIO(odt_file())) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = content.encode() if item.filename == "content.xml" else source.read(item)
            target.writestr(item, data)
    return out.getvalue()


def docx_with_an_embedded_workbook_with_macros() -> bytes:
    """A Word file free of macros itself, carrying an Excel workbook that has some."""
    return _rezip(docx_file(), {}, {"word/embeddings/Microsoft_Excel.xlsm": b"PK\x03\x04"})


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "not a document")
    return out.getvalue()


# What a Windows program starts with; the rest does not matter to a check by content.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
# An encrypted Word file is an OLE compound file, whatever its name says.
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
