"""Counting failed attempts per account in the limiter's storage (Redis in production).

The counters live where Flask-Limiter keeps its own, so every web worker sees the same
numbers; a moving window means ten failures just before and just after a window boundary
still count as ten within fifteen minutes.
"""

import logging

from flask import current_app
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from app.extensions import limiter

log = logging.getLogger(__name__)
# While Redis is unreachable each web worker counts in its own memory, as Flask-Limiter does.
_fallback = MovingWindowRateLimiter(MemoryStorage())


def _limiter() -> MovingWindowRateLimiter:
    try:
        if limiter.storage.check():
            return MovingWindowRateLimiter(limiter.storage)
    except Exception:  # noqa: BLE001 - an unreachable store must not refuse every sign-in
        pass
    log.warning("rate limit storage unreachable: counting failures in this process")
    return _fallback


def _limit(setting: str):
    return parse(current_app.config[setting])


def is_blocked(setting: str, key: str) -> bool:
    """Whether `key` has used up the failures the limit named by `setting` allows."""
    return not _limiter().test(_limit(setting), "account", key)


def add_failure(setting: str, key: str) -> bool:
    """Count one failure for `key`; True when this one used up the allowance."""
    _limiter().hit(_limit(setting), "account", key)
    return is_blocked(setting, key)


def clear(setting: str, key: str) -> None:
    """Forget the failures of `key` (after a successful sign-in or a password reset)."""
    _limiter().clear(_limit(setting), "account", key)
