"""Document-level decisions for the draft importer: headings, paragraphs, lead-in lists.

Works on the blocks made by ``importer_text`` (or ``importer_docx``) and tags each
one as heading, title, numbered paragraph, list item or text, looking at its
neighbours and at the numbering sequence rather than at any particular wording.
"""

from __future__ import annotations

from app.services.drafts.text import (
    BLANK,
    BOLD_LINE_RE,
    CLOSERS,
    DOTTED_START_RE,
    HEADING,
    ITEM,
    MIN_TITLE_WORDS,
    NUMBERED,
    TEXT,
    TITLE,
    Block,
    heading_shape,
    is_all_caps,
    line_kind,
    number_key,
    strip_inline,
)

# "3. Scope" is only taken as a heading when its text is this short.
MAX_NUMBERED_HEADING_WORDS = 12
# Hard-wrapped text never has lines this long; drafts with many are one paragraph per line.
UNWRAPPED_LINE_CHARS = 100
MAX_HEADING_LINES = 3
# Lines of a wrapped heading, except the last, reach at least this share of the text width.
WRAPPED_LINE_FILL = 0.6


def _plain(block: Block) -> str:
    """Text of a block without inline markup."""
    return strip_inline(block.text)


def _ends_with(block: Block | None, chars: str) -> bool:
    """Return True if the block's text ends with one of chars (ignoring quotes and brackets)."""
    if block is None or block.kind in (BLANK, HEADING, TITLE):
        return False
    end = _plain(block).rstrip(CLOSERS)
    return bool(end) and end[-1] in chars


def _prev_content(blocks: list[Block], i: int) -> Block | None:
    """Nearest non-blank block before index i."""
    for j in range(i - 1, -1, -1):
        if blocks[j].kind != BLANK:
            return blocks[j]
    return None


def _after_lead_in(blocks: list[Block], i: int) -> bool:
    """Return True if line i continues a list introduced by a line ending with ":"."""
    for j in range(i - 1, -1, -1):
        block = blocks[j]
        if block.kind == BLANK:
            continue
        if block.kind == TEXT and heading_shape(_plain(block)):
            continue  # an earlier item of the same list, written without a bullet
        return _ends_with(block, ":")
    return False


def _next_numbered(blocks: list[Block], i: int) -> Block | None:
    """First numbered block after index i."""
    return next((b for b in blocks[i + 1 :] if b.kind == NUMBERED), None)


def _stands_alone(blocks: list[Block], i: int) -> bool:
    """Return True if the line above is blank, a heading, or ends a sentence."""
    if i == 0 or blocks[i - 1].kind in (BLANK, HEADING, TITLE):
        return True
    return _ends_with(blocks[i - 1], ".!?")


def _followed_by_break(blocks: list[Block], i: int) -> bool:
    """Return True if the next line is blank, a heading, a numbered paragraph or the end."""
    return i + 1 >= len(blocks) or blocks[i + 1].kind in (BLANK, HEADING, TITLE, NUMBERED)


def _is_guessed_heading(blocks: list[Block], i: int, bold_only: bool = False) -> bool:
    """Decide whether an unnumbered text line is a heading (only bold lines if bold_only)."""
    block = blocks[i]
    bold = block.strong or bool(BOLD_LINE_RE.match(block.text))
    if bold_only and not bold:
        return False
    plain = _plain(block)
    if not heading_shape(plain) or not _stands_alone(blocks, i) or DOTTED_START_RE.match(plain):
        return False  # "1.1 the rest" is a sub-paragraph that did not parse, not a heading
    if _after_lead_in(blocks, i):
        return False  # an item of a list introduced by "…:"
    return bold or is_all_caps(plain) or _followed_by_break(blocks, i)


def _is_numbered_heading(blocks: list[Block], i: int) -> bool:
    """Decide whether "3. Scope" is a heading: short, and the numbering below is its own."""
    block = blocks[i]
    plain = strip_inline(block.body)
    if not heading_shape(plain) or len(plain.split()) > MAX_NUMBERED_HEADING_WORDS:
        return False
    if not _stands_alone(blocks, i) or not _followed_by_break(blocks, i):
        return False
    if _after_lead_in(blocks, i):
        return False
    nxt = _next_numbered(blocks, i)
    if nxt is None:
        return False
    mine, theirs = number_key(block.number)[0], number_key(nxt.number)[0]
    # "3. Scope" followed by 3.1, or by paragraphs numbered from 1 again.
    child = len(theirs) > len(mine) and theirs[: len(mine)] == mine
    return child or theirs <= mine


