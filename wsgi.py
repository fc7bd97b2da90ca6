"""Entry point for gunicorn, `flask --app wsgi` and the Celery worker."""

import gc

from app import create_app

app = create_app()
celery_app = app.extensions["celery"]

# What start-up made (the app, its models, catalogues and libraries: some 200,000 objects)
# lives as long as the process: set it aside from the garbage collector, whose full passes
# would otherwise walk it again each time, holding every thread of the worker for ~70 ms.
gc.freeze()
