"""Turn a draft document (.pdf, .txt, .md, .docx) into sections and numbered paragraphs.

Pure functions: nothing is saved. The result carries the paragraph numbers as
printed (people cite "paragraph 12") and a list of problems for the preview.
Lines are read in ``text`` (Word files in ``docx``, PDF files in ``pdf``, text taken out
of a PDF through ``unwrap``) and their roles decided in ``layout``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.lazy_text import lazy_gettext as _l
from app.services.archives import DOCX_LIMITS, ArchiveRefused, check_office_file
from app.services.drafts.errors import ImportFormatError
from app.services.drafts.layout import classify
from app.services.drafts.numbering import numbering_problems
from app.services.drafts.parsed import ImportProblem, ParsedDraft, ParsedParagraph, ParsedSection
from app.services.drafts.pdf import pdf_blocks
from app.services.drafts.text import (
    BLANK,
    HEADING,
    MIN_TITLE_WORDS,
    NUMBERED,
    TITLE,
    Block,
    heading_shape,
    is_all_caps,
    markdown_blocks,
    strip_inline,
    text_blocks,
)
from app.services.drafts.unwrap import looks_extracted, text_lines, unwrapped_blocks

TEXT_EXTENSIONS = {".txt": "text", ".md": "markdown", ".markdown": "markdown"}


@dataclass
class _Part:
    """Lines collected for one preamble, intro or paragraph; "" marks a blank line."""

    lines: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        """Append a line, or a paragraph break for an empty one."""
        if text or (self.lines and self.lines[-1]):
            self.lines.append(text)

    def render(self) -> str:
        """Lines joined by "\\n", paragraphs separated by one empty line."""
        return "\n".join(self.lines).strip("\n")


@dataclass
class _Section:
    """A section under construction; heading None for paragraphs above any heading."""

    heading: str | None
    line: int | None
    intro: _Part = field(default_factory=_Part)
    paragraphs: list[tuple[Block, _Part]] = field(default_factory=list)


def parse_text(text: str) -> ParsedDraft:
    """Parse a plain-text draft (inline Markdown such as **bold** is reduced to words).

    Text taken out of a PDF first loses its page furniture and has its lines unwrapped.
    """
    text = _checked_text(text)
    if looks_extracted(text):
        return parse_blocks(unwrapped_blocks(text_lines(text)), inline=True)
    return parse_blocks(text_blocks(text), inline=True)


def parse_markdown(text: str) -> ParsedDraft:
    """Parse a Markdown draft: # and setext headings, plus everything parse_text handles."""
    return parse_blocks(markdown_blocks(_checked_text(text)), inline=True)


def parse_docx(data: bytes) -> ParsedDraft:
    """Parse a Word .docx draft, including Word's automatic numbering."""
    from app.services.drafts.docx import docx_blocks  # python-docx is only loaded when needed

    if not data.strip():
        raise ImportFormatError(_l("The file is empty."))
    try:
        check_office_file(data, DOCX_LIMITS)
    except ArchiveRefused as error:
        raise ImportFormatError(error.message) from None
    try:
        blocks = docx_blocks(data)
    except Exception as error:  # noqa: BLE001 - a corrupt file can fail anywhere inside python-docx
        raise ImportFormatError(
            _l("This file could not be read as a Word document (.docx). Is it damaged?")
        ) from error
    if not any(b.kind != BLANK for b in blocks):
        raise ImportFormatError(_l("The document is empty."))
    return parse_blocks(blocks, inline=False)


def parse_pdf(data: bytes) -> ParsedDraft:
    """Parse a PDF draft from its text; scanned and two-column PDFs are refused."""
    if not data.strip():
        raise ImportFormatError(_l("The file is empty."))
    return parse_blocks(pdf_blocks(data), inline=False)


def parse_file(filename: str, data: bytes) -> ParsedDraft:
    """Parse an uploaded file, choosing the reader by its content (PDF) or its extension."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].lower()
    extension = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    if extension == ".pdf" or data[:1024].lstrip().startswith(b"%PDF-"):
        return parse_pdf(data)
    if extension == ".docx":
        return parse_docx(data)
    if extension not in TEXT_EXTENSIONS:
        raise ImportFormatError(
            _l(
                "Files of type “%(extension)s” cannot be imported. Use a PDF (.pdf), a Word "
                "document (.docx), a text file (.txt) or Markdown (.md).",
                extension=extension or name,
            )
        )
    text = decode_text(data)
    if TEXT_EXTENSIONS[extension] == "markdown":
        return parse_markdown(text)
    return parse_text(text)


def decode_text(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM) or UTF-16 with BOM, falling back to Windows-1252."""
    if not data.strip():
        raise ImportFormatError(_l("The file is empty."))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in data:  # NUL bytes mean a binary file whatever its name says
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                return data.decode("cp1252")
            except UnicodeDecodeError:
                pass
    raise ImportFormatError(
        _l("This file could not be read as text. Save it as UTF-8 text and try again.")
    )


