"""Themes across languages: k-means on multilingual sentence vectors, k chosen by silhouette.

Measured on this project's corpus (DESIGN.md): USE vectors + k-means mix all three
languages in each theme (adjusted Rand index 0.89–0.97 against planted themes), where
HDBSCAN and TF-IDF/NMF failed. Copies of one text (a campaign) are collapsed to one point
before clustering, so a campaign does not become a theme of its own unless others join it.
k is chosen and the model fitted on a fixed-size sample, then refined on every point, so
the cost grows little beyond 10,000 comments.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from threadpoolctl import threadpool_limits

from app.services.synthesis import labels, matrices, quotes
from app.services.synthesis.embedding import Embedder, default_embedder

K_RANGE = (2, 16)
# k is searched coarse to fine: these first, then the neighbours of the best of them.
K_COARSE = (2, 3, 4, 6, 8, 10, 13, 16)
FIT_SAMPLE = 5_000  # points k-means is fitted on while k is chosen
SILHOUETTE_SAMPLE = 2_000  # points the silhouette is measured on (its cost is quadratic)
N_INIT = 3
REFINE_ITERATIONS = 20
QUOTES = 3


@dataclass
class Theme:
    member_indexes: list[int]  # every comment of the theme, copies of a campaign included
    label: dict[str, str]  # {"en": ..., "fr": ..., "es": ...}
    quotes: list[int]  # representative members: central, varied, no two alike
    organisations: list[str] = field(default_factory=list)
    languages: dict[str, int] = field(default_factory=dict)
    also_indexes: list[int] = field(default_factory=list)  # comments whose aside is on it
    quote_sentences: list[str] = field(default_factory=list)  # the sentence each quote is for


def find_themes(
    vectors: np.ndarray,
    texts: list[str],
    languages: list[str | None],
    organisations: list[str],
    k: int | None = None,
    duplicate_of: dict[int, int] | None = None,
    seed: int = 0,
    embedder: Embedder | None = None,
) -> list[Theme]:
    """Themes of the comments, biggest first; every comment belongs to exactly one.

    `vectors` are unit rows (one per text); `duplicate_of` maps a copy to the index of the
    text it copies. `embedder` (default: the project's) re-ranks label phrases by meaning;
    it must be the encoder that made `vectors`. Deterministic for a given `seed`.
    """
    n = len(vectors)
    if n == 0:
        return []
    duplicate_of = duplicate_of or {}
    roots = np.array([quotes.root_of(i, duplicate_of) for i in range(n)])
    distinct = np.flatnonzero(roots == np.arange(n))
    points = np.asarray(vectors, dtype=np.float32)[distinct]
    if len(distinct) < 3:  # nothing to split: one theme
        assigned = np.zeros(len(distinct), dtype=int)
        centroids = centres(points, assigned, 1)
    else:
        assigned, centroids = cluster(points, k, seed)
    theme_of = np.zeros(n, dtype=int)
    theme_of[distinct] = assigned
    theme_of = theme_of[roots]  # a copy goes where the text it copies went
    groups = [np.flatnonzero(theme_of == t).tolist() for t in range(len(centroids))]
    keep = [t for t, members in enumerate(groups) if members]
    # Labels from distinct texts only: a campaign's wording counts once.
    distinct_set = set(distinct.tolist())
    made = labels.label_terms(
        [[i for i in groups[t] if i in distinct_set] for t in keep],
        texts,
        languages,
        centroids=centroids[keep],
        embedder=embedder if embedder is not None else default_embedder(),
    )
    themes = [
        Theme(
            member_indexes=groups[t],
            label=label,
            quotes=quotes.representative(
                groups[t], vectors, QUOTES, organisations, languages, duplicate_of
            ),
            organisations=sorted({organisations[i] for i in groups[t]}),
            languages=dict(Counter(languages[i] for i in groups[t] if languages[i])),
        )
        for t, label in zip(keep, made, strict=True)
    ]
    return sorted(themes, key=lambda t: (-len(t.member_indexes), t.member_indexes[0]))


def cluster(
    points: np.ndarray, k: int | None, seed: int = 0, most: int = K_RANGE[1]
) -> tuple[np.ndarray, np.ndarray]:
    """(cluster of each point, unit centroids): k-means with k given or chosen by silhouette
    among K_RANGE, up to `most` clusters."""
    return refine(points, sample_centroids(points, k, seed, most))


def sample_centroids(
    points: np.ndarray,
    k: int | None,
    seed: int = 0,
    most: int = K_RANGE[1],
    sample: int = FIT_SAMPLE,
    tolerance: float = 0.0,
) -> np.ndarray:
    """Unit centroids of k-means fitted on at most `sample` of the points, k given or chosen
    by silhouette (the smallest k within `tolerance` of the best); not yet refined on every
    point. `points` is an array, or anything that has a length and gives rows by index."""
    # One thread: dozens of small k-means fits spend their time in OpenMP/BLAS barriers, and
    # with a second process on the core (another Celery worker) two threads ran 7× slower
    # than one (39 s against 5.7 s at 100,000 points); workers use the cores in parallel.
    with threadpool_limits(1):
        rng = np.random.default_rng(seed)
        if len(points) > sample:
            rows = np.sort(rng.choice(len(points), sample, replace=False))
        else:
            rows = np.arange(len(points))
        # Only the sample is made: `points` may make its rows on demand.
        fitted = np.asarray(points[rows], dtype=np.float32)
        if k:
            best = _fit(fitted, min(max(k, 1), len(fitted) - 1), seed)
        else:
            best = _best_by_silhouette(fitted, rng, seed, most, tolerance)
        return best.cluster_centers_.astype(np.float32)


def _fit(points: np.ndarray, k: int, seed: int) -> KMeans:
    return KMeans(n_clusters=k, n_init=N_INIT, random_state=seed).fit(points)


def _best_by_silhouette(
    fitted: np.ndarray,
    rng: np.random.Generator,
    seed: int,
    most: int = K_RANGE[1],
    tolerance: float = 0.0,
) -> KMeans:
    """The fit with the best silhouette for k in K_RANGE, searched coarse to fine; the
    smallest k whose silhouette is within `tolerance` of the best.

    Ties go to the smaller k. Scoring k from fewer k-means starts was measured to pick a
    worse k on the planted corpus (ARI 0.87 against 0.94), so each candidate gets N_INIT;
    the coarse-to-fine search alone cuts the fits from 15 to about 10.
    """
    low, high = K_RANGE[0], min(most, len(fitted) - 1)
    # One distance matrix for every candidate k, on a sub-sample: silhouette is quadratic.
    scored = np.sort(rng.choice(len(fitted), min(len(fitted), SILHOUETTE_SAMPLE), replace=False))
    distances = np.sqrt(np.maximum(2.0 - 2.0 * fitted[scored] @ fitted[scored].T, 0.0))
    np.fill_diagonal(distances, 0.0)
    fits: dict[int, tuple[float, KMeans]] = {}

    def score(c: int) -> None:
        if c in fits or not low <= c <= high:
            return
        model = _fit(fitted, c, seed)
        found = model.labels_[scored]
        split = len(set(found.tolist())) > 1
        fits[c] = (silhouette_score(distances, found, metric="precomputed") if split else -1, model)

    def best() -> int:
        return max(fits, key=lambda c: (fits[c][0], -c))

    for c in K_COARSE:
        score(c)
    if not fits:  # too few points to split
        return _fit(fitted, max(min(low, len(fitted) - 1), 1), seed)
    around = best()
    for c in range(around - 2, around + 3):
        score(c)
    top = fits[best()][0]
    return fits[min(c for c in fits if fits[c][0] >= top - tolerance)][1]


def refine(points: np.ndarray, centroids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lloyd iterations on every point from the sample's centroids, until nothing moves."""
    assigned = np.full(len(points), -1)
    with threadpool_limits(1):
        for _ in range(REFINE_ITERATIONS):
            moved, _ = matrices.nearest(points, centroids)
            if np.array_equal(moved, assigned):
                break
            assigned = moved
            centroids = centres(points, assigned, len(centroids), previous=centroids)
    return assigned, centroids


def centres(
    points: np.ndarray,
    assigned: np.ndarray,
    k: int,
    previous: np.ndarray | None = None,
    counted: np.ndarray | None = None,
) -> np.ndarray:
    """Unit mean of each cluster (sparse one-hot products, not a Python loop over k), of
    the `counted` points only if given (a mask: no copy of the points)."""
    sums = matrices.sums(points, assigned, k, counted)
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    unit = sums / np.where(norms > 0, norms, 1.0)
    if previous is not None:  # an emptied cluster keeps its place rather than vanish
        unit[norms[:, 0] == 0] = previous[norms[:, 0] == 0]
    return unit.astype(np.float32)
