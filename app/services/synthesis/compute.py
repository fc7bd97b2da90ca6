"""What a synthesis computes: each section's paragraphs, then the merge of the whole."""

import hashlib

import numpy as np
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Answer,
    CommentVector,
    ParagraphFeedback,
    Section,
    Submission,
    Synthesis,
    SynthesisPart,
)
from app.services.synthesis import amendments, embedding, quotes, runs, stances
from app.services.synthesis.merge import merge_result

QUOTES_PER_PARAGRAPH = 3
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
    from app.models import OutboxMessage
    from app.services import outbox

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


def section_items(synthesis: Synthesis, numbers: list[str]):
    """The feedback of the synthesis' submissions on these paragraph numbers (any version)."""
    from app.models import Organisation, Paragraph

    return db.session.execute(
        sa.select(ParagraphFeedback, Paragraph.number, Organisation.name)
        .join(Paragraph, ParagraphFeedback.paragraph_id == Paragraph.id)
        .join(Submission, ParagraphFeedback.submission_id == Submission.id)
        .join(Organisation, Submission.organisation_id == Organisation.id)
        .where(
            Submission.id.in_(synthesis.watermark.get("submission_ids", [])),
            Paragraph.number.in_(numbers),
        )
        .order_by(ParagraphFeedback.id)
    ).all()


def run_section(synthesis_id: int, section_id: int) -> None:
    """Compute and keep one section's part of the synthesis (nothing if already kept)."""
    if runs.part_done(synthesis_id, section_id):
        return
    synthesis = runs.beat(synthesis_id)
    if synthesis is None:
        return
    section = db.session.get(Section, section_id)
    rows = section_items(synthesis, [p.number for p in section.paragraphs])
    commented = [(item.id, item.comment) for item, _, _ in rows if item.comment]
    vectors = vectors_for("item", commented)
    by_number: dict[str, list] = {}
    for item, number, organisation in rows:
        by_number.setdefault(number, []).append((item, organisation))
    original_language = synthesis.consultation.original_language
    paragraphs = [
        paragraph_result(p, by_number.get(p.number, []), vectors, original_language)
        for p in section.paragraphs
    ]
    runs.store_part(synthesis_id, section_id, {"paragraphs": paragraphs})


def paragraph_result(paragraph, items, vectors: dict, original_language: str) -> dict:
    """Stance counts and their feedback, agreement, amendment groups and quotes of a paragraph."""
    counts = stances.stance_counts([item.stance for item, _ in items if item.stance])
    ids_by_stance: dict[str, list[int]] = {stance: [] for stance in stances.STANCES}
    for item, _ in items:
        if item.stance in ids_by_stance:
            ids_by_stance[item.stance].append(item.id)
    original = paragraph.text.get(original_language) or next(iter(paragraph.text.values()), "")
    groups = amendments.group_amendments(
        original, [(item.id, org, item.amendment) for item, org in items if item.amendment]
    )
    return {
        "id": paragraph.id,
        "number": paragraph.number,
        "section_id": paragraph.section_id,
        "text": dict(paragraph.text),
        "stance_counts": counts,
        "stance_feedback_ids": ids_by_stance,
        "agreement": stances.agreement(counts),
        "feedback_count": len(items),
        "amendment_groups": [
            {
                "key": group_key(group.feedback_ids),
                "feedback_ids": group.feedback_ids,
                "text": group.text,
                "diff": [list(piece) for piece in group.diff],
                "organisations": group.organisations,
            }
            for group in groups
        ],
        "quotes": paragraph_quotes(items, vectors),
    }


def group_key(feedback_ids: list[int]) -> str:
    """A stable name for a group of feedback, so decisions find their group again."""
    return hashlib.sha1(",".join(map(str, sorted(feedback_ids))).encode()).hexdigest()


def paragraph_quotes(items, vectors: dict) -> list[dict]:
    commented = [(item, org) for item, org in items if item.comment and item.id in vectors]
    if not commented:
        return []
    matrix = np.stack([vectors[item.id] for item, _ in commented])
    chosen = quotes.representative(list(range(len(commented))), matrix, n=QUOTES_PER_PARAGRAPH)
    return [
        {
            "feedback_id": commented[i][0].id,
            "text": commented[i][0].comment,
            "organisation": commented[i][1],
            "language": commented[i][0].language,
        }
        for i in chosen
    ]


def run_merge(synthesis_id: int) -> None:
    """Merge the parts into the result, once all sections are done."""
    synthesis = runs.beat(synthesis_id, progress=90)
    if synthesis is None:
        return
    sections = synthesis.consultation.current_version.sections
    parts = {
        p.section_id: p.result
        for p in db.session.scalars(
            sa.select(SynthesisPart).where(SynthesisPart.synthesis_id == synthesis_id)
        )
    }
    missing = [s.id for s in sections if s.id not in parts]
    if missing:
        raise RuntimeError(f"sections {missing} are not done yet")
    paragraphs = [p for s in sections for p in parts[s.id]["paragraphs"]]
    runs.finish(synthesis_id, merge_result(synthesis, paragraphs))
