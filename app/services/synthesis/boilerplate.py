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
from itertools import repeat

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from app.services.synthesis import matrices

# A sentence ends at . ! ? … ; or : followed by a space, or at a line break; a full stop
# before a small letter, "Dr." and figures such as "3.5" do not end one. The gaps are those
# of `SENTENCE_GAP`, the pattern written to start with what every gap starts with (a closing
# quote or a space): the regex engine then skips to those characters instead of trying each
# position, and splitting 100,000 comments took 40% less time.
SENTENCE_GAP = r"(?<=[.!?…;:])[\"'”»)\]]*\s+(?=\S)|\n+"
_CLOSERS = "\"'”»)\\]"
_ENDS = ".!?…;:"
_END = re.compile(
    rf"([{_CLOSERS}\s](?:(?<=[{_ENDS}][{_CLOSERS}])[{_CLOSERS}]*\s+(?=\S)"
    rf"|(?<=[{_ENDS}]\s)\s*(?=\S)|(?<=\n)\n*))"
)
_ABBREVIATIONS = "e.g|i.e|p. ?ex|etc|cf|vs|no|art|sr|sra|dr|mr|mrs|ms|st".replace(".", r"\.")
_ABBREVIATION = re.compile(rf"\b(?:{_ABBREVIATIONS})\.$", re.I)
_TAIL = 8  # characters an abbreviation and the one before it take at a sentence's end
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_DIGITS = re.compile(r"\d+")
_NOT_WORDS = re.compile(r"[^\w\n]+")
_LINE_EDGES = re.compile(r" ?\n ?")
# The combining accents NFKD leaves after a letter.
_ACCENTS = re.compile("[\u0300-\u036f]+")
# Text between quotation marks: checked against the draft on its own.
_QUOTE_MARK = re.compile(r"[\"“«„]")
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
# Boilerplate sentences, the most written first, whose variants are looked for. At 100,000
# comments from 300 organisations, 1,800 sentences were common and the comparison of every
# sentence with each took 3 s.
NEAR_REFERENCES = 200
# Longer sentences are never taken for a courtesy: repeating them is a campaign, found apart.
MAX_WORDS = 30
# Sentences written by two organisations or more that are compared with each other, at most.
MAX_LINKED = 3_000
# Sentences normalised, and looked up in the draft's words, at once.
QUOTE_SLICE = 20_000
# Sentences whose vectors are asked for at once (a float32 matrix of 20 MB, and their rows).
EMBED_SLICE = 10_000


@dataclass
class Substance:
    """The substantive sentences of the comments, and the boilerplate left out of themes."""

    sentences: list[str]  # each substantive sentence, as written
    owner: np.ndarray  # the comment each sentence comes from
    words: np.ndarray  # its number of words
    # Its unit vector: rows of an array, or `matrices.Gathered` float16 rows.
    vectors: np.ndarray | matrices.Gathered
    boilerplate: list[str] = field(default_factory=list)  # recognised, most written first
    boilerplate_count: int = 0  # sentences left out, draft quotes included
    quoted_count: int = 0  # sentences (or parts) that quote the draft


def split_sentences(text: str) -> list[str]:
    """A comment cut into its sentences (and clauses ended by ; or :), blanks dropped."""
    parts = _END.split(text or "")
    pieces, current = [], parts[0]
    for at in range(1, len(parts), 2):
        gap, following = parts[at], parts[at + 1]
        if (
            "\n" not in gap
            and current.endswith(".")
            and (following[:1].islower() or _ABBREVIATION.search(current[-_TAIL:]))
        ):
            current += gap + following  # "e.g. the ...", "p. ex. ..." go on
        else:
            pieces.append(current)
            current = following
    pieces.append(current)
    return [p for p in (" ".join(p.split()) for p in pieces) if _WORD.search(p)]


def normalise(sentence: str) -> str:
    """A sentence as a key: lower case, no accents, figures as 0, words only."""
    return normalise_all([sentence.replace("\n", " ")])[0]


def normalise_all(sentences: list[str]) -> list[str]:
    """`normalise` of each sentence, in a few passes over their joined text rather than a
    dozen calls per sentence (sentences never hold a line break: `split_sentences`); a
    slice of sentences at a time, so the joined text and its copies stay small."""
    keys = []
    for part in matrices.slices(len(sentences), QUOTE_SLICE):
        joined = "\n".join(sentences[part]).lower()
        folded = _ACCENTS.sub("", unicodedata.normalize("NFKD", joined))
        spaced = _NOT_WORDS.sub(" ", _DIGITS.sub("0", folded).replace("_", " "))
        keys += _LINE_EDGES.sub("\n", spaced).strip(" ").split("\n")
    return keys


