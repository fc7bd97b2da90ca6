"""Line-level reading for the draft importer: blocks, numbers, inline Markdown.

Every source format (plain text, Markdown, Word) is first turned into a list of
``Block`` objects, one per line or Word paragraph; ``importer_layout.classify``
then decides what each block is within the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BLANK, HEADING, TITLE, NUMBERED, ITEM, TEXT = (
    "blank",
    "heading",
    "title",
    "numbered",
    "item",
    "text",
)

# Guessed headings must be short: long unpunctuated lines are usually running text.
MAX_HEADING_CHARS = 180
MAX_HEADING_WORDS = 25
MAX_FRONT_MATTER_LINES = 60
# A title needs a few words: "Point 3.2", "Summary" or "Draft" are not titles.
MIN_TITLE_WORDS = 4

_SUFFIXES = {"": 0, "bis": 2, "ter": 3, "quater": 4, "quinquies": 5}
_NUM = r"(?P<n>\d{1,3}(?:\.\d{1,3})*)(?P<s>\s+(?:bis|ter|quater|quinquies)\b)?"
# Three digits at most: a line starting "2022." is a year, not paragraph 2022.
_NUMBER_FORMS = [
    r"§+\s*" + _NUM + r"\s*(?:\\?\.|\)|[-–—:])?",  # § 12   §12.
    r"\(" + _NUM + r"\)",  # (12)
    _NUM + r"\s*(?:\\?\.|\)|[-–—](?=\s))",  # 12.  12)  12 -  12.1.  12 bis.
    # 12.1 without a full stop: the text must start like a sentence ("2.5 million" is not one).
    r"(?P<n>\d{1,3}(?:\.\d{1,3})+)(?P<s>\s+(?:bis|ter|quater|quinquies)\b)?"
    r"(?=\s+[^\s\w]*[^\W\d_a-z])",
    _NUM + r"(?=\*\*|__)",  # **12** text
]
_NUMBER_RES = [
    re.compile(r"^(?P<open>\*\*|__)?" + form + r"(?P<close>\*\*|__)?(?:\s+|$)(?P<rest>.*)$", re.S)
    for form in _NUMBER_FORMS
]
_ITEM_RE = re.compile(
    r"^(?:[-*+–—]\s+|[•◦▪▫●○■□‣⁃·►▸➢]\s*|o\t"  # bullets ("o<tab>" from Word's text export)
    r"|\(?[a-z]{1,2}\)\s+|[a-z]\.\s+"  # (a)  a)  a.
    r"|\(?[ivxlc]{1,5}\)\s+|[ivxlc]{1,5}\.\s+"  # (iv)  iv)  iv.
    r"|\([A-Z]\)\s+)"  # (A)
)
DOTTED_START_RE = re.compile(r"^\d+\.\d")
BOLD_LINE_RE = re.compile(r"^(\*\*|__)(?!\s)(?:(?!\1).)+(?<!\s)\1$")  # **a whole line**
CLOSERS = "\"'»”’)]*_ \t\u00a0\u202f"
_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~<])")
_INLINE_RULES = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # image -> alt text
    (re.compile(r"\[\^[^\]]+\]"), ""),  # footnote reference
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # [label](url)
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # [label][ref]
    (re.compile(r"<((?:https?|mailto):[^>\s]+)>"), r"\1"),  # <https://…>
    (re.compile(r"</?(?:br|sup|sub|span|u|b|i|em|strong|mark|small)\b[^>]*>", re.I), ""),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # **bold**
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),  # *em*
    (re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])"), r"\1"),  # _em_
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),  # ~~strike~~
    (re.compile(r"`([^`]+)`"), r"\1"),  # `code`
]
_ATX_RE = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_SETEXT_RE = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RULE_RE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_FENCE_RE = re.compile(r"^\s{0,3}(```|~~~)")


@dataclass
class Block:
    """One source line (text formats) or paragraph (Word) and what it was recognised as."""

    text: str  # as printed, including any paragraph number
    line: int
    kind: str = ""  # one of BLANK, HEADING, TITLE, NUMBERED, ITEM, TEXT; "" = not yet classified
    level: int = 0  # heading level given by the source format, 0 when guessed
    number: str = ""
    body: str = ""  # text after the paragraph number
    strong: bool = False  # the whole line is bold
    guessed_title: bool = False  # a guessed heading moved into the preamble
    soft: bool = False  # blank standing for the gap between two Word paragraphs


def strip_inline(text: str) -> str:
    """Reduce inline Markdown (bold, emphasis, links, code, escapes) to its words."""
    # Escaped characters are parked in the private use area so no rule treats them as markup.
    text = _ESCAPE_RE.sub(lambda m: chr(0xE000 + ord(m.group(1))), text)
    for pattern, repl in _INLINE_RULES:
        text = pattern.sub(repl, text)
    text = re.sub("[\ue000-\ue07f]", lambda m: chr(ord(m.group(0)) - 0xE000), text)
    return re.sub(r"[ \t]+", " ", text).strip()


def match_number(text: str) -> tuple[str, str] | None:
    """Return (number as printed, rest of line) if the line starts with a paragraph number."""
    for pattern in _NUMBER_RES:
        m = pattern.match(text.strip())
        if m:
            suffix = (m.group("s") or "").strip().lower()
            rest = m.group("rest")
            if m.group("open") and not m.group("close"):
                rest = m.group("open") + rest  # "**12. Bold paragraph**": keep the bold balanced
            return m.group("n") + (" " + suffix if suffix else ""), rest.strip()
    return None


def number_key(number: str) -> tuple[tuple[int, ...], int]:
    """Sortable key of a paragraph number: ("12.1 bis") -> ((12, 1), 2)."""
    base, _, suffix = number.partition(" ")
    parts = tuple(int(p) for p in base.split(".") if p.isdigit()) or (0,)
    return parts, _SUFFIXES.get(suffix, 1)


def is_all_caps(text: str) -> bool:
    """Return True for lines written in capitals ("RECOMMENDATIONS")."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def heading_shape(plain: str) -> bool:
    """Return True if a line is short and unpunctuated, the way headings are written."""
    if not plain or len(plain) > MAX_HEADING_CHARS or len(plain.split()) > MAX_HEADING_WORDS:
        return False
    if sum(c.isalpha() for c in plain) < 2:
        return False  # page numbers and stray marks ("3", "* * *")
    end = plain.rstrip(CLOSERS)
    if not end or end[-1] in ";:,!…" or (end[-1] == "." and not is_all_caps(plain)):
        return False
    # A line starting in lower case continues a sentence from the line above.
    return not plain[0].islower()


