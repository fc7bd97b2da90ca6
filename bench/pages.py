"""Reading pages of a large draft: how fast a partner and a visitor see a 200-paragraph text.

    .venv/bin/python bench/pages.py [--requests 200] [--warmup 40]

Builds a throw-away PostgreSQL database (migrations, then in bulk: a consultation of 200
paragraphs in 10 sections written in English, French and Spanish, 50 invited organisations
with a submitted submission each commenting on every paragraph, 10,000 feedback items, and a
51st invited organisation whose partner has a draft commenting on every paragraph), serves
Agora with gunicorn (bench/save_load.py's settings: 2 workers x 4 threads), signs the partner
in over HTTP, warms every page up, then times --requests sequential GETs of each page over one
kept-alive connection: the public consultation page, the partner's form of one section (20
paragraphs), their overview and their review page (all 200 paragraphs). The baseline, in the
same run, is bench/bare_page_app.py (one query, one Jinja template of the same 200
paragraphs) served and timed the same way. Prints p50/p95/p99 per page beside it, gunicorn's
CPU milliseconds per GET (steadier than the wall clock on a shared machine), each page's size
and the load average. Target: p95 under 50 ms.

Needs PostgreSQL (BENCH_POSTGRES_ADMIN_URL); uses Redis at 127.0.0.1:6379/14 if it answers.
"""

import argparse
import contextlib
import http.client
import io
import os
import random
import re
import shutil
import signal
import statistics
import sys
import tempfile
import time
import urllib.parse
from datetime import UTC, datetime, timedelta
from pathlib import Path

from save_load import GUNICORN_ARGS, REDIS_URL, USER_AGENT, Browser, Gunicorn, redis_answers
from support import (
    cpu_seconds,
    load_average,
    make_app,
    print_table,
    throwaway_postgres,
    throwaway_secret_key,
)

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "bench"
SLUG = "bench-pages"
SECTIONS, PER_SECTION, ORGANISATIONS = 10, 20, 50
PASSWORD = "bench-pages-password-2026"  # noqa: S105 - a throw-away account in a throw-away database
PARTNER = "partner@bench-pages.example.org"
TARGET_P95_MS = 50.0
LANGUAGES = ("en", "fr", "es")
SENTENCES = {
    "en": "Local and regional governments must be recognised as partners in delivering "
    "sustainable development, with the means and the mandate to act for their communities.",
    "fr": "Les gouvernements locaux et régionaux doivent être reconnus comme partenaires du "
    "développement durable, avec les moyens et le mandat d’agir pour leurs communautés.",
    "es": "Los gobiernos locales y regionales deben ser reconocidos como socios del desarrollo "
    "sostenible, con los medios y el mandato para actuar por sus comunidades.",
}
COMMENTS = [
    "We ask the Council to name local governments explicitly in this paragraph.",
    "Nous demandons que le rôle des villes soit mentionné dans ce paragraphe.",
    "Pedimos que se mencione el papel de los municipios en este párrafo.",
    "Financing for municipalities is missing here.",
]


