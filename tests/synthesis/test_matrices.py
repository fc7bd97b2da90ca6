"""Products over float16 rows a slice at a time: the same as one float32 product."""

import numpy as np
from scipy import sparse

from app.services.synthesis import matrices


def unit_rows(n: int, seed: int = 0) -> np.ndarray:
    rows = np.random.default_rng(seed).standard_normal((n, 16)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_slices_cover_every_row_once():
    parts = list(matrices.slices(10, 4))
    assert [(p.start, p.stop) for p in parts] == [(0, 4), (4, 8), (8, 10)]


def test_nearest_and_closeness_match_a_whole_product(monkeypatch):
    monkeypatch.setattr(matrices, "SLICE", 7)  # several slices for 50 rows
    points, centroids = unit_rows(50), unit_rows(4, seed=1)
    whole = points @ centroids.T
    assigned, closeness = matrices.nearest(points, centroids)
    assert assigned.tolist() == whole.argmax(axis=1).tolist()
    assert np.allclose(closeness, whole.max(axis=1), atol=1e-6)
    assert np.allclose(matrices.closeness_to(points, centroids, assigned), closeness, atol=1e-6)
    assert np.allclose(matrices.most_similar(points, centroids), whole.max(axis=1), atol=1e-6)


def test_sums_count_only_the_counted_rows(monkeypatch):
    monkeypatch.setattr(matrices, "SLICE", 7)
    points = unit_rows(30)
    assigned = np.arange(30) % 3
    counted = np.arange(30) % 2 == 0
    total = matrices.sums(points, assigned, 3, counted)
    for group in range(3):
        expected = points[(assigned == group) & counted].sum(axis=0)
        assert np.allclose(total[group], expected, atol=1e-5)


def test_gathered_rows_read_a_shared_table_and_work_in_products(monkeypatch):
    monkeypatch.setattr(matrices, "SLICE", 3)
    table = matrices.compact(unit_rows(5))
    index = np.array([4, 0, 0, 2, 4, 1, 3, 3])
    gathered = matrices.Gathered(table, index)
    assert len(gathered) == 8 and gathered.shape == (8, 16)
    assert np.array_equal(gathered[2:5], table[[0, 2, 4]])
    assert np.array_equal(np.asarray(gathered), table[index])
    weights = sparse.csr_matrix(np.array([[1, 0, 2, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 3]]))
    expected = weights.toarray() @ table[index].astype(np.float32)
    assert np.allclose(matrices.sparse_product(weights, gathered), expected, atol=1e-5)
    assigned, _ = matrices.nearest(gathered, table.astype(np.float32))
    assert assigned.tolist() == index.tolist()
