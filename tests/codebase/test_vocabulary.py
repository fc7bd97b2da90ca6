"""Languages, stances, kinds and regions are defined in app/vocabulary.py and nowhere else."""

import ast
from pathlib import Path

from app import vocabulary

APP = Path(__file__).resolve().parents[2] / "app"
VOCABULARIES = {
    "languages": set(vocabulary.LANGUAGES),
    "stances": set(vocabulary.STANCES),
    "kinds of organisation": set(vocabulary.ORGANISATION_KINDS),
    "regions": set(vocabulary.REGIONS),
}
LABEL_CALLS = {"_", "_l", "gettext", "lazy_gettext"}


def is_label_table(node: ast.Dict) -> bool:
    """A dict whose values are translated labels, or the languages' own names: what the
    vocabulary holds (a table of colours or stop words per code says something else)."""
    values = node.values
    if all(isinstance(v, ast.Call) and getattr(v.func, "id", "") in LABEL_CALLS for v in values):
        return True
    names = set(vocabulary.LANGUAGE_NAMES.values())
    return all(isinstance(v, ast.Constant) and v.value in names for v in values)


def literal_sets(tree: ast.AST):
    """(line, codes) of each list, tuple or set of strings, and of each label table's keys."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            elements = node.keys if is_label_table(node) else []
        else:
            elements = (
                getattr(node, "elts", None)
                if isinstance(node, ast.List | ast.Tuple | ast.Set)
                else []
            )
        if elements and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in elements
        ):
            yield node.lineno, {e.value for e in elements}


def test_no_module_spells_out_a_vocabulary_of_its_own():
    found = []
    for path in sorted(APP.rglob("*.py")):
        name = path.relative_to(APP).as_posix()
        if name == "vocabulary.py":
            continue
        for line, values in literal_sets(ast.parse(path.read_text(encoding="utf-8"))):
            found += [
                f"{name}:{line} {what}" for what, codes in VOCABULARIES.items() if values == codes
            ]
    assert found == []


def test_models_and_pages_read_the_same_labels():
    from app.models.feedback import STANCES
    from app.models.organisation import ORGANISATION_KINDS, REGIONS

    assert STANCES is vocabulary.STANCE_LABELS
    assert ORGANISATION_KINDS is vocabulary.ORGANISATION_KINDS and REGIONS is vocabulary.REGIONS
    assert tuple(vocabulary.STANCE_LABELS) == vocabulary.STANCES
