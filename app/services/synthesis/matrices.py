"""Products of a large matrix of unit rows with a few vectors, a slice of rows at a time.

Theme finding holds every substantive sentence's vector: 230,000 of them at 100,000
comments. Kept in float16 they take half the memory of float32, but a product in float16
runs without BLAS; each slice is made float32 for its product, so the float32 cost is one
slice, never a copy of every row (nor an n × k float64 array).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
from scipy import sparse

# Rows made float32 at a time: 16,384 × 512 dimensions is 32 MiB.
SLICE = 16_384
COMPACT = np.float16


def compact(vectors: np.ndarray) -> np.ndarray:
    """Rows in the dtype they are kept in (float16: stored vectors are float16 already)."""
    return np.asarray(vectors, dtype=COMPACT)


class Gathered:
    """The rows `table[index]`, read on demand: a sentence written in many comments keeps
    one vector, and the rows are never copied out all at once."""

    def __init__(self, table: np.ndarray, index: np.ndarray) -> None:
        self.table, self.index = table, index

    def __len__(self) -> int:
        return len(self.index)

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.index), self.table.shape[1])

    def __getitem__(self, which: slice | np.ndarray) -> np.ndarray:
        return self.table[self.index[which]]

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        return np.asarray(self.table[self.index], dtype=dtype)


class Deferred:
    """A matrix read by `read()` only when first indexed, then kept."""

    def __init__(self, read: Callable[[], np.ndarray]) -> None:
        self._read, self._matrix = read, None

    def _rows(self) -> np.ndarray:
        if self._matrix is None:
            self._matrix = self._read()
        return self._matrix

    @property
    def shape(self) -> tuple[int, int]:
        return self._rows().shape

    def __getitem__(self, which) -> np.ndarray:
        return self._rows()[which]


def slices(n: int, size: int | None = None) -> Iterator[slice]:
    """Consecutive slices of `size` rows (SLICE by default) covering n rows."""
    size = size or SLICE
    return (slice(start, min(start + size, n)) for start in range(0, n, size))


def rows32(points: np.ndarray, which: slice | np.ndarray) -> np.ndarray:
    """Some rows as float32 (no copy when they are float32 already)."""
    return np.asarray(points[which], dtype=np.float32)


def slices32(points: np.ndarray) -> Iterator[tuple[slice, np.ndarray]]:
    """Each slice of rows and its rows as float32, made in one buffer that the next slice
    overwrites: a new 32 MiB array per slice cost its page faults, 40% of the conversion, on
    passes made a dozen times over 230,000 sentences. Use the rows before the next slice."""
    buffer = None
    for part in slices(len(points)):
        rows = points[part]
        if rows.dtype == np.float32:
            yield part, rows
            continue
        if buffer is None:
            buffer = np.empty((min(SLICE, len(points)), rows.shape[1]), dtype=np.float32)
        made = buffer[: len(rows)]
        made[...] = rows
        yield part, made


def nearest(points: np.ndarray, centroids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's nearest centroid by cosine, and that cosine."""
    if isinstance(points, Gathered):  # a repeated sentence is measured once
        assigned, closeness = nearest(points.table, centroids)
        return assigned[points.index], closeness[points.index]
    assigned = np.empty(len(points), dtype=np.int64)
    closeness = np.empty(len(points), dtype=np.float32)
    centroids = np.asarray(centroids, dtype=np.float32)
    for part, rows in slices32(points):
        similarity = rows @ centroids.T
        assigned[part] = similarity.argmax(axis=1)
        closeness[part] = similarity[np.arange(len(similarity)), assigned[part]]
    return assigned, closeness


def most_similar(points: np.ndarray, references: np.ndarray) -> np.ndarray:
    """Each row's highest cosine to any of `references`."""
    best = np.empty(len(points), dtype=np.float32)
    references = np.asarray(references, dtype=np.float32)
    for part, rows in slices32(points):
        best[part] = (rows @ references.T).max(axis=1)
    return best


def closeness_to(points: np.ndarray, centroids: np.ndarray, assigned: np.ndarray) -> np.ndarray:
    """Each row's cosine to its own centroid (`assigned`), without an n × d gather."""
    closeness = np.empty(len(points), dtype=np.float32)
    centroids = np.asarray(centroids, dtype=np.float32)
    for part, own in slices32(points):
        closeness[part] = np.einsum("ij,ij->i", own, centroids[assigned[part]])
    return closeness


def sums(
    points: np.ndarray, assigned: np.ndarray, k: int, counted: np.ndarray | None = None
) -> np.ndarray:
    """The sum of each group's rows (float32, k × d), of the `counted` rows only if given."""
    total = np.zeros((k, points.shape[1]), dtype=np.float32)
    for part, made in slices32(points):
        rows = np.arange(part.stop - part.start)
        if counted is not None:
            rows = rows[counted[part]]
        onehot = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (assigned[part][rows], rows)),
            shape=(k, part.stop - part.start),
        )
        total += onehot @ made
    return total


def sparse_product(weights: sparse.csr_matrix, points: np.ndarray) -> np.ndarray:
    """weights @ points (float32) reading only the rows of `points` that `weights` uses."""
    used = np.unique(weights.indices)
    return np.asarray(weights[:, used] @ rows32(points, used))
