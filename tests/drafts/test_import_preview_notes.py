"""A preamble is information, not a problem, and the preview names the line it starts on."""

from app.services.drafts.importer import parse_text

DRAFT = """PACT FOR THE FUTURE

This draft was prepared by the secretariat
for the Council's meeting in October.

Opportunities for all

1. Cities guarantee access to basic services.

2. Local governments plan with their residents.
"""


def test_a_preamble_is_a_note_naming_the_line_it_starts_on():
    draft = parse_text(DRAFT)
    [note] = draft.problems
    assert note.code == "text_before_heading" and note.severity == "note"
    assert note.line == 3
    assert "(line 3)" in str(note.message)


def test_a_missing_number_stays_a_problem_to_check():
    draft = parse_text(DRAFT.replace("2. Local", "4. Local"))
    assert [p.severity for p in draft.problems if p.code != "text_before_heading"] == ["problem"]
