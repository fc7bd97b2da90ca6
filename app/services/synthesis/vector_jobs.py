"""Sentence vectors computed ahead of any synthesis, by background batches.

Feedback that arrives (a submission, an import, a submission sent again after changes)
becomes outbox messages in the same transaction, each naming at most `JOB_TEXTS` texts:
a broker outage loses none, and the broker spreads the batches over every worker that
listens on the vectors' queue. A batch encodes only what has no current vector (identical
texts once, see `vectors.ensure`), so a batch delivered twice, or killed and delivered
again, costs what is left. A synthesis requested while batches of its consultation are
pending waits for them (`runs.dispatch`), and the last batch to finish sends it on.
"""

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import (
    Answer,
    CommentVector,
    OutboxMessage,
    ParagraphFeedback,
    Question,
    Submission,
)
from app.models.common import utcnow
from app.services.mail import outbox
from app.services.synthesis import sentence_vectors, vectors

EMBED_TASK = "app.tasks.synthesis.embed_batch"
# Texts per batch: a few seconds of encoding and a few MB, so a batch ends well within its
# time limit, a killed one loses little, and 100,000 texts make 100 batches to share out.
JOB_TEXTS = 1_000
ID_SLICE = 10_000


def queue_for_submissions(consultation_id: int, submission_ids: list[int]) -> list[OutboxMessage]:
    """Messages, in the caller's transaction, for the texts of these submissions.

    The caller commits, then publishes them with `outbox.relay`.
    """
    items: list[int] = []
    answers: list[int] = []
    for start in range(0, len(submission_ids), ID_SLICE):
        chunk = submission_ids[start : start + ID_SLICE]
        items += db.session.scalars(
            sa.select(ParagraphFeedback.id)
            .where(ParagraphFeedback.submission_id.in_(chunk), ParagraphFeedback.comment != "")
            .order_by(ParagraphFeedback.id)
        ).all()
        answers += [
            answer_id
            for answer_id, value in db.session.execute(
                sa.select(Answer.id, Answer.value)
                .join(Question, Answer.question_id == Question.id)
                .where(Answer.submission_id.in_(chunk), Question.kind == "text")
                .order_by(Answer.id)
            )
            if isinstance(value, str) and value
        ]
    jobs = [("items", items[i : i + JOB_TEXTS]) for i in range(0, len(items), JOB_TEXTS)]
    jobs += [("answers", answers[i : i + JOB_TEXTS]) for i in range(0, len(answers), JOB_TEXTS)]
    return [
        outbox.enqueue(EMBED_TASK, consultation_id=consultation_id, **{k: ids}) for k, ids in jobs
    ]


def run_batch(outbox_id: int) -> int | None:
    """Encode the batch's texts that have no current vector; its consultation's id.

    None when there was nothing to do (gone, or done by an earlier delivery).
    """
    message = db.session.get(OutboxMessage, outbox_id)
    if message is None or message.done_at is not None:
        return None
    payload = dict(message.payload)
    # Texts are read now, not when queued: an edit made meanwhile is what gets encoded.
    for kind, model, column, key in (
        ("item", ParagraphFeedback, ParagraphFeedback.comment, "items"),
        ("answer", Answer, Answer.value, "answers"),
    ):
        ids = payload.get(key) or []
        if ids:
            rows = db.session.execute(sa.select(model.id, column).where(model.id.in_(ids)))
            texts = [(i, text) for i, text in rows if isinstance(text, str) and text]
            computed = {}
            if kind == "item":  # themes are found from sentences: theirs are kept now too,
                # from the comments' own pass, which then gives the comments' vectors
                computed = sentence_vectors.embed_comment_sentences([text for _, text in texts])
            vectors.ensure(kind, texts, computed)
    outbox.mark_done(message)  # commits the vectors too
    return payload.get("consultation_id")


def pending(consultation_id: int) -> int:
    """How many vector batches of this consultation are still to run (failed ones aside)."""
    return db.session.scalar(
        sa.select(sa.func.count(OutboxMessage.id)).where(
            OutboxMessage.task == EMBED_TASK,
            OutboxMessage.done_at.is_(None),
            OutboxMessage.failed_at.is_(None),
            OutboxMessage.payload["consultation_id"].as_integer() == consultation_id,
        )
    )


def wait_over(requested_at: datetime, now: datetime | None = None) -> bool:
    """Whether a synthesis requested then has waited long enough for vector batches.

    Past this, it computes the missing vectors itself: batches held up by a broker
    outage or a lost worker must not hold a synthesis up with them.
    """
    limit = timedelta(seconds=current_app.config["SYNTHESIS_VECTOR_WAIT_SECONDS"])
    return (now or utcnow()) - requested_at >= limit


def progress(consultation_id: int) -> tuple[int, int]:
    """(comments with a current vector, comments) of the consultation's submitted feedback."""
    submitted = sa.select(Submission.id).where(
        Submission.consultation_id == consultation_id, Submission.status == "submitted"
    )
    comments = sa.select(ParagraphFeedback.id).where(
        ParagraphFeedback.submission_id.in_(submitted), ParagraphFeedback.comment != ""
    )
    total = db.session.scalar(sa.select(sa.func.count()).select_from(comments.subquery()))
    ready = db.session.scalar(
        sa.select(sa.func.count(CommentVector.id)).where(
            CommentVector.kind == "item",
            CommentVector.encoder == vectors.current_encoder(),
            CommentVector.source_id.in_(comments),
        )
    )
    return ready, total
