"""Counting failed attempts per account in the limiter's storage (Redis in production).

The counters live where Flask-Limiter keeps its own, so every web worker sees the same
numbers; a moving window means ten failures just before and just after a window boundary
still count as ten within fifteen minutes.
"""

from flask import current_app
from limits import parse
from limits.strategies import MovingWindowRateLimiter

from app.services.rate_counts import Counts

_counts = Counts(MovingWindowRateLimiter)


def _limit(setting: str):
    return parse(current_app.config[setting])


def is_blocked(setting: str, key: str) -> bool:
    """Whether `key` has used up the failures the limit named by `setting` allows."""
    limit = _limit(setting)
    return _counts.run(lambda counter: not counter.test(limit, "account", key))


def add_failure(setting: str, key: str) -> bool:
    """Count one failure for `key`; True when this one used up the allowance."""
    limit = _limit(setting)
    _counts.run(lambda counter: counter.hit(limit, "account", key))
    return is_blocked(setting, key)


def clear(setting: str, key: str) -> None:
    """Forget the failures of `key` (after a successful sign-in or a password reset)."""
    limit = _limit(setting)
    _counts.run(lambda counter: counter.clear(limit, "account", key))
