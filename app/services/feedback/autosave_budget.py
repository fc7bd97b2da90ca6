"""How often one person's pages may autosave: a budget per person, counted where Flask-Limiter
keeps its counters (Redis in production), so that every web worker sees one count.

The count is taken directly, not through Flask-Limiter's decorator: on the busiest request of
a deadline rush the decorator's own work (finding the route's limits, scopes and exemptions)
cost more than the count itself.
"""

import functools
import logging
import math
import time

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter

from app.extensions import limiter

log = logging.getLogger(__name__)
SCOPE = "autosave"
# After the shared store failed, this process counts in its own memory for this long before
# it tries the store again: an outage costs one failed call per period, not one per autosave.
STORE_RETRY_AFTER_S = 5.0
_in_memory = FixedWindowRateLimiter(MemoryStorage())
_store_down_until = 0.0


def seconds_to_wait(limit: str, person_id: int) -> int | None:
    """Count one autosave of the person against `limit` ("30 per minute", or several as
    "30 per minute; 500 per hour"): None while it is within the budget, else the whole
    seconds until the budget that ran out is renewed."""
    if not limiter.enabled:  # RATELIMIT_ENABLED=False: no budget at all
        return None
    items, key = _items(limit), str(person_id)
    try:
        renewed_at = _first_spent(_counter(), items, key)
    except Exception:  # noqa: BLE001 - the store is unreachable: never refuse a save for it
        _note_store_down()
        renewed_at = _first_spent(_in_memory, items, key)
    if renewed_at is None:
        return None
    return max(1, math.ceil(renewed_at - time.time()))


def _first_spent(counter: FixedWindowRateLimiter, items: tuple[RateLimitItem, ...], key: str):
    """Count the autosave against each budget in turn; the renewal time of the first one it
    exceeds (the later ones are not counted, as Flask-Limiter does), or None."""
    for item in items:
        if not counter.hit(item, SCOPE, key):
            return counter.get_window_stats(item, SCOPE, key).reset_time
    return None


def _counter() -> FixedWindowRateLimiter:
    if time.monotonic() < _store_down_until:
        return _in_memory
    return _shared_counter(limiter.storage)


@functools.cache
def _shared_counter(storage) -> FixedWindowRateLimiter:
    return FixedWindowRateLimiter(storage)


def _note_store_down() -> None:
    global _store_down_until  # noqa: PLW0603 - one flag per process, as the fallback itself
    _store_down_until = time.monotonic() + STORE_RETRY_AFTER_S
    log.warning("rate limit storage unreachable: counting autosaves in this process")


@functools.lru_cache(maxsize=8)
def _items(limit: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(limit))
