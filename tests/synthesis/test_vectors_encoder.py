"""Stored sentence vectors name their encoder: another encoder's are recomputed, orphans purged."""

import hashlib

import numpy as np
import pytest
import sqlalchemy as sa

from app.models import CommentVector, ParagraphFeedback
from app.services.feedback import saving as feedback
from app.services.feedback.saving import ParagraphInput
from app.services.synthesis import embedding, vectors
from app.tasks.synthesis import purge_orphan_vectors, refresh_vectors
from tests.conftest import invite_organisations
from tests.helpers import make_consultation


class VersionedEmbedder:
    """A deterministic encoder whose vectors differ from one version to the next."""

    def __init__(self, version: int) -> None:
        self.name = f"fake-encoder/{version}"
        self.version = version
        self.texts: list[str] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.texts += texts
        rows = []
        for text in texts:
            seed = int(hashlib.sha256(f"{self.version}:{text}".encode()).hexdigest()[:8], 16)
            rows.append(np.random.default_rng(seed).standard_normal(embedding.DIMENSIONS))
        return embedding.normalise(np.array(rows))


@pytest.fixture
def encoder(monkeypatch):
    """`encoder(version)` makes that version the project's encoder and returns it."""

    def use(version: int) -> VersionedEmbedder:
        embedder = VersionedEmbedder(version)
        monkeypatch.setattr(embedding, "default_embedder", lambda: embedder)
        return embedder

    return use


@pytest.fixture
def comments(db, users, organisation):
    """Two commented paragraphs of one partner, as (feedback id, comment) pairs."""
    consultation = make_consultation()
    invite_organisations(db, consultation, organisation)
    first, second = consultation.current_version.paragraphs[:2]
    feedback.save_paragraphs(
        users["partner"],
        consultation,
        [
            ParagraphInput(first.id, "support", "Culture is the fourth pillar.", ""),
            ParagraphInput(second.id, "oppose", "Funding must come first.", ""),
        ],
        0,
    )
    items = db.session.scalars(sa.select(ParagraphFeedback).order_by(ParagraphFeedback.id)).all()
    return [(item.id, item.comment) for item in items]


def stored(db) -> dict[int, CommentVector]:
    db.session.expire_all()
    return {v.source_id: v for v in db.session.scalars(sa.select(CommentVector))}


def test_a_new_encoder_never_reads_the_old_ones_vectors(db, comments, encoder):
    old = encoder(1)
    before = vectors.vectors_for("item", comments)
    db.session.commit()
    assert {v.encoder for v in stored(db).values()} == {"fake-encoder/1"}

    new = encoder(2)
    after = vectors.vectors_for("item", comments)
    db.session.commit()
    assert new.texts == [text for _, text in comments]  # both computed again, none reused
    assert not np.allclose(before[comments[0][0]], after[comments[0][0]])
    assert {v.encoder for v in stored(db).values()} == {"fake-encoder/2"}
    assert old.texts == [text for _, text in comments]


def test_the_background_refresh_recomputes_another_encoders_vectors_and_shows_progress(
    db, comments, encoder, runner
):
    encoder(1)
    vectors.vectors_for("item", comments)
    db.session.commit()
    new = encoder(2)
    assert vectors.status() == {"encoder": "fake-encoder/2", "current": 0, "stale": 2, "total": 2}
    assert (
        "0 of 2 stored vectors made by it; 2 to recompute"
        in runner.invoke(args=["vectors", "status"]).output
    )

    assert vectors.refresh_stale(batch=1, max_batches=1) == 1  # one batch at a time
    assert vectors.status()["stale"] == 1
    assert refresh_vectors.apply().get() == 1  # the beat task finishes the rest
    assert vectors.status() == {"encoder": "fake-encoder/2", "current": 2, "stale": 0, "total": 2}
    assert sorted(new.texts) == sorted(text for _, text in comments)

    new.texts.clear()
    vectors.vectors_for("item", comments)
    assert new.texts == []  # the synthesis now finds them ready


def test_vectors_whose_feedback_is_gone_are_purged(db, comments, encoder):
    encoder(1)
    vectors.vectors_for("item", comments)
    vectors.vectors_for("answer", [(987_654, "An answer that was deleted.")])
    db.session.commit()
    gone_id = comments[0][0]
    db.session.execute(sa.delete(ParagraphFeedback).where(ParagraphFeedback.id == gone_id))
    db.session.commit()
    assert purge_orphan_vectors.apply().get() == 2
    assert set(stored(db)) == {comments[1][0]}


def test_staff_see_how_many_vectors_wait_on_the_syntheses_page(client, auth, db, comments, encoder):
    encoder(1)
    vectors.vectors_for("item", comments)
    db.session.commit()
    auth.login("staff@example.org")
    page = client.get("/staff/consultations/culture-2026/syntheses").get_data(as_text=True)
    assert "being recomputed" not in page
    encoder(2)
    page = client.get("/staff/consultations/culture-2026/syntheses").get_data(as_text=True)
    assert "2 of 2 stored sentence vectors are being recomputed in the background" in page
