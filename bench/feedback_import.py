"""Benchmark `feedback import` against a baseline measured in the same run.

Writes a CSV of N rows (default 100,000) for a consultation of 60 paragraphs and 300
organisations (a third already known, some with submissions; texts in English, French and
Spanish, half without a language), imports it into a fresh SQLite file database, and into
a fresh PostgreSQL database when DATABASE_URL is set (created beside the one it names and
dropped afterwards). The baseline is Python's csv module reading the same file plus a bare
DB-API `executemany` INSERT of the same rows into a plain table of the same database.

    .venv/bin/python bench/feedback_import.py [--rows N]
    DATABASE_URL=postgresql+psycopg://root@127.0.0.1:5432/test .venv/bin/python bench/...
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
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
from app.services.feedback.file_import import import_feedback  # noqa: E402
from app.services.spreadsheet_safety import neutralise  # noqa: E402

HEADER = ["id", "ref", "consultation", "version", "organisation", "organisation_kind",
          "region", "country", "language", "section", "paragraph", "stance", "comment",
          "amendment", "submitted_at"]  # fmt: skip
SLUG = "bench-2026"
PARAGRAPHS = 60
ORGANISATIONS = 300
KNOWN = 100  # organisations already in the database; the others are created by the import
KINDS = ["town_hall_partner", "UN agency", "ngo", "lrg_network", "Academic", "other"]
REGIONS = ["africa", "Asia-Pacific", "eurasia", "europe", "Latin America", "north_america"]
COUNTRIES = ["FR", "ES", "BR", "KE", "IN", "US", "MX", "SN", "JP", ""]
SENTENCES = {
    "en": ["Local governments must be at the table when culture policy is decided.",
           "This paragraph should name the role of cities in peace building.",
           "We support the text but ask for clearer commitments on decent work.",
           "Financing for municipalities is missing from this section of the draft."],
    "fr": ["Les gouvernements locaux doivent participer aux décisions sur la culture.",
           "Ce paragraphe devrait nommer le rôle des villes dans la construction de la paix.",
           "Nous soutenons le texte mais demandons des engagements plus clairs sur le travail.",
           "Le financement des municipalités manque dans cette section du projet."],
    "es": ["Los gobiernos locales deben participar en las decisiones sobre la cultura.",
           "Este párrafo debería nombrar el papel de las ciudades en la construcción de paz.",
           "Apoyamos el texto pero pedimos compromisos más claros sobre el trabajo decente.",
           "La financiación de los municipios falta en esta sección del borrador."],
}  # fmt: skip


def write_csv(path: Path, rows: int, organisations: int, seed: int = 2026) -> None:
    """The file a secretariat could send: the export's columns, UTF-8 with BOM."""
    rng = random.Random(seed)
    start = datetime(2026, 3, 1, tzinfo=UTC)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n in range(rows):
            org = rng.randrange(organisations)
            general = rng.random() < 0.04
            paragraph = "" if general else str(rng.randrange(PARAGRAPHS) + 1)
            # One stance per organisation and paragraph, or the file would be refused.
            stance = (
                ""
                if general
                else ("support", "amend", "oppose", "none")[(org * 7 + int(paragraph) * 3) % 4]
            )
            language = rng.choice("efs")
            language = {"e": "en", "f": "fr", "s": "es"}[language]
            comment = " ".join(rng.sample(SENTENCES[language], rng.randint(1, 3)))
            if rng.random() < 0.01:
                comment = "=" + comment  # formula-looking text, escaped as the export does
            amendment = rng.choice(SENTENCES[language]) if stance == "amend" else ""
            if stance == "none" and rng.random() < 0.5:
                comment = ""
            moment = start + timedelta(minutes=rng.randrange(60 * 24 * 30))
            writer.writerow([
                "", f"L-{n}", SLUG, "1", f"Organisation {org:03d}", KINDS[org % len(KINDS)],
                REGIONS[org % len(REGIONS)], COUNTRIES[org % len(COUNTRIES)],
                language if rng.random() < 0.5 else "", "", paragraph, stance,
                neutralise(comment), neutralise(amendment), moment.isoformat(),
            ])  # fmt: skip


