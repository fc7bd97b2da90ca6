"""Counts kept where Flask-Limiter keeps its own (Redis in production), so that every web
worker sees one number, with each process's own memory standing in while the store is
unreachable: a count may then be low for a while, but nothing is refused because of it.
"""

import functools
import logging
import time
from collections.abc import Callable
from typing import TypeVar

from limits.storage import MemoryStorage, Storage
from limits.strategies import RateLimiter

from app.extensions import limiter

log = logging.getLogger(__name__)
# After the store failed, a process counts in its own memory for this long before it tries
# the store again: an outage costs one failed call per period, not one per request.
STORE_RETRY_AFTER_S = 5.0
Answer = TypeVar("Answer")


class Counts:
    """Counting with one `limits` strategy (fixed or moving window), in the shared store
    when it answers, else in this process's memory."""

    def __init__(self, strategy: type[RateLimiter]) -> None:
        self.strategy = strategy
        self.in_memory = strategy(MemoryStorage())
        self.store_down_until = 0.0

    def run(self, count: Callable[[RateLimiter], Answer]) -> Answer:
        """`count(counter)` on the shared store, or in memory while the store fails."""
        if time.monotonic() >= self.store_down_until:
            try:
                return count(_shared(self.strategy, limiter.storage))
            except Exception:  # noqa: BLE001 - an unreachable store must not refuse anyone
                self.store_down_until = time.monotonic() + STORE_RETRY_AFTER_S
                log.warning("rate limit storage unreachable: counting in this process")
        return count(self.in_memory)


@functools.cache
def _shared(strategy: type[RateLimiter], storage: Storage) -> RateLimiter:
    return strategy(storage)
