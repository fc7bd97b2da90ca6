"""What a comment says of its own: sentences many organisations repeat, and the draft's own
words quoted back, recognised across the whole consultation so they weigh nothing in themes.

A comment is cut into sentences. A sentence is boilerplate when, written the same way
(case, accents, figures and punctuation aside), it comes from at least `min_organisations`
organisations; or when it says the same as such sentences in another language or with a
word changed (multilingual vectors, `NEAR`); or when it is mostly the draft quoted back, in
any of the draft's languages. Boilerplate still counts in every figure and stays in the
quotes' full text: only theme finding leaves it out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

# A sentence ends at . ! ? … ; or : followed by a space, or at a line break; a full stop
# before a small letter, "Dr." and figures such as "3.5" do not end one.
_END = re.compile(r"(?<=[.!?…;:])[\"'”»)\]]*\s+(?=[^\s])|\n+")
_ABBREVIATIONS = "e.g|i.e|p. ?ex|etc|cf|vs|no|art|sr|sra|dr|mr|mrs|ms|st".replace(".", r"\.")
_ABBREVIATION = re.compile(rf"\b(?:{_ABBREVIATIONS})\.$", re.I)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_DIGITS = re.compile(r"\d+")
# The combining accents NFKD leaves after a letter, dropped in one C-speed pass.
_NO_ACCENTS = dict.fromkeys(range(0x300, 0x370))
# Text between quotation marks: checked against the draft on its own.
_QUOTED = re.compile(r"[\"“«„]\s*([^\"”»“]{12,})\s*[\"”»“]")
SHINGLE = 3
# Share of a sentence's (or a quoted span's) word triples found in the draft from which it
# is the draft quoted back, not the organisation's words.
DRAFT_SHARE = 0.5
# Organisations (at least this many, and at least this share of those who commented) that
# must write a sentence for it to be boilerplate.
MIN_ORGANISATIONS = 3
MIN_SHARE = 0.02
# Cosine from which two sentences say the same courtesy (USE v3: "Merci pour cette
# consultation." / "Gracias por esta consulta." 0.85, "We welcome this paragraph." / "Nous
# saluons ce paragraphe." 0.81; "This is a key issue for us." / "Broadband is a key issue for
# us." only 0.63, so a sentence with a subject of its own is not caught).
NEAR = 0.78
# Longer sentences are never taken for a courtesy: repeating them is a campaign, found apart.
MAX_WORDS = 30
# Sentences written by two organisations or more that are compared with each other, at most.
MAX_LINKED = 3_000


@dataclass
class Substance:
    """The substantive sentences of the comments, and the boilerplate left out of themes."""

    sentences: list[str]  # each substantive sentence, as written
    owner: np.ndarray  # the comment each sentence comes from
    words: np.ndarray  # its number of words
    vectors: np.ndarray  # its unit vector
    boilerplate: list[str] = field(default_factory=list)  # recognised, most written first
    boilerplate_count: int = 0  # sentences left out, draft quotes included
    quoted_count: int = 0  # sentences (or parts) that quote the draft


def split_sentences(text: str) -> list[str]:
    """A comment cut into its sentences (and clauses ended by ; or :), blanks dropped."""
    pieces, start = [], 0
    text = text or ""
    for match in _END.finditer(text):
        piece = text[start : match.start()].strip()
        after = text[match.end() : match.end() + 1]
        if "\n" not in match.group() and (
            _ABBREVIATION.search(piece) or (piece.endswith(".") and after.islower())
        ):
            continue  # "e.g. the ...", "p. ex. ..." go on
        pieces.append(piece)
        start = match.end()
    pieces.append(text[start:].strip())
    return [p for p in (" ".join(p.split()) for p in pieces) if _WORD.search(p)]


def normalise(sentence: str) -> str:
    """A sentence as a key: lower case, no accents, figures as 0, words only."""
    folded = unicodedata.normalize("NFKD", sentence.lower()).translate(_NO_ACCENTS)
    return " ".join(_WORD.findall(_DIGITS.sub("0", folded)))


class DraftQuotes:
    """Whether a sentence, or a quoted part of it, is the draft's own words."""

    def __init__(self, drafts: list[str]) -> None:
        """Word triples of every draft text, in all its languages."""
        self.shingles: set[tuple[str, ...]] = set()
        for text in drafts:
            self.shingles.update(_triples(normalise(text).split()))

    def is_quote(self, sentence: str, key: str | None = None) -> bool:
        """Whether most of the sentence's word triples (`key`: its normalised form, if
        known) are the draft's."""
        if not self.shingles:
            return False
        triples = _triples((key if key is not None else normalise(sentence)).split())
        if not triples:
            return False
        return sum(t in self.shingles for t in triples) >= DRAFT_SHARE * len(triples)

    def strip(self, sentence: str) -> tuple[str, bool]:
        """The sentence without the parts between quotation marks that quote the draft."""
        if not self.shingles:
            return sentence, False
        found = False

        def cut(match: re.Match) -> str:
            nonlocal found
            if self.is_quote(match.group(1)):
                found = True
                return " "
            return match.group()

        return " ".join(_QUOTED.sub(cut, sentence).split()), found


