"""What a feedback file may write for a stance, kind, region, country or language.

Each accepts its code or the name people read: the labels the platform itself shows, in
English, French and Spanish (taken from the catalogues, so a renamed label is accepted as
soon as the pages show it), and for countries and languages the CLDR names from Babel.
Case, accents, hyphens and underscores do not matter. What is stored is always the code.
The tables are built once and then only looked up, row after row.
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from babel import Locale
from flask_babel import force_locale
from flask_babel.speaklater import LazyString

from app.lazy_text import lazy_gettext as _l
from app.vocabulary import LANGUAGES, ORGANISATION_KINDS, REGIONS
from app.vocabulary import STANCE_LABELS as STANCES

LOCALES = LANGUAGE_CODES = LANGUAGES  # the pages' languages, and those a file may name
# CLDR "territories" that are groupings or placeholders, not countries.
NOT_COUNTRIES = frozenset({"ZZ", "EU", "EZ", "UN", "XA", "XB", "QO"})
# How alike a typed value and an accepted one must be for the second to be suggested.
SUGGESTION_CUTOFF = 0.6
MAX_REMEMBERED = 10_000  # spellings remembered per column, so that lookups skip folding


def fold(text: str) -> str:
    """The form values are compared in: no case, accents, hyphens, underscores or extra spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    for mark in "_-‐–’'.":
        plain = plain.replace(mark, " ")
    return " ".join(plain.split())


@dataclass
class Vocabulary:
    """The codes of one column and every way of writing each of them."""

    column: str
    codes: tuple[str, ...]
    aliases: dict[str, str] = field(default_factory=dict)  # folded → code
    shown: dict[str, str] = field(default_factory=dict)  # folded → as the platform writes it
    seen: dict[str, str | None] = field(default_factory=dict)  # as written → code, or None

    def add(self, written: str, code: str) -> None:
        """Accept `written` for `code`; the first code given for a spelling keeps it."""
        key = fold(written)
        if key and key not in self.aliases:
            self.aliases[key] = code
            self.shown[key] = written

    def code(self, written: str) -> str | None:
        """The code `written` stands for, or None."""
        try:
            return self.seen[written]  # a file repeats the same few spellings row after row
        except KeyError:
            found = self.aliases.get(fold(written))
            if len(self.seen) < MAX_REMEMBERED:
                self.seen[written] = found
            return found

    def nearest(self, written: str) -> str | None:
        """The accepted spelling nearest to `written`, as the platform writes it, if any."""
        found = difflib.get_close_matches(
            fold(written), self.aliases, n=1, cutoff=SUGGESTION_CUTOFF
        )
        return self.shown[found[0]] if found else None


def _labelled(column: str, labels: dict) -> Vocabulary:
    """A vocabulary of codes and their labels in the three working languages."""
    vocabulary = Vocabulary(column, tuple(labels))
    for code in labels:
        vocabulary.add(code, code)
    for locale in LOCALES:
        with force_locale(locale):
            for code, label in labels.items():
                vocabulary.add(str(label), code)
    return vocabulary


def _countries() -> Vocabulary:
    """ISO 3166 alpha-2 codes and the CLDR names of each country in the three languages."""
    names = {locale: Locale.parse(locale).territories for locale in LOCALES}
    codes = sorted(code for code in names["en"] if len(code) == 2 and code.isalpha())
    vocabulary = Vocabulary("country", tuple(c for c in codes if c not in NOT_COUNTRIES))
    for code in vocabulary.codes:
        vocabulary.add(code, code)
    for locale in LOCALES:
        for code in vocabulary.codes:
            if code in names[locale]:
                vocabulary.add(names[locale][code], code)
    return vocabulary


def _languages() -> Vocabulary:
    """en, fr, es and their names in the three languages ("French", "français", "francés")."""
    vocabulary = Vocabulary("language", LANGUAGE_CODES)
    for code in LANGUAGE_CODES:
        vocabulary.add(code, code)
    for locale in LOCALES:
        names = Locale.parse(locale).languages
        for code in LANGUAGE_CODES:
            vocabulary.add(names[code], code)
    return vocabulary


@lru_cache(maxsize=1)
def vocabularies() -> dict[str, Vocabulary]:
    """The lookup tables of every coded column, built on first use (needs an app context)."""
    return {
        "stance": _labelled("stance", STANCES),
        "organisation_kind": _labelled("organisation_kind", ORGANISATION_KINDS),
        "region": _labelled("region", REGIONS),
        "country": _countries(),
        "language": _languages(),
    }


def language_code(written: str) -> str | None:
    """en, fr or es for a language written as a code, a locale ("fr-FR") or a name."""
    code = written.strip().lower().replace("_", "-").split("-")[0]
    if code in LANGUAGE_CODES:
        return code
    return vocabularies()["language"].code(written)


def unknown_value(column: str, written: str) -> LazyString:
    """Why `written` is refused in `column`, with the nearest accepted value if one is close."""
    messages = {
        "stance": _l(
            "“%(value)s” is not a stance: use support, amend, oppose or none, or the "
            "stance as the platform names it.",
            value=written,
        ),
        "language": _l(
            "“%(value)s” is not a language: use en, fr or es, or the language's name.",
            value=written,
        ),
        "country": _l(
            "“%(value)s” is not a country: use its two-letter code such as FR, or its name.",
            value=written,
        ),
        "region": _l(
            "“%(value)s” is not a region: use a code such as latin_america, or the region "
            "as the platform names it.",
            value=written,
        ),
        "organisation_kind": _l(
            "“%(value)s” is not a kind of organisation: use a code such as un_agency, or "
            "the kind as the platform names it.",
            value=written,
        ),
    }
    suggestion = vocabularies()[column].nearest(written)
    if suggestion is None:
        return messages[column]
    return _l(
        "%(problem)s Did you mean “%(suggestion)s”?",
        problem=messages[column],
        suggestion=suggestion,
    )
