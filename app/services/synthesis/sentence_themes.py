"""Themes found from what comments say of their own: substantive sentences, not whole texts.

Whole-comment vectors blur a one-sentence point with the openers, thanks and closers
around it, and with a passing aside on another subject. Here the boilerplate is left out
first (`boilerplate`), k-means runs on the remaining sentences, and each comment goes to
the theme that carries most of its words; an aside close enough to another theme links
the comment there too ("also mentions"). Two themes that share most of their comments are
one theme told in two ways: they are merged, and the page says so. Quotes are picked among
the sentences that carry the theme, and show the comment in full.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from threadpoolctl import threadpool_limits

from app.services.synthesis import labels, matrices, quotes
from app.services.synthesis.boilerplate import Substance
from app.services.synthesis.embedding import Embedder, default_embedder, normalise
from app.services.synthesis.themes import QUOTES, Theme, centres, sample_centroids

# Share of the smaller theme's comments that must also speak of the other for two themes
# to be merged: found apart, they are still one subject.
MERGE_SHARE = 0.5
# An aside links its comment to a second theme when it has at least this many words and is
# at least as close to that theme as a typical sentence of it (this quantile of the
# sentences' closeness to their own theme).
ASIDE_WORDS = 4
ASIDE_QUANTILE = 0.25
# A sentence weighs its number of words to this power in its comment's point.
WEIGHT_POWER = 2.0
VOTE_ROUNDS = 5
# At most this many themes from the clustering, and the smallest number whose silhouette is
# within SILHOUETTE_TOLERANCE of the best. On one-sentence comments the silhouette keeps
# rising with k (each theme cut by its wordings), by a few thousandths: up to 12 and the
# best alone found 11-12 themes for 8 planted; at most 10 and a tolerance of 0.005, 6-10,
# and the adjusted Rand index rose on six corpora of eight (0.58 to 0.79 with half the
# comments wrapped in boilerplate, 0.48 to 0.59 on short comments), fell on one (0.63 to
# 0.60). A reader takes in ten themes, and staff can split one that holds two subjects.
MOST = 10
SILHOUETTE_TOLERANCE = 0.005
# Comments k-means is fitted on while k is chosen (at 100,000 comments, 5,000 took 2.5 s of
# the 7 s theme finding spent clustering, 3,000 half as much for the same k).
FIT_SAMPLE = 3_000


@dataclass
class Found:
    """Themes, biggest first, and how their number came about."""

    themes: list[Theme]
    clusters: int  # themes the clustering found
    merged: int  # of which merged into another because they share most of their comments
    theme_of: np.ndarray  # each comment's main theme (index into `themes`), -1 for none


def find_sentence_themes(
    substance: Substance,
    n_comments: int,
    texts: list[str],
    languages: list[str | None],
    organisations: list[str],
    k: int | None = None,
    duplicate_of: dict[int, int] | None = None,
    seed: int = 0,
    embedder: Embedder | None = None,
) -> Found:
    """Themes of `n_comments` comments from their substantive sentences (`substance`, made
    from the distinct texts only: a copy follows the text it copies, through `duplicate_of`).

    A comment with no substantive sentence (only courtesy, or the draft quoted back) is in
    no theme. Deterministic for a given `seed`.
    """
    duplicate_of = duplicate_of or {}
    points, owner = substance.vectors, substance.owner
    if len(points) == 0:
        return Found([], 0, 0, np.full(n_comments, -1))
    weight = substance.words.astype(np.float32)
    # A comment's point: its sentences, a long one weighing more than a short aside.
    by_comment = sparse.csr_matrix(
        (weight**WEIGHT_POWER, (owner, np.arange(len(owner)))), shape=(n_comments, len(owner))
    )
    speaking = np.flatnonzero(by_comment.getnnz(axis=1) > 0)
    comment_points = _CommentPoints(by_comment[speaking], points)
    del by_comment
    if len(speaking) < 3:
        centroids = _mean(comment_points[np.arange(len(speaking))])
    else:
        # From a sample: the rounds of `_vote` below refine them on every sentence.
        centroids = sample_centroids(
            comment_points, k, seed, MOST, FIT_SAMPLE, SILHOUETTE_TOLERANCE
        )
    assigned, main, centroids = _vote(points, owner, weight, centroids, n_comments)
    group, merged = merge_overlapping(_touches(points, owner, centroids, n_comments), k is None)
    n_groups = int(group.max()) + 1
    if merged:
        centroids = centres(points, group[assigned], n_groups)
        assigned, main, centroids = _vote(points, owner, weight, centroids, n_comments)
    closeness = matrices.closeness_to(points, centroids, assigned)
    roots = np.array([quotes.root_of(i, duplicate_of) for i in range(n_comments)])
    main = main[roots]  # a copy goes where the text it copies went
    strong = _strong_asides(substance, assigned, closeness, main)
    embedder = embedder if embedder is not None else default_embedder()
    themes = _themes(substance, assigned, centroids, main, strong, roots, texts, languages,
                     organisations, embedder)  # fmt: skip
    order = sorted(range(len(themes)), key=lambda t: _size_key(themes[t]))
    position = np.full(n_groups + 1, -1)
    for new, old in enumerate(order):
        position[old] = new
    theme_of = np.where(main >= 0, position[main], -1)
    kept = [themes[t] for t in order if themes[t].member_indexes]
    return Found(kept, len(centroids), merged, theme_of)


def _vote(
    points: np.ndarray, owner: np.ndarray, weight: np.ndarray, centroids: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each sentence's nearest theme, and each comment's main theme: the one its sentences
    give most words to; centroids then made again from the sentences that carry their
    comment's main theme, so asides stop pulling them (a few rounds)."""
    k = len(centroids)
    main = np.full(n, -1)
    with threadpool_limits(1):  # thin products: a second thread only waits on the first
        for _ in range(VOTE_ROUNDS):
            assigned, closeness = matrices.nearest(points, centroids)
            # Words per comment and theme; a hair of closeness breaks ties between equal
            # sentences.
            score = sparse.csr_matrix(
                (weight + 1e-3 * closeness, (owner, assigned)), shape=(n, k)
            ).toarray()
            voted = np.where(score.max(axis=1) > 0, score.argmax(axis=1), -1)
            if np.array_equal(voted, main):
                break
            main = voted
            carrying = assigned == main[owner]
            centroids = centres(points, assigned, k, centroids, counted=carrying)
    return assigned, main, centroids


