"""Language and time zone of each request, and reading translated fields."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from zoneinfo import available_timezones

from babel import Locale
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import (
    format_date,
    format_datetime,
    format_time,
    get_locale,
    get_timezone,
    refresh,
)
from flask_login import current_user

from app.extensions import babel
from app.lazy_text import lazy_gettext as _l
from app.models.consultation import PHASE_LABELS
from app.vocabulary import LANGUAGE_NAMES

# The Councils' names as staff type them (in English), read in the reader's language.
COUNCIL_NAMES = {
    "Policy Council on Opportunities for All, Culture and City Diplomacy": _l(
        "Policy Council on Opportunities for All, Culture and City Diplomacy"
    ),
    "UCLG Policy Council on Opportunities for All, Culture and City Diplomacy": _l(
        "UCLG Policy Council on Opportunities for All, Culture and City Diplomacy"
    ),
}


def select_locale() -> str:
    """The signed-in user's preference, then the language menu, then Accept-Language."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("lang") in languages:
        return session["lang"]
    return request.accept_languages.best_match(languages) or languages[0]


# The zone of the person a worker writes a document for (no request tells it).
_reader_zone: ContextVar[str | None] = ContextVar("reader_zone", default=None)


def select_timezone() -> str:
    """The signed-in user's zone; otherwise UTC (the browser then shows local time)."""
    if forced := _reader_zone.get():
        return forced
    if (
        has_request_context()
        and current_user.is_authenticated
        and is_valid_timezone(current_user.timezone)
    ):
        return current_user.timezone
    return "UTC"


@contextmanager
def reader_timezone(name: str | None) -> Iterator[None]:
    """Dates and times in `name` (UTC if it is no zone) for a document written outside a request."""
    token = _reader_zone.set(name if is_valid_timezone(name) else "UTC")
    refresh()
    try:
        yield
    finally:
        _reader_zone.reset(token)
        refresh()


def is_valid_timezone(name: str | None) -> bool:
    return bool(name) and name in _timezones()


def _timezones() -> frozenset[str]:
    if not hasattr(_timezones, "cache"):
        _timezones.cache = frozenset(available_timezones())
    return _timezones.cache


def timezone_choices() -> list[str]:
    return sorted(_timezones())


@dataclass(frozen=True)
class Localized:
    """A translated field read in one language, noting when the original stood in for it."""

    text: str
    language: str
    is_fallback: bool

    def __str__(self) -> str:
        return self.text


def localize(field: dict | None, original_language: str, language: str | None = None) -> Localized:
    """The text of `field` in `language` (default: the request's), else in the original."""
    field = field or {}
    language = language or str(get_locale())
    if field.get(language):
        return Localized(field[language], language, False)
    if field.get(original_language):
        return Localized(field[original_language], original_language, True)
    for other, text in field.items():
        if text:
            return Localized(text, other, True)
    return Localized("", original_language, False)


def current_timezone_name() -> str:
    return str(get_timezone())


def country_name(code: str | None) -> str:
    """The country of an ISO code, named in the reader's language."""
    if not code:
        return ""
    return Locale.parse(str(get_locale())).territories.get(code, code)


def language_name(code: str | None, sentence_start: bool = False) -> str:
    """A language named in the reader's language ("anglais" on a French page), for running
    text; the language menu keeps each language's own name (LANGUAGE_NAMES)."""
    if not code:
        return ""
    name = Locale.parse(str(get_locale())).languages.get(code, code)
    return name[:1].upper() + name[1:] if sentence_start else name


def phase_label(phase: str) -> str:
    return str(PHASE_LABELS.get(phase, phase))


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.globals.update(
        localize=localize,
        get_locale=get_locale,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        current_timezone_name=current_timezone_name,
        phase_label=phase_label,
        country_name=country_name,
        language_name=language_name,
    )
    app.jinja_env.filters.update(
        datetimeformat=format_datetime, dateformat=format_date, timeformat=format_time
    )


def council_name(name: str | None) -> str:
    """A Council's name in the reader's language where it is a known one; else as typed."""
    name = (name or "").strip()
    known = COUNCIL_NAMES.get(name)
    return str(known) if known is not None else name
