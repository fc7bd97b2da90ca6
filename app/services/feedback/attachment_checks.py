"""What an attached file really is, read from its content; the files the platform refuses.

A name says nothing: the type is sniffed from the first bytes and the structure (a PDF's
header and objects, the zip of a DOCX with its [Content_Types].xml, the zip of an ODT with
its `mimetype` entry). Refused, each with its reason: anything else (a program, an archive,
an old binary Word file), documents carrying macros or scripts, encrypted documents, PDFs
that run JavaScript or act on opening, and office files that would unpack past the limits.
"""

import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from xml.etree import ElementTree

from app.lazy_text import lazy_gettext as _l
from app.services.archives import ArchiveLimits, check_office_file
from app.services.errors import DomainError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# A position paper is a few MB of XML at most; a little room for embedded pictures.
ATTACHMENT_LIMITS = ArchiveLimits(inflated_bytes=200 * 1024 * 1024, entries=5_000)
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# Scripts in the XML itself, or events bound to macros (of the document or of the reader's
# own office suite, which is how a macro-free file can still run one).
ODT_SCRIPT_MARKERS = (
    b"<office:script ",
    b"<office:script>",
    b"script:event-listener",
    b"vnd.sun.star.script",
)
CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
# What a PDF may not carry: scripts, actions run on opening or on events, programs launched.
PDF_ACTIVE = re.compile(rb"/(JS|JavaScript|AA|Launch)(?=[\s/<>\[\]()%]|$)")
PDF_OPEN_ACTION = re.compile(rb"/OpenAction\s*<<(?:(?!>>).)*?/S\s*/(JavaScript|Launch)", re.S)
PDF_OBJECT = re.compile(rb"\d+\s+\d+\s+obj\b")
NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# Object streams are unpacked to be read: bounded, so a small file cannot inflate to gigabytes.
MAX_INFLATED_OBJECTS = 64 * 1024 * 1024


class AttachmentRefused(DomainError):
    """The file is not one the platform accepts; the message says why."""


@dataclass(frozen=True)
class Sniffed:
    """What a file turned out to be."""

    kind: str  # pdf | docx | odt


def sniff(data: bytes) -> Sniffed:
    """The kind of an acceptable file, or AttachmentRefused saying what it is and why not."""
    if not data:
        raise AttachmentRefused(_l("This file is empty."))
    if b"%PDF-" in data[:1024]:
        check_pdf(data)
        return Sniffed("pdf")
    if data.startswith(OLE_MAGIC):
        raise AttachmentRefused(
            _l(
                "This file is a password-protected Office document or an old Word 97–2003 "
                "file (.doc), which cannot be checked. Save it without a password as .docx, "
                ".odt or PDF."
            )
        )
    if data.startswith(ZIP_MAGIC):
        return Sniffed(_office_kind(data))
    raise AttachmentRefused(
        _l("This file is %(what)s, not a PDF, DOCX or ODT document.", what=_what(data))
    )


def _what(data: bytes) -> str:
    """What a refused file seems to be, in words, whatever its name says."""
    if data.startswith(b"MZ") or data.startswith(b"\x7fELF"):
        return _l("a program")
    if data[:8] in (b"\x89PNG\r\n\x1a\n",) or data[:3] == b"\xff\xd8\xff":
        return _l("a picture")
    if data[:6] in (b"Rar!\x1a\x07", b"7z\xbc\xaf'\x1c"):
        return _l("a compressed archive")
    if data.lstrip()[:1] in (b"<",) and b"html" in data[:1024].lower():
        return _l("a web page")
    return _l("of an unknown type")


# -- Office files ------------------------------------------------------------------------------