def seed_database() -> Consultation:
    """A consultation of 60 paragraphs in 6 sections, 100 known organisations, 20 submissions."""
    db.create_all()  # a throwaway database, like the test suite's
    consultation = Consultation(
        slug=SLUG, title={"en": "Bench"}, original_language="en", status="open"
    )
    version = DocumentVersion(number=1, published_at=datetime.now(UTC))
    for s in range(6):
        section = Section(position=s, heading={"en": f"Section {s + 1}"})
        section.paragraphs = [
            Paragraph(number=str(s * 10 + i + 1), position=i, text={"en": f"Paragraph {i}."})
            for i in range(10)
        ]
        version.sections.append(section)
    consultation.versions.append(version)
    known = [
        Organisation(name=f"Organisation {n:03d}", kind="ngo", region="europe")
        for n in range(KNOWN)
    ]
    db.session.add_all([consultation, *known])
    db.session.flush()
    for organisation in known[:20]:
        submission = Submission(
            consultation=consultation, organisation=organisation, version=version, status="draft"
        )
        submission.items = [
            ParagraphFeedback(paragraph=p, stance="support", comment="Typed.")
            for p in version.paragraphs[:5]
        ]
        db.session.add(submission)
    db.session.commit()
    return consultation


def time_import(url: str, path: Path, instance: Path) -> tuple[float, object]:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, INSTANCE_DIR=instance)
    with app.app_context():
        consultation = seed_database()
        started = time.perf_counter()
        report = import_feedback(COMMAND_LINE, consultation, path.name, path.read_bytes())
        elapsed = time.perf_counter() - started
        db.session.remove()
        db.engine.dispose()
    return elapsed, report


def time_baseline(url: str, path: Path) -> float:
    """csv.reader over the file, then one executemany INSERT into a plain table."""
    engine = sa.create_engine(url)
    columns = ", ".join(f"c{i} text" for i in range(len(HEADER)))
    try:
        connection = engine.raw_connection()
        cursor = connection.cursor()
        cursor.execute(f"CREATE TABLE bench_baseline ({columns})")
        connection.commit()
        mark = "?" if engine.dialect.paramstyle == "qmark" else "%s"
        insert = f"INSERT INTO bench_baseline VALUES ({', '.join([mark] * len(HEADER))})"
        started = time.perf_counter()
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))[1:]
        cursor.executemany(insert, rows)
        connection.commit()
        elapsed = time.perf_counter() - started
        connection.close()
    finally:
        engine.dispose()
    return elapsed


@contextmanager
def fresh_postgres(server_url: str) -> Iterator[str]:
    """A new database on the server of `server_url`, dropped on the way out."""
    url = sa.make_url(server_url)
    name = f"bench_feedback_import_{os.getpid()}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run(label: str, url: str, path: Path, instance: Path) -> None:
    ours, report = time_import(url, path, instance)
    baseline = time_baseline(url, path)
    print(
        f"{label:<11} import {ours:6.1f} s   baseline (csv + executemany) {baseline:5.1f} s"
        f"   ratio {ours / baseline:4.1f}x"
    )
    print(
        f"{'':<11} {report.submissions} submissions, {report.items} items, "
        f"{report.general_comments} general comments, "
        f"{report.organisations_created} new organisations"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--organisations",
        type=int,
        default=ORGANISATIONS,
        help="more organisations: fewer rows merged, more items written",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-feedback-") as folder:
        work = Path(folder)
        path = work / "feedback.csv"
        write_csv(path, args.rows, args.organisations)
        print(
            f"{args.rows} rows, {PARAGRAPHS} paragraphs, {args.organisations} organisations "
            f"({args.organisations - KNOWN} new), {path.stat().st_size / 1e6:.1f} MB, "
            f"{os.cpu_count()} CPUs"
        )
        run("sqlite", f"sqlite:///{work / 'bench.sqlite'}", path, work)
        if os.environ.get("DATABASE_URL", "").startswith("postgresql"):
            with fresh_postgres(os.environ["DATABASE_URL"]) as url:
                run("postgresql", url, path, work)


if __name__ == "__main__":
    main()
