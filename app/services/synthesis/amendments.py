"""Grouping the wordings proposed for one paragraph by the edit they make to it."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from app.services.textdiff import word_diff

# Average similarity of their edits at which two wordings are one proposal. Measured on the
# bench corpus: "should" → "must" / "shall" / "must always" stay together at 0.25, and
# unrelated edits that share only "and" or "in" score below 0.1.
THRESHOLD = 0.25
# Cosine of edit embeddings that counts as much as THRESHOLD of shared edited words.
VECTOR_THRESHOLD = 0.7
_EDGE = re.compile(r"^\W+|\W+$")


@dataclass
class AmendmentGroup:
    feedback_ids: list[int]
    text: str  # the representative wording: the one most alike to the others of its group
    diff: list[tuple[str, str]]  # word_diff(original, text)
    organisations: list[str]


def edit(original: str, proposed: str) -> frozenset[str]:
    """The words a wording adds ("+word") and removes ("-word"), case and punctuation aside."""
    added: Counter = Counter()
    removed: Counter = Counter()
    for op, text in word_diff(original, proposed):
        words = [w for w in (_EDGE.sub("", t).lower() for t in text.split()) if w]
        if op == "ins":
            added.update(words)
        elif op == "del":
            removed.update(words)
    # "schools." → "schools in rural areas." moves "schools" but does not change it.
    added, removed = added - removed, removed - added
    return frozenset([f"+{w}" for w in added] + [f"-{w}" for w in removed])


def edit_text(original: str, proposed: str) -> str:
    """The words a wording inserts, in order: what to embed to compare edits by meaning."""
    return " ".join(text.strip() for op, text in word_diff(original, proposed) if op == "ins")


def group_amendments(
    original: str,
    amendments: list[tuple[int, str, str]],
    vectors: np.ndarray | None = None,
    threshold: float = THRESHOLD,
    vector_threshold: float = VECTOR_THRESHOLD,
) -> list[AmendmentGroup]:
    """(feedback_id, organisation, text) wordings grouped by similar edits, biggest group first.

    Two wordings are compared by the Jaccard similarity of their edits (`edit`); with
    `vectors` (unit embeddings of each wording's `edit_text`), a cosine above
    `vector_threshold` also counts, so paraphrased edits meet. Groups are cut from an
    average-linkage tree at `threshold`: no chaining of loosely related edits. Deterministic.
    """
    amendments = [a for a in amendments if a[2] and a[2].strip()]
    if not amendments:
        return []
    edits = [edit(original, text) for _, _, text in amendments]
    similarity = _similarity(edits, vectors, threshold, vector_threshold)
    if len(amendments) == 1:
        labels = np.ones(1, dtype=int)
    else:
        distance = squareform(1.0 - similarity, checks=False)
        labels = fcluster(linkage(distance, method="average"), 1.0 - threshold, "distance")
    groups = []
    for label in sorted(set(labels.tolist())):
        members = np.flatnonzero(labels == label).tolist()
        text = _representative(members, amendments, similarity)
        groups.append(
            AmendmentGroup(
                feedback_ids=[amendments[i][0] for i in members],
                text=text,
                diff=word_diff(original, text),
                organisations=sorted({amendments[i][1] for i in members}),
            )
        )
    return sorted(groups, key=lambda g: (-len(g.feedback_ids), g.feedback_ids[0]))


def _similarity(
    edits: list[frozenset[str]],
    vectors: np.ndarray | None,
    threshold: float,
    vector_threshold: float,
) -> np.ndarray:
    """Pairwise similarity of edits in [0, 1]: shared edited words, or meaning when given."""
    n = len(edits)
    # Many organisations send the same edit: score each distinct pair once, then spread.
    distinct = list(dict.fromkeys(edits))
    position = {e: i for i, e in enumerate(distinct)}
    inverse = np.array([position[e] for e in edits])
    scores = np.eye(len(distinct))
    for i, first in enumerate(distinct):
        for j in range(i + 1, len(distinct)):
            union = len(first | distinct[j])
            # Two wordings that change nothing agree with each other.
            scores[i, j] = scores[j, i] = len(first & distinct[j]) / union if union else 1
    similarity = scores[np.ix_(inverse, inverse)]
    if vectors is not None and n:
        cosine = np.clip(np.asarray(vectors, dtype=np.float64) @ np.asarray(vectors).T, 0, 1)
        # Shift the cosine scale so vector_threshold lands on threshold, then keep the larger.
        similarity = np.maximum(similarity, np.clip(cosine - (vector_threshold - threshold), 0, 1))
        np.fill_diagonal(similarity, 1.0)
    return similarity


def _representative(
    members: list[int], amendments: list[tuple[int, str, str]], similarity: np.ndarray
) -> str:
    """The wording closest to the rest of its group; ties to the most sent, then the first."""
    sent = Counter(amendments[i][2].strip() for i in members)
    closeness = similarity[np.ix_(members, members)].mean(axis=1)
    best = max(
        range(len(members)),
        key=lambda m: (round(float(closeness[m]), 9), sent[amendments[members[m]][2].strip()], -m),
    )
    return amendments[members[best]][2]
