"""Offline detection of the language a comment is written in (English, French or Spanish)."""

from functools import lru_cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

CODES = {Language.ENGLISH: "en", Language.FRENCH: "fr", Language.SPANISH: "es"}
# Below this many letters a guess is noise ("OK", "+1"): leave the language unknown.
MIN_LETTERS = 12
# Only a text's opening is read: the time grows with the length, the answer does not, and a
# comment (written first) then outweighs a long wording copied from the draft in another
# language. On the bench corpus (4,000 comments with their wordings, EN/FR/ES), the opening
# 200 characters gave the written language for every one (0.09 ms each); the whole texts
# missed 16 (0.17 ms each).
MAX_CHARACTERS = 200


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    """Built on first use, not at import: the models load lazily and take memory."""
    return LanguageDetectorBuilder.from_languages(*CODES).with_preloaded_language_models().build()


def detect(text: str) -> str | None:
    """The language code of `text`, or None when it is too short to tell."""
    if sum(c.isalpha() for c in text) < MIN_LETTERS:
        return None
    language = _detector().detect_language_of(text[:MAX_CHARACTERS])
    return CODES.get(language)


def detect_many(texts: list[str]) -> list[str | None]:
    """Detect many texts at once, in parallel inside the detector."""
    results: list[str | None] = [None] * len(texts)
    long_enough = [i for i, t in enumerate(texts) if sum(c.isalpha() for c in t) >= MIN_LETTERS]
    found = _detector().detect_languages_in_parallel_of(
        [texts[i][:MAX_CHARACTERS] for i in long_enough]
    )
    for index, language in zip(long_enough, found, strict=True):
        results[index] = CODES.get(language)
    return results
