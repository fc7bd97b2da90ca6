"""Word-level differences between a paragraph and the wording proposed for it."""

import difflib
import re

TOKEN = re.compile(r"\s+|[^\s]+")


def word_diff(original: str, proposed: str) -> list[tuple[str, str]]:
    """A list of (op, text) with op "same", "del" or "ins", words and spaces kept as typed."""
    before, after = TOKEN.findall(original), TOKEN.findall(proposed)
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    pieces: list[tuple[str, str]] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(("same", "".join(before[a1:a2])))
            continue
        if a2 > a1:
            pieces.append(("del", "".join(before[a1:a2])))
        if b2 > b1:
            pieces.append(("ins", "".join(after[b1:b2])))
    return pieces
