"""Refused requests in the audit trail: probing for what one may not see is worth knowing."""

from app.extensions import db
from app.models import User
from app.services.accounts import audit


def record_refusal(actor: User | None, method: str, path: str, ip: str | None = None) -> None:
    """Audit a refused request in a transaction of its own.

    Whatever the refused request had left pending is dropped first: a refusal must never
    commit half of the work it refused.
    """
    db.session.rollback()
    actor = actor if getattr(actor, "is_authenticated", False) else None
    audit.record(actor, "access.refused", None, ip=ip, method=method, path=path[:500])
    db.session.commit()
