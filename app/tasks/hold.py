"""A test-only pause point: a task waits on a Redis key so a test can kill its worker there.

Enabled only when TASK_HOLD_KEY is set (the worker-kill integration test sets it through
AGORA_TASK_HOLD_KEY for the one worker it kills); production never sets it. The task writes
`<key>:reached` and then waits until `<key>:release` exists, so the test acts at a known
point instead of racing a timer.
"""

import time

from flask import current_app

HOLD_LIMIT_SECONDS = 120  # never longer than this, whatever the test does


def hold_here(where: str) -> None:
    """Wait at `where` while the test's hold key is set and not released; no-op otherwise."""
    key = current_app.config.get("TASK_HOLD_KEY")
    url = current_app.config.get("REDIS_URL")
    if not key or not url:
        return
    import redis

    client = redis.Redis.from_url(url)
    client.rpush(f"{key}:reached", where)
    deadline = time.monotonic() + HOLD_LIMIT_SECONDS
    while time.monotonic() < deadline and not client.exists(f"{key}:release"):
        time.sleep(0.05)
