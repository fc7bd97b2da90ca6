"""What a worker prepares before its pool of processes starts."""

from celery import signals

from app.services.synthesis import embedding

# Queues whose tasks encode texts: vector batches, and a synthesis's themes part (label
# phrases, the sentences it trims).
ENCODING_QUEUES = {"vectors", "sections"}


@signals.worker_init.connect
def load_the_encoder_before_forking(sender, **_) -> None:
    """A worker that takes encoding work reads the encoder's weights once, in its main
    process, before the pool forks: every process then shares them, instead of each reading
    them on its first task (0.6-0.85 s of a synthesis's longest part, and 480 MiB each)."""
    consumed = set(sender.app.amqp.queues.consume_from)
    if consumed & ENCODING_QUEUES:
        embedding.default_embedder().warm_up()
