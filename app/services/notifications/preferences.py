"""Each person's choice per kind of event, changed on *My account* or by one-click unsubscribe."""

from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models import NotificationPreference, User
from app.services.accounts import audit
from app.services.errors import DomainError
from app.services.mail import unsubscribe as tokens
from app.services.notifications.kinds import DELIVERIES, DIGEST, DIGEST_KIND, KINDS, NONE, kinds_for


def choices_of(user: User) -> dict[str, str]:
    """How the person hears of each kind of event that concerns them (defaults filled in)."""
    stored = dict(
        db.session.execute(
            sa.select(NotificationPreference.kind, NotificationPreference.delivery).where(
                NotificationPreference.user_id == user.id
            )
        ).all()
    )
    return {kind: stored.get(kind, KINDS[kind].default) for kind in kinds_for(user.role)}


def deliveries(user_ids: list[int], kind: str) -> dict[int, str]:
    """How each of these people hears of `kind`, in one query (the caller checked access)."""
    stored = dict(
        db.session.execute(
            sa.select(NotificationPreference.user_id, NotificationPreference.delivery).where(
                NotificationPreference.kind == kind,
                NotificationPreference.user_id.in_(user_ids),
            )
        ).all()
    )
    return {uid: stored.get(uid, KINDS[kind].default) for uid in user_ids}


def save(user: User, chosen: dict[str, str], ip: str | None = None) -> dict[str, list[str]]:
    """Save the person's own choices; returns what changed ({kind: [before, after]})."""
    allowed = kinds_for(user.role)
    if any(k not in allowed or v not in DELIVERIES for k, v in chosen.items()):
        raise DomainError(_l("Choose one of the options for each kind of event."))
    return _commit(
        user, {k: chosen[k] for k in allowed if k in chosen}, "notifications.changed", ip
    )


def _commit(user: User, chosen: dict[str, str], action: str, ip: str | None) -> dict:
    """Apply, audit and commit the choices; once more if another request made the same
    person's first choice of a kind at the same moment (one-click POST and a click at once)."""
    for attempt in (1, 2):
        try:
            changes = _apply(user, chosen)
            if changes:
                audit.record(user, action, ip=ip, changes=changes)
            db.session.commit()
            return changes
        except sa.exc.IntegrityError:
            db.session.rollback()
            if attempt == 2:
                raise
    return {}


def _apply(user: User, chosen: dict[str, str]) -> dict[str, list[str]]:
    # The person's rows are read once and locked, and the choices before are told from them:
    # a request that read the choices before another one committed the same change, and the
    # rows after, recorded that change a second time.
    rows = {
        row.kind: row
        for row in db.session.scalars(
            sa.select(NotificationPreference)
            .where(NotificationPreference.user_id == user.id)
            .with_for_update()
        )
    }
    before = {
        kind: rows[kind].delivery if kind in rows else KINDS[kind].default
        for kind in kinds_for(user.role)
    }
    changes = {}
    for kind, delivery in chosen.items():
        if before.get(kind) == delivery:
            continue
        changes[kind] = [before.get(kind), delivery]
        if kind in rows:
            rows[kind].delivery = delivery
        else:
            db.session.add(NotificationPreference(user_id=user.id, kind=kind, delivery=delivery))
    return changes


@dataclass(frozen=True)
class Unsubscribe:
    """What an unsubscribe link stands for: whose emails, of which kind."""

    user: User
    kind: str

    @property
    def kinds(self) -> list[str]:
        """The kinds it turns off: one, or for the digest every kind sent in digests."""
        if self.kind != DIGEST_KIND:
            return [self.kind]
        return [k for k, v in choices_of(self.user).items() if v == DIGEST]

    @property
    def done(self) -> bool:
        """Already off: the link was used before, or the choice was changed since."""
        choices = choices_of(self.user)
        return all(choices.get(k) == NONE for k in self.kinds)


def from_token(token: str) -> Unsubscribe | None:
    """The person and kind a link was made for, or None for a link this site did not sign."""
    read = tokens.read_token(token)
    if read is None:
        return None
    user = db.session.get(User, read[0])
    allowed = kinds_for(user.role) + [DIGEST_KIND] if user is not None else []
    if user is None or user.erased_at is not None or read[1] not in allowed:
        return None
    return Unsubscribe(user, read[1])


def unsubscribe(link: Unsubscribe, ip: str | None = None) -> list[str]:
    """Turn off the emails a link stands for; it needs no sign-in: the signature is the proof."""
    return list(
        _commit(link.user, dict.fromkeys(link.kinds, NONE), "notifications.unsubscribed", ip)
    )
