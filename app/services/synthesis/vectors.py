"""Sentence vectors of comments and answers, computed once per text and encoder, and kept.

Each stored vector names the encoder (and its version) that made it: one made by another
encoder is never mixed with new ones; the synthesis computes it again, and so does a
background task ahead of it (`refresh_stale`). Vectors whose text is gone are purged.
"""

import time

import numpy as np
import sqlalchemy as sa

from app.extensions import db
from app.models import Answer, CommentVector, OutboxMessage, ParagraphFeedback
from app.services.mail import outbox
from app.services.synthesis import embedding, sentence_vectors
from app.services.synthesis.sql_lists import among, binary_rows, upsert

VECTOR_QUERY_SLICE = 10_000
# Vectors recomputed per transaction by the background refresh.
REFRESH_BATCH = 500
SOURCES = {"item": (ParagraphFeedback, ParagraphFeedback.comment), "answer": (Answer, Answer.value)}


current_encoder = sentence_vectors.current_encoder
text_hash = sentence_vectors.text_hash


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
    encoder = current_encoder()
    missing: list[tuple[int, int, str]] = []
    # In slices: PostgreSQL takes at most 65,535 parameters in one statement.
    for start in range(0, len(sources), VECTOR_QUERY_SLICE):
        chunk = sources[start : start + VECTOR_QUERY_SLICE]
        stored = {
            source_id: (digest, vector)
            for source_id, digest, vector in binary_rows(
                sa.select(
                    CommentVector.source_id, CommentVector.text_hash, CommentVector.vector
                ).where(
                    CommentVector.kind == kind,
                    CommentVector.encoder == encoder,
                    among(CommentVector.source_id, [source_id for source_id, _ in chunk]),
                )
            )
        }
        found, blobs = [], []
        for row_number, (source_id, text) in enumerate(chunk, start=start):
            digest, vector = stored.get(source_id, ("", b""))
            if digest == text_hash(text):
                found.append(row_number)
                blobs.append(vector)
            else:
                missing.append((row_number, source_id, text))
        if blobs:
            matrix[found] = embedding.rows_from_bytes(blobs)
    if missing:
        computed = _compute_missing(kind, [(sid, text) for _, sid, text in missing], encoder)
        matrix[[row_number for row_number, _, _ in missing]] = computed
        # Flushed, not committed: a commit would expire every object the caller holds.
        db.session.flush()
    return matrix


def ensure(
    kind: str, sources: list[tuple[int, str]], computed: dict[str, np.ndarray] | None = None
) -> int:
    """Give each text a current stored vector (the caller commits); how many were missing.

    Reads only the stored hashes, not the vectors: a background batch that finds its texts
    already done (a twin delivery, a synthesis that took them over) costs one query.
    `computed` holds vectors the current encoder already gave some texts (by text).
    """
    encoder = current_encoder()
    missing = []
    for start in range(0, len(sources), VECTOR_QUERY_SLICE):
        chunk = sources[start : start + VECTOR_QUERY_SLICE]
        current = {
            (row.source_id, row.text_hash)
            for row in db.session.execute(
                sa.select(CommentVector.source_id, CommentVector.text_hash).where(
                    CommentVector.kind == kind,
                    CommentVector.encoder == encoder,
                    among(CommentVector.source_id, [source_id for source_id, _ in chunk]),
                )
            )
        }
        missing += [(sid, text) for sid, text in chunk if (sid, text_hash(text)) not in current]
    if missing:
        _compute_missing(kind, missing, encoder, computed)
    return len(missing)


def _compute_missing(
    kind: str,
    missing: list[tuple[int, str]],
    encoder: str,
    computed: dict[str, np.ndarray] | None = None,
) -> np.ndarray:
    """Vectors for texts without a current one, kept; an (n, d) matrix in their order.

    Identical texts are encoded once: within these, and against every vector the same
    encoder already made for the same text (a campaign's copies, a resubmitted comment).
    """
    digests = [text_hash(text) for _, text in missing]
    distinct: dict[str, str] = {}
    for (_, text), digest in zip(missing, digests, strict=True):
        distinct.setdefault(digest, text)
    known = _stored_by_hash(list(distinct), encoder)
    for digest, text in distinct.items():
        if digest not in known and computed and text in computed:
            known[digest] = embedding.to_bytes(computed[text])
    new = [digest for digest in distinct if digest not in known]
    for start in range(0, len(new), embedding.BATCH):
        part = new[start : start + embedding.BATCH]
        computed = embedding.default_embedder().embed([distinct[digest] for digest in part])
        known.update(zip(part, map(embedding.to_bytes, computed), strict=True))
    _upsert(
        [
            {"kind": kind, "source_id": source_id, "text_hash": digest}
            | {"vector": known[digest], "encoder": encoder}
            for (source_id, _), digest in zip(missing, digests, strict=True)
        ]
    )
    return embedding.stack([known[digest] for digest in digests])


