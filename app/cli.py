"""`flask` commands for the secretariat's scripts; each exits non-zero with a one-line reason."""

import functools
import subprocess
import sys
from datetime import UTC, datetime, time
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from app.services import consultations, demo, translations
from app.services.access import COMMAND_LINE
from app.services.errors import DomainError
from app.services.importer import ImportFormatError, ParsedDraft, parse_file


def reports_errors(command):
    """Turn the errors a user can cause into a one-line message and exit status 1."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except DomainError as error:
            raise click.ClickException(str(error.message)) from None
        except ImportFormatError as error:
            raise click.ClickException(str(error.args[0])) from None
        except OSError as error:
            raise click.ClickException(f"{error.strerror or error}: {error.filename}") from None

    return wrapper


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
@click.option("--lang", "language", required=True, type=click.Choice(["en", "fr", "es"]))
@click.option("--title", default="", help="Title; default: the title found in the file.")
@reports_errors
def import_command(file: str, slug: str, language: str, title: str) -> None:
    """Import a draft (.txt, .md, .docx) as a new consultation in status draft."""
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
@click.option("--lang", "language", required=True, type=click.Choice(["en", "fr", "es"]))
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


@click.command("seed-demo")
@reports_errors
def seed_demo_command() -> None:
    """Create the demo organisations, accounts and consultation (idempotent)."""
    created = demo.seed()
    click.echo("Demo data ready: " + ", ".join(f"{n} new {what}" for what, n in created.items()))


translate_cli = AppGroup("translate", help="Maintain the French and Spanish translations.")
ROOT = Path(__file__).resolve().parent.parent


def _pybabel(*args: str) -> None:
    result = subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], cwd=ROOT)
    if result.returncode != 0:
        raise click.ClickException(f"pybabel {args[0]} failed")


@translate_cli.command("update")
def translate_update() -> None:
    """Extract the strings of the code and merge them into each catalogue."""
    _pybabel(
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "_l",
        "--no-location",
        "--sort-output",
        "-o",
        "messages.pot",
        ".",
    )
    _pybabel("update", "-i", "messages.pot", "-d", "translations", "--no-fuzzy-matching")
    (ROOT / "messages.pot").unlink()


@translate_cli.command("compile")
def translate_compile() -> None:
    """Compile the catalogues the app reads."""
    _pybabel("compile", "-d", "translations")


def init_app(app: Flask) -> None:
    from app.cli_feedback import feedback_cli
    from app.cli_synthesis import synthesis_cli, synthesize_command

    app.cli.add_command(consultation_cli)
    app.cli.add_command(feedback_cli)
    app.cli.add_command(synthesize_command)
    app.cli.add_command(synthesis_cli)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(translate_cli)
