"""Near-duplicate comments (coordinated text sent by many organisations), found at scale.

Each comment becomes a set of word 3-shingles (lower-cased, punctuation dropped, shingles that
also occur in the draft removed so quoting the same paragraph does not make two comments
alike), summarised by a MinHash signature computed in numpy. Locality-sensitive hashing
over bands of the signature proposes candidate pairs, the exact Jaccard similarity of their
shingle sets confirms them, and connected components of confirmed pairs are the groups:
copies that each drifted a little from the original still meet through the others, which
is where pairwise "star" clustering loses recall.
"""

from __future__ import annotations

import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

SHINGLE = 3
# 16 bands of 4 rows: a pair at Jaccard 0.6 becomes a candidate with probability 0.89, at 0.7
# with 0.99, at 0.3 with 0.12; and copies missed as a pair still meet through other copies.
BANDS, ROWS = 16, 4
THRESHOLD = 0.6
# Short comments ("We agree.", "No comment") are alike without being coordinated.
MIN_WORDS = 8
MEDOID_SAMPLE = 200
PAIRS_PER_CHUNK = 50_000
TEXTS_PER_SLICE = 10_000
_SEPARATOR = "\x00"
# Bytes table: ASCII punctuation and spaces to a space, the separator and all else kept.
_ASCII_PUNCTUATION = bytes(c if chr(c).isalnum() or c >= 128 or c == 0 else 32 for c in range(256))
_WIDE_PUNCTUATION = "«»¿¡‘’“”„–—…•\u00a0\u202f"
_DOC_SHIFT = np.uint64(46)
_CODE_MASK = np.uint64((1 << 46) - 1)
_MIX = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5,
     0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x94D049BB133111EB, 0xBF58476D1CE4E5B9],
    dtype=np.uint64,
)  # fmt: skip
# Fixed: signatures must not change between runs.
_RNG = np.random.default_rng(20240611)
_MULTIPLIERS = _RNG.integers(1, 2**63, size=BANDS * ROWS, dtype=np.uint64) | np.uint64(1)
_OFFSETS = _RNG.integers(0, 2**63, size=BANDS * ROWS, dtype=np.uint64)


@dataclass
class DuplicateGroup:
    feedback_ids: list[int]
    text: str  # the member closest to all the others, as it was written
    count: int
    organisations: list[str]


def find_duplicates(
    items: list[tuple[int, str, str]],
    quoted_from_draft: list[str] | None = None,
    min_count: int = 3,
    threshold: float = THRESHOLD,
    min_words: int = MIN_WORDS,
) -> list[DuplicateGroup]:
    """Groups of at least `min_count` near-identical texts among (feedback_id, organisation, text).

    Biggest group first; within a group, feedback ids in the order given.
    """
    if len(items) < max(min_count, 2):
        return []
    texts = [text or "" for _, _, text in items]
    draft_codes = _sorted_unique(shingles([t for t in quoted_from_draft or [] if t])[1])
    keys, signatures, empty = _keys_and_signatures(texts, draft_codes, min_words)
    if keys.size == 0:
        return []
    first, second = _candidates(signatures, empty)
    # The signatures estimate Jaccard within ±0.06 (one s.d.): only plausible pairs are
    # checked exactly, which is the costly step.
    plausible = _estimated_jaccard(signatures, first, second) >= threshold - 0.2
    first, second = first[plausible], second[plausible]
    similar = jaccard(keys, first, second) >= threshold
    graph = sparse.coo_matrix(
        (np.ones(int(similar.sum())), (first[similar], second[similar])),
        shape=(len(texts), len(texts)),
    )
    _, labels = connected_components(graph, directed=False)
    members_of: dict[int, list[int]] = {}
    for index in np.flatnonzero(np.bincount(labels)[labels] >= min_count):
        members_of.setdefault(int(labels[index]), []).append(int(index))
    groups = [_group(members, items, signatures) for members in members_of.values()]
    return sorted(groups, key=lambda g: (-g.count, g.feedback_ids[0]))


