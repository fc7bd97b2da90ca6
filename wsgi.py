"""Entry point for gunicorn, `flask --app wsgi` and the Celery worker."""

from app import create_app

app = create_app()
celery_app = app.extensions["celery"]