class DraftQuotes:
    """Whether a sentence, or a quoted part of it, is the draft's own words."""

    def __init__(self, drafts: list[str]) -> None:
        """Word triples of every draft text, in all its languages, as integer codes."""
        self.vocabulary: dict[str, int] = {}
        codes = [self._codes(normalise(text).split()) for text in drafts]
        self.shingles = np.unique(np.concatenate(codes)) if codes else np.zeros(0, np.int64)

    def _codes(self, words: list[str], grow: bool = True) -> np.ndarray:
        """Each word triple of `words` as one integer (-1 when a word is not the draft's)."""
        if grow:
            for word in words:
                self.vocabulary.setdefault(word, len(self.vocabulary))
        ids = np.fromiter(
            map(self.vocabulary.get, words, repeat(-1)), dtype=np.int64, count=len(words)
        )
        if len(ids) < SHINGLE:
            return np.zeros(0, np.int64)
        # Room for a vocabulary of two million words in a 64-bit code.
        a, b, c = ids[:-2], ids[1:-1], ids[2:]
        return np.where((a >= 0) & (b >= 0) & (c >= 0), (a << 42) | (b << 21) | c, -1)

    def is_quote(self, sentence: str, key: str | None = None) -> bool:
        """Whether most of the sentence's word triples (`key`: its normalised form, if
        known) are the draft's."""
        return bool(self.are_quotes([key if key is not None else normalise(sentence)])[0])

    def are_quotes(self, keys: list[str]) -> np.ndarray:
        """`is_quote` of many normalised sentences at once: their word triples are looked
        up in the draft's together, not sentence by sentence: a slice of sentences at a time,
        so their words are never all held as separate strings at once."""
        if not len(self.shingles) or not keys:
            return np.zeros(len(keys), dtype=bool)
        return np.concatenate(
            [self._are_quotes(keys[part]) for part in matrices.slices(len(keys), QUOTE_SLICE)]
        )

    def _are_quotes(self, keys: list[str]) -> np.ndarray:
        lengths = np.fromiter((k.count(" ") + 1 if k else 0 for k in keys), np.int64, len(keys))
        codes = self._codes(" ".join(keys).split(), grow=False)
        sentence = np.repeat(np.arange(len(keys)), lengths)
        # A triple belongs to a sentence when its three words do (it does not run across two).
        inside = sentence[:-2] == sentence[2:] if len(codes) else np.zeros(0, dtype=bool)
        found = inside & np.isin(codes, self.shingles)
        hits = np.bincount(sentence[:-2][found], minlength=len(keys)) if len(codes) else 0
        triples = np.maximum(lengths - SHINGLE + 1, 0)
        return (triples > 0) & (hits >= DRAFT_SHARE * triples)

    def strip(self, sentence: str) -> tuple[str, bool]:
        """The sentence without the parts between quotation marks that quote the draft."""
        if not len(self.shingles) or not _QUOTE_MARK.search(sentence):
            return sentence, False
        found = False

        def cut(match: re.Match) -> str:
            nonlocal found
            if self.is_quote(match.group(1)):
                found = True
                return " "
            return match.group()

        return " ".join(_QUOTED.sub(cut, sentence).split()), found


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
    # Each distinct text is split once, and each distinct sentence read once: answers and
    # courtesy repeat, and at 100,000 comments the work per sentence is what costs.
    splits: dict[str, list[str]] = {}
    owner, written = [], []
    for i in rows:
        pieces = splits.get(texts[i])
        if pieces is None:
            pieces = splits[texts[i]] = split_sentences(texts[i])
        owner.extend(repeat(i, len(pieces)))
        written.extend(pieces)
    owner = np.array(owner, dtype=np.int64)
    as_written = {s: n for n, s in enumerate(dict.fromkeys(written))}
    sentence_of = np.fromiter(map(as_written.__getitem__, written), np.int64, len(written))
    stripped = [quotes.strip(s) for s in as_written]
    kept = [s for s, _ in stripped]
    keys = normalise_all(kept)
    dropped = np.array([not k for k in keys], dtype=bool) | quotes.are_quotes(keys)
    quoting = dropped | np.array([cut for _, cut in stripped], dtype=bool)
    quoted = int(quoting[sentence_of].sum())
    # Rows are indexes from here: the split texts go before the vectors are read (at 100,000
    # comments, hundreds of megabytes of small strings and lists).
    del splits, written, as_written, stripped
    substantive = ~dropped[sentence_of]
    owner, sentence_of = owner[substantive], sentence_of[substantive]
    # Distinct keys, each embedded once from the first sentence written that way.
    key_index = {k: n for n, k in enumerate(dict.fromkeys(keys[s] for s in sentence_of))}
    key_of = np.array([key_index.get(k, -1) for k in keys], dtype=np.int64)
    row_key = key_of[sentence_of]
    del keys
    distinct = list(key_index)
    first = np.full(len(distinct), len(row_key))
    np.minimum.at(first, row_key, np.arange(len(row_key)))
    vectors = _embedded([kept[sentence_of[n]] for n in first], embed)
    # Organisations per key: distinct (key, organisation) pairs, counted by key.
    org_index = {o: n for n, o in enumerate(dict.fromkeys(organisations))}
    org_of = np.fromiter(map(org_index.__getitem__, organisations), np.int64, len(organisations))
    pairs = np.unique(row_key * len(org_index) + org_of[owner])
    counts = np.bincount(pairs // max(1, len(org_index)), minlength=len(distinct))
    words = np.fromiter((k.count(" ") + 1 for k in distinct), np.int64, len(distinct))
    short = words <= MAX_WORDS
    least = max(MIN_ORGANISATIONS, int(np.ceil(MIN_SHARE * len(org_index))))
    writers = _Writers(pairs, len(org_index))
    common = _common(vectors, counts, short, least, writers)
    if common.any():
        # A variant written once (another word, another language) is the same courtesy: of
        # the most written ones, so that the product stays thin at 100,000 comments.
        written_most = np.flatnonzero(common)[np.argsort(-counts[common], kind="stable")]
        near = matrices.most_similar(vectors, vectors[written_most[:NEAR_REFERENCES]]) >= NEAR
        common |= near & short
    left = ~common[row_key]
    order = np.argsort(-counts[common], kind="stable")
    return Substance(
        sentences=[kept[s] for s in sentence_of[left]],
        owner=owner[left],
        words=words[row_key[left]],
        vectors=matrices.Gathered(vectors, row_key[left]),
        boilerplate=[kept[sentence_of[first[n]]] for n in np.flatnonzero(common)[order]],
        boilerplate_count=int((~left).sum()) + quoted,
        quoted_count=quoted,
    )


class _Writers:
    """Which organisations wrote each distinct key, from the (key, organisation) codes."""

    def __init__(self, pairs: np.ndarray, n_organisations: int) -> None:
        self.pairs, self.n = pairs, max(1, n_organisations)

    def union(self, keys: np.ndarray) -> int:
        """How many organisations wrote any of `keys`."""
        mine = np.isin(self.pairs // self.n, keys)
        return len(np.unique(self.pairs[mine] % self.n))


def _common(
    vectors: np.ndarray, counts: np.ndarray, short: np.ndarray, least: int, writers: _Writers
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
    own = matrices.rows32(vectors, linked)
    similar = own @ own.T >= NEAR
    _, group = connected_components(sparse.csr_matrix(similar), directed=False)
    for g in np.unique(group):
        members = linked[group == g]
        if len(members) > 1 and writers.union(members) >= least:
            common[members] = True
    return common


def _embedded(sentences: list[str], embed: Callable[[list[str]], np.ndarray]) -> np.ndarray:
    """Unit vectors of the sentences, kept compact: asked for a slice at a time, so only one
    slice is ever held as float32."""
    vectors = np.zeros((len(sentences), 0), dtype=matrices.COMPACT)
    for part in matrices.slices(len(sentences), EMBED_SLICE):
        made = _unit(embed(sentences[part]))
        if part.start == 0:
            vectors = np.empty((len(sentences), made.shape[1]), dtype=matrices.COMPACT)
        vectors[part] = made
    return vectors


def _unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or not len(vectors):
        return vectors.reshape(len(vectors), -1).astype(np.float32)
    norms = np.sqrt(np.einsum("ij,ij->i", vectors, vectors))[:, None]
    if np.allclose(norms, 1.0, atol=1e-4):  # stored vectors are unit already: no copy
        return vectors
    return vectors / np.where(norms > 0, norms, 1.0)
