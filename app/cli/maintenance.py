"""`flask seed-demo` and `flask translate ...`: setting up and maintaining an installation."""

import subprocess
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from app.cli.errors import reports_errors
from app.services import demo


@click.command("seed-demo")
@reports_errors
def seed_demo_command() -> None:
    """Create the demo organisations, accounts and consultation (idempotent)."""
    created = demo.seed()
    click.echo("Demo data ready: " + ", ".join(f"{n} new {what}" for what, n in created.items()))
    # seed() refuses production settings, so the demo key is only ever printed elsewhere.
    click.echo(
        "staff@example.org and admin@example.org also need a code from the demo second-factor "
        f"key {demo.DEMO_TOTP_SECRET}: add it to an authenticator app, or run "
        f"`oathtool --totp -b {demo.DEMO_TOTP_SECRET}`."
    )


translate_cli = AppGroup("translate", help="Maintain the French and Spanish translations.")
ROOT = Path(__file__).resolve().parents[2]


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