def text_blocks(text: str) -> list[Block]:
    """Turn plain text into one block per line."""
    return [Block(line.strip(), n) for n, line in enumerate(text.splitlines(), 1)]


def markdown_blocks(text: str) -> list[Block]:
    """Turn Markdown into one block per line, recognising #, setext headings and rules."""
    lines = text.splitlines()
    skip, title = _front_matter(lines)
    blocks = [Block("", n, BLANK) for n in range(1, skip + 1)]
    if title:
        blocks[0] = Block(title, 1, TITLE)
    in_fence = False
    for n, raw in enumerate(lines[skip:], skip + 1):
        if _FENCE_RE.match(raw):
            in_fence = not in_fence
            blocks.append(Block("", n, BLANK))
            continue
        if in_fence:
            blocks.append(Block(raw.strip(), n, TEXT if raw.strip() else BLANK))
            continue
        line = re.sub(r"^\s{0,3}(?:>\s?)+", "", raw).strip()  # block quotes read as text
        atx = _ATX_RE.match(line)
        prev = blocks[-1] if blocks else None
        if atx:
            blocks.append(Block(atx.group(2), n, HEADING, level=len(atx.group(1))))
        elif _SETEXT_RE.match(line) and prev and prev.kind == "" and not _is_listy(prev.text):
            prev.kind, prev.level = HEADING, 1 if line.startswith("=") else 2
            blocks.append(Block("", n, BLANK))
        elif _RULE_RE.match(line):
            blocks.append(Block("", n, BLANK))
        else:
            blocks.append(Block(line, n))
    return blocks


def _front_matter(lines: list[str]) -> tuple[int, str]:
    """Lines taken by a YAML front matter block ("---" … "---") and the title it declares."""
    if not lines or lines[0].strip() != "---":
        return 0, ""
    for end in range(1, min(len(lines), MAX_FRONT_MATTER_LINES)):
        if lines[end].strip() in ("---", "..."):
            found = (re.match(r"^title:\s*(.+)$", line) for line in lines[1:end])
            title = next((m.group(1).strip().strip("\"'") for m in found if m), "")
            return end + 1, title
    return 0, ""


def _is_listy(text: str) -> bool:
    """Return True if a line starts with a paragraph number or a list marker."""
    return bool(match_number(text) or _ITEM_RE.match(text))


def is_list_item(text: str) -> bool:
    """Return True if a line starts with a bullet or a list marker such as "a)" or "(iv)"."""
    return bool(_ITEM_RE.match(text))


def line_kind(block: Block) -> str:
    """Classify one line on its own: blank, numbered paragraph, list item or text."""
    if not block.text.strip():
        return BLANK
    found = match_number(block.text)
    if found:
        block.number, block.body = found
        return NUMBERED
    return ITEM if _ITEM_RE.match(block.text) else TEXT
