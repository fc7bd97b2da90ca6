"""Celery bound to the Flask app, as in Flask's own Celery example."""

import importlib
import os

from celery import Celery, Task
from flask import Flask


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app whose tasks each run inside a Flask app context."""

    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    config = app.config["CELERY"]
    # The server-less broker keeps its messages in a folder that must exist before use.
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        folder = config.get("broker_transport_options", {}).get(key)
        if folder:
            os.makedirs(folder, exist_ok=True)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(config)
    celery_app.set_default()
    app.extensions["celery"] = celery_app

    # Registers the shared tasks with this Celery app, and fulfils the services' queue port.
    importlib.import_module("app.tasks")
    from app.services import queue
    from app.tasks.queue import CeleryQueue

    queue.register(app, CeleryQueue(celery_app))

    return celery_app
