"""`flask feedback ...`: feedback received outside the platform, for the secretariat's scripts."""

from pathlib import Path

import click
from flask.cli import AppGroup

from app.cli.errors import reports_errors
from app.services.accounts.access import COMMAND_LINE
from app.services.consultations import lifecycle as consultations
from app.services.feedback.file_import import FeedbackImportError, import_feedback

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


@feedback_cli.command("export")
@click.argument("slug")
@click.option("--format", "file_format", required=True, type=click.Choice(["csv", "xlsx", "json"]))
@click.option("-o", "--output", required=True, help="The file to write.")
@click.option(
    "--filter",
    "filter_args",
    multiple=True,
    metavar="KEY=VALUE",
    help="Repeatable; keys: section, paragraph, stance, kind, region, language, from, to.",
)
@reports_errors
def export_command(slug: str, file_format: str, output: str, filter_args: tuple[str, ...]) -> None:
    """Export the submitted feedback as the web export does, optionally filtered."""
    from app.services.exports.feedback_rows import export_rows, parse_filters
    from app.services.exports.writers import write_file

    consultation = consultations.get_by_slug(slug)
    given: dict[str, str] = {}
    for text in filter_args:
        key, equals, value = text.partition("=")
        if not equals:
            raise click.ClickException(f"A filter is key=value, not “{text}”.")
        given[key.strip().lower()] = value
    filters = parse_filters(consultation, given)
    rows = export_rows(COMMAND_LINE, consultation, filters, file_format)
    counted = _Counted(rows)
    write_file(file_format, consultation.slug, filters.as_dict(), counted, output)
    click.echo(f"Exported {counted.count} rows of {slug} to {output}")


class _Counted:
    """Rows passed through, counted."""

    def __init__(self, rows) -> None:
        self.rows, self.count = rows, 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row
