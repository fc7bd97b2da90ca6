"""The language of a text a person wrote, as each report format says it.

Feedback records its language as a short tag ("fr", "es-MX"); Typst wants the language and
the region apart, Word a full tag ("fr-FR"), and a right-to-left language in Word's
complex-script slot. A tag none of them could read is dropped rather than break a report.
"""

from __future__ import annotations

import re
from typing import Any

from app.services.language import detect

# Word's language tags for the platform's languages: its spelling checker wants a region.
WORD_LANGUAGES = {"en": "en-GB", "fr": "fr-FR", "es": "es-ES"}
# Languages written right to left: Word keeps their tag in `w:bidi`, not `w:val`.
RTL_LANGUAGES = frozenset({"ar", "dv", "fa", "he", "ku", "ps", "sd", "ug", "ur", "yi"})
_TAG = re.compile(r"^([a-zA-Z]{2,3})(?:[-_][a-zA-Z]{4})?(?:[-_]([a-zA-Z]{2}))?$")


def split_tag(tag: str | None) -> tuple[str, str | None] | None:
    """("fr", None) for "fr", ("es", "MX") for "es-MX"; None for what is not a language tag."""
    match = _TAG.match(tag or "")
    if match is None:
        return None
    language, region = match.groups()
    return language.lower(), region.upper() if region else None


def typst_language(tag: str | None) -> dict[str, Any]:
    """The `lang` (and `region`) that the templates' `text(lang: ...)` takes; {} if unknown."""
    parts = split_tag(tag)
    if parts is None:
        return {}
    language, region = parts
    return {"lang": language, "region": region} if region else {"lang": language}


def word_language(tag: str | None) -> str | None:
    """The tag Word's `w:lang` takes: "fr-FR" for "fr", "es-MX" as it is; None if unknown."""
    parts = split_tag(tag)
    if parts is None:
        return None
    language, region = parts
    if region:
        return f"{language}-{region}"
    return WORD_LANGUAGES.get(language, language)


def is_rtl_language(tag: str | None) -> bool:
    """Whether the language of `tag` is written right to left."""
    parts = split_tag(tag)
    return parts is not None and parts[0] in RTL_LANGUAGES


def written_in(text: str | None) -> str | None:
    """The language of a text whose language was not recorded (a Council's reason), or None
    when it is too short to tell."""
    return detect(text) if text else None
