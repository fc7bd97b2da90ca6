"""How often one person's pages may autosave: a budget per person, counted where Flask-Limiter
keeps its counters (Redis in production), so that every web worker sees one count.

The count is taken directly, not through Flask-Limiter's decorator: on the busiest request of
a deadline rush the decorator's own work (finding the route's limits, scopes and exemptions)
cost more than the count itself.
"""

import functools
import math
import time

from limits import RateLimitItem, parse_many
from limits.strategies import FixedWindowRateLimiter

from app.extensions import limiter
from app.services.rate_counts import Counts

SCOPE = "autosave"
_counts = Counts(FixedWindowRateLimiter)


def seconds_to_wait(limit: str, person_id: int) -> int | None:
    """Count one autosave of the person against `limit` ("30 per minute", or several as
    "30 per minute; 500 per hour"): None while it is within the budget, else the whole
    seconds until the budget that ran out is renewed."""
    if not limiter.enabled:  # RATELIMIT_ENABLED=False: no budget at all
        return None
    items, key = _items(limit), str(person_id)
    renewed_at = _counts.run(lambda counter: _first_spent(counter, items, key))
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


@functools.lru_cache(maxsize=8)
def _items(limit: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(limit))
