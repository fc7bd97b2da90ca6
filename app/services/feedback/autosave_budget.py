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

from limits import RateLimitItem, parse
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
    """Count one autosave of the person against `limit` ("30 per minute"): None while it is
    within the budget, else the whole seconds until the budget is renewed."""
    item, key = _item(limit), str(person_id)
    counter = _counter()
    try:
        if counter.hit(item, SCOPE, key):
            return None
        renewed_at = counter.get_window_stats(item, SCOPE, key).reset_time
    except Exception:  # noqa: BLE001 - the store is unreachable: never refuse a save for it
        _note_store_down()
        if _in_memory.hit(item, SCOPE, key):
            return None
        renewed_at = _in_memory.get_window_stats(item, SCOPE, key).reset_time
    return max(1, math.ceil(renewed_at - time.time()))


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
def _item(limit: str) -> RateLimitItem:
    return parse(limit)
