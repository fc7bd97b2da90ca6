"""The one port through which services ask for background work, without importing a task.

`app.tasks.queue.CeleryQueue` fulfils it when the app is created, the way Warehouse
registers its services at the edge: the rules name the work to do and never import Celery,
so they stay testable without a broker, and no import runs from a service up to a task.
"""

from typing import Protocol

from flask import Flask, current_app

EXTENSION = "task_queue"


class TaskQueue(Protocol):
    """What a background transport offers the services."""

    def publish(self, task: str, *args: object) -> None:
        """Send one named task; raise when the broker cannot take it."""

    def enqueue_synthesis(self, synthesis_id: int, parts: list[str]) -> None:
        """Send a synthesis's missing parts (named as `synthesis.runs.part_names` names
        them), then its merge; raise when the broker is down."""


def register(app: Flask, queue: TaskQueue) -> None:
    """Bind the transport that fulfils the port for this app."""
    app.extensions[EXTENSION] = queue


def publish(task: str, *args: object) -> None:
    """Send one named task through the registered transport."""
    current_app.extensions[EXTENSION].publish(task, *args)


def enqueue_synthesis(synthesis_id: int, parts: list[str]) -> None:
    """Send a synthesis's part tasks and its merge through the registered transport."""
    current_app.extensions[EXTENSION].enqueue_synthesis(synthesis_id, parts)
