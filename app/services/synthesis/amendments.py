"""Grouping the wordings proposed for one paragraph by the edit they make to it."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field

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
# Share of a draft's words a wording keeps, in order, below which it was not edited from it.
SOURCE_LIKENESS = 0.3
# Words of the unchanged text before a change that say where it is ("after: ...").
CONTEXT_WORDS = 6


@dataclass
class AmendmentGroup:
    feedback_ids: list[int]
    text: str  # the representative wording: the one most alike to the others of its group
    diff: list[tuple[str, str]]  # word_diff(original, text)
    organisations: list[str]
    language: str | None = None  # the draft language the representative was edited from
    # One representative per draft language the group's wordings were edited from.
    variants: list[dict] = field(default_factory=list)


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


def source_language(
    texts: dict[str, str], wording: str, detected: str | None = None, fallback: str = "en"
) -> str:
    """The language of the draft a wording was edited from: the draft it keeps most words of.

    The form starts a wording from the draft in the reader's language, so the draft whose
    words it keeps, in order, is the one it was written from. A wording rewritten from
    scratch keeps little of any: its own `detected` language then, else `fallback`.
    """
    words = wording.split()
    best, likeness = None, 0.0
    for language, draft in sorted(texts.items()):
        matcher = difflib.SequenceMatcher(a=draft.split(), b=words, autojunk=False)
        score = matcher.ratio()
        if score > likeness:
            best, likeness = language, score
    if best is not None and likeness >= SOURCE_LIKENESS:
        return best
    if detected in texts:
        return detected
    return fallback if fallback in texts or not texts else next(iter(sorted(texts)))


def describe(diff: list[tuple[str, str]]) -> list[dict[str, str]]:
    """The changes of a word diff as {"op": insert|remove|replace, "text", "old", "after"}.

    `after` is the end of the unchanged text before the change ("" at the very start): what
    a screen reader says instead of reading every struck-out and added word in turn. Words
    a replacement keeps at its start ("implementation." → "implementation with children.")
    move to `after`, so that change reads as the insertion it is.
    """
    changes: list[dict[str, str]] = []
    before, pieces, i = "", list(diff), 0
    while i < len(pieces):
        op, text = pieces[i]
        if op == "same":
            before += text
            i += 1
            continue
        old, new = (text, "") if op == "del" else ("", text)
        if op == "del" and i + 1 < len(pieces) and pieces[i + 1][0] == "ins":
            new = pieces[i + 1][1]
            i += 1
        i += 1
        change = _change(before, old, new)
        before += new
        if change is not None:
            changes.append(change)
    return changes


def _change(before: str, old: str, new: str) -> dict[str, str] | None:
    """One change, with the words both sides start with moved into its context."""
    old_words, new_words = old.split(), new.split()
    kept = 0
    while (
        kept < min(len(old_words), len(new_words))
        and _EDGE.sub("", old_words[kept]).lower() == _EDGE.sub("", new_words[kept]).lower()
    ):
        kept += 1
    context = before.split() + [_EDGE.sub("", w) for w in new_words[:kept]]
    old_text = _EDGE.sub("", " ".join(old_words[kept:]))
    new_text = _EDGE.sub("", " ".join(new_words[kept:]))
    if not old_text and not new_text:
        return None
    op = "replace" if old_text and new_text else ("insert" if new_text else "remove")
    after = _EDGE.sub("", " ".join(context[-CONTEXT_WORDS:]))
    return {
        "op": op,
        "text": new_text or old_text,
        "old": old_text if new_text else "",
        "after": after,
    }


def group_wordings(
    texts: dict[str, str],
    wordings: list[tuple[int, str, str, str | None]],
    original_language: str,
    vectors=None,
) -> list[AmendmentGroup]:
    """(feedback_id, organisation, text, detected language) wordings grouped by their edit,
    each edit read against the draft in the language it was written from.

    `vectors(pairs)`: unit multilingual embeddings of (feedback_id, edit text) pairs, so
    that one edit written in two languages is one group; without it, only wordings that
    share edited words meet. Each group has one variant per draft language it was written
    from, diffed against that language's draft.
    """
    wordings = [w for w in wordings if w[2] and w[2].strip()]
    if not wordings:
        return []
    # Many organisations send the same wording: each distinct one is read once.
    read: dict[tuple[str, str | None], tuple[str, frozenset[str]]] = {}
    for _, _, text, detected in wordings:
        if (text, detected) not in read:
            language = source_language(texts, text, detected, original_language)
            read[(text, detected)] = (language, edit(texts.get(language, ""), text))
    languages = [read[(w[2], w[3])][0] for w in wordings]
    edits = [read[(w[2], w[3])][1] for w in wordings]
    matrix, mask = None, None
    if vectors is not None and len(set(languages)) > 1:
        described: dict[tuple[str, str], list[dict[str, str]]] = {}
        for language, w in zip(languages, wordings, strict=True):
            if (language, w[2]) not in described:
                described[(language, w[2])] = describe(word_diff(texts.get(language, ""), w[2]))
        changes = [described[(lang, w[2])] for lang, w in zip(languages, wordings, strict=True)]
        matrix = vectors([(w[0], change_text(c)) for w, c in zip(wordings, changes, strict=True)])
        # Meaning links only edits written from different languages (no edited word can be
        # shared there) that change the text the same way (both insert, both replace...).
        kinds = [tuple(sorted({c["op"] for c in change})) for change in changes]
        language_of, kind_of = _codes(languages), _codes(kinds)
        mask = (language_of[:, None] != language_of[None, :]) & (
            kind_of[:, None] == kind_of[None, :]
        )
    similarity = _similarity(edits, matrix, THRESHOLD, VECTOR_THRESHOLD, mask)
    labels = _labels(similarity)
    groups = []
    for label in sorted(set(labels.tolist())):
        members = np.flatnonzero(labels == label).tolist()
        variants = []
        for language in sorted({languages[m] for m in members}):
            own = [m for m in members if languages[m] == language]
            text = _representative(own, [(w[0], w[1], w[2]) for w in wordings], similarity)
            diff = word_diff(texts.get(language, ""), text)
            variants.append(
                {
                    "language": language,
                    "text": text,
                    "diff": diff,
                    "change": describe(diff),
                    "feedback_ids": [wordings[m][0] for m in own],
                }
            )
        main = max(
            variants, key=lambda v: (len(v["feedback_ids"]), v["language"] == original_language)
        )
        groups.append(
            AmendmentGroup(
                feedback_ids=[wordings[m][0] for m in members],
                text=main["text"],
                diff=main["diff"],
                organisations=sorted({wordings[m][1] for m in members}),
                language=main["language"],
                variants=variants,
            )
        )
    return sorted(groups, key=lambda g: (-len(g.feedback_ids), g.feedback_ids[0]))


def _codes(values: list) -> np.ndarray:
    """Each value as a small integer, equal values equal: for pairwise numpy comparisons."""
    code: dict = {}
    return np.array([code.setdefault(v, len(code)) for v in values])


def change_text(changes: list[dict[str, str]]) -> str:
    """What a wording changes, in its own words (replaced words, then their replacement):
    what is embedded to find the same change written from another language's draft."""
    return " ".join(f"{c['old']} {c['text']}".strip() for c in changes)


def _labels(similarity: np.ndarray) -> np.ndarray:
    """Groups cut from an average-linkage tree at THRESHOLD: no chaining of loose edits."""
    if len(similarity) == 1:
        return np.ones(1, dtype=int)
    distance = squareform(1.0 - similarity, checks=False)
    return fcluster(linkage(distance, method="average"), 1.0 - THRESHOLD, "distance")


def _similarity(
    edits: list[frozenset[str]],
    vectors: np.ndarray | None,
    threshold: float,
    vector_threshold: float,
    mask: np.ndarray | None = None,
) -> np.ndarray:
    """Pairwise similarity of edits in [0, 1]: shared edited words, or meaning when given.

    With `mask`, meaning counts only for the pairs it marks.
    """
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
        if mask is not None:
            cosine = np.where(mask, cosine, 0.0)
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
