"""Picking a few comments that stand for a group: central, varied, never the same text twice."""

from __future__ import annotations

import numpy as np

from app.services.synthesis import matrices

# Cosine above which two comments say the same thing in nearly the same words.
NEAR_DUPLICATE = 0.92
# Only the most central comments are considered, so variety never buys an off-topic quote.
POOL = 40  # at least; more in big groups (a twentieth of them, up to MAX_POOL)
MAX_POOL = 200
REDUNDANCY_WEIGHT = 0.3


def representative(
    indexes: list[int],
    vectors: np.ndarray,
    n: int = 3,
    organisations: list[str] | None = None,
    languages: list[str | None] | None = None,
    duplicate_of: dict[int, int] | None = None,
    near: float = NEAR_DUPLICATE,
) -> list[int]:
    """Up to `n` of `indexes` (rows of `vectors`): close to their centroid, from different
    organisations and languages where possible, no two near-duplicates or copies of one text.

    `organisations` and `languages` are indexed like `vectors`; `duplicate_of` maps a copy to
    the index of the text it copies (a campaign is quoted once). Deterministic.
    """
    if not indexes or n <= 0:
        return []
    duplicate_of = duplicate_of or {}
    ordered = sorted(set(indexes))
    rows = np.asarray(ordered)
    # A slice at a time: a big theme's rows (float16 sentences) are never all made float32.
    parts = list(matrices.slices(len(rows)))
    centroid = sum(matrices.rows32(vectors, rows[part]).sum(axis=0) for part in parts)
    centroid /= np.linalg.norm(centroid) or 1.0
    centrality = np.concatenate([matrices.rows32(vectors, rows[part]) @ centroid for part in parts])
    # Most central first; ties by index, so the choice does not depend on the input order.
    rank = np.lexsort((np.asarray(ordered), -centrality))
    pool, seen_texts = [], set()
    for r in rank:
        root = root_of(ordered[r], duplicate_of)
        if root not in seen_texts:  # the most central copy stands for its campaign
            seen_texts.add(root)
            pool.append(int(r))
        if len(pool) == min(MAX_POOL, max(POOL, len(ordered) // 20)):
            break
    matrix = dict(zip(pool, matrices.rows32(vectors, rows[pool]), strict=True))
    chosen: list[int] = []
    while len(chosen) < n:
        best, best_key = None, None
        for r in pool:
            if r in chosen:
                continue
            similarity = max((float(matrix[r] @ matrix[c]) for c in chosen), default=0.0)
            if similarity >= near:
                continue
            key = (
                _is_new(r, chosen, ordered, organisations),
                _is_new(r, chosen, ordered, languages),
                centrality[r] - REDUNDANCY_WEIGHT * similarity,
            )
            if best_key is None or key > best_key:
                best, best_key = r, key
        if best is None:
            break
        chosen.append(best)
    return [ordered[r] for r in chosen]


def root_of(index: int, duplicate_of: dict[int, int]) -> int:
    """The text a copy was copied from, following chains (a copy of a copy)."""
    seen = {index}
    while index in duplicate_of and duplicate_of[index] not in seen:
        index = duplicate_of[index]
        seen.add(index)
    return index


def _is_new(row: int, chosen: list[int], ordered: list[int], attribute: list | None) -> bool:
    """Whether this row's organisation (or language) is not among those already quoted."""
    if attribute is None:
        return True
    value = attribute[ordered[row]]
    return value is None or all(attribute[ordered[c]] != value for c in chosen)
