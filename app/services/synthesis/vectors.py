"""Sentence vectors of comments and answers, computed once per text and kept in the database."""

import hashlib

import numpy as np
import sqlalchemy as sa

from app.extensions import db
from app.models import Answer, CommentVector, OutboxMessage, ParagraphFeedback
from app.services.mail import outbox
from app.services.synthesis import embedding

VECTOR_QUERY_SLICE = 10_000


def text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def vectors_for(kind: str, sources: list[tuple[int, str]]) -> dict[int, np.ndarray]:
    """Embeddings of texts keyed by source id, computed once and kept in the database."""
    matrix = vector_matrix(kind, sources)
    return {source_id: matrix[row] for row, (source_id, _) in enumerate(sources)}


def vector_matrix(kind: str, sources: list[tuple[int, str]]) -> np.ndarray:
    """Embeddings of texts as one (n, d) matrix in the order of `sources`.

    Stored vectors are read a slice at a time straight into the matrix, so a synthesis of
    100,000 comments holds each vector once, not also as database rows and loose arrays.
    Texts without a current stored vector are embedded now and kept.
    """
    matrix = np.zeros((len(sources), embedding.DIMENSIONS), dtype=np.float32)
    missing = []
    # In slices: PostgreSQL takes at most 65,535 parameters in one statement.
    for start in range(0, len(sources), VECTOR_QUERY_SLICE):
        chunk = sources[start : start + VECTOR_QUERY_SLICE]
        stored = {
            row.source_id: row
            for row in db.session.execute(
                sa.select(
                    CommentVector.source_id, CommentVector.text_hash, CommentVector.vector
                ).where(
                    CommentVector.kind == kind,
                    CommentVector.source_id.in_([source_id for source_id, _ in chunk]),
                )
            )
        }
        for row_number, (source_id, text) in enumerate(chunk, start=start):
            row = stored.get(source_id)
            if row is not None and row.text_hash == text_hash(text):
                matrix[row_number] = embedding.from_bytes(row.vector)
            else:
                missing.append((row_number, source_id, text, row is not None))
    if missing:
        computed = embedding.default_embedder().embed([text for _, _, text, _ in missing])
        for (row_number, source_id, text, known), vector in zip(missing, computed, strict=True):
            matrix[row_number] = vector
            _store_vector(kind, source_id, text_hash(text), embedding.to_bytes(vector), known)
        # Flushed, not committed: a commit would expire every object the caller holds.
        db.session.flush()
    return matrix


def _store_vector(kind: str, source_id: int, digest: str, vector: bytes, known: bool) -> None:
    """Keep a new vector, or replace the one of a text that has changed since."""
    if known:
        db.session.execute(
            sa.update(CommentVector)
            .where(CommentVector.kind == kind, CommentVector.source_id == source_id)
            .values(text_hash=digest, vector=vector)
        )
    else:
        db.session.add(
            CommentVector(kind=kind, source_id=source_id, text_hash=digest, vector=vector)
        )


def embed_submission(outbox_id: int) -> None:
    """The outbox task: embed the comments of one submission, then mark the message done."""
    message = db.session.get(OutboxMessage, outbox_id)
    if message is None or message.done_at is not None:
        return
    submission_id = message.payload["submission_id"]
    items = db.session.execute(
        sa.select(ParagraphFeedback.id, ParagraphFeedback.comment).where(
            ParagraphFeedback.submission_id == submission_id, ParagraphFeedback.comment != ""
        )
    ).all()
    vectors_for("item", [(item.id, item.comment) for item in items])
    answers = db.session.scalars(
        sa.select(Answer).where(Answer.submission_id == submission_id)
    ).all()
    vectors_for(
        "answer", [(a.id, a.value) for a in answers if isinstance(a.value, str) and a.value]
    )
    outbox.mark_done(message)  # commits the vectors too
