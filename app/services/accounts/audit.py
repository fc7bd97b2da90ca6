"""Writing the audit trail."""

from app.extensions import db
from app.models import AuditEvent, User


def record(
    actor: User | None,
    action: str,
    obj: object = None,
    ip: str | None = None,
    **details: object,
) -> AuditEvent:
    """Add an audit event to the current transaction (the caller commits)."""
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=type(obj).__name__.lower() if obj is not None else "",
        object_id=getattr(obj, "id", None),
        details={k: v for k, v in details.items() if v is not None},
        ip=ip,
    )
    db.session.add(event)
    return event
