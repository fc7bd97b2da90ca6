"""Vectors of single sentences, kept by the hash of their text for theme finding.

A sentence that many comments repeat (an opener, a thanks) is embedded and stored once.
A vector made by another encoder is computed again. Comments' sentences are taken from the
comments' own pass when the feedback arrives (`embed_comment_sentences`), so a synthesis
mostly reads. Those carry the encoder's name with `embedding.SPANS_SUFFIX`: close to what
the sentence alone gives (cosine 0.97 at the median), read alike by theme finding, and
told apart from sentences embedded on their own.
"""

import hashlib
from itertools import chain

import numpy as np
import sqlalchemy as sa

from app.extensions import db
from app.models import CommentVector, SentenceVector
from app.services.synthesis import boilerplate, embedding
from app.services.synthesis.sql_lists import among, binary_rows, upsert

# Hashes per query: PostgreSQL takes at most 65,535 parameters in one statement.
QUERY_SLICE = 10_000


def current_encoder() -> str:
    """The name and version of the encoder that new vectors are made with."""
    embedder = embedding.default_embedder()
    return getattr(embedder, "name", type(embedder).__name__)


def span_encoder() -> str:
    """The name stored with sentence vectors taken from their comment's pass."""
    return current_encoder() + embedding.SPANS_SUFFIX


def text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def sentence_matrix(sentences: list[str]) -> np.ndarray:
    """Unit vectors of `sentences`, in order: stored ones read, the others embedded and kept."""
    matrix = np.zeros((len(sentences), embedding.DIMENSIONS), dtype=np.float32)
    encoder = current_encoder()
    accepted = [encoder, span_encoder()]
    hashes = [text_hash(s) for s in sentences]
    missing: dict[str, list[int]] = {}
    for start in range(0, len(sentences), QUERY_SLICE):
        chunk = hashes[start : start + QUERY_SLICE]
        # A vector another encoder made is not read: the sentence is missing.
        stored = dict(
            binary_rows(
                sa.select(SentenceVector.text_hash, SentenceVector.vector).where(
                    among(SentenceVector.text_hash, list(set(chunk))),
                    SentenceVector.encoder.in_(accepted),
                )
            )
        )
        found, blobs = [], []
        for row_number, digest in enumerate(chunk, start=start):
            vector = stored.get(digest)
            if vector is not None:
                found.append(row_number)
                blobs.append(vector)
            else:
                missing.setdefault(digest, []).append(row_number)
        if blobs:
            matrix[found] = embedding.rows_from_bytes(blobs)
    # A one-sentence comment already has its vector as a comment: copied, not encoded again.
    kept = _comment_vectors(list(missing), encoder)
    for digest, vector in kept.items():
        matrix[missing.pop(digest)] = embedding.from_bytes(vector)
    if missing:
        rows = [rows[0] for rows in missing.values()]
        computed = embedding.default_embedder().embed([sentences[r] for r in rows])
        for (digest, numbers), vector in zip(missing.items(), computed, strict=True):
            matrix[numbers] = vector
            kept[digest] = embedding.to_bytes(vector)
    if kept:
        _keep(kept, encoder)
        db.session.flush()  # the caller commits
    return matrix


def _comment_vectors(hashes: list[str], encoder: str) -> dict[str, bytes]:
    """Vectors stored for whole comments or answers with these text hashes, by this encoder."""
    found: dict[str, bytes] = {}
    for start in range(0, len(hashes), QUERY_SLICE):
        rows = db.session.execute(
            sa.select(CommentVector.text_hash, CommentVector.vector).where(
                among(CommentVector.text_hash, hashes[start : start + QUERY_SLICE]),
                CommentVector.encoder == encoder,
            )
        )
        found.update((digest, vector) for digest, vector in rows)
    return found


def embed_comment_sentences(texts: list[str]) -> dict[str, np.ndarray]:
    """Keep the sentences of these comments ahead of any synthesis; the comments' vectors
    that their pass gave, by text (for `vectors.ensure`).

    Comments with a sentence not stored yet are encoded once each, their sentences' vectors
    taken from that pass; a sentence that is the whole comment keeps the comment's own
    vector, and one the pass cannot delimit (a piece across its edge) is embedded alone.
    """
    comments = list(dict.fromkeys(texts))
    parts = [boilerplate.split_sentences(text) for text in comments]
    stored = _stored_hashes(list({text_hash(s) for s in chain.from_iterable(parts)}))
    needed = [
        i for i, sentences in enumerate(parts) if not stored.issuperset(map(text_hash, sentences))
    ]
    if not needed:
        return {}
    embedder = embedding.default_embedder()
    if hasattr(embedder, "embed_with_spans"):
        comment_rows, span_rows, found = embedder.embed_with_spans(
            [comments[i] for i in needed], [parts[i] for i in needed]
        )
    else:  # an encoder that cannot share its pass: each sentence is embedded alone
        comment_rows = embedder.embed([comments[i] for i in needed])
        found = np.zeros(sum(len(parts[i]) for i in needed), dtype=bool)
        span_rows = None
    exact: dict[str, bytes] = {}
    spans: dict[str, bytes] = {}
    alone: dict[str, str] = {}
    row = 0
    for comment_row, i in zip(comment_rows, needed, strict=True):
        whole = " ".join(comments[i].split())
        for sentence in parts[i]:
            digest = text_hash(sentence)
            if digest in stored:
                pass
            elif sentence == whole:
                exact[digest] = embedding.to_bytes(comment_row)
            elif found[row]:
                spans.setdefault(digest, embedding.to_bytes(span_rows[row]))
            else:
                alone.setdefault(digest, sentence)
            row += 1
    # A sentence that is also a whole comment somewhere keeps that comment's exact vector.
    spans = {digest: vector for digest, vector in spans.items() if digest not in exact}
    alone = {d: s for d, s in alone.items() if d not in exact and d not in spans}
    if alone:
        vectors = embedder.embed(list(alone.values()))
        exact.update(zip(alone, map(embedding.to_bytes, vectors), strict=True))
    if exact:
        _keep(exact, current_encoder())
    if spans:
        _keep(spans, span_encoder())
    db.session.flush()  # the caller commits
    return {comments[i]: vector for i, vector in zip(needed, comment_rows, strict=True)}


def _stored_hashes(hashes: list[str]) -> set[str]:
    """Which of these sentences have a vector the current encoder made, alone or in a comment
    (a one-sentence comment's own vector is copied then)."""
    accepted = [current_encoder(), span_encoder()]
    stored: set[str] = set()
    for start in range(0, len(hashes), QUERY_SLICE):
        stored.update(
            db.session.scalars(
                sa.select(SentenceVector.text_hash).where(
                    among(SentenceVector.text_hash, hashes[start : start + QUERY_SLICE]),
                    SentenceVector.encoder.in_(accepted),
                )
            )
        )
    copied = _comment_vectors([digest for digest in hashes if digest not in stored], accepted[0])
    if copied:
        _keep(copied, accepted[0])
    return stored | set(copied)


def _keep(vectors: dict[str, bytes], encoder: str) -> None:
    """Insert or refresh these vectors by text hash; another worker storing the same
    sentence meanwhile is no error. In hash order: two workers storing overlapping sets
    lock their rows in the same order, so neither waits on the other in a circle."""
    rows = [{"text_hash": d, "vector": vectors[d], "encoder": encoder} for d in sorted(vectors)]
    upsert(SentenceVector, rows, ["text_hash"], ("vector", "encoder"))
