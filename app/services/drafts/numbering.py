"""Paragraph numbers checked as people number them: 4 → 5, 4 → 4.1, 4.2 → 5, 4 → 4 bis.

Repeated, skipped, backwards and empty paragraphs become problems for the import preview.
"""

from __future__ import annotations

from app.lazy_text import lazy_gettext as _l
from app.services.drafts.parsed import ImportProblem, ParsedParagraph, ParsedSection
from app.services.drafts.text import number_key


def numbering_problems(sections: list[ParsedSection]) -> list[ImportProblem]:
    """Report repeated, skipped, backwards and empty paragraph numbers."""
    problems: list[ImportProblem] = []
    seen: set[str] = set()
    previous: ParsedParagraph | None = None
    for section in sections:
        for position, paragraph in enumerate(section.paragraphs):
            problem = _sequence_problem(previous, paragraph, seen, restart=position == 0)
            if problem:
                problems.append(problem)
                if problem.code == "numbering_restart":
                    seen = set()
            seen.add(paragraph.number)
            if not paragraph.text.strip():
                problems.append(_problem("empty_paragraph", paragraph))
            previous = paragraph
    return problems


def _sequence_problem(
    previous: ParsedParagraph | None, paragraph: ParsedParagraph, seen: set[str], restart: bool
) -> ImportProblem | None:
    """Check one paragraph number against the one before it."""
    key = number_key(paragraph.number)
    before = number_key(previous.number) if previous else ((0,), 0)
    if restart and previous and key == ((1,), 0) and before > key:
        return _problem("numbering_restart", paragraph)
    if paragraph.number in seen:
        return _problem("duplicate_number", paragraph)
    if is_next_number(before, key):
        return None
    if key > before:
        return _problem("skipped_number", paragraph, previous)
    return _problem("out_of_order", paragraph, previous)


def is_next_number(before: tuple[tuple[int, ...], int], key: tuple[tuple[int, ...], int]) -> bool:
    """Return True if key may follow before: 4→5, 4→4.1, 4.2→5, 4.2→4.3, 4→4 bis."""
    (old, old_suffix), (new, new_suffix) = before, key
    if new_suffix:
        return new == old and new_suffix > old_suffix
    heads = [(*old[:level], old[level] + 1) for level in range(len(old))] + [(*old, 1)]
    # Levels below the one that moved on start again at 1: 4.2 → 5 or 5.1, 4 → 4.1.
    return any(
        new[: len(head)] == head and all(part == 1 for part in new[len(head) :]) for head in heads
    )


def _problem(
    code: str, paragraph: ParsedParagraph, previous: ParsedParagraph | None = None
) -> ImportProblem:
    """Build a numbering problem with its translated message."""
    number, line = paragraph.number, paragraph.line
    before = previous.number if previous else ""
    messages = {
        "duplicate_number": _l(
            "Paragraph %(number)s appears more than once (line %(line)s).", number=number, line=line
        ),
        "skipped_number": _l(
            "Paragraph %(number)s follows paragraph %(previous)s: numbers are missing "
            "in between (line %(line)s).",
            number=number,
            previous=before,
            line=line,
        )
        if previous
        else _l(
            "The first paragraph is numbered %(number)s, not 1 (line %(line)s).",
            number=number,
            line=line,
        ),
        "out_of_order": _l(
            "Paragraph %(number)s comes after paragraph %(previous)s (line %(line)s).",
            number=number,
            previous=before,
            line=line,
        ),
        "numbering_restart": _l(
            "Numbering starts again at %(number)s (line %(line)s): paragraph numbers "
            "are no longer unique.",
            number=number,
            line=line,
        ),
        "empty_paragraph": _l(
            "Paragraph %(number)s has no text (line %(line)s).", number=number, line=line
        ),
    }
    return ImportProblem(code, messages[code], line)
