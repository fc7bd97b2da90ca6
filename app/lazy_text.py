"""Lazy translated strings that stay escaped in templates.

Flask-Babel's lazy strings declare themselves safe HTML (`__html__` returns the raw text),
so Jinja would print a message such as "There is no consultation “<script>…”" unescaped.
These escape their text, placeholders included, whenever a template prints them.
"""

from flask_babel import gettext
from flask_babel.speaklater import LazyString
from markupsafe import Markup, escape


class EscapedLazyString(LazyString):
    def __html__(self) -> Markup:
        return escape(str(self))


def lazy_gettext(string: str, **variables: object) -> EscapedLazyString:
    """Like flask_babel.lazy_gettext, translated when used, escaped when printed."""
    return EscapedLazyString(gettext, string, **variables)
