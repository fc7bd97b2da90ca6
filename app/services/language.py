"""Offline detection of the language a comment is written in (English, French or Spanish)."""

import re
from collections import Counter
from functools import lru_cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

CODES = {Language.ENGLISH: "en", Language.FRENCH: "fr", Language.SPANISH: "es"}
# Below this many letters a guess is noise ("OK", "+1"): leave the language unknown.
MIN_LETTERS = 12
# Only a text's opening is read: the time grows with the length, the answer does not, and a
# comment (written first) then outweighs a long wording copied from the draft in another
# language. On the bench corpus (4,000 comments with their wordings, EN/FR/ES), the opening
# 200 characters gave the written language for every one; the whole texts missed 16.
MAX_CHARACTERS = 200

# Frequent words of each language that are not words of the other two ("la", "de", "que",
# "en", "on", "son", "y", "se" are left out for that reason). Prose that uses many of one
# language's and few of the others' is told by them alone: the n-gram models' look-ups cost
# 0.2-0.4 ms a text on a busy server (their tables do not stay in the CPU's caches), about
# a tenth of an autosave; anything less clear-cut is left to the models. On the bench's
# corpora (14,775 comments and wordings in EN/FR/ES, boilerplate, asides, short ones) the
# common words answered for 45-100% of each and agreed with the models on every one.
COMMON_WORDS = {
    "en": (
        "the", "and", "of", "to", "is", "are", "was", "that", "this", "these", "with", "for",
        "we", "our", "us", "be", "been", "it", "its", "from", "which", "will", "would",
        "should", "their", "they", "have", "has", "not", "in", "at", "by", "as", "can",
    ),
    "fr": (
        "le", "les", "des", "et", "est", "une", "du", "au", "aux", "nous", "notre", "nos",
        "dans", "pour", "sur", "avec", "qui", "sont", "ce", "cette", "ces", "pas", "ne",
        "leur", "leurs", "il", "elle", "être", "été", "mais", "aussi", "très", "doit", "peut",
    ),
    "es": (
        "el", "los", "las", "del", "una", "por", "con", "para", "es", "su", "sus", "nuestro",
        "nuestra", "nuestros", "nuestras", "como", "más", "pero", "este", "esta", "estos",
        "estas", "lo", "al", "está", "están", "debe", "deben", "puede", "también", "muy",
    ),
}  # fmt: skip
_LANGUAGE_OF_WORD = {word: code for code, words in COMMON_WORDS.items() for word in words}
_WORD = re.compile(r"\w+")
# At least this many of one language's common words, and this many times the others'.
CLEAR_COUNT, CLEAR_RATIO = 5, 4


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    """Built on first use, not at import: the models load lazily and take memory."""
    return LanguageDetectorBuilder.from_languages(*CODES).with_preloaded_language_models().build()


def detect(text: str) -> str | None:
    """The language code of `text`, or None when it is too short to tell."""
    if not _long_enough(text):
        return None
    opening = text[:MAX_CHARACTERS]
    return by_common_words(opening) or CODES.get(_detector().detect_language_of(opening))


def detect_many(texts: list[str]) -> list[str | None]:
    """Detect many texts at once (the same answers as `detect`), those that the common words
    do not settle in parallel inside the detector."""
    openings = [text[:MAX_CHARACTERS] if _long_enough(text) else None for text in texts]
    results = [by_common_words(opening) if opening else None for opening in openings]
    left = [i for i, opening in enumerate(openings) if opening and results[i] is None]
    found = _detector().detect_languages_in_parallel_of([openings[i] for i in left])
    for index, language in zip(left, found, strict=True):
        results[index] = CODES.get(language)
    return results


def by_common_words(text: str) -> str | None:
    """The language whose common words `text` clearly uses, or None when it is not clear."""
    counts = Counter(_LANGUAGE_OF_WORD.get(word) for word in _WORD.findall(text.lower()))
    counts.pop(None, None)
    ranked = [n for _, n in counts.most_common(2)] + [0, 0]
    if ranked[0] >= CLEAR_COUNT and ranked[0] >= CLEAR_RATIO * ranked[1]:
        return counts.most_common(1)[0][0]
    return None


def _long_enough(text: str) -> bool:
    return sum(map(str.isalpha, text)) >= MIN_LETTERS