def _wrapped_heading(blocks: list[Block], i: int, width: int) -> int:
    """Length of a heading wrapped over 2-3 lines starting at i, or 0 if there is none."""
    if not _stands_alone(blocks, i) or _after_lead_in(blocks, i):
        return 0
    for end in range(i + 2, min(i + MAX_HEADING_LINES, len(blocks)) + 1):
        chunk = blocks[i:end]
        if chunk[-1].kind != TEXT or any(_ends_with(b, ".!?:;") for b in chunk[:-1]):
            return 0
        if any(len(b.text) < WRAPPED_LINE_FILL * width for b in chunk[:-1]):
            return 0  # a wrapped line fills the width: short lines were broken on purpose
        if len({is_all_caps(_plain(b)) for b in chunk}) > 1:
            return 0  # "BACKGROUND" over a line of text is a heading followed by its text
        plain = " ".join(_plain(b) for b in chunk)
        if _followed_by_break(blocks, end - 1):
            return end - i if heading_shape(plain) else 0
    return 0


def _guess_headings(blocks: list[Block]) -> None:
    """Mark headings in documents whose format gave none."""
    width = max((len(b.text) for b in blocks if b.kind in (TEXT, NUMBERED)), default=0)
    for i, block in enumerate(blocks):
        if block.kind == TEXT and (size := _wrapped_heading(blocks, i, width)):
            block.kind, block.text = HEADING, " ".join(_plain(b) for b in blocks[i : i + size])
            for joined in blocks[i + 1 : i + size]:
                joined.kind, joined.text = BLANK, ""
        elif _is_single_line_heading(blocks, i):
            block.kind = HEADING


def _is_single_line_heading(blocks: list[Block], i: int) -> bool:
    """Heading test for one line, numbered ("3. Scope") or not."""
    if blocks[i].kind == TEXT:
        return _is_guessed_heading(blocks, i)
    return blocks[i].kind == NUMBERED and _is_numbered_heading(blocks, i)


def _is_unwrapped(blocks: list[Block]) -> bool:
    """Return True if paragraphs are written one per line (many long lines), not hard-wrapped."""
    lengths = [len(b.text) for b in blocks if b.kind in (TEXT, NUMBERED)]
    long_lines = sum(length > UNWRAPPED_LINE_CHARS for length in lengths)
    return long_lines >= 3 and long_lines >= 0.2 * len(lengths)


def _separate_lines(blocks: list[Block]) -> None:
    """In one-line-per-paragraph text, treat every line as standing apart, as in Word."""
    separated: list[Block] = []
    for block in blocks:
        if block.kind not in (BLANK, ITEM) and separated and separated[-1].kind != BLANK:
            separated.append(Block("", block.line, BLANK, soft=True))
        separated.append(block)
    blocks[:] = separated


def _section_ids(blocks: list[Block]) -> list[int]:
    """For each block, how many headings come before it (blocks sharing an id share a section)."""
    ids, count = [], 0
    for block in blocks:
        count += block.kind in (HEADING, TITLE)
        ids.append(count)
    return ids


def _mid_sentence(blocks: list[Block], i: int) -> bool:
    """Return True if the line above runs on into this one (no closing punctuation)."""
    prev = blocks[i - 1] if i else None
    return (
        prev is not None and prev.kind in (TEXT, ITEM, NUMBERED) and not _ends_with(prev, ".!?:;")
    )


def _lead_in_run_end(blocks: list[Block], idx: list[int], k: int, last: int, sec: list[int]) -> int:
    """Index (into idx) just past the run 1, 2, 3… starting at idx[k] within one section."""
    expected, end = 2, k + 1
    while end < len(idx):
        parts, suffix = number_key(blocks[idx[end]].number)
        if sec[idx[end]] != sec[idx[k]] or suffix or parts != (expected,):
            break
        if last and expected == last + 1:
            break  # the document's own numbering resumes here; it wins the tie
        expected, end = expected + 1, end + 1
    return end


def _is_lead_in_list(last: int, nxt: Block | None) -> bool:
    """Decide if a run numbered from 1 after a colon is a list, from what follows it."""
    if nxt is None:
        return last > 0  # the run ends the document: a list only if paragraphs came before
    following = number_key(nxt.number)[0][0]
    # Before any paragraph: a list when numbering restarts at 1 after it.
    # Inside the numbering: a list when the numbering carries on after it.
    return following == 1 if last == 0 else following > last


