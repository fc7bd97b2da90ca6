"""Word documents built paragraph by paragraph, fast enough for tens of thousands of them.

python-docx's own `add_paragraph` looks for the section properties from the top of the body
each time, and sets run text one character at a time: quadratic, then slow, over a report's
annex. `DocxBuilder` builds each paragraph as XML and puts it before the section properties
directly, keeping what python-docx gives for the rest (styles, tables, saving).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import RGBColor
from docx.table import Table, _Cell

from app import palette
from app.services.reports.bidi import is_rtl
from app.services.reports.text_language import is_rtl_language, word_language

# Characters XML 1.0 forbids; a comment pasted from elsewhere may hold them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


class DocxBuilder:
    """Appends paragraphs and tables to a new document, in order."""

    def __init__(self, language: str) -> None:
        self.document = Document()
        self._end = self.document.element.body.sectPr
        self._styles = {
            s.name: s.style_id for s in self.document.styles if s.type == WD_STYLE_TYPE.PARAGRAPH
        }
        self._set_language(word_language(language) or language)
        self._set_colours()

    def _set_language(self, tag: str) -> None:
        defaults = self.document.styles.element.find(qn("w:docDefaults"))
        run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        lang = run_defaults.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            run_defaults.append(lang)
        lang.set(qn("w:val"), tag)
        self.document.core_properties.language = tag

    def _set_colours(self) -> None:
        """Headings and titles in the site's palette instead of Word's default blues."""
        styles = self.document.styles
        for name, colour in (
            ("Title", "ink"),
            ("Subtitle", "muted"),
            ("TOC Heading", "accent"),
            ("Heading 1", "accent"),
            ("Heading 2", "accent"),
            ("Heading 3", "ink"),
            ("Heading 4", "ink"),
            ("Quote", "ink"),
        ):
            styles[name].font.color.rgb = RGBColor.from_string(palette.word_colour(colour))
        # The rule under the title, as under the site's header.
        for border in styles["Title"].element.iter(qn("w:bottom")):
            border.set(qn("w:color"), palette.word_colour("accent"))
            border.attrib.pop(qn("w:themeColor"), None)

    def name_mark(self, subtitle: str) -> None:
        """The site's name mark in the page header, as the PDF reports carry it."""
        header = self.document.sections[0].header.paragraphs[0]
        name = header.add_run(palette.MARK_NAME)
        name.bold = True
        name.font.color.rgb = RGBColor.from_string(palette.word_colour("accent"))
        detail = header.add_run(f"  {subtitle}")
        detail.font.color.rgb = RGBColor.from_string(palette.word_colour("muted"))

    def paragraph(
        self,
        text: str = "",
        style: str | None = None,
        rtl: bool | None = None,
        keep_next: bool = False,
        language: str | None = None,
        **run_format: bool,
    ) -> OxmlElement:
        """A new paragraph with `text` as one run; right-to-left if `rtl` (default: its text);
        `language` is the text's when a person wrote it."""
        p = OxmlElement("w:p")
        properties = OxmlElement("w:pPr")
        # The schema fixes the order of these elements.
        if style:
            style_element = OxmlElement("w:pStyle")
            style_element.set(qn("w:val"), self._styles[style])
            properties.append(style_element)
        if keep_next:
            properties.append(OxmlElement("w:keepNext"))
        if is_rtl(text) if rtl is None else rtl:
            properties.append(OxmlElement("w:bidi"))
        if len(properties):
            p.append(properties)
        self._end.addprevious(p)
        if text:
            self.run(p, text, language=language, **run_format)
        return p

    def run(
        self,
        p: OxmlElement,
        text: str,
        bold: bool = False,
        italic: bool = False,
        strike: bool = False,
        underline: bool = False,
        language: str | None = None,
    ) -> None:
        """A run of `text` in `p`; its line breaks kept, marked with its `language` if given."""
        r = OxmlElement("w:r")
        properties = OxmlElement("w:rPr")
        for flag, tag in ((bold, "w:b"), (italic, "w:i"), (strike, "w:strike")):
            if flag:
                properties.append(OxmlElement(tag))
        if underline:
            u = OxmlElement("w:u")
            u.set(qn("w:val"), "single")
            properties.append(u)
        if is_rtl(text):
            properties.append(OxmlElement("w:rtl"))
        tag = word_language(language)
        if tag:  # after w:rtl: the schema fixes the order
            lang = OxmlElement("w:lang")
            # Word reads a right-to-left run's language from its complex-script slot.
            lang.set(qn("w:bidi" if is_rtl_language(tag) else "w:val"), tag)
            properties.append(lang)
        if len(properties):
            r.append(properties)
        for index, line in enumerate(_NOT_XML.sub("", text).split("\n")):
            if index:
                r.append(OxmlElement("w:br"))
            t = OxmlElement("w:t")
            t.set(qn("xml:space"), "preserve")
            t.text = line
            r.append(t)
        p.append(r)

    def heading(self, text: str, level: int, language: str | None = None) -> None:
        self.paragraph(text, f"Heading {level}", language=language)

    def page_break(self) -> None:
        p = self.paragraph()
        r = OxmlElement("w:r")
        br = OxmlElement("w:br")
        br.set(qn("w:type"), "page")
        r.append(br)
        p.append(r)

    def table(self, header: list[str], rows: Iterable[list[str]]) -> Table:
        """A grid with `header` repeated on each page it runs over."""
        rows = list(rows)
        table = self.document.add_table(rows=1 + len(rows), cols=len(header))
        table.style = self.document.styles["Table Grid"]
        first = table.rows[0]
        repeat = OxmlElement("w:tblHeader")
        first._tr.get_or_add_trPr().append(repeat)
        for cell, text in zip(first.cells, header, strict=True):
            cell.text = ""
            self.run(cell.paragraphs[0]._p, text, bold=True)
            shade(cell, palette.word_colour("tint"))
        for row, values in zip(table.rows[1:], rows, strict=True):
            for cell, text in zip(row.cells, values, strict=True):
                self.run(cell.paragraphs[0]._p, _NOT_XML.sub("", str(text)))
        return table

    def toc(self, entries: list[str]) -> None:
        """A table-of-contents field, shown with `entries` until Word updates it."""
        first = self.paragraph()
        self._field_char(first, "begin")
        instruction = OxmlElement("w:r")
        text = OxmlElement("w:instrText")
        text.set(qn("xml:space"), "preserve")
        text.text = 'TOC \\o "1-2" \\h \\z \\u'
        instruction.append(text)
        first.append(instruction)
        self._field_char(first, "separate")
        self.run(first, entries[0] if entries else "")
        last = first
        for entry in entries[1:]:
            last = self.paragraph(entry)
        self._field_char(last, "end")
        # Word then offers to update the fields, which fills in the page numbers.
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        settings = self.document.settings.element
        compat = settings.find(qn("w:compat"))  # the schema puts updateFields before it
        if compat is not None:
            compat.addprevious(update)
        else:
            settings.append(update)

    @staticmethod
    def _field_char(p: OxmlElement, kind: str) -> None:
        r = OxmlElement("w:r")
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        r.append(char)
        p.append(r)


def shade(cell: _Cell, fill: str) -> None:
    """Give a table cell a background colour."""
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)
