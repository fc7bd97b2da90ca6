#!/usr/bin/env bash
# Serve the site with a Celery worker (and its beat scheduler) beside it; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p instance

# One worker takes every queue here (mail, default, heavy, vectors, sections, merge);
# production runs one or more per queue (README, "Running it in production").
.venv/bin/celery -A wsgi.celery_app worker --beat --queues mail,default,heavy,vectors,sections,merge --concurrency 2 --loglevel INFO \
    --schedule instance/celerybeat-schedule >instance/worker.log 2>&1 &
worker=$!
stop_worker() {
    kill -TERM "$worker" 2>/dev/null || return 0
    # A warm shutdown finishes the task in hand; after 10 s the worker is stopped outright.
    for _ in $(seq 1 20); do
        kill -0 "$worker" 2>/dev/null || return 0
        sleep 0.5
    done
    pkill -KILL -P "$worker" 2>/dev/null || true
    kill -KILL "$worker" 2>/dev/null || true
}
trap stop_worker EXIT
# A signal would otherwise end this script without the EXIT trap, leaving the worker behind.
trap 'exit 143' TERM
trap 'exit 130' INT
echo "Celery worker started (log: instance/worker.log)"

.venv/bin/flask --app wsgi run --host 127.0.0.1 --port "${PORT:-5000}"