def _stored_by_hash(digests: list[str], encoder: str) -> dict[str, bytes]:
    """Vectors this encoder already made, by the hash of their text."""
    found: dict[str, bytes] = {}
    for start in range(0, len(digests), VECTOR_QUERY_SLICE):
        rows = db.session.execute(
            sa.select(CommentVector.text_hash, CommentVector.vector).where(
                CommentVector.encoder == encoder,
                among(CommentVector.text_hash, digests[start : start + VECTOR_QUERY_SLICE]),
            )
        )
        found.update((digest, vector) for digest, vector in rows)
    return found


def _upsert(rows: list[dict]) -> None:
    """Keep vectors, replacing any a text change, another encoder or a twin run left (the
    later of a synthesis and a background batch storing the same text's vector wins; both
    are the same vector)."""
    upsert(CommentVector, rows, ["kind", "source_id"], ("text_hash", "vector", "encoder"))


def embed_submission(outbox_id: int) -> None:
    """The outbox task of earlier releases: embed one submission's texts, mark the message done."""
    message = db.session.get(OutboxMessage, outbox_id)
    if message is None or message.done_at is not None:
        return
    submission_id = message.payload["submission_id"]
    items = db.session.execute(
        sa.select(ParagraphFeedback.id, ParagraphFeedback.comment).where(
            ParagraphFeedback.submission_id == submission_id, ParagraphFeedback.comment != ""
        )
    ).all()
    ensure("item", [(item.id, item.comment) for item in items])
    # Themes are found from sentences: theirs are kept now too.
    sentence_vectors.embed_comment_sentences([item.comment for item in items])
    answers = db.session.scalars(
        sa.select(Answer).where(Answer.submission_id == submission_id)
    ).all()
    ensure("answer", [(a.id, a.value) for a in answers if isinstance(a.value, str) and a.value])
    outbox.mark_done(message)  # commits the vectors too


def status() -> dict[str, int | str]:
    """How many stored vectors the current encoder made, and how many wait to be recomputed."""
    encoder = current_encoder()
    # Grouped by the column itself: PostgreSQL refuses a GROUP BY on `encoder = $1` whose
    # parameter is bound apart from the same expression in the SELECT.
    counts = db.session.execute(
        sa.select(CommentVector.encoder, sa.func.count(CommentVector.id)).group_by(
            CommentVector.encoder
        )
    ).all()
    current = sum(count for name, count in counts if name == encoder)
    stale = sum(count for name, count in counts if name != encoder)
    return {"encoder": encoder, "current": current, "stale": stale, "total": current + stale}


def refresh_stale(
    budget_seconds: float | None = None, batch: int = REFRESH_BATCH, max_batches: int | None = None
) -> int:
    """Recompute vectors made by another encoder, a batch per commit, until none is left.

    Stops after the batch that crosses `budget_seconds` (or after `max_batches`), so a beat
    task ends well within its time limit and the next run goes on. Returns how many were
    recomputed (vectors whose text is gone are deleted, not counted).
    """
    encoder = current_encoder()
    started, done, batches = time.monotonic(), 0, 0
    while True:
        rows = db.session.execute(
            sa.select(CommentVector.id, CommentVector.kind, CommentVector.source_id)
            .where(CommentVector.encoder != encoder)
            .order_by(CommentVector.id)
            .limit(batch)
        ).all()
        if not rows:
            break
        done += _refresh_batch(rows, encoder)
        db.session.commit()
        batches += 1
        if max_batches is not None and batches >= max_batches:
            break
        if budget_seconds is not None and time.monotonic() - started >= budget_seconds:
            break
    return done


def _refresh_batch(rows: list, encoder: str) -> int:
    """Recompute one batch; a vector whose text is gone or empty is deleted instead."""
    texts: dict[int, tuple[str, int, str]] = {}
    for kind, (model, column) in SOURCES.items():
        ids = [row.source_id for row in rows if row.kind == kind]
        if ids:
            found = db.session.execute(sa.select(model.id, column).where(model.id.in_(ids)))
            by_source = {source_id: text for source_id, text in found}
            for row in rows:
                text = by_source.get(row.source_id) if row.kind == kind else None
                if isinstance(text, str) and text:
                    texts[row.id] = (kind, row.source_id, text)
    gone = [row.id for row in rows if row.id not in texts]
    if gone:
        db.session.execute(sa.delete(CommentVector).where(CommentVector.id.in_(gone)))
    if texts:
        computed = embedding.default_embedder().embed([text for _, _, text in texts.values()])
        for (vector_id, (_, _, text)), vector in zip(texts.items(), computed, strict=True):
            db.session.execute(
                sa.update(CommentVector)
                .where(CommentVector.id == vector_id)
                .values(
                    text_hash=text_hash(text), vector=embedding.to_bytes(vector), encoder=encoder
                )
            )
    return len(texts)


def purge_orphans() -> int:
    """Delete the vectors whose feedback item or answer no longer exists; the number deleted."""
    deleted = 0
    for kind, (model, _) in SOURCES.items():
        orphans = ~sa.exists().where(model.id == CommentVector.source_id)
        deleted += db.session.execute(
            sa.delete(CommentVector)
            .where(CommentVector.kind == kind, orphans)
            .execution_options(synchronize_session=False)
        ).rowcount
    db.session.commit()
    return deleted
