"""French and Spanish catalogues are complete: no untranslated or fuzzy entry."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"


@pytest.mark.parametrize("language", ["fr", "es"])
def test_catalogue_is_complete(language):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalogue = read_po(handle)
    assert len(catalogue) > 100
    untranslated = [
        m.id
        for m in catalogue
        if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)
    ]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert untranslated == [], untranslated
    assert fuzzy == [], fuzzy


@pytest.mark.parametrize("language", ["fr", "es"])
def test_catalogue_covers_every_string_in_the_code(language, tmp_path):
    from babel.messages.extract import extract_from_dir

    root = Path(__file__).resolve().parents[2] / "app"
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    method_map = [
        ("**.py", "python"),
        ("templates/**.html", "jinja2"),
        ("templates/**.txt", "jinja2"),
    ]
    keywords = {"_": None, "_l": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None}
    missing = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        root, method_map=method_map, keywords=keywords
    ):
        msgid = message if isinstance(message, str) else message[0]
        if msgid not in known:
            missing.add(msgid)
    assert sorted(missing) == []
