"""Accounts: sign-in, invitations, password resets, sign-out everywhere, roles."""

import sqlalchemy as sa

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models import AccountToken, Organisation, User
from app.models.common import utcnow
from app.models.user import ROLES
from app.services.accounts import access, audit, links, signin
from app.services.accounts.passwords import check_password_rules, hash_password
from app.services.errors import Conflict, DomainError, NotFound
from app.services.mail import delivery as mail
from app.services.mail import outbox

normalise_email = signin.normalise_email


def find_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def invite(
    inviter: User,
    email: str,
    name: str,
    role: str,
    organisation_id: int | None,
    ip: str | None = None,
) -> User:
    """Create a pending account and email it a single-use link valid for seven days."""
    access.require(inviter, "user.invite", role)
    if role not in ROLES:
        raise DomainError(_l("Choose a role."), field="role")
    organisation = _organisation_for_role(role, organisation_id)
    user = find_by_email(email)
    if user is not None and user.password_hash is not None:
        raise Conflict(_l("An account with this email already exists."), field="email")
    if user is not None and not access.can(inviter, "user.invite", user.role):
        # Re-inviting a pending account would rewrite a role this inviter could not grant.
        raise Conflict(
            _l("This person is already invited with a role only an administrator can change."),
            field="email",
        )
    if user is None:
        user = User(email=normalise_email(email), name=name.strip(), role=role)
        db.session.add(user)
    user.name, user.role, user.organisation = name.strip(), role, organisation
    user.locale = user.locale or inviter.locale
    db.session.flush()
    message = mail.queue_email(
        user,
        "invitation",
        _l("You are invited to Agora"),
        account_link="invite",
        inviter=inviter,
        organisation=organisation,
    )
    audit.record(inviter, "user.invite", user, ip=ip, role=role, organisation_id=organisation_id)
    db.session.commit()
    outbox.relay(message)
    return user


def _organisation_for_role(role: str, organisation_id: int | None) -> Organisation | None:
    if role != "partner":
        return None
    organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
    if organisation is None:
        raise DomainError(
            _l("A partner belongs to an organisation: choose one."), field="organisation_id"
        )
    return organisation


def redeem_token(token: str, purpose: str) -> AccountToken:
    """The unused, unexpired token of this purpose; NotFound otherwise."""
    row = db.session.scalar(
        sa.select(AccountToken).where(
            AccountToken.token_hash == links.digest(token), AccountToken.purpose == purpose
        )
    )
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        raise NotFound(_l("This link has expired or has already been used."))
    return row


def set_password_with_token(
    token: str, purpose: str, password: str, language: str | None = None
) -> User:
    """Accept an invitation or finish a reset, the page's `language` becoming the person's."""
    row = redeem_token(token, purpose)
    user = row.user
    organisation = user.organisation.name if user.organisation else ""
    check_password_rules(password, user.name, user.email, organisation)
    user.password_hash = hash_password(password)
    user.session_version += 1
    signin.remember_language(user, language)
    row.used_at = utcnow()
    # Any other outstanding link for this account is spent too.
    for other in db.session.scalars(
        sa.select(AccountToken).where(
            AccountToken.user_id == user.id, AccountToken.used_at.is_(None)
        )
    ):
        other.used_at = row.used_at
    message = None
    if purpose == "reset":
        # Whoever had the old password may have made tokens with it.
        signin.revoke_api_tokens(user)
        signin.forget_failures(user)
        message = signin.notify_security_change(user, "password")
    audit.record(user, f"auth.{purpose}_completed", user)
    db.session.commit()
    if message is not None:
        outbox.relay(message)
    return user


def request_password_reset(email: str, ip: str | None = None) -> None:
    """Email a reset link if the account exists; say nothing either way."""
    user = find_by_email(email)
    if user is None or not user.is_active:
        return
    message = mail.queue_email(
        user, "password_reset", _l("Reset your Agora password"), account_link="reset"
    )
    audit.record(user, "auth.reset_requested", user, ip=ip)
    db.session.commit()
    outbox.relay(message)


def set_active(admin: User, user_id: int, active: bool, ip: str | None = None) -> User:
    """Enable or disable an account; disabling ends its sessions at once."""
    access.require(admin, "user.manage")
    user = _get_user(user_id)
    user.active = active
    user.session_version += 1
    if not active:
        signin.revoke_api_tokens(user)
    audit.record(admin, "user.enabled" if active else "user.disabled", user, ip=ip)
    db.session.commit()
    return user


def change_role(
    admin: User, user_id: int, role: str, organisation_id: int | None, ip: str | None = None
) -> User:
    """Give an account another role (and organisation, for partners)."""
    access.require(admin, "user.manage")
    if role not in ROLES:
        raise DomainError(_l("Choose a role."), field="role")
    user = _get_user(user_id)
    user.organisation = _organisation_for_role(role, organisation_id)
    user.role = role
    user.session_version += 1
    audit.record(admin, "user.role_changed", user, ip=ip, role=role)
    db.session.commit()
    return user


def update_preferences(user: User, locale: str | None, timezone: str) -> None:
    """Save the language and time zone a user reads the site in."""
    user.locale = locale or None
    user.timezone = timezone
    db.session.commit()


def _get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_l("No such account."))
    return user


def list_users(reader: User | None) -> list[User]:
    """Every account, for the staff who manage people."""
    access.require(reader, "user.list")
    return list(db.session.scalars(sa.select(User).order_by(User.role, User.email)))