def _triples(words: list[str]) -> list[tuple[str, ...]]:
    return [tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)]


def find_substance(
    texts: list[str],
    organisations: list[str],
    drafts: list[str],
    embed: Callable[[list[str]], np.ndarray],
    include: list[int] | None = None,
) -> Substance:
    """The substantive sentences of `texts[i]` for i in `include` (default: all).

    Frequencies count organisations, not comments: an organisation that opens every comment
    the same way counts once. `embed` gives unit vectors for a list of sentences; each
    distinct sentence is asked for once.
    """
    rows = range(len(texts)) if include is None else include
    quotes = DraftQuotes(drafts)
    owner, raw, keys = [], [], []
    quoted = 0
    seen: dict[str, tuple[str, str, bool, bool]] = {}  # boilerplate repeats: read once
    for i in rows:
        for sentence in split_sentences(texts[i]):
            known = seen.get(sentence)
            if known is None:
                kept, stripped = quotes.strip(sentence)
                key = normalise(kept)
                known = seen[sentence] = (
                    kept,
                    key,
                    stripped,
                    not key or quotes.is_quote(kept, key),
                )
            kept, key, stripped, is_quote = known
            quoted += stripped or is_quote
            if is_quote:
                continue
            owner.append(i)
            raw.append(kept)
            keys.append(key)
    writers: dict[str, set[str]] = {}
    first: dict[str, int] = {}
    for n, (i, key) in enumerate(zip(owner, keys, strict=True)):
        writers.setdefault(key, set()).add(organisations[i])
        first.setdefault(key, n)
    distinct = list(first)
    vectors = _unit(embed([raw[first[k]] for k in distinct]))
    counts = np.array([len(writers[k]) for k in distinct])
    short = np.array([len(k.split()) <= MAX_WORDS for k in distinct])
    least = max(MIN_ORGANISATIONS, int(np.ceil(MIN_SHARE * len(set(organisations)))))
    common = _common(distinct, writers, vectors, counts, short, least)
    if common.any():
        # A variant written once (another word, another language) is the same courtesy.
        near = (vectors @ vectors[common].T).max(axis=1) >= NEAR
        common |= near & short
    row = {k: n for n, k in enumerate(distinct)}
    kept = [n for n, k in enumerate(keys) if not common[row[k]]]
    order = np.argsort(-counts[common], kind="stable")
    return Substance(
        sentences=[raw[n] for n in kept],
        owner=np.array([owner[n] for n in kept], dtype=np.int64),
        words=np.array([len(keys[n].split()) for n in kept], dtype=np.int64),
        vectors=vectors[[row[keys[n]] for n in kept]]
        if kept
        else np.zeros((0, vectors.shape[1] if vectors.ndim == 2 else 0), np.float32),
        boilerplate=[raw[first[distinct[n]]] for n in np.flatnonzero(common)[order]],
        boilerplate_count=len(keys) - len(kept) + quoted,
        quoted_count=quoted,
    )


def _common(
    distinct: list[str],
    writers: dict[str, set[str]],
    vectors: np.ndarray,
    counts: np.ndarray,
    short: np.ndarray,
    least: int,
) -> np.ndarray:
    """Which distinct sentences enough organisations write, counting translations and
    variants of one sentence together (sentences written by two or more are linked)."""
    common = (counts >= least) & short
    candidates = np.flatnonzero((counts >= 2) & short & ~common)
    if len(candidates) == 0:
        return common
    # The most written first, and a bounded number: their similarities are a square matrix.
    candidates = candidates[np.argsort(-counts[candidates], kind="stable")[:MAX_LINKED]]
    linked = np.concatenate([candidates, np.flatnonzero(common)])
    similar = vectors[linked] @ vectors[linked].T >= NEAR
    _, group = connected_components(sparse.csr_matrix(similar), directed=False)
    for g in np.unique(group):
        members = linked[group == g]
        if len(members) > 1:
            union = set().union(*(writers[distinct[m]] for m in members))
            if len(union) >= least:
                common[members] = True
    return common


def _unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or not len(vectors):
        return vectors.reshape(len(vectors), -1).astype(np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)