def _keys_and_signatures(
    texts: list[str], draft_codes: np.ndarray, min_words: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shingle keys of every text (sorted), their MinHash signatures, and who has none.

    A slice of texts at a time: the word lists of 100,000 comments at once would take
    several hundred MB, a slice a tenth of that. Keys carry the document number in their
    high bits, so the slices' sorted keys, joined in order, are sorted as a whole.
    """
    min_shingles = max(1, min_words - SHINGLE + 1)
    signatures = np.zeros((len(texts), BANDS * ROWS), dtype=np.uint32)
    empty = np.ones(len(texts), dtype=bool)
    parts = []
    for start in range(0, len(texts), TEXTS_PER_SLICE):
        docs, codes = shingles(texts[start : start + TEXTS_PER_SLICE])
        if draft_codes.size:
            keep = ~_member(codes, draft_codes)
            docs, codes = docs[keep], codes[keep]
        keys = _unique_pairs(docs + start, codes)
        del docs, codes
        documents = (keys >> _DOC_SHIFT).astype(np.int64)
        sizes = np.bincount(documents - start, minlength=min(TEXTS_PER_SLICE, len(texts) - start))
        keys = keys[sizes[documents - start] >= min_shingles]
        if keys.size:
            _sign(keys, signatures, empty)
            parts.append(keys)
    keys = np.concatenate(parts) if parts else np.zeros(0, np.uint64)
    return keys, signatures, empty


def _estimated_jaccard(signatures: np.ndarray, first: np.ndarray, second: np.ndarray):
    """The share of equal signature values of each pair, a slice of pairs at a time."""
    estimate = np.empty(first.size)
    for start in range(0, first.size, PAIRS_PER_CHUNK):
        end = start + PAIRS_PER_CHUNK
        same = signatures[first[start:end]] == signatures[second[start:end]]
        estimate[start:end] = same.mean(axis=1)
    return estimate


def shingles(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(document index, 64-bit shingle hash) for every word 3-shingle of every text."""
    # All texts joined by a separator token and cut into words by C-level bytes methods: a
    # regex or a tokenizer per text would be most of the time spent at 100,000 comments.
    joined = f" {_SEPARATOR} ".join(t.replace(_SEPARATOR, " ") for t in texts).lower()
    for mark in _WIDE_PUNCTUATION:  # the common non-ASCII punctuation of en/fr/es
        joined = joined.replace(mark, " ")
    tokens = joined.encode().translate(_ASCII_PUNCTUATION).split()
    index = {word: i for i, word in enumerate(dict.fromkeys(tokens))}
    ids = np.fromiter(map(index.__getitem__, tokens), np.int64, count=len(tokens))
    # Words are hashed by content, not by first appearance, so a text's shingles (and the
    # LSH buckets) do not depend on which other texts came before it.
    word_hash = np.fromiter(map(zlib.crc32, index), np.uint64, count=len(index))
    hashes = word_hash[ids]
    separator = ids == index.get(_SEPARATOR.encode(), -1)
    n = hashes.size - SHINGLE + 1
    if n <= 0:
        return np.zeros(0, np.int64), np.zeros(0, np.uint64)
    valid = np.ones(n, dtype=bool)
    code = np.zeros(n, dtype=np.uint64)
    for offset in range(SHINGLE):
        valid &= ~separator[offset : offset + n]
        code = code * _MIX[offset] + hashes[offset : offset + n]
    return np.cumsum(separator)[:n][valid], code[valid]


def _member(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """values ∈ sorted_set, by binary search (np.isin sorts both sides, and is slower here)."""
    if sorted_set.size == 0:
        return np.zeros(values.shape, dtype=bool)
    return (
        sorted_set[np.minimum(np.searchsorted(sorted_set, values), sorted_set.size - 1)] == values
    )


def _unique_pairs(docs: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Sorted keys (document << 46 | shingle), each once: shingle *sets*, as Jaccard wants."""
    # 46 bits of the hash beside the document number: a collision now and then among
    # millions of shingles moves a Jaccard value by a hair.
    return _sorted_unique((docs.astype(np.uint64) << _DOC_SHIFT) | (codes >> np.uint64(18)))


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (np.unique is several times slower on millions of integers)."""
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if values.size else values


def _sign(keys: np.ndarray, signatures: np.ndarray, empty: np.ndarray) -> None:
    """Fill in the MinHash signatures (multiply-shift hashing) of the documents in `keys`."""
    docs, codes = keys >> _DOC_SHIFT, keys & _CODE_MASK
    starts = np.flatnonzero(np.r_[True, docs[1:] != docs[:-1]])
    present = docs[starts].astype(np.int64)

    def fill(functions: range) -> None:
        hashed = np.empty_like(codes)
        for h in functions:
            np.multiply(codes, _MULTIPLIERS[h], out=hashed)
            np.add(hashed, _OFFSETS[h], out=hashed)
            # The minimum of the 64-bit value, then its top half: one pass less per function.
            smallest = np.minimum.reduceat(hashed, starts) >> np.uint64(32)
            signatures[present, h] = smallest.astype(np.uint32)

    # numpy releases the GIL in these loops: two threads use both cores of a small server.
    half = BANDS * ROWS // 2
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(fill, [range(0, half), range(half, BANDS * ROWS)]))
    empty[present] = False


def _candidates(signatures: np.ndarray, empty: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of documents that share a whole band of their signatures, each pair once."""
    live = np.flatnonzero(~empty)  # a text without shingles is nobody's duplicate
    n = len(signatures)
    pairs = []
    for band in range(BANDS):
        rows = signatures[live, band * ROWS : (band + 1) * ROWS].astype(np.uint64)
        keys = (rows * _MIX[:ROWS]).sum(axis=1, dtype=np.uint64)
        order = np.argsort(keys, kind="stable")
        keys, order = keys[order], live[order]
        same = keys[1:] == keys[:-1]
        if not same.any():
            continue
        # Link each member of a bucket to the next one and to the bucket's first member:
        # linear in the bucket's size, and enough for connected components.
        head = np.maximum.accumulate(np.where(np.r_[True, ~same], np.arange(live.size), 0))
        pairs.append(np.stack([order[:-1][same], order[1:][same]]))
        pairs.append(np.stack([order[head[1:][same]], order[1:][same]]))
    if not pairs:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    both = np.concatenate(pairs, axis=1)
    low, high = np.minimum(both[0], both[1]), np.maximum(both[0], both[1])
    keep = low != high
    unique = _sorted_unique(low[keep].astype(np.int64) * n + high[keep])
    return unique // n, unique % n


def jaccard(keys: np.ndarray, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Exact Jaccard similarity of the shingle sets of each pair (first[i], second[i])."""
    docs = (keys >> _DOC_SHIFT).astype(np.int64)
    n_docs = int(max(docs.max(initial=-1), first.max(initial=-1), second.max(initial=-1))) + 1
    sizes = np.bincount(docs, minlength=n_docs)
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    common = np.zeros(first.size)
    for chunk in range(0, first.size, PAIRS_PER_CHUNK):  # bounds memory: ~50 lookups a pair
        a, b = first[chunk : chunk + PAIRS_PER_CHUNK], second[chunk : chunk + PAIRS_PER_CHUNK]
        # Look every shingle of `a` up among the sorted keys of `b`: one vectorised binary
        # search instead of a set intersection per pair.
        lengths = sizes[a]
        pair_of = np.repeat(np.arange(a.size), lengths)
        position = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        codes = keys[starts[a][pair_of] + position] & _CODE_MASK
        query = (b[pair_of].astype(np.uint64) << _DOC_SHIFT) | codes
        found = _member(query, keys)
        common[chunk : chunk + a.size] = np.bincount(pair_of, weights=found, minlength=a.size)
    union = sizes[first] + sizes[second] - common
    return np.divide(common, union, out=np.zeros(first.size), where=union > 0)


def _group(
    members: list[int], items: list[tuple[int, str, str]], signatures: np.ndarray
) -> DuplicateGroup:
    """A group, its text being the member most alike to the others (on a sample if large)."""
    sample = members[:MEDOID_SAMPLE]
    rows = signatures[sample]
    # Agreement of MinHash signatures estimates Jaccard well enough to pick a representative.
    likeness = sum((rows[:, None, h] == rows[None, :, h]).sum(axis=1) for h in range(rows.shape[1]))
    medoid = sample[int(np.argmax(likeness))]
    return DuplicateGroup(
        feedback_ids=[items[i][0] for i in members],
        text=items[medoid][2],
        count=len(members),
        organisations=sorted({items[i][1] for i in members}),
    )
