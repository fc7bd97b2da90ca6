"""Celery bound to the Flask app, as in Flask's own Celery example."""

import importlib
import os

from celery import Celery
from flask import Flask
from kombu import Exchange, Queue

from app.tasks.base import FlaskTask

# Emails wait for nothing else; a 100,000-item synthesis or export waits only for its kind.
# A synthesis's three kinds of work have a queue each, so each can have its own machines:
# vector batches (many, small, CPU), the chord's parts (each section, and the whole
# consultation's themes and questions: the themes hold the memory) and the merge (one,
# short: it assembles the parts).
QUEUES = ("mail", "default", "heavy", "vectors", "sections", "merge")
ROUTES = {
    "app.tasks.synthesis.embed_batch": "vectors",
    "app.tasks.synthesis.embed_submission": "vectors",
    "app.tasks.synthesis.refresh_vectors": "vectors",
    "app.tasks.synthesis.synthesize_section": "sections",
    "app.tasks.synthesis.synthesize_part": "sections",
    "app.tasks.synthesis.merge_synthesis": "merge",
    "app.tasks.exports.run_export": "heavy",
}
ROUTING = {
    "task_default_queue": "default",
    # Declared, so a worker started without -Q (`make run`, the tests) consumes them all.
    "task_queues": [Queue(name, Exchange(name), routing_key=name) for name in QUEUES],
    "task_routes": {
        "app.tasks.mail.*": {"queue": "mail"},
        **{name: {"queue": queue} for name, queue in ROUTES.items()},
    },
}


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app whose tasks each run inside a Flask app context."""
    config = {**ROUTING, **app.config["CELERY"]}
    # The server-less broker keeps its messages in a folder that must exist before use.
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        folder = config.get("broker_transport_options", {}).get(key)
        if folder:
            os.makedirs(folder, exist_ok=True)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.flask_app = app
    celery_app.config_from_object(config)
    celery_app.set_default()
    app.extensions["celery"] = celery_app

    # Registers the shared tasks with this Celery app, and fulfils the services' queue port.
    importlib.import_module("app.tasks")
    from app.services import queue
    from app.tasks.queue import CeleryQueue

    queue.register(app, CeleryQueue(celery_app))

    return celery_app