class _CommentPoints:
    """Each speaking comment's point, its sentences summed with their weights, made only for
    the rows asked: k is chosen on a sample, and every comment's point would be another
    matrix as large as the comments' vectors."""

    def __init__(self, weights: sparse.csr_matrix, points: np.ndarray) -> None:
        self.weights, self.points = weights, points

    def __len__(self) -> int:
        return self.weights.shape[0]

    def __getitem__(self, rows: np.ndarray) -> np.ndarray:
        return normalise(matrices.sparse_product(self.weights[rows], self.points))


def _size_key(theme: Theme) -> tuple[int, int]:
    first = theme.member_indexes[0] if theme.member_indexes else 1 << 62
    return (-len(theme.member_indexes), first)


def _touches(
    points: np.ndarray, owner: np.ndarray, centroids: np.ndarray, n: int
) -> sparse.csr_matrix:
    """Which comments speak of which cluster (comments × clusters, 0/1): each sentence
    speaks of its nearest."""
    nearest, _ = matrices.nearest(points, centroids)
    touched = sparse.csr_matrix(
        (np.ones(len(owner), dtype=np.float32), (owner, nearest)), shape=(n, len(centroids))
    )
    touched.data[:] = 1.0
    touched.sum_duplicates()
    touched.data[:] = 1.0
    return touched


