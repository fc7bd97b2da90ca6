"""`flask feedback ...`: feedback received outside the platform, for the secretariat's scripts."""

from pathlib import Path

import click
from flask.cli import AppGroup

from app.cli import reports_errors
from app.services import consultations
from app.services.access import COMMAND_LINE
from app.services.feedback_import import FeedbackImportError, import_feedback

feedback_cli = AppGroup("feedback", help="Import the feedback received outside the platform.")


@feedback_cli.command("import")
@click.argument("slug")
@click.argument("file")
@reports_errors
def import_command(slug: str, file: str) -> None:
    """Import feedback from a .csv or .xlsx file: every row, or none if any row is bad."""
    consultation = consultations.get_by_slug(slug)
    path = Path(file)
    if not path.is_file():
        raise click.ClickException(f"No such file: {file}")
    try:
        report = import_feedback(COMMAND_LINE, consultation, path.name, path.read_bytes())
    except FeedbackImportError as error:
        for row_error in error.report.errors:
            click.echo(f"row {row_error.row}: {row_error.message}", err=True)
        raise click.ClickException(str(error.message)) from None
    click.echo(
        f"Imported {report.rows} rows into {consultation.slug}: "
        f"{report.submissions} submissions, {report.items} paragraph items, "
        f"{report.general_comments} general comments, "
        f"{report.organisations_created} new organisations"
    )
