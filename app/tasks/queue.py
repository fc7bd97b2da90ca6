"""Celery's side of the services' queue port (`app.services.queue`)."""

from celery import Celery

from app.tasks.synthesis import build_chord


class CeleryQueue:
    """Publishes the work services ask for as Celery messages."""

    def __init__(self, celery: Celery) -> None:
        self.celery = celery

    def publish(self, task: str, *args: object) -> None:
        # No retry loop inside a request: a broker that is down leaves the outbox row
        # for the sweeper instead of making the user wait.
        self.celery.tasks[task].apply_async(args=list(args), retry=False)

    def enqueue_synthesis(self, synthesis_id: int, parts: list[str]) -> None:
        build_chord(synthesis_id, parts).apply_async()
