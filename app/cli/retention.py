"""`flask retention run [--dry-run]`: remove, or list, what is kept past its time."""

import click
from flask.cli import AppGroup

from app.services import retention

retention_cli = AppGroup("retention", help="Remove personal data kept past its time.")

LABELS = {
    "invitations": "unaccepted invitations erased",
    "exports": "export records deleted",
    "sessions": "ended API tokens, emailed links and recovery codes deleted",
    "audit_lines": "audit lines removed",
    "archived_consultations": "archived consultations no longer naming their editors",
}


@retention_cli.command("run")
@click.option("--dry-run", is_flag=True, help="Say what would go; change nothing.")
def run_command(dry_run: bool) -> None:
    """Apply the RETENTION_* settings now, as the nightly purge does."""
    result = retention.plan() if dry_run else retention.run()
    heading = "Would go" if dry_run else "Gone"
    click.echo(f"{heading}:")
    for key, label in LABELS.items():
        setting = retention.SETTINGS[key]
        click.echo(f"  {getattr(result, key)} {label} (after {_days(setting)})")


def _days(setting: str) -> str:
    from flask import current_app

    days = int(current_app.config.get(setting, 0) or 0)
    return f"{days} days, {setting}" if days else f"never, {setting}=0"
