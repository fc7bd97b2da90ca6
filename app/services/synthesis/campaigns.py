"""Campaigns across languages: one text sent in several languages, each copy lightly edited.

The same-language detector (`duplicates`, MinHash over word shingles) finds the copies
within a language fast. Its groups of two or more are the seeds; the multilingual sentence
vectors then link seeds to each other and attach lone copies (a campaign's only Spanish
copy, a copy with more typos than the shingles forgive): a pair whose whole texts are
close is checked sentence by sentence, and joins only if most sentences of each have a
counterpart in the other. Same opening sentence, different demands: one sentence of three
matches, so it stays apart. Deterministic for the same input.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from app.services.synthesis import duplicates
from app.services.synthesis.embedding import Embedder, default_embedder

# Cosine of whole texts from which a pair is checked sentence by sentence. A translation of
# a campaign paragraph scores about 0.8 with USE v3, another comment on the same topic 0.5.
TEXT_THRESHOLD = 0.7
# Cosine at which two sentences say the same thing: translations of the bench campaigns'
# sentences score 0.57–0.9 (lowest where each copy names its own city), unrelated sentences
# of the same texts at most 0.42.
SENTENCE_THRESHOLD = 0.55
# Within one language a copy keeps its sentences nearly word for word (a typo, a city): the
# bench's comments built from the same sentence templates, which are not copies, score
# 0.57–0.87 there.
SAME_LANGUAGE_THRESHOLD = 0.88
# Cosine of whole texts in one language from which a lone copy is checked again (a copy
# with four typos scored 0.87 against its campaign's representative).
SAME_LANGUAGE_TEXT = 0.85
# A sentence this close to one of the draft's is the draft quoted back, not the campaign's.
DRAFT_THRESHOLD = 0.8
# Share of each text's sentences (by length) that must have a counterpart in the other.
COVERAGE = 0.6
# Seeds linked through the vectors, largest first: each costs a pass over every text's
# vector. Smaller seeds still count as campaigns within their language.
MAX_SEEDS = 200
# Lone copies checked per seed: copies in a language the campaign has more than one copy in
# are seeds of their own, so a seed has few to find.
LONE_CHECKS = 10
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+|\n+")


@dataclass
class Campaign:
    """One campaign: every copy's feedback id, and how it reads in each language."""

    feedback_ids: list[int]
    text: str  # the representative copy of the language most copies are in
    count: int
    organisations: list[str]
    languages: dict[str, int] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # a representative copy per language


def sentences(text: str) -> list[str]:
    """A text cut into sentences (and clauses ended by ; or :), blanks dropped."""
    return [s.strip() for s in _SENTENCE_END.split(text or "") if len(s.strip()) > 1]


def find_campaigns(
    items: list[tuple[int, str, str, str | None]],
    vectors: np.ndarray,
    quoted_from_draft: list[str] | None = None,
    min_count: int = 3,
    embedder: Embedder | None = None,
) -> list[Campaign]:
    """Campaigns among (feedback_id, organisation, text, language), biggest first.

    `vectors`: the unit sentence vectors of the texts, one row per item in order.
    """
    if len(items) < min_count:
        return []
    seeds = duplicates.find_duplicates(
        [(i, o, t) for i, o, t, _ in items], quoted_from_draft, min_count=2
    )
    if not seeds:
        return []
    row_of = {item[0]: row for row, item in enumerate(items)}
    owner = np.full(len(items), -1)
    members: list[list[int]] = []
    for s, seed in enumerate(seeds):
        rows = [row_of[f] for f in seed.feedback_ids]
        owner[rows] = s
        members.append(rows)
    medoids = [row_of[_medoid_id(seed, items, row_of)] for seed in seeds[:MAX_SEEDS]]
    parent = list(range(len(seeds)))

    def root(s: int) -> int:
        while parent[s] != s:
            parent[s] = parent[parent[s]]
            s = parent[s]
        return s

    centres = vectors[medoids]
    # Seeds to seeds: the same campaign found once in each language.
    close = centres @ centres.T
    pairs = list(zip(*np.nonzero(np.triu(close >= TEXT_THRESHOLD, 1)), strict=True))
    # Lone copies to the seed they are closest to, the closest first and a bounded number
    # per seed: each is checked sentence by sentence.
    scores = vectors @ centres.T
    best, top = scores.argmax(axis=1), scores.max(axis=1)
    candidates = np.flatnonzero((top >= TEXT_THRESHOLD) & (owner < 0))
    taken = np.zeros(len(medoids), dtype=int)
    lone = []
    for row in candidates[np.argsort(-top[candidates], kind="stable")]:
        # Within the seed's language the same-language detector found nearly every copy:
        # only a near-identical text is checked again (a copy with many typos).
        same_language = items[row][3] == items[medoids[best[row]]][3]
        if same_language and top[row] < SAME_LANGUAGE_TEXT:
            continue
        if taken[best[row]] < LONE_CHECKS:
            taken[best[row]] += 1
            lone.append(int(row))
    draft = [s for text in quoted_from_draft or [] for s in sentences(text)]
    checker = _SentenceCheck(embedder or default_embedder(), draft)
    if pairs or lone:
        # Every sentence to compare embedded in one call: the encoder's cost is mostly per call.
        checker.prepare([items[r][2] for r in medoids + lone])
    for a, b in pairs:
        first, second = items[medoids[a]], items[medoids[b]]
        if root(a) != root(b) and checker.same(first[2], second[2], first[3] == second[3]):
            parent[max(root(a), root(b))] = min(root(a), root(b))
    for row in lone:
        seed = int(best[row])
        copy, medoid = items[row], items[medoids[seed]]
        if checker.same(copy[2], medoid[2], copy[3] == medoid[3]):
            owner[row] = seed
            members[seed].append(row)
    joined: dict[int, list[int]] = {}
    for s in range(len(seeds)):
        joined.setdefault(root(s), []).extend(members[s])
    campaigns = [
        _campaign(sorted(rows), items, vectors)
        for rows in joined.values()
        if len(rows) >= min_count
    ]
    return sorted(campaigns, key=lambda c: (-c.count, c.feedback_ids[0]))


