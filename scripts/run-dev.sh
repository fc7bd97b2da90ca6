#!/usr/bin/env bash
# Serve the site with a Celery worker (and its beat scheduler) beside it; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p instance

.venv/bin/celery -A wsgi.celery_app worker --beat --concurrency 2 --loglevel INFO \
    --schedule instance/celerybeat-schedule >instance/worker.log 2>&1 &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT
echo "Celery worker started (log: instance/worker.log)"

.venv/bin/flask --app wsgi run --host 127.0.0.1 --port "${PORT:-5000}"
