"""`flask audit verify`: prove that no line of the audit trail was changed or removed."""

import click
from flask.cli import AppGroup

from app.services.accounts import audit

audit_cli = AppGroup("audit", help="Check the audit trail.")


@audit_cli.command("verify")
def verify_command() -> None:
    """Recompute the chain of every line; exit 1 at the first line that does not follow."""
    result = audit.verify()
    if not result.intact:
        raise click.ClickException(
            f"The audit trail is broken at line {result.broken_at}: it was changed or a line "
            f"before it was removed ({result.lines} lines read)."
        )
    click.echo(f"The audit trail is intact: {result.lines} lines.")
