"""Vectors of single sentences, kept by the hash of their text for theme finding.

A sentence that many comments repeat (an opener, a thanks) is embedded and stored once.
A vector made by another encoder is computed again. Comments' sentences are embedded when
the submission is saved (with the comments' own vectors), so a synthesis mostly reads.
"""

import hashlib

import numpy as np
import sqlalchemy as sa

from app.extensions import db
from app.models import CommentVector, SentenceVector
from app.services.synthesis import boilerplate, embedding
from app.services.synthesis.sql_lists import among, upsert

# Hashes per query: PostgreSQL takes at most 65,535 parameters in one statement.
QUERY_SLICE = 10_000


def current_encoder() -> str:
    """The name and version of the encoder that new vectors are made with."""
    embedder = embedding.default_embedder()
    return getattr(embedder, "name", type(embedder).__name__)


def text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def sentence_matrix(sentences: list[str]) -> np.ndarray:
    """Unit vectors of `sentences`, in order: stored ones read, the others embedded and kept."""
    matrix = np.zeros((len(sentences), embedding.DIMENSIONS), dtype=np.float32)
    encoder = current_encoder()
    hashes = [text_hash(s) for s in sentences]
    missing: dict[str, list[int]] = {}
    for start in range(0, len(sentences), QUERY_SLICE):
        chunk = hashes[start : start + QUERY_SLICE]
        stored = {
            row.text_hash: row
            for row in db.session.execute(
                sa.select(
                    SentenceVector.text_hash, SentenceVector.vector, SentenceVector.encoder
                ).where(among(SentenceVector.text_hash, list(set(chunk))))
            )
        }
        for row_number, digest in enumerate(chunk, start=start):
            row = stored.get(digest)
            if row is not None and row.encoder == encoder:
                matrix[row_number] = embedding.from_bytes(row.vector)
            else:
                missing.setdefault(digest, []).append(row_number)
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


def embed_comment_sentences(texts: list[str]) -> None:
    """Embed and keep the sentences of these comments ahead of any synthesis."""
    sentences = list(dict.fromkeys(s for text in texts for s in boilerplate.split_sentences(text)))
    if sentences:
        sentence_matrix(sentences)


def _keep(vectors: dict[str, bytes], encoder: str) -> None:
    """Insert or refresh these vectors by text hash; another worker storing the same
    sentence meanwhile is no error. In hash order: two workers storing overlapping sets
    lock their rows in the same order, so neither waits on the other in a circle."""
    rows = [{"text_hash": d, "vector": vectors[d], "encoder": encoder} for d in sorted(vectors)]
    upsert(SentenceVector, rows, ["text_hash"], ("vector", "encoder"))