def merge_overlapping(touched: sparse.csr_matrix, allowed: bool) -> tuple[np.ndarray, int]:
    """Clusters joined when most comments of the smaller also speak of the other; the new
    cluster of each old one, and how many were merged away."""
    k = touched.shape[1]
    parent = np.arange(k)
    if not allowed or k < 2:
        return parent, 0
    both = (touched.T @ touched).toarray()
    sizes = np.diag(both).copy()

    def find(c: int) -> int:
        while parent[c] != c:
            c = parent[c]
        return int(c)

    pairs = [
        (both[a, b] / max(1.0, min(sizes[a], sizes[b])), a, b)
        for a in range(k)
        for b in range(a + 1, k)
    ]
    for share, a, b in sorted(pairs, reverse=True):
        if share < MERGE_SHARE:
            break
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    roots = np.array([find(c) for c in range(k)])
    _, group = np.unique(roots, return_inverse=True)
    return group, k - int(group.max()) - 1


def _strong_asides(
    substance: Substance, assigned: np.ndarray, closeness: np.ndarray, main: np.ndarray
) -> dict[int, int]:
    """Comment → its second theme, where one of its other sentences is a real aside."""
    if len(closeness) == 0:
        return {}
    least = float(np.quantile(closeness, ASIDE_QUANTILE))
    best: dict[int, tuple[float, int]] = {}
    for row in np.flatnonzero(
        (substance.words >= ASIDE_WORDS)
        & (closeness >= least)
        & (assigned != main[substance.owner])
    ):
        comment, theme = int(substance.owner[row]), int(assigned[row])
        if main[comment] >= 0 and closeness[row] > best.get(comment, (-2.0, 0))[0]:
            best[comment] = (float(closeness[row]), theme)
    return {comment: theme for comment, (_, theme) in best.items()}


def _themes(
    substance: Substance,
    assigned: np.ndarray,
    centroids: np.ndarray,
    main: np.ndarray,
    strong: dict[int, int],
    roots: np.ndarray,
    texts: list[str],
    languages: list[str | None],
    organisations: list[str],
    embedder: Embedder,
) -> list[Theme]:
    """One Theme per cluster: members, asides, a label and quotes from its sentences."""
    n_groups = len(centroids)
    members = [np.flatnonzero(main == t).tolist() for t in range(n_groups)]
    second = np.full(len(main), -1)
    for comment, theme in strong.items():
        second[comment] = theme
    second = np.where(main >= 0, second[roots], -1)  # a copy's aside is its text's
    also = [np.flatnonzero(second == t).tolist() for t in range(n_groups)]
    # A theme's sentences: those in it from comments it is the main or second theme of.
    owner = substance.owner
    carries = (main[owner] == assigned) | (second[owner] == assigned)
    carrying = [np.flatnonzero(carries & (assigned == t)).tolist() for t in range(n_groups)]
    sentence_languages = [languages[i] for i in substance.owner]
    made = labels.label_terms(
        carrying,
        substance.sentences,
        sentence_languages,
        centroids=centroids,
        embedder=embedder,
    )
    # Quotes: one sentence per comment at most, from the comments the theme is the main of.
    first_row: dict[int, int] = {}
    for row, comment in enumerate(substance.owner.tolist()):
        first_row.setdefault(comment, row)
    same_comment = {row: first_row[int(c)] for row, c in enumerate(substance.owner)}
    sentence_orgs = [organisations[i] for i in substance.owner]
    themes = []
    for t in range(n_groups):
        own = [row for row in carrying[t] if main[owner[row]] == t]
        picked = quotes.representative(
            own, substance.vectors, QUOTES, sentence_orgs, sentence_languages, same_comment
        )
        themes.append(
            Theme(
                member_indexes=members[t],
                label=made[t],
                quotes=[int(substance.owner[row]) for row in picked],
                organisations=sorted({organisations[i] for i in members[t]}),
                languages=dict(Counter(languages[i] for i in members[t] if languages[i])),
                also_indexes=also[t],
                quote_sentences=[substance.sentences[row] for row in picked],
            )
        )
    return themes


def _mean(points: np.ndarray) -> np.ndarray:
    return centres(points, np.zeros(len(points), dtype=int), 1)