def _assign_roles(blocks: list[Block]) -> None:
    """Decide which numbered lines are paragraphs and which are items of a lead-in list."""
    sec = _section_ids(blocks)
    idx = [i for i, b in enumerate(blocks) if b.kind == NUMBERED]
    last, k = 0, 0
    while k < len(idx):
        i = idx[k]
        parts, suffix = number_key(blocks[i].number)
        if parts == (1,) and not suffix and _ends_with(_prev_content(blocks, i), ":"):
            end = _lead_in_run_end(blocks, idx, k, last, sec)
            if _is_lead_in_list(last, blocks[idx[end]] if end < len(idx) else None):
                for j in idx[k:end]:
                    blocks[j].kind = ITEM
                k = end
                continue
        # A wrapped line that happens to start with "12." is text unless 12 fits the sequence.
        if _mid_sentence(blocks, i) and not last <= parts[0] <= last + 3:
            blocks[i].kind = TEXT
        else:
            last = parts[0]
        k += 1


def _pick_format_title(blocks: list[Block]) -> Block | None:
    """Treat a lone top-level Markdown heading above deeper ones as the document title."""
    if any(b.kind == TITLE for b in blocks):
        return None
    heads = [b for b in blocks if b.kind == HEADING and b.level]
    if not heads:
        return None
    top = min(b.level for b in heads)
    if heads[0].level != top or sum(b.level == top for b in heads) > 1:
        return None
    heads[0].kind = TITLE
    return heads[0]


def _keep_title(blocks: list[Block], title: Block) -> bool:
    """A title needs a heading after it and no numbered paragraph before that heading."""
    start = next(i for i, b in enumerate(blocks) if b is title)
    for block in blocks[start + 1 :]:
        if block.kind == HEADING:
            return True
        if block.kind == NUMBERED:
            return False
    return False


def _drop_trailing_heading(blocks: list[Block]) -> None:
    """A guessed heading with nothing under it ("Adopted in Daejeon, 2022") is closing text."""
    last = _prev_content(blocks, len(blocks))
    if last is not None and last.kind == HEADING and not last.level:
        last.kind = TEXT


def _title_like(block: Block) -> bool:
    """Return True for a line worded like a title rather than a section heading."""
    plain = _plain(block)
    return is_all_caps(plain) or len(plain.split()) >= MIN_TITLE_WORDS


def _absorb_leading_headings(blocks: list[Block]) -> None:
    """Move headings above the first paragraph's own heading into the preamble."""
    first = next((i for i, b in enumerate(blocks) if b.kind == NUMBERED), len(blocks))
    leading = [i for i in range(first) if blocks[i].kind == HEADING]
    opening = next((i for i, b in enumerate(blocks) if b.kind != BLANK), None)
    # Only the last heading before paragraph 1 owns it. Earlier ones directly above another
    # heading are title and metadata, as is a title-like line opening the document (with
    # the text under it); other headings there keep their unnumbered sections.
    for i in leading[:-1]:
        following = next((b for b in blocks[i + 1 :] if b.kind != BLANK), None)
        stacked = following is not None and following.kind in (HEADING, TITLE)
        if stacked or (i == opening and not blocks[i].level and _title_like(blocks[i])):
            blocks[i].kind, blocks[i].guessed_title = TEXT, True


def classify(blocks: list[Block]) -> None:
    """Tag every block as blank, heading, title, numbered paragraph, list item or text."""
    for block in blocks:
        if not block.kind:
            block.kind = line_kind(block)
    if _is_unwrapped(blocks):
        _separate_lines(blocks)
    title = _pick_format_title(blocks)
    if any(b.kind == HEADING for b in blocks):
        # The format marked its headings: of the rest, only bold lines standing alone count.
        for i, block in enumerate(blocks):
            if block.kind == TEXT and _is_guessed_heading(blocks, i, bold_only=True):
                block.kind = HEADING
    else:
        _guess_headings(blocks)
    _assign_roles(blocks)
    if title is not None and not _keep_title(blocks, title):
        title.kind = HEADING
    _drop_trailing_heading(blocks)
    _absorb_leading_headings(blocks)
    # List items read as part of the paragraph above, without a Word paragraph gap.
    blocks[:] = [
        b
        for i, b in enumerate(blocks)
        if not (b.soft and i + 1 < len(blocks) and blocks[i + 1].kind == ITEM)
    ]
