"""Benchmark `feedback import` against a baseline measured in the same run.

Writes a CSV of N rows (default 100,000) for a consultation of 60 paragraphs and 300
organisations (a third already known, some with submissions; texts in English, French and
Spanish, half without a language), imports it into a fresh SQLite file database, and into
a fresh PostgreSQL database when DATABASE_URL is set (created beside the one it names and
dropped afterwards). The baseline is Python's csv module reading the same file plus a bare
DB-API `executemany` INSERT of the same rows into a plain table of the same database.

The same rows are then written with French names instead of codes (stance "Soutien",
kind "Agence des Nations unies", region "Amérique latine", country "Sénégal", language
"français"); the two files are then imported in turn, twice each, every import into a
database of its own, and the line "french names" prints the best time of each (target:
at most 1.5x).

    .venv/bin/python bench/feedback_import.py [--rows N]
    DATABASE_URL=postgresql+psycopg://root@127.0.0.1:5432/test .venv/bin/python bench/...
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from support import throwaway_postgres

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
from app.services.feedback.vocabulary import vocabularies  # noqa: E402
from app.services.spreadsheet_safety import neutralise  # noqa: E402

HEADER = ["id", "ref", "consultation", "version", "organisation", "organisation_kind",
          "region", "country", "language", "section", "paragraph", "stance", "comment",
          "amendment", "submitted_at"]  # fmt: skip
SLUG = "bench-2026"
PARAGRAPHS = 60
ORGANISATIONS = 300
KNOWN = 100  # organisations already in the database; the others are created by the import
KINDS = ["town_hall_partner", "un_agency", "ngo", "lrg_network", "academic", "other"]
REGIONS = ["africa", "asia_pacific", "eurasia", "europe", "latin_america", "north_america"]
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


def french_names() -> dict[str, dict[str, str]]:
    """The name of each code as the French pages show it (needs an app context)."""
    from babel import Locale
    from flask_babel import force_locale

    from app.models.feedback import STANCES
    from app.models.organisation import ORGANISATION_KINDS
    from app.models.organisation import REGIONS as REGION_LABELS

    french = Locale.parse("fr")
    with force_locale("fr"):
        names = {
            "stance": {code: str(label) for code, label in STANCES.items()},
            "organisation_kind": {code: str(label) for code, label in ORGANISATION_KINDS.items()},
            "region": {code: str(label) for code, label in REGION_LABELS.items()},
        }
    names["country"] = {code: french.territories[code] for code in COUNTRIES if code}
    names["language"] = {code: french.languages[code] for code in ("en", "fr", "es")}
    return names


def write_csv(
    path: Path,
    rows: int,
    organisations: int,
    seed: int = 2026,
    names: dict[str, dict[str, str]] | None = None,
) -> None:
    """The file a secretariat could send: the export's columns, UTF-8 with BOM.

    With `names`, coded cells are written as those names instead of codes.
    """
    rng = random.Random(seed)

    def shown(column: str, code: str) -> str:
        return names[column].get(code, code) if names and code else code

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
                "", f"L-{n}", SLUG, "1", f"Organisation {org:03d}",
                shown("organisation_kind", KINDS[org % len(KINDS)]),
                shown("region", REGIONS[org % len(REGIONS)]),
                shown("country", COUNTRIES[org % len(COUNTRIES)]),
                shown("language", language) if rng.random() < 0.5 else "", "", paragraph,
                shown("stance", stance), neutralise(comment), neutralise(amendment),
                moment.isoformat(),
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


def run(label: str, urls: list[str], path: Path, named: Path, instance: Path) -> None:
    """The file of codes and its baseline; then codes and French names in turn, best of two.

    Every import gets a database of its own (four URLs): codes, names, codes, names.
    """
    ours, report = time_import(urls[0], path, instance)
    baseline = time_baseline(urls[0], path)
    print(
        f"{label:<11} import {ours:6.1f} s   baseline (csv + executemany) {baseline:5.1f} s"
        f"   ratio {ours / baseline:4.1f}x"
    )
    print(
        f"{'':<11} {report.submissions} submissions, {report.items} items, "
        f"{report.general_comments} general comments, "
        f"{report.organisations_created} new organisations"
    )
    french, french_report = time_import(urls[1], named, instance)
    assert french_report.counts() == report.counts(), "the two files must import the same"
    ours = min(ours, time_import(urls[2], path, instance)[0])
    french = min(french, time_import(urls[3], named, instance)[0])
    print(
        f"{'':<11} french names {french:6.1f} s   codes {ours:6.1f} s   (best of two each)"
        f"   ratio {french / ours:4.2f}x (target <= 1.5x)"
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
        path, named = work / "feedback.csv", work / "feedback-fr.csv"
        write_csv(path, args.rows, args.organisations)
        with create_app("testing", INSTANCE_DIR=work).app_context():
            write_csv(named, args.rows, args.organisations, names=french_names())
            started = time.perf_counter()
            vocabularies()  # built once per process; neither import below pays for it
            built = time.perf_counter() - started
        print(
            f"{args.rows} rows, {PARAGRAPHS} paragraphs, {args.organisations} organisations "
            f"({args.organisations - KNOWN} new), {path.stat().st_size / 1e6:.1f} MB, "
            f"{os.cpu_count()} CPUs; lookup tables of names built once in {built * 1000:.0f} ms"
        )
        # A first small import loads the language detector, so neither timed run pays for it.
        sample = work / "sample.csv"
        write_csv(sample, 500, args.organisations, names=None)
        time_import(f"sqlite:///{work / 'warm-up.sqlite'}", sample, work)
        sqlite = [f"sqlite:///{work / f'bench-{n}.sqlite'}" for n in range(4)]
        run("sqlite", sqlite, path, named, work)
        if os.environ.get("DATABASE_URL", "").startswith("postgresql"):
            server = os.environ["DATABASE_URL"]
            with ExitStack() as stack:
                urls = [
                    stack.enter_context(throwaway_postgres(f"feedback_import_{n}", server))
                    for n in range(4)
                ]
                run("postgresql", urls, path, named, work)


if __name__ == "__main__":
    main()