def _office_kind(data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise AttachmentRefused(_l("This file is a damaged archive.")) from None
    with archive:
        names = set(archive.namelist())
        if "[Content_Types].xml" in names:
            check_office_file(data, ATTACHMENT_LIMITS)
            _check_docx(archive, names)
            return "docx"
        if "mimetype" in names and _read(archive, "mimetype").strip() == ODT_MIMETYPE:
            check_office_file(data, ATTACHMENT_LIMITS)
            _check_odt(archive, names)
            return "odt"
    raise AttachmentRefused(
        _l("This file is a compressed archive (zip), not a PDF, DOCX or ODT document.")
    )


def _read(archive: zipfile.ZipFile, name: str, limit: int = 1024 * 1024) -> bytes:
    """An entry's bytes, at most `limit` of them; a damaged or encrypted entry reads as empty."""
    try:
        with archive.open(name) as entry:
            return entry.read(limit)
    except (KeyError, RuntimeError, zipfile.BadZipFile, zlib.error, NotImplementedError, OSError):
        return b""


def _check_docx(archive: zipfile.ZipFile, names: set[str]) -> None:
    """A Word document (.docx) without macros: .docm, .dotm and vbaProject.bin are refused."""
    try:
        types = ElementTree.fromstring(_read(archive, "[Content_Types].xml"))
    except ElementTree.ParseError:
        raise AttachmentRefused(
            _l("This Word file is damaged: its list of parts cannot be read.")
        ) from None
    declared = {
        (element.get("ContentType") or "").lower()
        for element in types.iter()
        if element.tag in (f"{CONTENT_TYPES_NS}Override", f"{CONTENT_TYPES_NS}Default")
    }
    macros = any("macroenabled" in t or "vbaproject" in t for t in declared) or any(
        _carries_code(name.lower()) for name in names
    )
    if macros:
        raise AttachmentRefused(
            _l(
                "This Word file contains macros (it is a .docm), which could run on a reader's "
                "computer. Save it as a plain Word document (.docx) or as PDF."
            )
        )
    if DOCX_MAIN not in declared or "word/document.xml" not in names:
        raise AttachmentRefused(
            _l("This Office file is not a Word document (.docx). Save it as .docx or PDF.")
        )


def _carries_code(name: str) -> bool:
    """A part of a Word file that holds macros, ActiveX controls or an embedded document
    with macros of its own."""
    return (
        name.rsplit("/", 1)[-1] in ("vbaproject.bin", "vbadata.xml")
        or "/activex/" in f"/{name}"
        or name.endswith((".docm", ".xlsm", ".pptm", ".xlsb", ".dotm"))
    )


def _check_odt(archive: zipfile.ZipFile, names: set[str]) -> None:
    """An OpenDocument text without Basic macros, scripts or encryption."""
    manifest = _read(archive, "META-INF/manifest.xml")
    if b"encryption-data" in manifest:
        raise AttachmentRefused(
            _l("This document is protected by a password. Save a copy without protection.")
        )
    scripted = any(n.startswith(("Basic/", "Scripts/")) for n in names) or any(
        marker in _read(archive, part, 64 * 1024 * 1024)
        for part in ("content.xml", "styles.xml", "settings.xml")
        if part in names
        for marker in ODT_SCRIPT_MARKERS
    )
    if scripted:
        raise AttachmentRefused(
            _l(
                "This OpenDocument file contains macros or scripts, which could run on a "
                "reader's computer. Save a copy without them, or as PDF."
            )
        )
    if "content.xml" not in names:
        raise AttachmentRefused(_l("This OpenDocument file is damaged: it has no text."))


# -- PDF ---------------------------------------------------------------------------------------


def check_pdf(data: bytes) -> None:
    """A PDF that PDFium opens, that is not encrypted and carries no script or action."""
    names = _pdf_dictionaries(data)
    if re.search(rb"/Encrypt(?=[\s/<>\[\]]|$)", names):
        raise AttachmentRefused(_encrypted())
    if PDF_ACTIVE.search(names) or PDF_OPEN_ACTION.search(names):
        raise AttachmentRefused(_scripted())
    _open_with_pdfium(data)


def _encrypted() -> str:
    return _l("This PDF is protected by a password or encrypted. Save a copy without protection.")


def _scripted() -> str:
    return _l(
        "This PDF contains JavaScript or actions that run when it is opened, which could act "
        "on a reader's computer. Print it to a new PDF, or save it without them, and send "
        "that copy."
    )


def _pdf_dictionaries(data: bytes) -> bytes:
    """Every object's dictionary (names unescaped), and the contents of object streams:
    where a script or an action would be declared. Page contents are left out, so a paper
    that mentions "/JavaScript" in its text is not refused for it, and stream data is skipped
    by `find`, never scanned by a regular expression (a 20 MB file is read in milliseconds)."""
    parts, inflated, position = [], 0, 0
    while header := PDF_OBJECT.search(data, position):
        start = header.end()
        end = data.find(b"endobj", start)
        end = len(data) if end < 0 else end
        stream = data.find(b"stream", start, end)
        if stream < 0:
            parts.append(data[start:end])
        else:
            head = data[start:stream]
            parts.append(head)
            close = data.find(b"endstream", stream)
            close = len(data) if close < 0 else close
            end = max(end, data.find(b"endobj", close)) if close < len(data) else len(data)
            if b"/ObjStm" in head:
                body = data[stream + len(b"stream") : close].lstrip(b"\r\n")
                unpacked = _inflate(body, MAX_INFLATED_OBJECTS - inflated)
                inflated += len(unpacked)
                parts.append(unpacked)
        position = max(end, start) + len(b"endobj")
    parts.append(data[position:])  # the trailer, which names /Encrypt
    return NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), b"\n".join(parts))


def _inflate(stream: bytes, budget: int) -> bytes:
    if budget <= 0:
        raise AttachmentRefused(_l("This PDF unpacks to more than the platform reads."))
    try:
        return zlib.decompressobj().decompress(stream, budget)
    except zlib.error:
        return b""


def _open_with_pdfium(data: bytes) -> None:
    import pypdfium2 as pdfium  # only loaded for PDF files
    import pypdfium2.raw as pdfium_c

    from app.services.drafts.pdf import PASSWORD_ERROR, PDFIUM_LOCK

    with PDFIUM_LOCK:
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as error:
            if getattr(error, "err_code", None) == PASSWORD_ERROR:
                raise AttachmentRefused(_encrypted()) from error
            raise AttachmentRefused(
                _l("This file calls itself a PDF but cannot be read as one. Is it damaged?")
            ) from error
        try:
            if pdfium_c.FPDF_GetSecurityHandlerRevision(document.raw) != -1:
                raise AttachmentRefused(_encrypted())
            if pdfium_c.FPDFDoc_GetJavaScriptActionCount(document.raw) > 0:
                raise AttachmentRefused(_scripted())
        finally:
            document.close()