def seed(agora) -> None:
    """Migrations, the consultation, 10,000 submitted items, the partner and their draft."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from app.extensions import db
    from app.models import (
        Consultation,
        ConsultationInvitation,
        DocumentVersion,
        Organisation,
        Paragraph,
        ParagraphFeedback,
        Section,
        Submission,
        User,
    )
    from app.services.accounts.passwords import hash_password

    rng, now = random.Random(2026), datetime.now(UTC)
    with agora.app_context():
        with contextlib.redirect_stderr(io.StringIO()):  # Alembic's INFO lines
            upgrade()
        consultation = Consultation(
            slug=SLUG,
            title={lang: f"Pact for the future ({lang})" for lang in LANGUAGES},
            summary={lang: SENTENCES[lang] for lang in LANGUAGES},
            original_language="en",
            status="open",
            opens_at=now - timedelta(days=10),
            closes_at=now + timedelta(days=20),
        )
        version = DocumentVersion(number=1, published_at=now - timedelta(days=10))
        for s in range(SECTIONS):
            section = Section(
                position=s, heading={lang: f"Section {s + 1} ({lang})" for lang in LANGUAGES}
            )
            section.paragraphs = [
                Paragraph(
                    number=str(s * PER_SECTION + i + 1),
                    position=i,
                    text={lang: f"{SENTENCES[lang]} {SENTENCES[lang]}" for lang in LANGUAGES},
                )
                for i in range(PER_SECTION)
            ]
            version.sections.append(section)
        consultation.versions.append(version)
        db.session.add(consultation)
        db.session.flush()
        paragraph_ids = [p.id for p in version.paragraphs]
        organisation_ids = db.session.scalars(
            sa.insert(Organisation).returning(Organisation.id, sort_by_parameter_order=True),
            [
                {
                    "name": f"Bench organisation {n:03d}",
                    "kind": "ngo",
                    "region": "europe",
                    "country": "FR",
                    "verified": True,
                }
                for n in range(ORGANISATIONS + 1)
            ],
        ).all()
        partner_org = organisation_ids[-1]
        db.session.execute(
            sa.insert(ConsultationInvitation),
            [{"consultation_id": consultation.id, "organisation_id": o} for o in organisation_ids],
        )
        partner = User(
            email=PARTNER,
            name="Bench Partner",
            role="partner",
            password_hash=hash_password(PASSWORD),
            organisation_id=partner_org,
        )
        db.session.add(partner)
        db.session.flush()
        submission_ids = db.session.scalars(
            sa.insert(Submission).returning(Submission.id, sort_by_parameter_order=True),
            [
                {
                    "consultation_id": consultation.id,
                    "organisation_id": o,
                    "version_id": version.id,
                    "status": "draft" if o == partner_org else "submitted",
                    "lock_version": 1,
                    "general_comment": "",
                    "created_at": now,
                    "updated_at": now,
                    "submitted_at": None if o == partner_org else now - timedelta(days=1),
                }
                for o in organisation_ids
            ],
        ).all()
        db.session.execute(
            sa.insert(ParagraphFeedback),
            [
                {
                    "submission_id": submission_id,
                    "paragraph_id": paragraph_id,
                    "stance": rng.choice(("support", "amend", "oppose")),
                    "comment": rng.choice(COMMENTS),
                    "amendment": "",
                    "language": rng.choice(LANGUAGES),
                    "changed_at_version": 1,
                    "updated_at": now,
                }
                for submission_id in submission_ids
                for paragraph_id in paragraph_ids
            ],
        )
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def sign_in(base_url: str) -> str:
    """The partner's session cookie, signed in over HTTP as a browser does."""
    browser = Browser(base_url)
    _, _, page = browser.open("/login")
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    if not csrf:
        raise RuntimeError("no csrf_token on /login")
    form = {"csrf_token": csrf.group(1), "email": PARTNER, "password": PASSWORD}
    status, url, _ = browser.open("/login", urllib.parse.urlencode(form).encode())
    if status != 200 or urllib.parse.urlsplit(url).path == "/login":
        raise RuntimeError(f"the partner could not sign in (HTTP {status}, {url})")
    return browser.cookie_header()


def timings(base_url: str, path: str, cookie: str, count: int) -> tuple[list[float], int]:
    """Milliseconds of `count` sequential GETs on one kept-alive connection; the page's size."""
    host, port = urllib.parse.urlsplit(base_url).netloc.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    headers = {"User-Agent": USER_AGENT, "Cookie": cookie, "Accept-Language": "en"}
    times, size = [], 0
    try:
        for _ in range(count):
            started = time.perf_counter()
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            times.append(1000 * (time.perf_counter() - started))
            if response.status != 200:
                raise RuntimeError(f"GET {path} answered HTTP {response.status}")
            size = len(body)
    finally:
        connection.close()
    return times, size