def _medoid_id(seed: duplicates.DuplicateGroup, items, row_of) -> int:
    """The feedback id of the seed's representative text."""
    return next(f for f in seed.feedback_ids if items[row_of[f]][2] == seed.text)


class _SentenceCheck:
    """Whether two texts say the same sentences, whatever their languages; vectors cached.

    Sentences that quote the draft are left out first: quoting the same paragraph does not
    make two comments one campaign.
    """

    def __init__(self, embedder: Embedder, draft: list[str]) -> None:
        self.embedder = embedder
        self.cache: dict[str, np.ndarray] = {}
        self.draft_sentences = draft
        self.draft: np.ndarray | None = None

    def _vectors(self, parts: list[str]) -> np.ndarray:
        missing = [p for p in dict.fromkeys(parts) if p not in self.cache]
        if missing:
            for part, vector in zip(missing, self.embedder.embed(missing), strict=True):
                self.cache[part] = vector
        return np.stack([self.cache[p] for p in parts])

    def prepare(self, texts: list[str]) -> None:
        """Embed the draft's sentences and those of all these texts at once, ahead of the
        checks."""
        self._vectors(self.draft_sentences + [part for text in texts for part in sentences(text)])
        if self.draft_sentences:
            self.draft = self._vectors(self.draft_sentences)

    def own(self, text: str) -> list[str]:
        """The text's sentences that do not quote the draft."""
        parts = sentences(text)
        if self.draft is None or not parts:
            return parts
        quoted = (self._vectors(parts) @ self.draft.T).max(axis=1) >= DRAFT_THRESHOLD
        return [p for p, q in zip(parts, quoted, strict=True) if not q]

    def same(self, first: str, second: str, one_language: bool = False) -> bool:
        """Whether most sentences of each text have a counterpart in the other."""
        a, b = self.own(first), self.own(second)
        if not a or not b:
            return False
        similarity = self._vectors(a) @ self._vectors(b).T
        least = SAME_LANGUAGE_THRESHOLD if one_language else SENTENCE_THRESHOLD
        return bool(
            _covered(a, similarity.max(axis=1), least) >= COVERAGE
            and _covered(b, similarity.max(axis=0), least) >= COVERAGE
        )


def _covered(parts: list[str], best: np.ndarray, least: float = SENTENCE_THRESHOLD) -> float:
    """The share of the text's length in sentences that have a counterpart."""
    lengths = np.array([len(p) for p in parts], dtype=float)
    return float(lengths[best >= least].sum() / lengths.sum())


def _campaign(rows: list[int], items, vectors: np.ndarray) -> Campaign:
    """A campaign from its rows: per language, the copy closest to the others of that language."""
    by_language: dict[str, list[int]] = {}
    for row in rows:
        by_language.setdefault(items[row][3] or "", []).append(row)
    texts = {}
    for language, own in by_language.items():
        centre = vectors[own].mean(axis=0)
        texts[language] = items[own[int(np.argmax(vectors[own] @ centre))]][2]
    languages = Counter({lang: len(own) for lang, own in by_language.items()})
    main = max(languages, key=lambda lang: (languages[lang], lang))
    return Campaign(
        feedback_ids=[items[r][0] for r in rows],
        text=texts[main],
        count=len(rows),
        organisations=sorted({items[r][1] for r in rows}),
        languages={lang: n for lang, n in sorted(languages.items()) if lang},
        texts={lang: t for lang, t in sorted(texts.items()) if lang},
    )
