"""Benchmark `feedback export` against a baseline measured in the same run.

Bulk-inserts N feedback items (default 100,000: 50 paragraphs × N/50 organisations, texts
in English, French and Spanish, 1% starting with "=") into a fresh SQLite file database,
then times the CSV export beside a baseline of Python's csv module writing the same rows
of the same query with no neutralising and no formatting, times the XLSX export (every row
on the first sheet and on its section's, then the summary; rows streamed to disk and
spliced into the sheets XlsxWriter lays out), and measures the peak memory (tracemalloc)
of both exports at 10,000 and at N items. Times are wall-clock with the process's CPU time
beside them: on a busy machine the wall clock also counts the time other programs had.

    .venv/bin/python bench/export.py [--rows N]
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from support import load_average, peak_python_memory, sqlite_app, timed_cpu  # noqa: E402

from app.extensions import db  # noqa: E402
from app.models import (  # noqa: E402
    Consultation,
    DocumentVersion,
    Organisation,
    Paragraph,
    ParagraphFeedback,
    Section,
    Submission,
)
from app.services.accounts.access import COMMAND_LINE  # noqa: E402
from app.services.consultations import lifecycle as consultations  # noqa: E402
from app.services.exports.feedback_rows import (  # noqa: E402
    COLUMNS,
    ExportFilters,
    _items_query,
    export_rows,
)
from app.services.exports.writers import write_file  # noqa: E402

SLUG = "bench-export"
PARAGRAPHS = 50
SMALL = 10_000
SENTENCES = [
    "Local governments must be at the table when culture policy is decided.",
    "Les gouvernements locaux doivent participer aux décisions sur la culture.",
    "Los gobiernos locales deben participar en las decisiones sobre la cultura.",
    "Financing for municipalities is missing from this section of the draft.",
    "Ce paragraphe devrait nommer le rôle des villes dans la construction de la paix.",
]


def seed(items: int, seed: int = 2026) -> None:
    """A consultation of 50 paragraphs and `items` submitted items, inserted in bulk."""
    db.create_all()  # a throwaway database, like the test suite's
    rng = random.Random(seed)
    consultation = Consultation(
        slug=SLUG, title={"en": "Bench"}, original_language="en", status="open"
    )
    version = DocumentVersion(number=1, published_at=datetime.now(UTC))
    for s in range(5):
        section = Section(position=s, heading={"en": f"Section {s + 1}"})
        section.paragraphs = [
            Paragraph(number=str(s * 10 + i + 1), position=i, text={"en": "Text."})
            for i in range(10)
        ]
        version.sections.append(section)
    consultation.versions.append(version)
    db.session.add(consultation)
    db.session.flush()
    paragraph_ids = [p.id for p in version.paragraphs]
    count = items // PARAGRAPHS
    now, start = datetime.now(UTC), datetime(2026, 3, 1, tzinfo=UTC)
    organisation_ids = db.session.scalars(
        sa.insert(Organisation).returning(Organisation.id, sort_by_parameter_order=True),
        [
            {"name": f"Organisation {n:05d}", "kind": "ngo", "region": "europe", "country": "FR"}
            for n in range(count)
        ],
    ).all()
    submission_ids = db.session.scalars(
        sa.insert(Submission).returning(Submission.id, sort_by_parameter_order=True),
        [
            {
                "consultation_id": consultation.id,
                "organisation_id": organisation_id,
                "version_id": version.id,
                "status": "submitted",
                "lock_version": 1,
                "general_comment": "",
                "created_at": now,
                "updated_at": now,
                "submitted_at": start + timedelta(minutes=rng.randrange(43_200)),
            }
            for organisation_id in organisation_ids
        ],
    ).all()
    stances = ("support", "amend", "oppose", "none")
    values = []
    for submission_id in submission_ids:
        for paragraph_id in paragraph_ids:
            comment = " ".join(rng.sample(SENTENCES, rng.randint(1, 3)))
            values.append(
                {
                    "submission_id": submission_id,
                    "paragraph_id": paragraph_id,
                    "stance": rng.choice(stances),
                    "comment": ("=" + comment) if rng.random() < 0.01 else comment,
                    "amendment": rng.choice(SENTENCES) if rng.random() < 0.3 else "",
                    "language": rng.choice(("en", "fr", "es")),
                    "ref": f"R-{submission_id}-{paragraph_id}",
                    "updated_at": now,
                }
            )
    db.session.execute(sa.insert(ParagraphFeedback), values)
    db.session.commit()


def ours(file_format: str, path: Path) -> None:
    consultation = consultations.get_by_slug(SLUG)
    filters = ExportFilters()
    rows = export_rows(COMMAND_LINE, consultation, filters, file_format)
    write_file(file_format, SLUG, filters.as_dict(), rows, str(path))


def baseline(path: Path) -> None:
    """csv.writer over the rows of the same query, as the driver returns them."""
    consultation = consultations.get_by_slug(SLUG)
    query = _items_query(consultation, ExportFilters())
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(db.session.execute(query, execution_options={"yield_per": 2000}))


def measure(items: int, work: Path, timing: bool) -> dict[str, float]:
    """Seconds (wall and `_cpu`), sizes in MB and peak memory in MB of the exports."""
    app = sqlite_app(work / f"bench-{items}.sqlite")
    results: dict[str, float] = {}
    with app.app_context():
        seed(items)
        out = work / "out"
        if timing:
            runs = {
                "baseline": lambda: baseline(out.with_suffix(".base.csv")),
                "csv": lambda: ours("csv", out.with_suffix(".csv")),
                "xlsx": lambda: ours("xlsx", out.with_suffix(".xlsx")),
            }
            for name, action in runs.items():
                results[name], results[f"{name}_cpu"], _ = timed_cpu(action)
            results["csv_mb"] = out.with_suffix(".csv").stat().st_size / 1e6
            results["xlsx_mb"] = out.with_suffix(".xlsx").stat().st_size / 1e6
        results["csv_peak"] = peak_python_memory(lambda: ours("csv", out.with_suffix(".csv")))
        results["xlsx_peak"] = peak_python_memory(lambda: ours("xlsx", out.with_suffix(".xlsx")))
        db.session.remove()
        db.engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-export-") as folder:
        work = Path(folder)
        big = measure(args.rows, work, timing=True)
        small = measure(SMALL, work, timing=False)
    print(f"{args.rows} items, {PARAGRAPHS} paragraphs, SQLite, {load_average()}")
    print(
        f"baseline (same query + csv.writer) {big['baseline']:5.2f} s "
        f"(CPU {big['baseline_cpu']:5.2f} s)"
    )
    for name in ("csv", "xlsx"):
        print(
            f"{name:5} ours {big[name]:5.2f} s (CPU {big[f'{name}_cpu']:5.2f} s)   "
            f"ratio to baseline {big[name] / big['baseline']:5.2f}x   ({big[f'{name}_mb']:.1f} MB)"
        )
    print(
        f"peak memory (tracemalloc)  csv {small['csv_peak']:5.1f} MB at {SMALL} items, "
        f"{big['csv_peak']:5.1f} MB at {args.rows}   "
        f"xlsx {small['xlsx_peak']:5.1f} MB at {SMALL}, {big['xlsx_peak']:5.1f} MB at {args.rows}"
    )


if __name__ == "__main__":
    main()
