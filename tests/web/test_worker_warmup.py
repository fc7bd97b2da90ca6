"""A worker that encodes reads the encoder's weights before its pool forks, others do not."""

from types import SimpleNamespace

import pytest

from app.tasks import warmup


class CountingEncoder:
    def __init__(self):
        self.warmed = 0

    def warm_up(self):
        self.warmed += 1


def worker_on(*queues):
    """What the worker_init signal sends: the worker, whose app consumes these queues."""
    queues_ = SimpleNamespace(consume_from={name: object() for name in queues})
    return SimpleNamespace(app=SimpleNamespace(amqp=SimpleNamespace(queues=queues_)))


@pytest.mark.parametrize(
    ("queues", "warmed"),
    [
        (("vectors",), 1),
        (("sections",), 1),
        (("vectors", "sections"), 1),
        (("mail", "default", "heavy", "vectors", "sections", "merge"), 1),  # no -Q: all
        (("mail", "default"), 0),
        (("merge", "heavy"), 0),
    ],
)
def test_the_encoder_is_loaded_before_forking_only_where_texts_are_encoded(
    monkeypatch, queues, warmed
):
    encoder = CountingEncoder()
    monkeypatch.setattr(warmup.embedding, "default_embedder", lambda: encoder)
    warmup.load_the_encoder_before_forking(worker_on(*queues))
    assert encoder.warmed == warmed


def test_the_handler_is_connected_to_the_worker_init_signal():
    from celery import signals

    receivers = [ref() for _, ref in signals.worker_init.receivers]
    assert warmup.load_the_encoder_before_forking in receivers
