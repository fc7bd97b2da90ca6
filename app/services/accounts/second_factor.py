"""The TOTP second factor (RFC 6238): enrolment, codes accepted once, recovery codes, reset."""

import hashlib
import hmac
import secrets
from datetime import UTC, datetime

import pyotp
import segno
import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models import RecoveryCode, User
from app.models.common import utcnow
from app.services.accounts import access, audit, signin, throttle
from app.services.errors import DomainError, NotFound
from app.services.mail import outbox

ISSUER = "Agora"
RECOVERY_CODES = 10
# 16 characters of base32: 80 bits, each stored with its own 128-bit salt (ASVS 2.6.2).
_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_RECOVERY_LENGTH = 16
LIMIT = "SECOND_FACTOR_FAILURE_LIMIT"


class TooManyCodes(DomainError):
    """Too many wrong codes for this account: it has to wait."""


def is_required(user: User) -> bool:
    """Whether `user`'s role must sign in with a second factor."""
    return user.role in current_app.config["SECOND_FACTOR_ROLES"]


def needs_enrolment(user: User) -> bool:
    return is_required(user) and not user.has_second_factor


def start_enrolment(user: User) -> str:
    """A secret for `user` to load into an authenticator; kept until it is confirmed."""
    if user.has_second_factor:
        raise DomainError(_l("A second factor is already set up for this account."))
    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
        db.session.commit()
    return user.totp_secret


def provisioning_uri(user: User) -> str:
    return pyotp.TOTP(user.totp_secret or "").provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_code_svg(user: User) -> str:
    """The enrolment QR code as inline SVG markup (no image library needed)."""
    qr = segno.make(provisioning_uri(user), error="m")
    return qr.svg_inline(scale=4, border=2, title=str(_l("QR code for your authenticator app")))


def confirm_enrolment(user: User, code: str, ip: str | None = None) -> list[str]:
    """Switch the factor on once a first code is right; returns the new recovery codes."""
    if user.has_second_factor or not user.totp_secret:
        raise DomainError(_l("Start again: the set-up of the second factor has expired."))
    _check_not_blocked(user)
    step = _matching_step(user.totp_secret, code)
    if step is None:
        _fail(user, ip)
    user.totp_last_step = step
    user.totp_enabled_at = utcnow()
    codes = _new_recovery_codes(user)
    audit.record(user, "auth.second_factor_enabled", user, ip=ip)
    message = signin.notify_security_change(user, "second_factor_enabled")
    db.session.commit()
    outbox.relay(message)
    return codes


def verify(user: User, code: str, ip: str | None = None) -> str:
    """Accept a current TOTP code (once) or an unused recovery code; DomainError otherwise."""
    _check_not_blocked(user)
    code = "".join(code.split()).replace("-", "").upper()
    step = _matching_step(user.totp_secret or "", code)
    if step is not None and step > (user.totp_last_step or -1):
        user.totp_last_step = step
        db.session.commit()
        return "totp"
    if step is None and _use_recovery_code(user, code, ip):
        return "recovery"
    _fail(user, ip)
    raise AssertionError("unreachable")  # pragma: no cover - _fail always raises


def reset(admin: User, user_id: int, ip: str | None = None) -> User:
    """An administrator removes a user's factor: they enrol again at their next sign-in."""
    access.require(admin, "user.manage")
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_l("No such account."))
    _remove(user)
    user.session_version += 1
    audit.record(admin, "user.second_factor_reset", user, ip=ip)
    message = signin.notify_security_change(user, "second_factor_reset")
    db.session.commit()
    outbox.relay(message)
    return user


def remaining_recovery_codes(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(RecoveryCode.id)).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    )


def _remove(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def _matching_step(secret: str, code: str) -> int | None:
    """The time-step (previous, current or next 30 s) whose code is `code`, if any."""
    if not secret or len(code) != 6 or not code.isascii() or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(datetime.now(UTC))
    for step in (now - 1, now, now + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _check_not_blocked(user: User) -> None:
    if throttle.is_blocked(LIMIT, f"2fa:{user.id}"):
        raise TooManyCodes(_l("Too many wrong codes. Try again in a few minutes."), field="code")


def _fail(user: User, ip: str | None) -> None:
    blocked = throttle.add_failure(LIMIT, f"2fa:{user.id}")
    audit.record(user, "auth.second_factor_failed", user, ip=ip, throttled=blocked or None)
    db.session.commit()
    raise DomainError(_l("This code is not right, or it was already used."), field="code")


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [
        "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        for _ in range(RECOVERY_CODES)
    ]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash_code(c)) for c in codes)
    return [format_recovery_code(c) for c in codes]


def format_recovery_code(code: str) -> str:
    """ABCD-EFGH-JKLM-NPQR: easier to copy by hand."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _hash_code(code: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(16)
    return f"{salt}${hashlib.sha256((salt + code).encode()).hexdigest()}"


def _use_recovery_code(user: User, code: str, ip: str | None) -> bool:
    if len(code) != _RECOVERY_LENGTH:
        return False
    unused = db.session.scalars(
        sa.select(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    )
    for row in unused:
        salt, _, _digest = row.code_hash.partition("$")
        if hmac.compare_digest(_hash_code(code, salt), row.code_hash):
            row.used_at = utcnow()
            audit.record(user, "auth.recovery_code_used", user, ip=ip)
            db.session.commit()
            return True
    return False
