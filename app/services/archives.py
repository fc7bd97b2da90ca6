"""Office files (.docx, .xlsx) are zip archives of XML: checked before any library opens them.

A file of under a megabyte can inflate to gigabytes (a zip bomb), hold a million entries, or
carry XML nested thousands deep or entities that expand exponentially ("billion laughs").
`check_office_file` reads the archive's directory and streams each XML part through expat
with counters, so a hostile file is refused having cost at most the limits themselves.
"""

import io
import zipfile
import zlib
from dataclasses import dataclass
from xml.parsers import expat

from app.lazy_text import lazy_gettext as _l
from app.services.errors import DomainError

CHUNK = 64 * 1024


@dataclass(frozen=True)
class ArchiveLimits:
    """What one kind of office file may hold once unpacked."""

    inflated_bytes: int
    entries: int
    xml_depth: int = 200


# A long Council report is ~5 MB of document XML; python-docx holds it all in memory.
DOCX_LIMITS = ArchiveLimits(inflated_bytes=60 * 1024 * 1024, entries=2_000)
# A sheet of 100,000 feedback rows is ~120 MB of XML; openpyxl streams it in read-only mode.
XLSX_LIMITS = ArchiveLimits(inflated_bytes=300 * 1024 * 1024, entries=2_000)


class ArchiveRefused(DomainError):
    """The file would unpack to more than the platform reads; the message says which limit."""


def check_office_file(data: bytes, limits: ArchiveLimits) -> None:
    """Raise ArchiveRefused if the archive breaks a limit; a file that is not a zip passes
    (the reader then says it is damaged)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        return
    with archive:
        entries = archive.infolist()
        if len(entries) > limits.entries:
            raise ArchiveRefused(
                _l(
                    "This file holds too many parts (%(count)d; at most %(limit)d are read).",
                    count=len(entries),
                    limit=limits.entries,
                )
            )
        # zipfile never yields more than an entry's declared size, and python-docx and
        # openpyxl read through zipfile: the declared sizes bound what they will unpack.
        inflated = sum(entry.file_size for entry in entries)
        if inflated > limits.inflated_bytes:
            raise ArchiveRefused(
                _l(
                    "This file unpacks to %(size)d MB, more than the %(limit)d MB the platform "
                    "reads. Is it a real office document?",
                    size=inflated // (1024 * 1024),
                    limit=limits.inflated_bytes // (1024 * 1024),
                )
            )
        for entry in entries:
            if entry.filename.lower().endswith((".xml", ".rels")):
                _check_xml(archive, entry, limits)


def _check_xml(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, limits: ArchiveLimits) -> None:
    """Stream one XML part: no DTD (office files never have one), nesting within limits."""
    depth = 0

    def start(name: str, attributes: dict) -> None:
        nonlocal depth
        depth += 1
        if depth > limits.xml_depth:
            raise ArchiveRefused(
                _l(
                    "This file's XML is nested more than %(limit)d levels deep, which no office "
                    "document needs.",
                    limit=limits.xml_depth,
                )
            )

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1

    def doctype(*args: object) -> None:
        raise ArchiveRefused(
            _l("This file declares XML entities (a DTD), which no office document needs.")
        )

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    try:
        with archive.open(entry) as part:
            while chunk := part.read(CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except (
        expat.ExpatError,
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        ValueError,
        RuntimeError,
        NotImplementedError,
        OSError,
    ):
        return  # damaged, encrypted or oddly compressed: the reader reports it