def _checked_text(text: str) -> str:
    """Reject empty text before parsing."""
    text = text.lstrip("\ufeff")  # a byte order mark left by the caller's decoding
    if not text.strip():
        raise ImportFormatError(_l("The file is empty."))
    return text


def parse_blocks(blocks: list[Block], inline: bool) -> ParsedDraft:
    """Classify the blocks, group them into sections and look for problems."""
    classify(blocks)
    if not any(b.kind == NUMBERED for b in blocks):
        raise ImportFormatError(
            _l(
                "No numbered paragraph was found. Number the paragraphs "
                "(“1.”, “2.”…) so that they can be commented on."
            )
        )
    preamble, pre_blocks, sections = _group(blocks, inline)
    problems: list[ImportProblem] = []
    if sections[0].heading is None:
        # Text above an untitled first section introduces its paragraphs.
        sections[0].intro.lines[:0] = [*preamble.lines, ""]
        preamble, pre_blocks = _Part(), []
        problems.append(_untitled_problem(sections))
    elif any(b.kind != TITLE for b in pre_blocks):
        first = _preamble_start(pre_blocks, _guess_title(pre_blocks, inline), inline)
        problems.append(
            ImportProblem(
                "text_before_heading",
                _l(
                    "The text before the first heading (line %(line)s) was kept as the preamble.",
                    line=first.line,
                ),
                first.line,
                severity="note",
            )
        )
    parsed = [_finish(section) for section in sections]
    problems += numbering_problems(parsed)
    return ParsedDraft(_guess_title(pre_blocks, inline), preamble.render(), parsed, problems)


def _group(blocks: list[Block], inline: bool) -> tuple[_Part, list[Block], list[_Section]]:
    """Split classified blocks into the preamble and the sections."""
    clean = strip_inline if inline else _squeeze
    preamble, pre_blocks = _Part(), []
    sections: list[_Section] = []
    current: _Part = preamble
    for block in blocks:
        if block.kind == BLANK:
            current.add("")
        elif block.kind == HEADING:
            sections.append(_Section(_one_line(clean(block.text)), block.line))
            current = sections[-1].intro
        elif block.kind == NUMBERED:
            if not sections:
                sections.append(_Section(None, None))
            current = _Part()
            current.add(clean(block.body))
            sections[-1].paragraphs.append((block, current))
        else:
            current.add(clean(block.text))
            if not sections:
                pre_blocks.append(block)
    return preamble, pre_blocks, sections


def _squeeze(text: str) -> str:
    """Trim each line and collapse runs of spaces and tabs (no-break spaces are kept)."""
    return "\n".join(re.sub(r"[ \t]+", " ", line).strip() for line in text.strip().splitlines())


def _one_line(text: str) -> str:
    """A heading on one line, whatever breaks the source had inside it."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def _finish(section: _Section) -> ParsedSection:
    """Turn a section under construction into its public form."""
    paragraphs = [
        ParsedParagraph(b.number, part.render(), b.line) for b, part in section.paragraphs
    ]
    return ParsedSection(section.heading or "", section.intro.render(), paragraphs, section.line)


def _untitled_problem(sections: list[_Section]) -> ImportProblem:
    """Problem for numbered paragraphs found before any heading."""
    line = sections[0].paragraphs[0][0].line
    if len(sections) == 1:
        message = _l("No heading was found: all paragraphs were put in one untitled section.")
        return ImportProblem("no_heading", message, None)
    message = _l(
        "Paragraphs before the first heading (line %(line)s) were put in an untitled section.",
        line=line,
    )
    return ImportProblem("paragraphs_before_heading", message, line)


def _preamble_start(pre_blocks: list[Block], title: str, inline: bool) -> Block:
    """The first block of text before the first heading that is not the title."""
    clean = strip_inline if inline else _squeeze
    for block in pre_blocks:
        text = clean(block.text)
        if block.kind != TITLE and text.strip() and _one_line(text) != title:
            return block
    return pre_blocks[0]


def _guess_title(pre_blocks: list[Block], inline: bool) -> str:
    """Best guess at the title: a styled title, else a capitalised or wordy heading-like line."""
    clean = strip_inline if inline else _squeeze
    styled = [clean(b.text) for b in pre_blocks if b.kind == TITLE]
    if styled:
        return styled[0]
    lines = [clean(b.text) for b in pre_blocks if b.guessed_title or heading_shape(clean(b.text))]
    for test in (
        lambda s: is_all_caps(s) and len(s.split()) >= 3,
        lambda s: len(s.split()) >= MIN_TITLE_WORDS,
        lambda s: True,
    ):
        found = next((s for s in lines if test(s)), None)
        if found:
            return _one_line(found)
    return ""
