"""`flask vectors`: the stored sentence vectors, their encoder and their upkeep."""

import click
from flask.cli import AppGroup

from app.services.synthesis import vectors

vectors_cli = AppGroup("vectors", help="Stored sentence vectors: status, refresh, purge.")


@vectors_cli.command("status")
def status_command() -> None:
    """Print how many stored vectors the current encoder made, and how many wait."""
    counts = vectors.status()
    click.echo(f"encoder: {counts['encoder']}")
    click.echo(
        f"{counts['current']} of {counts['total']} stored vectors made by it; "
        f"{counts['stale']} to recompute"
    )


@vectors_cli.command("refresh")
@click.option("--batch", default=vectors.REFRESH_BATCH, show_default=True)
def refresh_command(batch: int) -> None:
    """Recompute now, batch by batch, the vectors another encoder made (beat does it too)."""
    total = 0
    while vectors.status()["stale"]:
        total += vectors.refresh_stale(batch=batch, max_batches=1)
        click.echo(f"{total} recomputed, {vectors.status()['stale']} left")
    click.echo(f"done: {total} recomputed")


@vectors_cli.command("purge")
def purge_command() -> None:
    """Delete the vectors whose feedback item or answer no longer exists."""
    click.echo(f"{vectors.purge_orphans()} vectors deleted")