def percentiles(times: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def measure(server: Gunicorn, pages: dict[str, str], cookie: str, args) -> dict[str, tuple]:
    """Warm every page up (each worker and thread gets some), then time each in turn."""
    for path in pages.values():
        timings(server.base_url, path, cookie, args.warmup)
    results = {}
    for label, path in pages.items():
        cpu = cpu_seconds(server.process)
        times, size = timings(server.base_url, path, cookie, args.requests)
        cpu_ms = 1000 * (cpu_seconds(server.process) - cpu) / args.requests
        results[label] = (*percentiles(times), cpu_ms, size, os.getloadavg()[0])
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="timed GETs per page (200)")
    parser.add_argument("--warmup", type=int, default=40, help="untimed GETs per page first (40)")
    args = parser.parse_args()
    if args.requests < 2 or args.warmup < 0:
        parser.error("--requests must be at least 2, --warmup at least 0")

    work_dir = Path(tempfile.mkdtemp(prefix="agora-pages-bench-"))
    instance_dir = work_dir / "instance"
    os.environ["AGORA_INSTANCE_DIR"] = str(instance_dir)  # nothing written into the repository
    os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
    throwaway_secret_key()
    sys.dont_write_bytecode = True
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the clean-up below
    redis = redis_answers()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        AGORA_ENV="development",
        AGORA_INSTANCE_DIR=str(instance_dir),
        LOGIN_RATE_LIMIT="100000 per minute",
        MAIL_FILE_DIR=str(instance_dir / "mail"),
    )
    if redis:
        env["REDIS_URL"] = REDIS_URL
    servers: list[Gunicorn] = []
    try:
        with throwaway_postgres("pages") as database_url:
            env["DATABASE_URL"] = database_url
            started = time.perf_counter()
            seed(make_app(database_url, instance_dir))
            print(
                f"{SECTIONS * PER_SECTION} paragraphs in {SECTIONS} sections (EN/FR/ES), "
                f"{ORGANISATIONS * SECTIONS * PER_SECTION} submitted feedback items from "
                f"{ORGANISATIONS} organisations, a partner's draft of "
                f"{SECTIONS * PER_SECTION} items; seeded in {time.perf_counter() - started:.1f} s"
                f"; Redis {REDIS_URL if redis else 'not answering: none'}"
            )
            server = Gunicorn("wsgi:app", ROOT, env, work_dir / "agora-gunicorn.log")
            servers.append(server)
            server.wait_until_ready("/login")
            cookie = sign_in(server.base_url)
            base = f"/consultations/{SLUG}"
            ours = measure(
                server,
                {
                    "public consultation page": base,
                    "partner's section form (20 paragraphs)": f"{base}/respond/sections/3",
                    "partner's overview": f"{base}/respond",
                    "partner's review page": f"{base}/respond/review",
                },
                cookie,
                args,
            )
            server.stop()
            bare = Gunicorn("bare_page_app:app", BENCH_DIR, env, work_dir / "bare-gunicorn.log")
            servers.append(bare)
            bare.wait_until_ready(base)
            baseline = measure(bare, {"bare Flask page (baseline)": base}, "", args)
            bare.stop()
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(work_dir, ignore_errors=True)

    print(
        f"\n{args.requests} sequential GETs per page after {args.warmup} warm-up GETs, "
        f"one kept-alive connection, gunicorn {' '.join(GUNICORN_ARGS)}, {load_average()}\n"
    )
    floor = baseline["bare Flask page (baseline)"][1]
    rows = []
    for label, (p50, p95, p99, cpu_ms, size, load) in {**ours, **baseline}.items():
        verdict = "" if label in baseline else ("met" if p95 < TARGET_P95_MS else "NOT met")
        rows.append(
            [
                label,
                f"{p50:.1f}",
                f"{p95:.1f}",
                f"{p99:.1f}",
                f"{p95 / floor:.1f}x",
                f"{cpu_ms:.1f}",
                f"{size / 1000:.0f} kB",
                f"{load:.1f}",
                verdict,
            ]
        )
    print_table(
        [
            "page",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "p95 / baseline",
            "gunicorn CPU ms/GET",
            "size",
            "load",
            f"p95 < {TARGET_P95_MS:.0f} ms",
        ],
        rows,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
