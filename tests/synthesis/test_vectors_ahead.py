"""Vectors computed ahead: new feedback becomes background batches, a synthesis waits for them."""

from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa
from babel.numbers import format_decimal

from app.models import CommentVector, OutboxMessage, Synthesis
from app.models.common import utcnow
from app.services import queue
from app.services.feedback.file_import import import_feedback
from app.services.mail import outbox
from app.services.synthesis import runs, vector_jobs
from tests.factories import COMMENTS, answered_consultation
from tests.feedback.test_feedback_import import csv_file
from tests.helpers import make_consultation
from tests.synthesis.test_vectors_encoder import VersionedEmbedder, encoder  # noqa: F401 - fixture

EMBED = vector_jobs.EMBED_TASK


class HeldBroker:
    """Keeps what services publish until `deliver` hands it to a worker (eager here)."""

    def __init__(self, port, monkeypatch) -> None:
        self.port, self.publish, self.held = port, port.publish, []
        self.syntheses_sent: list[int] = []
        send = port.enqueue_synthesis
        monkeypatch.setattr(port, "publish", lambda task, *args: self.held.append((task, args)))

        def enqueue(synthesis_id: int, sections: list[int]) -> None:
            self.syntheses_sent.append(synthesis_id)
            send(synthesis_id, sections)

        monkeypatch.setattr(port, "enqueue_synthesis", enqueue)

    def deliver(self, task: str = EMBED, count: int | None = None) -> int:
        """Run up to `count` held messages of this task, oldest first; how many ran."""
        mine = [message for message in self.held if message[0] == task][:count]
        for message in mine:
            self.held.remove(message)
            self.publish(*message[:1], *message[1])
        return len(mine)


@pytest.fixture
def held(app, monkeypatch):
    return HeldBroker(app.extensions[queue.EXTENSION], monkeypatch)


@pytest.fixture
def fake(encoder):  # noqa: F811 - the fixture imported above
    return encoder(1)


def vector_count(db) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count(CommentVector.id)))


def test_submitting_queues_the_texts_and_identical_ones_are_encoded_once(db, held, fake):
    consultation = answered_consultation(db, make_consultation())
    messages = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.task == EMBED)).all()
    assert len(messages) == 6  # one batch per submission, in the submit's transaction
    assert all(m.payload["consultation_id"] == consultation.id for m in messages)
    assert vector_count(db) == 0 and vector_jobs.progress(consultation.id) == (0, 8)

    assert held.deliver() == 6
    # Eight comments, and "No." twice: seven texts encoded, each once.
    assert sorted(fake.texts) == sorted([*COMMENTS, "No."])
    assert vector_count(db) == 8 and vector_jobs.progress(consultation.id) == (8, 8)
    assert all_batches_done(db)


def test_a_synthesis_requested_meanwhile_waits_then_encodes_nothing_again(db, users, held, fake):
    consultation = answered_consultation(db, make_consultation())
    synthesis = runs.request_synthesis(users["staff"], consultation)
    assert held.syntheses_sent == [] and synthesis.status == "queued"
    held.deliver(count=5)
    assert held.syntheses_sent == []  # one batch is still to come
    runs.sweep(now=utcnow() + timedelta(hours=1))  # the sweeper does not send it either
    assert held.syntheses_sent == []

    held.deliver()  # the last batch sends the synthesis on
    assert held.syntheses_sent == [synthesis.id]
    db.session.expire_all()
    done = db.session.get(Synthesis, synthesis.id)
    assert done.status == "done", done.error
    assert done.result["participation"]["submissions"] == 6
    encoded = Counter(fake.texts)
    assert all(encoded[text] == 1 for text in [*COMMENTS, "No."]), encoded


def test_a_synthesis_that_waited_long_enough_takes_the_missing_vectors_over(
    app, db, users, held, fake
):
    app.config["SYNTHESIS_VECTOR_WAIT_SECONDS"] = 0
    consultation = answered_consultation(db, make_consultation())
    synthesis = runs.request_synthesis(users["staff"], consultation)
    assert held.syntheses_sent == [synthesis.id]
    db.session.expire_all()
    assert db.session.get(Synthesis, synthesis.id).status == "done"
    assert vector_count(db) == 8
    before = len(fake.texts)
    held.deliver()  # the batches arrive late: they find their texts done
    assert len(fake.texts) == before
    assert all_batches_done(db)


def test_a_lost_batch_is_published_again_and_done(db, held, fake):
    consultation = answered_consultation(db, make_consultation())
    lost = [message for message in held.held if message[0] == EMBED][0]
    held.held.remove(lost)  # its worker was killed: the broker lost it
    held.deliver()
    assert vector_jobs.progress(consultation.id) < (8, 8)
    assert outbox.relay_pending(now=utcnow() + timedelta(minutes=3)) >= 1
    held.deliver()
    assert vector_jobs.progress(consultation.id) == (8, 8)


def test_an_import_is_encoded_in_batches_and_the_page_counts_them(
    client, auth, db, users, held, fake
):
    consultation = make_consultation()
    rows = [
        {
            "organisation": f"Network {n:03d}",
            "organisation_kind": "ngo",
            "region": "europe",
            "language": "en",
            "paragraph": paragraph,
            "stance": "support",
            "comment": f"Network {n} asks for culture in paragraph {paragraph}.",
        }
        for n in range(400)
        for paragraph in ("1", "2", "3")
    ]
    import_feedback(users["staff"], consultation, "letters.csv", csv_file(rows))
    assert len([message for message in held.held if message[0] == EMBED]) == 2  # 1,000 + 200
    auth.login("staff@example.org")
    url = f"/staff/consultations/{consultation.slug}/syntheses"
    assert "Sentence vectors are ready for 0 of 1,200 comments." in page(client, url, "en")

    held.deliver(count=1)
    assert "Sentence vectors are ready for 1,000 of 1,200 comments." in page(client, url, "en")
    users["staff"].locale = "fr"
    db.session.commit()
    french = page(client, url, "fr")
    thousand, total = format_decimal(1000, locale="fr"), format_decimal(1200, locale="fr")
    assert f"Les vecteurs de phrases sont prêts pour {thousand} des {total} commentaires" in french

    held.deliver()
    assert "Les vecteurs de phrases" not in page(client, url, "fr")


def all_batches_done(db) -> bool:
    db.session.expire_all()
    batches = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.task == EMBED))
    return all(m.done_at is not None for m in batches)


def page(client, url: str, language: str) -> str:
    response = client.get(url, headers={"Accept-Language": language})
    assert response.status_code == 200
    return response.get_data(as_text=True)
