"""The language a screen reader hears each piece of a tagged PDF's text in.

A tagged PDF says a text's language in one of two places: `/Lang` on a structure element
(inherited by what it holds, the document's `/Lang` at the top) or `/Lang` in the
properties of the marked content that draws it (`/Span <</MCID 3 /Lang (fr)>> BDC`). This
reads both, as a reader does, and gives each marked-content sequence's text with its language.
"""

from __future__ import annotations

import io

import pypdf
from pypdf.generic import ArrayObject, DictionaryObject, NumberObject


def _string(value) -> str | None:
    """A PDF string as written: pypdf guesses at the encoding of two-byte strings ("fr")."""
    if value is None:
        return None
    raw = getattr(value, "original_bytes", None)
    return raw.decode("latin-1") if raw is not None else str(value)


def _structure_languages(reader: pypdf.PdfReader) -> dict[tuple[int, int], str]:
    """(page object number, MCID) → the language its structure element says, inherited."""
    root = reader.trailer["/Root"]
    found: dict[tuple[int, int], str] = {}

    def walk(node, page, language):
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, (int, NumberObject)) and not isinstance(node, bool):
            if page is not None:
                found[(page, int(node))] = language
            return
        if isinstance(node, ArrayObject):
            for child in node:
                walk(child, page, language)
            return
        if not isinstance(node, DictionaryObject):
            return
        if "/Pg" in node:
            page = node.raw_get("/Pg").idnum
        if node.get("/Type") == "/MCR":
            found[(page, int(node["/MCID"]))] = language
            return
        language = _string(node.get("/Lang")) or language
        if "/K" in node:
            walk(node.raw_get("/K"), page, language)

    walk(root["/StructTreeRoot"], None, _string(root.get("/Lang")) or "")
    return found


def text_languages(pdf: bytes) -> list[tuple[str, str]]:
    """(text, language) for every marked-content sequence that draws text, in reading order."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    by_structure = _structure_languages(reader)
    pieces: list[tuple[str, str]] = []
    for page in reader.pages:
        page_id = page.indirect_reference.idnum
        stack: list[int | None] = []  # open marked content: its index in `sequences`
        sequences: list[tuple[int | None, str | None, list[str]]] = []

        def before(operator, arguments, *_unused, stack=stack, sequences=sequences):
            if operator == b"BDC":
                properties = arguments[1] if len(arguments) > 1 else {}
                if not isinstance(properties, dict):
                    properties = {}
                mcid = properties.get("/MCID")
                language = _string(properties.get("/Lang"))
                sequences.append((int(mcid) if mcid is not None else None, language, []))
                stack.append(len(sequences) - 1)
            elif operator == b"BMC":
                stack.append(None)
            elif operator == b"EMC" and stack:
                stack.pop()

        def text(value, *_unused, stack=stack, sequences=sequences):
            if stack and stack[-1] is not None and value:
                sequences[stack[-1]][2].append(value)

        page.extract_text(visitor_operand_before=before, visitor_text=text)
        for mcid, own_language, parts in sequences:
            content = "".join(parts).strip()
            if content:
                language = own_language or by_structure.get((page_id, mcid), "")
                pieces.append((content, language))
    return pieces


def language_of(pdf: bytes, phrase: str) -> set[str]:
    """The languages the pieces of text holding `phrase` are read in, or the pieces of it
    (a line of it, at least ten characters long) when it runs over several lines."""
    phrase = " ".join(phrase.split())
    found = set()
    for content, language in text_languages(pdf):
        flat = " ".join(content.split())
        if phrase in flat or (len(flat) >= 10 and flat in phrase):
            found.add(language)
    return found
