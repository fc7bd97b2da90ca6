"""Read a Word .docx draft into importer blocks, numbering paragraphs the way Word prints them.

Headings come from paragraph styles (outline level, built-in or localised names);
Word's automatic numbering (``w:numPr``) is counted here so that the stored
numbers match what readers see on the page.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import docx
from docx.oxml.ns import qn

from app.services.drafts.text import BLANK, HEADING, ITEM, NUMBERED, TEXT, TITLE, Block

_HEADING_NAME_RE = re.compile(
    r"^(?:heading|titre|überschrift|título|titulo|titolo|kop|rubrik|nagłówek|otsikko"
    r"|overskrift|cabeçalho|encabezado|заголовок)\s*(\d)$",
    re.I,
)
_TITLE_NAMES = {"title", "titre", "titel", "título", "titulo", "titolo", "tytuł", "otsikko"}
_SUBTITLE_NAMES = {"subtitle", "sous-titre", "untertitel", "subtítulo", "sottotitolo"}
_SKIP_ANCESTORS = {qn("w:del"), qn("w:txbxContent"), qn("w:moveFrom")} | {
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
}
_OFF = {"0", "false", "off", "none"}
# Labels Word prints for decimal lists: "12.", "12)", "(12)", "3.1", "§ 12".
_LABEL_NUMBER_RE = re.compile(r"(?:§\s*)?\(?(\d+(?:\.\d+)*)[.)]?")
_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc")]
_ROMAN += [(50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def _val(element, tag: str) -> str | None:
    """The w:val attribute of a child element, or None."""
    child = element.find(qn(tag)) if element is not None else None
    return None if child is None else child.get(qn("w:val"))


def _is_on(element) -> bool | None:
    """Value of an on/off property such as w:b; None when absent."""
    if element is None:
        return None
    return (element.get(qn("w:val")) or "1").lower() not in _OFF


@dataclass
class _Style:
    """What the importer needs from one w:style."""

    style_id: str
    name: str
    based_on: str | None
    outline: int | None
    num: tuple[str, int] | None
    bold: bool | None


class _Styles:
    """Paragraph and character styles with their inheritance chains."""

    def __init__(self, document) -> None:
        self.by_id: dict[str, _Style] = {}
        self.default: str | None = None
        for st in document.styles.element.findall(qn("w:style")):
            style_id = st.get(qn("w:styleId")) or ""
            ppr, rpr = st.find(qn("w:pPr")), st.find(qn("w:rPr"))
            outline = _val(ppr, "w:outlineLvl")
            bold = _is_on(rpr.find(qn("w:b"))) if rpr is not None else None
            self.by_id[style_id] = _Style(
                style_id,
                (_val(st, "w:name") or "").lower(),
                _val(st, "w:basedOn"),
                int(outline) if outline and outline.isdigit() else None,
                _num_pr(ppr),
                bold,
            )
            if st.get(qn("w:type")) == "paragraph" and st.get(qn("w:default")) in ("1", "true"):
                self.default = style_id

    def chain(self, style_id: str | None) -> Iterator[_Style]:
        """The style and the styles it is based on, nearest first."""
        seen: set[str] = set()
        while style_id and style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            yield self.by_id[style_id]
            style_id = self.by_id[style_id].based_on

    def first(self, style_id: str | None, attr: str):
        """First non-None value of attr along the inheritance chain."""
        return next((v for s in self.chain(style_id) if (v := getattr(s, attr)) is not None), None)

    def heading_level(self, style_id: str | None) -> int | None:
        """Heading level from outline level, style id "Heading2" or a (localised) name."""
        outline = self.first(style_id, "outline")
        if outline is not None:
            return outline + 1 if outline < 9 else None  # level 9 means body text
        for style in self.chain(style_id):
            found = re.match(r"^Heading(\d)$", style.style_id) or _HEADING_NAME_RE.match(style.name)
            if found:
                return int(found.group(1))
        return None


def _num_pr(ppr) -> tuple[str, int] | None:
    """(numId, level) from a w:pPr element's w:numPr, if any."""
    num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
    if num_pr is None:
        return None
    num_id, level = _val(num_pr, "w:numId"), _val(num_pr, "w:ilvl")
    return (num_id or "", int(level) if level and level.isdigit() else 0)


@dataclass
class _Level:
    """One level (w:lvl) of a list definition."""

    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    restart: int | None = None
    legal: bool = False


def _read_level(lvl) -> _Level:
    """Parse a w:lvl element."""
    start, restart = _val(lvl, "w:start"), _val(lvl, "w:lvlRestart")
    return _Level(
        int(start) if start and start.lstrip("-").isdigit() else 0,
        _val(lvl, "w:numFmt") or "decimal",
        _val(lvl, "w:lvlText") or "",
        int(restart) if restart and restart.isdigit() else None,
        bool(_is_on(lvl.find(qn("w:isLgl")))),
    )


