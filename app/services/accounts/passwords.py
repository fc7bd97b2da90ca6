"""Password hashing (Argon2id) and the password rules of NIST SP 800-63B."""

import re
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from app.lazy_text import lazy_gettext as _l
from app.services.errors import DomainError

MIN_LENGTH = 12
MAX_LENGTH = 128


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"], memory_cost=config["ARGON2_MEMORY_COST"]
    )


def hash_password(password: str) -> str:
    """A salted Argon2id hash of `password`."""
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches; False for accounts that never set one."""
    if not password_hash:
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def _personal_words(name: str, email: str, organisation: str) -> set[str]:
    """Words of the user's own details that a password must not contain."""
    words = {w for w in re.split(r"[\W_]+", f"{name} {organisation}".lower()) if len(w) >= 4}
    local_part = email.lower().split("@")[0]
    if len(local_part) >= 4:
        words.add(local_part)
    compact_org = re.sub(r"\W+", "", organisation.lower())
    if len(compact_org) >= 4:
        words.add(compact_org)
    return words


def check_password_rules(password: str, name: str = "", email: str = "", organisation: str = ""):
    """Raise DomainError when `password` is too short, too long, common or personal."""
    if len(password) < MIN_LENGTH:
        raise DomainError(_l("Use at least %(n)d characters.", n=MIN_LENGTH), field="password")
    if len(password) > MAX_LENGTH:
        raise DomainError(_l("Use at most %(n)d characters.", n=MAX_LENGTH), field="password")
    lowered = password.lower()
    # A common password padded with digits or symbols ("password2026!") is still common.
    core = lowered.strip("0123456789!@#$%^&*()-_=+.,;:?/ ")
    padded_common = len(core) >= 6 and core in _common_passwords()
    repeated = (lowered + lowered).find(lowered, 1) != len(lowered)  # "abcabc", "passpass"
    if lowered in _common_passwords() or padded_common or repeated:
        raise DomainError(
            _l("This password is too common. Choose a less predictable one."), field="password"
        )
    if any(word in lowered for word in _personal_words(name, email, organisation)):
        raise DomainError(
            _l("The password must not contain your name, email or organisation."),
            field="password",
        )
