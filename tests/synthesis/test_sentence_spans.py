"""Sentence vectors taken from their comment's pass, and how the vector batches keep them."""

import numpy as np
import pytest
import sqlalchemy as sa

from app.models import SentenceVector
from app.services.synthesis import boilerplate, embedding, sentence_vectors

ONE = "Culture must be recognised as the fourth pillar of sustainable development."
COMMENT = (
    "We thank the council for this draft. Cities need stable funding to guarantee decent "
    "work for young people. La culture doit être reconnue comme quatrième pilier. "
    "Please add a deadline for the national plans."
)


@pytest.fixture(scope="module")
def embedder() -> embedding.UseEmbedder:
    return embedding.UseEmbedder()


def test_a_sentence_that_is_the_whole_text_gets_the_texts_own_vector(embedder):
    texts, sentences = [ONE, COMMENT], [[ONE], boilerplate.split_sentences(COMMENT)]
    comments, spans, found = embedder.embed_with_spans(texts, sentences)
    assert found.all()
    np.testing.assert_allclose(comments, embedder.embed(texts), atol=2e-6)
    np.testing.assert_allclose(spans[0], embedder.embed([ONE])[0], atol=2e-6)


def test_inner_sentences_are_close_to_their_own_vectors_and_closer_than_to_the_others(embedder):
    sentences = boilerplate.split_sentences(COMMENT)
    assert len(sentences) == 4
    _, spans, found = embedder.embed_with_spans([COMMENT], [sentences])
    assert found.all()
    cosines = spans @ embedder.embed(sentences).T
    assert np.diag(cosines).min() > 0.9
    assert (np.argmax(cosines, axis=1) == np.arange(len(sentences))).all()


def test_a_sentence_not_in_the_texts_pieces_gets_no_vector(embedder):
    _, spans, found = embedder.embed_with_spans([COMMENT], [["A sentence found nowhere.", ONE]])
    assert not found.any() and not spans.any()


def test_the_batches_keep_span_vectors_under_their_own_name_and_the_synthesis_reads_them(
    db, monkeypatch, embedder
):
    monkeypatch.setattr(embedding, "default_embedder", lambda: embedder)
    sentences = boilerplate.split_sentences(COMMENT)
    computed = sentence_vectors.embed_comment_sentences([COMMENT, ONE, COMMENT])
    assert list(computed) == [COMMENT, ONE]
    np.testing.assert_allclose(computed[ONE], embedder.embed([ONE])[0], atol=2e-6)
    rows = db.session.execute(sa.select(SentenceVector.text_hash, SentenceVector.encoder))
    names = dict(rows.all())
    exact, spans = sentence_vectors.current_encoder(), sentence_vectors.span_encoder()
    assert spans == exact + embedding.SPANS_SUFFIX
    assert names == {sentence_vectors.text_hash(ONE): exact} | {
        sentence_vectors.text_hash(s): spans for s in sentences
    }

    def no_encoding(texts):
        raise AssertionError(f"encoded again: {texts}")

    monkeypatch.setattr(embedder, "embed", no_encoding)
    assert sentence_vectors.embed_comment_sentences([COMMENT, ONE]) == {}
    matrix = sentence_vectors.sentence_matrix([*sentences, ONE])
    assert matrix.shape == (5, embedding.DIMENSIONS) and np.all(np.abs(matrix).sum(axis=1) > 0)