@dataclass
class _Num:
    """A list instance (w:num): its definition and level overrides."""

    abstract: str
    starts: dict[int, int] = field(default_factory=dict)
    levels: dict[int, _Level] = field(default_factory=dict)


class _Numbering:
    """Word's list counters: one per abstract numbering, shared by its w:num instances."""

    def __init__(self, document, styles: _Styles) -> None:
        self.styles = styles
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.links: dict[str, str] = {}
        self.nums: dict[str, _Num] = {}
        self.counters: dict[str, list[int | None]] = {}
        self.used: set[str] = set()
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        for ab in root.findall(qn("w:abstractNum")):
            ab_id = ab.get(qn("w:abstractNumId")) or ""
            self.abstract[ab_id] = {
                int(lvl.get(qn("w:ilvl")) or 0): _read_level(lvl) for lvl in ab.findall(qn("w:lvl"))
            }
            link = _val(ab, "w:numStyleLink")
            if link:
                self.links[ab_id] = link
        for num in root.findall(qn("w:num")):
            self.nums[num.get(qn("w:numId")) or ""] = self._read_num(num)

    def _read_num(self, num) -> _Num:
        """Parse a w:num element with its level overrides."""
        result = _Num(_val(num, "w:abstractNumId") or "")
        for override in num.findall(qn("w:lvlOverride")):
            level = int(override.get(qn("w:ilvl")) or 0)
            start = _val(override, "w:startOverride")
            if start and start.isdigit():
                result.starts[level] = int(start)
            lvl = override.find(qn("w:lvl"))
            if lvl is not None:
                result.levels[level] = _read_level(lvl)
        return result

    def _abstract_id(self, num: _Num) -> str:
        """Follow a numStyleLink (list defined through a style) to the real definition."""
        link = self.links.get(num.abstract)
        style_num = self.styles.first(link, "num") if link else None
        linked = self.nums.get(style_num[0]) if style_num else None
        return linked.abstract if linked else num.abstract

    def next_label(self, num_id: str, level: int) -> tuple[str, str]:
        """Advance the counter for (numId, level); return the printed label and its format."""
        num = self.nums.get(num_id)
        if num is None:
            return "", ""
        ab_id = self._abstract_id(num)
        levels = {**self.abstract.get(ab_id, {}), **num.levels}
        if level not in levels:
            return "", ""
        counters = self.counters.setdefault(ab_id, [None] * 10)
        if num_id not in self.used:  # a restart ("start at 1 again") takes effect on first use
            self.used.add(num_id)
            for overridden in num.starts:
                counters[overridden] = None
        current = counters[level]
        counters[level] = self._start(num, levels, level) if current is None else current + 1
        for deeper in range(level + 1, len(counters)):
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or level < restart:
                counters[deeper] = None
        return self._format(num, levels, counters, level), levels[level].fmt

    @staticmethod
    def _start(num: _Num, levels: dict[int, _Level], level: int) -> int:
        """Start value of a level, honouring a start override."""
        return num.starts.get(level, levels[level].start)

    def _format(self, num: _Num, levels, counters, level: int) -> str:
        """Fill lvlText ("%1.%2.") with the current counters."""
        lvl = levels[level]
        if lvl.fmt == "bullet":
            return "•"
        if lvl.fmt == "none":
            return ""

        def fill(match: re.Match) -> str:
            at = int(match.group(1)) - 1
            if at not in levels:
                return ""
            value = counters[at] if counters[at] is not None else self._start(num, levels, at)
            return _format_number(value, "decimal" if lvl.legal else levels[at].fmt)

        return re.sub(r"%(\d)", fill, lvl.text).strip()


def _format_number(value: int, fmt: str) -> str:
    """Render a counter in a Word number format."""
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        roman, rest = "", value
        for amount, digits in _ROMAN:
            while rest >= amount:
                roman, rest = roman + digits, rest - amount
        return roman.upper() if fmt == "upperRoman" else roman
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


def _skipped(element, stop) -> bool:
    """Return True for text inside deletions, text boxes or compatibility fallbacks."""
    parent = element.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in _SKIP_ANCESTORS:
            return True
        parent = parent.getparent()
    return False


