"""Layout recovery for text that came out of a PDF: page furniture removed, lines unwrapped.

Works on pages of lines (a PDF's pages, or text split at form feeds) or on one long run of
lines when the page breaks are lost. Lines repeating at the top or bottom of most pages
(running headers, footers, page numbers) are dropped; hard-wrapped lines are joined into
one line per paragraph, words hyphenated at a line end rejoined; a paragraph number alone
on its line is put in front of the text that follows. The result is blocks for
``layout.classify``, which recognises headings by their shape as for any text draft.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from app.services.drafts.text import (
    BLANK,
    CLOSERS,
    Block,
    heading_shape,
    is_all_caps,
    is_list_item,
    match_number,
    number_key,
)

# Where running headers and footers are looked for, in non-blank lines from each page edge.
EDGE_LINES = 3
# A line is furniture when it repeats at the edge of this share of the pages.
FURNITURE_SHARE = 0.5
# Without page breaks, a short line repeated this often is furniture.
MIN_REPEATS = 3
MAX_FURNITURE_CHARS = 120
# A paragraph's last line is shorter than this share of the text width.
FULL_LINE = 0.75
MAX_HEADING_LINES = 3
# Every line of a wrapped heading but the last reaches this share of the text width (headings
# are often set larger, so their lines hold fewer characters than the text's).
WRAPPED_FILL = 0.6
# Prefixes usually written with a hyphen: "co-operation" split after "co-" keeps it.
HYPHENATED_PREFIXES = frozenset(
    {"co", "multi", "non", "anti", "post", "self", "vice", "quasi", "semi", "sous", "demi"}
)
PAGE_NUMBER_RE = re.compile(
    r"^(?:[-–—]\s*)?(?:(?:page|p\.|pág\.?|página)\s*)?\d{1,4}"
    r"(?:\s*(?:/|of|sur|de)\s*\d{1,4})?(?:\s*[-–—])?$",
    re.I,
)
LONE_NUMBER_RE = re.compile(r"^(?:§+\s*)?\(?\d{1,3}(?:\.\d{1,3})*(?:\.|\))?$")
_WORD_RE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_HYPHENS = "-\u2010\u00ad"
NO_SPACE_AFTER = ("·", "/")
# Typeset ligatures come out of PDFs as single characters: "ﬁnancement" is "financement".
_LIGATURE_RE = re.compile("[\ufb00-\ufb06]")
_SPACED_DOT_RE = re.compile(r"(?<=\w)· (?=\w)")
LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬆ": "st"})


@dataclass
class Line:
    """A line of extracted text, where it was, and whether a page break comes before it."""

    text: str
    number: int
    page_start: bool = False


def _shape(text: str) -> str:
    """A line with numbers blanked out and spaces squeezed: "Page 3" and "Page 4" agree."""
    return re.sub(r"\d+", "#", " ".join(text.casefold().split()))


def _is_furniture_shape(text: str) -> bool:
    """Short enough to be a header or footer, and not a numbered paragraph."""
    return len(text) <= MAX_FURNITURE_CHARS and not match_number(text)


def strip_page_furniture(pages: list[list[Line]]) -> list[Line]:
    """Drop the lines repeating at the top or bottom of most pages; pages joined in order."""
    edges: list[set[str]] = []
    for page in pages:
        filled = [line.text for line in page if line.text.strip()]
        ends = filled[:EDGE_LINES] + filled[-EDGE_LINES:]
        edges.append({_shape(text) for text in ends if _is_furniture_shape(text)})
    counts = Counter(shape for edge in edges for shape in edge)
    needed = max(2, FURNITURE_SHARE * len(pages))
    repeated = {shape for shape, seen in counts.items() if seen >= needed}
    kept: list[Line] = []
    for page in pages:
        filled = [i for i, line in enumerate(page) if line.text.strip()]
        edge = set(filled[:EDGE_LINES] + filled[-EDGE_LINES:])
        body = [
            line
            for i, line in enumerate(page)
            if not (i in edge and _is_page_furniture(line.text, repeated, len(pages)))
        ]
        while body and not body[-1].text.strip():
            body.pop()
        while body and not body[0].text.strip():
            body.pop(0)
        kept += [Line(line.text, line.number, n == 0 and bool(kept)) for n, line in enumerate(body)]
    return kept


def _is_page_furniture(text: str, repeated: set[str], pages: int) -> bool:
    """A line at a page edge that repeats on most pages, or a page number."""
    return _shape(text) in repeated or (pages > 1 and bool(PAGE_NUMBER_RE.match(text.strip())))


def strip_repeated_lines(lines: list[Line]) -> list[Line]:
    """Without page breaks: drop short lines repeated through the text, and page numbers.

    A page break is assumed where furniture was, so a paragraph can be joined across it.
    """
    counts = Counter(
        _shape(line.text) for line in lines if line.text.strip() and _is_furniture_shape(line.text)
    )
    repeated = {shape for shape, seen in counts.items() if seen >= MIN_REPEATS and shape != "#"}
    furniture = [_shape(line.text) in repeated for line in lines]
    for i, line in enumerate(lines):
        text = line.text.strip()
        if not furniture[i] and PAGE_NUMBER_RE.match(text) and not LONE_NUMBER_RE.match(text):
            furniture[i] = True  # "Page 3", "3 / 12", "- 3 -"
    for i, line in enumerate(lines):  # a bare "3" beside a header or footer is a page number
        if line.text.strip().isdigit() and _near(furniture, lines, i):
            furniture[i] = True
    kept: list[Line] = []
    brk = False
    for line, dropped in zip(lines, furniture, strict=True):
        if dropped:
            brk = True
            while kept and not kept[-1].text.strip():
                kept.pop()  # the gap before a footer is the page's, not a paragraph break
            continue
        if brk and not line.text.strip():
            continue
        kept.append(Line(line.text, line.number, brk and bool(kept)))
        brk = False
    return kept


def _near(furniture: list[bool], lines: list[Line], i: int) -> bool:
    """Return True if furniture lies within two non-blank lines of line i."""
    for step in (-1, 1):
        j, seen = i + step, 0
        while 0 <= j < len(lines) and seen < 2:
            if lines[j].text.strip():
                if furniture[j]:
                    return True
                seen += 1
            j += step
    return False


def looks_extracted(text: str) -> bool:
    """Return True if text shows marks of PDF extraction: pages, furniture, lone numbers."""
    if "\f" in text:
        return True
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    lone = sum(1 for line in lines if LONE_NUMBER_RE.match(line) and not line.isdigit())
    pages = sum(
        1 for line in lines if PAGE_NUMBER_RE.match(line) and not LONE_NUMBER_RE.match(line)
    )
    counts = Counter(_shape(line) for line in lines if _is_furniture_shape(line))
    repeated = sum(1 for shape, seen in counts.items() if seen >= MIN_REPEATS and shape != "#")
    return lone >= 2 or pages >= 2 or repeated > 0


def text_lines(text: str) -> list[Line]:
    """Lines of extracted text, furniture removed, whether or not it has form feeds."""
    pages: list[list[Line]] = [[]]
    for number, raw in enumerate(text.splitlines(), 1):
        *before, last = raw.split("\f")
        for piece in before:
            if piece.strip():
                pages[-1].append(Line(piece.strip(), number))
            pages.append([])
        pages[-1].append(Line(last.strip(), number))
    if len(pages) > 1:
        return strip_page_furniture(pages)
    return strip_repeated_lines(pages[0])


def unwrapped_blocks(lines: list[Line]) -> list[Block]:
    """One block per paragraph or heading, blank blocks between them."""
    lines = [Line(_plain_letters(line.text), line.number, line.page_start) for line in lines]
    words = _document_words(lines)
    lines = _merge_lone_numbers(lines)
    texts = [line.text.strip() for line in lines]
    filled = sorted(len(text) for text in texts if text)
    width = filled[int(0.9 * (len(filled) - 1))] if filled else 0
    blocks: list[Block] = []
    current: Block | None = None
    last_number, prev, i = 0, "", 0
    while i < len(lines):
        text = texts[i]
        if not text:
            current, i = None, i + 1
            continue
        starts_fresh = current is None or _ends_sentence(prev) or len(prev) < FULL_LINE * width
        run = _heading_run(texts, i, width) if starts_fresh else 0
        if run:
            text = " ".join(texts[i : i + run])
        found = match_number(text)
        if (
            not run
            and current is not None
            and _joins(current, prev, text, texts, i, width, last_number)
        ):
            current.text = _join(current.text, text, words)
        else:
            if blocks:
                blocks.append(Block("", lines[i].number, BLANK))
            current = Block(text, lines[i].number)
            blocks.append(current)
        if found and current.text == text:
            last_number = number_key(found[0])[0][0]
        if run:
            current, i = None, i + run
        else:
            i += 1
        prev = text
    return blocks


def _plain_letters(text: str) -> str:
    """Ligatures as letters; "citoyen· ne· s", spaced by justification, as one word again."""
    if _LIGATURE_RE.search(text):
        text = text.translate(LIGATURES)
    return _SPACED_DOT_RE.sub("·", text) if "·" in text else text


def _next_text(texts: list[str], i: int) -> str | None:
    """The first non-blank line after index i, if any."""
    return next((texts[j] for j in range(i + 1, len(texts)) if texts[j]), None)


def _heading_run(texts: list[str], i: int, width: int) -> int:
    """Lines (1 to 3) from i making one heading: unpunctuated, before a paragraph or a break."""
    for end in range(i + 1, min(i + MAX_HEADING_LINES, len(texts)) + 1):
        chunk = texts[i:end]
        if not chunk[-1] or (match_number(chunk[0]) and end > i + 1):
            break
        caps = {is_all_caps(text) for text in chunk}
        if len(caps) > 1 or _ends_sentence(chunk[-1]) or chunk[0][0].islower():
            break
        if any(len(text) < WRAPPED_FILL * width for text in chunk[:-1]) and caps != {True}:
            break  # lines of a wrapped heading fill the width but for the last
        if not heading_shape(" ".join(chunk)):
            continue  # "…TOUTES ET TOUS," goes on on the next line
        after = texts[end] if end < len(texts) else None
        if not after or match_number(after) or is_list_item(after):
            return end - i
        if caps == {True} and (not is_all_caps(after) or end - i == MAX_HEADING_LINES):
            return end - i  # a title in capitals, wrapped over lines that are all capitals
    first, after = texts[i], texts[i + 1] if i + 1 < len(texts) else ""
    # A short line over text that does not run on from it: "Summary" above its first lines.
    short = len(first) < FULL_LINE * width and not match_number(first)
    return 1 if short and heading_shape(first) and heading_shape(after) else 0


def _merge_lone_numbers(lines: list[Line]) -> list[Line]:
    """Put a paragraph number alone on its line in front of the next line of text."""
    merged: list[Line] = []
    pending: Line | None = None
    for line in lines:
        text = line.text.strip()
        if pending is not None and text:
            merged.append(
                Line(f"{pending.text.strip()} {text}", pending.number, pending.page_start)
            )
            pending = None
        elif pending is None and LONE_NUMBER_RE.match(text) and match_number(text):
            pending = line
        elif pending is None:
            merged.append(line)
    if pending is not None:
        merged.append(pending)
    return merged


def _ends_sentence(text: str) -> bool:
    """Return True if a line ends with closing punctuation."""
    end = text.rstrip(CLOSERS)
    return bool(end) and end[-1] in ".!?:;"


def _heading_like(text: str, nxt: str | None, width: int) -> bool:
    """A short unpunctuated line that stands before a paragraph, a break or the end."""
    if not heading_shape(text) or (len(text) >= FULL_LINE * width and not is_all_caps(text)):
        return False
    return nxt is None or is_all_caps(text) or bool(match_number(nxt)) or len(text.split()) <= 6


def _joins(
    current: Block, prev: str, text: str, texts: list[str], i: int, width: int, last: int
) -> bool:
    """Decide whether line i, `text`, continues the paragraph whose last line was `prev`."""
    short = len(prev) < FULL_LINE * width
    nxt = _next_text(texts, i)
    if is_list_item(text) or (current.text == prev and _heading_like(prev, text, width)):
        return False
    found = match_number(text)
    if found:
        fits = last < number_key(found[0])[0][0] <= last + 3
        if fits or _ends_sentence(prev) or short:
            return False
    if text[0].islower():
        return True
    if _heading_like(text, nxt, width) and (short or _ends_sentence(prev)):
        return False
    return not short or not (_ends_sentence(prev) or heading_shape(prev))


def _document_words(lines: list[Line]) -> set[str]:
    """Every word of the text, lower-cased, hyphenated ones included, to settle hyphens."""
    return {
        w.casefold() for line in lines for w in _WORD_RE.findall(line.text.replace("\u2010", "-"))
    }


def _join(before: str, after: str, words: set[str]) -> str:
    """Join two lines of one paragraph, rejoining a word hyphenated at the line end."""
    if before.endswith("\u00ad"):
        return before[:-1] + after
    if before[-1:] in NO_SPACE_AFTER and before[-2:-1].isalnum() and after[:1].isalnum():
        return before + after  # "citoyen·" + "ne·s", "and/" + "or": one word broken at its mark
    if len(before) < 2 or before[-1] not in _HYPHENS or not before[-2].isalpha():
        return f"{before} {after}"
    piece = re.search(r"[^\W\d_]+(?:[-\u2010][^\W\d_]+)*[-\u2010]$", before[-80:])  # last word
    head = re.match(r"[^\W\d_]+", after)
    if piece is None or head is None:
        return before + after  # "COVID-" + "19": a compound word, kept whole
    stem, rest = piece.group(0)[:-1].replace("\u2010", "-"), head.group(0)
    joined, hyphenated = (stem + rest).casefold(), f"{stem}-{rest}".casefold()
    glue = "-"
    if joined in words and hyphenated not in words:
        glue = ""
    elif before[-1] == "\u2010" and hyphenated not in words:
        glue = ""  # the typesetter's own hyphen (CSS hyphens: auto writes U+2010), "AC‐CORD"
    elif hyphenated not in words and stem[-1].islower() and rest[0].islower():
        last_part = stem.rsplit("-", 1)[-1].casefold()
        if last_part not in HYPHENATED_PREFIXES and _is_break_point(last_part, rest):
            glue = ""
    return before[:-1] + glue + after  # a hyphen kept is written "-", as drafts are typed


@lru_cache(maxsize=1)
def _dictionaries() -> tuple:
    """Hyphenation dictionaries of the three working languages (loaded once)."""
    import pyphen  # WeasyPrint's own hyphenation dictionaries

    return tuple(pyphen.Pyphen(lang=lang) for lang in ("en_US", "fr", "es"))


def _is_break_point(stem: str, rest: str) -> bool:
    """Return True if a typesetter could have split stem+rest there ("develop-ment").

    "rurale-urbaine" cannot be split after "rurale" in any of the languages, so it is a
    word with a real hyphen.
    """
    word = (stem + rest).casefold()
    return any(len(stem) in dictionary.positions(word) for dictionary in _dictionaries())
