"""`flask synthesize` and `flask synthesis show`: syntheses for the secretariat's scripts."""

import json
import time
from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext

from app.cli.errors import reports_errors
from app.extensions import db
from app.services.accounts.access import COMMAND_LINE
from app.services.consultations import lifecycle as consultations
from app.services.reports import synthesis as reports
from app.services.synthesis import runs, schema
from app.vocabulary import LANGUAGES

REPORT_WRITERS = {"pdf": reports.write_pdf, "docx": reports.write_docx}


@click.command("synthesize")
@click.argument("slug")
@click.option("--wait", is_flag=True, help="Wait for it; exit non-zero if it failed.")
@click.option("--timeout", default=3600, show_default=True, help="Seconds to wait at most.")
@with_appcontext
@reports_errors
def synthesize_command(slug: str, wait: bool, timeout: int) -> None:
    """Queue a synthesis of the submitted feedback and print its number."""
    item = consultations.get_by_slug(slug)
    synthesis = runs.request_synthesis(COMMAND_LINE, item)
    click.echo(synthesis.number)
    if not wait:
        return
    deadline = time.monotonic() + timeout
    while synthesis.status not in ("done", "failed"):
        if time.monotonic() > deadline:
            raise click.ClickException(
                f"synthesis {synthesis.number} still {synthesis.status} after {timeout} s "
                "(is a Celery worker running?)"
            )
        time.sleep(1)
        db.session.refresh(synthesis)
    if synthesis.status == "failed":
        raise click.ClickException(f"synthesis {synthesis.number} failed: {synthesis.error}")


synthesis_cli = AppGroup("synthesis", help="Read syntheses.")


@synthesis_cli.command("show")
@click.argument("slug")
@click.option("--number", type=int, help="Default: the latest finished synthesis.")
@click.option("--format", "fmt", type=click.Choice(["json", "pdf", "docx"]), default="json")
@click.option(
    "--language",
    type=click.Choice(list(LANGUAGES)),
    default="en",
    show_default=True,
    help="Language of a PDF or DOCX report.",
)
@click.option(
    "-o", "--output", "output", help="File to write; default (json only): standard output."
)
@reports_errors
def show_command(
    slug: str, number: int | None, fmt: str, language: str, output: str | None
) -> None:
    """Print a finished synthesis as JSON, or write it as a PDF or DOCX report."""
    if fmt in REPORT_WRITERS and not output:
        raise click.ClickException(f"--format {fmt} writes a file: name it with -o FILE")
    item = consultations.get_by_slug(slug)
    synthesis = runs.get_readable(COMMAND_LINE, item, number)
    if fmt in REPORT_WRITERS:
        REPORT_WRITERS[fmt](synthesis, language, output, reader=COMMAND_LINE)
        return
    text = json.dumps(schema.as_json(synthesis), ensure_ascii=False, indent=2)
    if output:
        Path(output).write_text(text + "\n", encoding="utf-8")
    else:
        click.echo(text)