def _paragraph_text(p) -> str:
    """Visible text of a w:p, with line breaks as "\\n" and tabs as spaces."""
    parts: list[str] = []
    for el in p.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr"), qn("w:noBreakHyphen")):
        if el.tag == qn("w:tab") and el.getparent().tag != qn("w:r"):
            continue  # tab stop definitions in w:pPr, not tab characters
        if _skipped(el, p):
            continue
        if el.tag == qn("w:t"):
            parts.append(el.text or "")
        elif el.tag == qn("w:noBreakHyphen"):
            parts.append("-")
        elif el.tag == qn("w:br") and el.get(qn("w:type")) in ("page", "column"):
            parts.append(" ")
        else:
            parts.append("\n" if el.tag != qn("w:tab") else " ")
    return "".join(parts).strip()


def _all_bold(p, styles: _Styles, style_id: str | None) -> bool:
    """Return True if every run with visible text is bold."""
    paragraph_bold = bool(styles.first(style_id, "bold"))
    runs = [r for r in p.iter(qn("w:r")) if not _skipped(r, p)]
    texts = [r for r in runs if "".join(t.text or "" for t in r.iter(qn("w:t"))).strip()]
    if not texts:
        return False
    for run in texts:
        rpr = run.find(qn("w:rPr"))
        bold = _is_on(rpr.find(qn("w:b"))) if rpr is not None else None
        if bold is None:
            bold = styles.first(_val(rpr, "w:rStyle"), "bold") if rpr is not None else None
        if not (paragraph_bold if bold is None else bold):
            return False
    return True


def _body_elements(body) -> Iterator:
    """Top-level paragraphs and tables in reading order, looking inside content controls."""
    for child in body.iterchildren():
        if child.tag in (qn("w:p"), qn("w:tbl")):
            yield child
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _body_elements(content)


def _table_text(tbl) -> str:
    """A table as one line per row, cells separated by " | "."""
    rows = []
    for tr in tbl.findall(qn("w:tr")):
        cells = [
            " ".join(_paragraph_text(p) for p in tc.iter(qn("w:p")))
            for tc in tr.findall(qn("w:tc"))
        ]
        if any(c.strip() for c in cells):
            rows.append(" | ".join(c.strip() for c in cells))
    return "\n".join(rows)


def _paragraph_block(p, line: int, styles: _Styles, numbering: _Numbering) -> Block | None:
    """Build the block for one w:p; None for table-of-contents entries."""
    ppr = p.find(qn("w:pPr"))
    style_id = _val(ppr, "w:pStyle") or styles.default
    style = styles.by_id.get(style_id or "")
    name = style.name if style else ""
    if name.startswith("toc ") or name == "toc heading":
        return None
    text = _paragraph_text(p)
    num = _num_pr(ppr) or styles.first(style_id, "num")
    label, fmt = numbering.next_label(*num) if num and num[0] not in ("", "0") else ("", "")
    printed = f"{label} {text}".strip() if label else text
    outline = _val(ppr, "w:outlineLvl")
    level = int(outline) + 1 if outline and outline.isdigit() else styles.heading_level(style_id)
    if name in _TITLE_NAMES or style_id == "Title":
        return Block(printed, line, TITLE if text else BLANK)
    if name in _SUBTITLE_NAMES:
        return Block(printed, line, TEXT if text else BLANK)
    if level and level < 10:
        return Block(printed, line, HEADING if text else BLANK, level=level)
    number = _LABEL_NUMBER_RE.fullmatch(label) if fmt not in ("bullet", "none") else None
    if number:
        return Block(printed, line, NUMBERED, number=number.group(1), body=text)
    if label and fmt in ("upperRoman", "upperLetter"):
        return Block(printed, line)  # "II. Context" may be a heading: let the text rules decide
    if text and (label or name.startswith("list")):
        return Block(printed, line, ITEM)
    if not text:
        return Block("", line, BLANK)
    return Block(text, line, strong=_all_bold(p, styles, style_id))


def docx_blocks(data: bytes) -> list[Block]:
    """Read a .docx into blocks; a blank block separates paragraphs (list items excepted)."""
    document = docx.Document(io.BytesIO(data))
    styles = _Styles(document)
    numbering = _Numbering(document, styles)
    blocks: list[Block] = []
    for line, element in enumerate(_body_elements(document.element.body), 1):
        if element.tag == qn("w:tbl"):
            text = _table_text(element)
            block = Block(text, line, ITEM if text else BLANK)
        else:
            block = _paragraph_block(element, line, styles, numbering)
        if block is None:
            continue
        # Word paragraphs stand apart like lines between blank lines, except list items,
        # which read as the continuation of the paragraph above them.
        if block.kind not in (BLANK, ITEM) and blocks and blocks[-1].kind != BLANK:
            blocks.append(Block("", line, BLANK, soft=True))
        blocks.append(block)
    return blocks
