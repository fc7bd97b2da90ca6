"""Text cells that a spreadsheet would run as a formula: written safely, read back unchanged.

Export prefixes such text with an apostrophe (OWASP's advice against CSV injection); import
removes exactly that apostrophe again. Text that already starts with an apostrophe followed
by one of these characters (or by a second apostrophe) is prefixed too: without that, "'=x"
typed by a sender would come back as "=x", and ``restore(neutralise(x)) == x`` would not
hold for every string.
"""

# Characters that make Excel, LibreOffice or Google Sheets read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ESCAPABLE = frozenset((*FORMULA_STARTS, "'"))


def _is_escaped(text: str) -> bool:
    """Whether `text` is an apostrophe followed by a character that needed escaping."""
    return text[:1] == "'" and text[1:2] in _ESCAPABLE


def neutralise(text: str) -> str:
    """`text` with a leading apostrophe when a spreadsheet would otherwise run it."""
    if text.startswith(FORMULA_STARTS) or _is_escaped(text):
        return "'" + text
    return text


def restore(text: str) -> str:
    """The text as it was before `neutralise`: one escaping apostrophe removed."""
    return text[1:] if _is_escaped(text) else text
