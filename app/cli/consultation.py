"""`flask consultation ...`: importing drafts and running consultations."""

from datetime import UTC, datetime, time
from pathlib import Path

import click
from flask.cli import AppGroup

from app.cli.errors import reports_errors
from app.services.accounts.access import COMMAND_LINE
from app.services.consultations import lifecycle as consultations
from app.services.consultations import translations
from app.services.drafts.importer import ParsedDraft, parse_file
from app.vocabulary import LANGUAGES


def read_draft_file(path: str) -> ParsedDraft:
    file = Path(path)
    if not file.is_file():
        raise click.ClickException(f"No such file: {path}")
    return parse_file(file.name, file.read_bytes())


def end_of_day_utc(day: datetime) -> datetime:
    """A deadline given as a date closes at 23:59 UTC that day."""
    return datetime.combine(day.date(), time(23, 59), tzinfo=UTC)


consultation_cli = AppGroup("consultation", help="Import drafts and run consultations.")


@consultation_cli.command("import")
@click.argument("file")
@click.option("--slug", required=True, help="Address of the consultation, e.g. pact-2026.")
@click.option("--lang", "language", required=True, type=click.Choice(list(LANGUAGES)))
@click.option("--title", default="", help="Title; default: the title found in the file.")
@reports_errors
def import_command(file: str, slug: str, language: str, title: str) -> None:
    """Import a draft (.pdf, .docx, .txt, .md) as a new consultation in status draft."""
    draft = read_draft_file(file)
    item = consultations.create_from_draft(COMMAND_LINE, draft, slug, language, title)
    click.echo(
        f"Imported {item.slug}: {len(draft.sections)} sections, {draft.paragraph_count} paragraphs"
    )
    for section in draft.sections:
        numbers = ", ".join(p.number for p in section.paragraphs) or "-"
        click.echo(f"  {section.heading or '(untitled)'}: {numbers}")
    for problem in draft.problems:
        click.echo(f"  problem: {problem.message}")


@consultation_cli.command("translate")
@click.argument("slug")
@click.argument("file")
@click.option("--lang", "language", required=True, type=click.Choice(list(LANGUAGES)))
@click.option("--title", default="", help="Title in this language.")
@reports_errors
def translate_command(slug: str, file: str, language: str, title: str) -> None:
    """Add a language to a draft from a translated file, aligned by paragraph number."""
    item = consultations.get_by_slug(slug)
    draft = read_draft_file(file)
    report = translations.import_translation(COMMAND_LINE, item, draft, language, title)
    click.echo(f"{len(report.translated)} paragraphs translated into {language}")
    if report.missing:
        click.echo(f"  not in the file: {', '.join(report.missing)}")
    if report.unknown:
        click.echo(f"  not in the draft: {', '.join(report.unknown)}")


@consultation_cli.command("open")
@click.argument("slug")
@click.option("--closes", type=click.DateTime(["%Y-%m-%d"]), help="Deadline date (23:59 UTC).")
@click.option("--opens", type=click.DateTime(["%Y-%m-%d"]), help="Opening date; default: now.")
@reports_errors
def open_command(slug: str, closes: datetime | None, opens: datetime | None) -> None:
    """Open a consultation for comment, now or from a date, until its deadline."""
    item = consultations.get_by_slug(slug)
    closes_at = end_of_day_utc(closes) if closes else item.closes_at
    if closes_at is None:
        raise click.ClickException("Give the deadline with --closes YYYY-MM-DD.")
    opens_at = datetime.combine(opens.date(), time(0, 0), tzinfo=UTC) if opens else None
    consultations.open_consultation(COMMAND_LINE, item, closes_at, opens_at)
    click.echo(f"{item.slug} is {item.phase()} until {item.closes_at:%Y-%m-%d %H:%M} UTC")


@consultation_cli.command("close")
@click.argument("slug")
@reports_errors
def close_command(slug: str) -> None:
    """Close a consultation for comment now."""
    item = consultations.get_by_slug(slug)
    consultations.close_consultation(COMMAND_LINE, item)
    click.echo(f"{item.slug} is closed")


@consultation_cli.command("archive")
@click.argument("slug")
@reports_errors
def archive_command(slug: str) -> None:
    """Archive a closed consultation."""
    item = consultations.get_by_slug(slug)
    consultations.archive_consultation(COMMAND_LINE, item)
    click.echo(f"{item.slug} is archived")
