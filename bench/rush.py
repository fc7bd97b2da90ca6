"""The last hour before a deadline: N partners of N organisations sign in, autosave, review, submit.

    .venv/bin/python bench/rush.py [--users 200] [--seconds 60] [--fault redis|worker|postgres]
                                   [--fault-seconds S]

Serves Agora with gunicorn (bench/save_load.py's 2 workers x 4 threads) on a throw-away
PostgreSQL database, with two Celery workers (one on the mail and default queues, one on the
heavy queue, one process each) and beat, on Redis db 10 (or a redis-server of its own). Each
partner, from an address of its own (X-Forwarded-For, PROXY_COUNT=1), signs in, opens
section pages and autosaves comments with pauses of a person typing (2-6 s), answers the
questions, opens the review page and submits, within --seconds. Throttled (429) and
unavailable (503) answers are posted again after the pause the server asked for, as the page's
script does. Prints requests, p50/p95/p99 per route and the 5xx count, then compares the
database with what the clients were told: every save and submission a client saw confirmed
is stored, and every submission has exactly one receipt email (.eml files of the development
mail backend, counted per recipient).

Faults, in the middle of the rush (--fault-seconds after a quarter of it; the rush lasts
until 15 s after the fault ends):
  redis     a redis-server of its own is stopped for 60 s: saves and submissions still
            succeed; the receipts go out once after it returns (the outbox relays, beat
            publishes).
  worker    once a partner has submitted (from a quarter in), a synthesis is requested and
            the heavy-queue worker SIGKILLed while it holds the synthesis's first part at
            the tasks' test hook (AGORA_TASK_HOLD_KEY, app/tasks/hold.py), then started
            again: the synthesis finishes exactly once. Each receipt task is also published
            a second time: still one email each.
  postgres  a PostgreSQL cluster of its own is stopped for 10 s: pages answer 503 with an
            incident id within 2 s, never 500; the clients keep their text and send it again.
"""

import argparse
import contextlib
import html
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import save_load  # noqa: E402 - bench/ is not a package
from save_load import Gunicorn, percentile, prepare_database  # noqa: E402
from support import (  # noqa: E402
    ADMIN_URL,
    cpu_seconds,
    create_postgres,
    drop_postgres,
    make_app,
    postgres_cpu_seconds,
    start_celery,
    stop,
)

from tests.services import OwnPostgres, OwnRedis  # noqa: E402

SLUG = save_load.SLUG
BASE = f"/consultations/{SLUG}/respond"
SHARED_REDIS_URL = "redis://127.0.0.1:6379/10"
UNAVAILABLE_LIMIT_S = 2.0  # issue 13: a 503 within 2 s of the request
WORDS = [
    "local", "governments", "cities", "regions", "youth", "employment", "decent", "work",
    "financing", "climate", "adaptation", "housing", "migration", "culture", "dialogue",
    "partnership", "accountability", "data",
]  # fmt: skip


# --- one partner's browser ------------------------------------------------------------------


@dataclass
class Stats:
    """Every answer's route, status and time, shared by the clients."""

    times: dict = field(default_factory=lambda: defaultdict(list))
    statuses: dict = field(default_factory=lambda: defaultdict(Counter))
    unavailable_ms: list = field(default_factory=list)
    lost_sockets: int = 0
    cpu: float = 0.0  # the server's CPU seconds, where measured
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, route: str, status: int, ms: float) -> None:
        with self.lock:
            self.times[route].append(ms)
            self.statuses[route][status] += 1
            if status == 503:
                self.unavailable_ms.append(ms)


class Partner:
    """One partner in one browser: keep-alive connection, cookies, its own address."""

    def __init__(self, base_url: str, email: str, address: str, stats: Stats) -> None:
        parts = urllib.parse.urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.connection: HTTPConnection | None = None
        self.email, self.address, self.stats = email, address, stats
        self.cookies: dict[str, str] = {}
        self.lock_version = "0"
        self.confirmed: dict[int, str] = {}  # paragraph id -> last comment confirmed saved
        self.sent_after: dict[int, list[str]] = defaultdict(list)  # sent, not yet confirmed
        self.submitted = False

    def request(self, route: str, method: str, path: str, form: dict | None = None, **headers):
        """One request; (status, headers, body), or (0, {}, "") when the socket failed."""
        body = urllib.parse.urlencode(form).encode() if form is not None else None
        headers = {
            "User-Agent": save_load.USER_AGENT,
            "X-Forwarded-For": self.address,
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **headers,
        }
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for fresh in (self.connection is None, True):
            # A kept-alive connection the server closed meanwhile is opened again at once,
            # as browsers do; only a failure on a new connection counts as lost.
            started = time.perf_counter()
            try:
                if fresh:
                    self.connection = HTTPConnection(self.host, self.port, timeout=30)
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode(errors="replace")
                break
            except OSError:
                self.connection.close()
                if fresh:
                    with self.stats.lock:
                        self.stats.lost_sockets += 1
                    self.connection = None
                    return 0, {}, ""
        self.stats.record(route, response.status, (time.perf_counter() - started) * 1000)
        for value in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(value)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        if response.headers.get("Connection", "").lower() == "close":
            self.connection = None
        return response.status, response.headers, text

    def patiently(self, route: str, method: str, path: str, form=None, until=0.0, **headers):
        """Post again after a 429, a 503 or a lost socket, as the page's script does."""
        while True:
            status, answer_headers, text = self.request(route, method, path, form, **headers)
            if status not in (0, 429, 502, 503) or time.monotonic() > until:
                return status, text
            wait = float((answer_headers or {}).get("Retry-After") or 2)
            time.sleep(min(wait, 15) + random.random())

    def sign_in(self, until: float) -> bool:
        _, page = self.patiently("GET /login", "GET", "/login", until=until)
        token = csrf(page)
        form = {"csrf_token": token, "email": self.email, "password": save_load.PASSWORD}
        status, _ = self.patiently("POST /login", "POST", "/login", form, until=until)
        return status == 302

    def section(self, number: int, end: float, until: float) -> None:
        """Open a section and autosave comments on its paragraphs until `end`."""
        path = f"{BASE}/sections/{number}"
        status, page = self.patiently("GET section", "GET", path, until=until)
        if status != 200:
            return
        token = csrf(page)
        paragraphs = [int(p) for p in re.findall(r'name="comment-(\d+)"', page)]
        comments = {p: self.confirmed.get(p, "") for p in paragraphs}
        while time.monotonic() < end and paragraphs:
            time.sleep(random.uniform(2, 6))  # a person typing, then autosave's pause
            pid = random.choice(paragraphs)
            comments[pid] = f"{self.email} #{secrets.token_hex(4)}: " + " ".join(
                random.choices(WORDS, k=random.randint(12, 40))
            )
            form = {"csrf_token": token, "lock_version": self.lock_version}
            for p in paragraphs:
                form[f"stance-{p}"] = "support" if comments[p] else ""
                form[f"comment-{p}"] = comments[p]
            sent = dict(comments)
            for p, text in sent.items():
                if text:
                    self.sent_after[p].append(text)
            status, text = self.patiently(
                "POST autosave", "POST", path, form, until=until, Accept="application/json"
            )
            version = re.search(r'"lock_version":\s*(\d+)', text)
            if status == 200 and '"status":"saved"' in text.replace(" ", "") and version:
                self.lock_version = version.group(1)
                for p, comment in sent.items():
                    if comment:
                        self.confirmed[p] = comment
                        self.sent_after[p] = []

    def answer_and_submit(self, until: float) -> None:
        """Answer every question (first option, or a sentence), review, submit."""
        path = f"{BASE}/questions"
        status, page = self.patiently("GET questions", "GET", path, until=until)
        if status != 200:
            return
        form = {"csrf_token": csrf(page), "lock_version": self.lock_version}
        form["general_comment"] = f"General comment of {self.email}."
        for name in re.findall(r'name="(question-\d+)"', page):
            form.setdefault(name, "1")  # option 1 of a choice, 1 on a scale
        for name in re.findall(r'<textarea[^>]*name="(question-\d+)"', page):
            form[name] = "We answer in full sentences, as partners do."
        status, _ = self.patiently("POST questions", "POST", path, form, until=until)
        if status != 302:
            return
        status, page = self.patiently("GET review", "GET", f"{BASE}/review", until=until)
        version = re.search(r'name="lock_version" type="hidden" value="(\d+)"', page)
        if status != 200 or not version:
            return
        self.lock_version = version.group(1)
        form = {"csrf_token": csrf(page), "lock_version": self.lock_version}
        status, _ = self.patiently("POST submit", "POST", f"{BASE}/submit", form, until=until)
        if status == 302:
            self.submitted = True
            self.patiently("GET receipt", "GET", f"{BASE}/receipt", until=until)

    def rush(self, start: float, seconds: float, grace: float) -> None:
        """Sign in in the first tenth, write until three quarters of the rush, then submit."""
        until = start + seconds + grace
        time.sleep(random.uniform(0, seconds / 10))
        if not self.sign_in(until):
            return
        writing_ends = start + random.uniform(0.55, 0.8) * seconds
        sections = random.sample(range(3), k=2)
        for index, number in enumerate(sections):
            share = (index + 1) / len(sections)
            section_end = time.monotonic() + (writing_ends - time.monotonic()) * share
            self.section(number, section_end, until)
        self.answer_and_submit(until)


def csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    return html.unescape(found.group(1)) if found else ""


# --- services -------------------------------------------------------------------------------


def worker(env: dict, folder: Path, name: str, queues: str) -> subprocess.Popen:
    return start_celery(
        env, folder / f"{name}.log", "worker", "-n", f"{name}@rush", "-Q", queues,
        "--concurrency", "1", "--loglevel", "WARNING", "--without-mingle", "--without-gossip",
    )  # fmt: skip


# --- faults ---------------------------------------------------------------------------------


class Fault:
    """Nothing goes wrong: the baseline rush."""

    name = "none"

    def __init__(self, args, run) -> None:
        self.args, self.run, self.notes = args, run, []

    def play(self) -> None:
        """Break something in the middle of the rush (in its own thread)."""

    def check(self) -> list[str]:
        """After the rush: what went wrong with what the fault was about."""
        return []


class RedisDown(Fault):
    name = "redis"

    def play(self) -> None:
        self.run.redis.stop()
        self.notes.append(f"redis-server stopped at {self.run.elapsed():.0f} s")
        time.sleep(self.args.fault_seconds)
        self.run.redis.start()
        self.notes.append(f"redis-server back at {self.run.elapsed():.0f} s")


class WorkerKilled(Fault):
    name = "worker"
    HOLD_KEY = "rush-worker-fault"  # the heavy worker's parts wait here (app/tasks/hold.py)

    def play(self) -> None:
        """Once a partner has submitted (a synthesis needs something to compile), request a
        synthesis, let the heavy worker reach its first part and hold there, SIGKILL it at
        that known point, and start it again: beat's sweep must then finish the synthesis."""
        import redis
        import sqlalchemy as sa

        from app.extensions import db
        from app.models import Consultation, Submission, Synthesis, SynthesisPart
        from app.services.accounts.access import COMMAND_LINE
        from app.services.synthesis import runs

        hold = redis.Redis.from_url(self.run.redis_url)
        with self.run.agora.app_context():
            consultation = db.session.scalar(
                sa.select(Consultation).where(Consultation.slug == SLUG)
            )
            submitted = sa.select(sa.func.count(Submission.id)).where(
                Submission.consultation_id == consultation.id, Submission.status == "submitted"
            )
            deadline = time.monotonic() + self.args.seconds
            while db.session.scalar(submitted) == 0 and time.monotonic() < deadline:
                db.session.rollback()
                time.sleep(0.5)
            self.synthesis_id = runs.request_synthesis(COMMAND_LINE, consultation).id
            # The chord's parts: each section's, and the whole consultation's themes and
            # questions.
            self.parts = len(runs.part_names(db.session.get(Synthesis, self.synthesis_id)))
            deadline = time.monotonic() + 60
            while not hold.llen(f"{self.HOLD_KEY}:reached") and time.monotonic() < deadline:
                time.sleep(0.05)
            held = [w.decode() for w in hold.lrange(f"{self.HOLD_KEY}:reached", 0, -1)]
            parts = db.session.scalar(
                sa.select(sa.func.count(SynthesisPart.id)).where(
                    SynthesisPart.synthesis_id == self.synthesis_id
                )
            )
            db.session.remove()
        stop(self.run.heavy, group=True, sig=signal.SIGKILL)
        hold.set(f"{self.HOLD_KEY}:release", 1)  # the restarted worker goes through
        self.notes.append(
            f"synthesis {self.synthesis_id} requested at {self.run.elapsed():.0f} s; heavy "
            f"worker SIGKILLed holding {', '.join(held) or 'nothing (no part reached)'}, "
            f"with {parts}/{self.parts} parts done"
        )
        time.sleep(2)
        self.run.heavy = worker(
            self.run.env, self.run.folder, "heavy", "heavy,vectors,sections,merge"
        )

    def twice(self) -> int:
        """Publish every receipt task a second time, as a broker may deliver a task twice."""
        import sqlalchemy as sa

        from app.extensions import db
        from app.models import OutboxMessage
        from app.services import queue

        with self.run.agora.app_context():
            ids = db.session.scalars(
                sa.select(OutboxMessage.id).where(OutboxMessage.task == MAIL_TASK)
            ).all()
            for message_id in ids:
                queue.publish(MAIL_TASK, message_id)
            db.session.remove()
        return len(ids)

    def check(self) -> list[str]:
        import sqlalchemy as sa

        from app.extensions import db
        from app.models import Synthesis, SynthesisPart

        with self.run.agora.app_context():
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:
                db.session.expire_all()
                synthesis = db.session.get(Synthesis, self.synthesis_id)
                if synthesis.status in ("done", "failed"):
                    break
                time.sleep(1)
            parts = db.session.scalar(
                sa.select(sa.func.count(SynthesisPart.id)).where(
                    SynthesisPart.synthesis_id == self.synthesis_id
                )
            )
            count = db.session.scalar(sa.select(sa.func.count(Synthesis.id)))
            status, finished = synthesis.status, synthesis.finished_at
            time.sleep(3)  # a late twin delivery must not write the result again
            db.session.expire_all()
            again = db.session.get(Synthesis, self.synthesis_id).finished_at
            db.session.remove()
        self.notes.append(
            f"synthesis {status}, {parts}/{self.parts} parts, {count} synthesis row(s)"
        )
        problems = []
        if status != "done" or parts != self.parts or count != 1 or again != finished:
            problems.append(f"the synthesis did not finish exactly once ({self.notes[-1]})")
        return problems


class PostgresDown(Fault):
    name = "postgres"

    def play(self) -> None:
        self.run.postgres.stop()
        self.notes.append(f"PostgreSQL stopped at {self.run.elapsed():.0f} s")
        time.sleep(self.args.fault_seconds)
        self.run.postgres.start()
        self.notes.append(f"PostgreSQL back at {self.run.elapsed():.0f} s")

    def check(self) -> list[str]:
        """503s answered within 2 s by the server (its access log), beside what clients saw.

        The clients' times include the wait for a free gunicorn thread, which on a busy
        machine is seconds for every answer, 200 or 503; the server's own time is the
        time the 503 path takes, which the issue bounds.
        """
        client = sorted(self.run.stats.unavailable_ms)
        server = sorted(
            ms for status, ms in access_log(self.run.folder / "access.log") if status == 503
        )
        ok = sorted(ms for status, ms in access_log(self.run.folder / "access.log") if status < 400)
        self.notes.append(
            f"{len(client)} answers 503; server time p50/p99/max {spread(server)} ms beside "
            f"the 2xx/3xx answers' {spread(ok)} ms; seen by clients (with the wait for a "
            f"thread) {spread(client)} ms"
        )
        slow = [ms for ms in server if ms > UNAVAILABLE_LIMIT_S * 1000]
        return (
            [f"{len(slow)} 503 answers took the server over {UNAVAILABLE_LIMIT_S} s"]
            if slow
            else []
        )


def spread(values: list[float]) -> str:
    if not values:
        return "-"
    return f"{percentile(values, 50):.0f}/{percentile(values, 99):.0f}/{max(values):.0f}"


def access_log(path: Path) -> list[tuple[int, float]]:
    """(status, milliseconds the server spent) of each request in gunicorn's access log."""
    rows = []
    if path.exists():
        for line in path.read_text(errors="replace").splitlines():
            with contextlib.suppress(ValueError):
                status, micros = line.split()[:2]
                rows.append((int(status), int(micros) / 1000))
    return rows


FAULTS = {f.name: f for f in (Fault, RedisDown, WorkerKilled, PostgresDown)}
FAULT_SECONDS = {"redis": 60, "postgres": 10, "worker": 0, "none": 0}
MAIL_TASK = "app.tasks.mail.send_email"


# --- the run --------------------------------------------------------------------------------


class Run:
    """The services of one rush, started and stopped by it."""

    def __init__(self, args) -> None:
        self.args = args
        self.folder = Path(tempfile.mkdtemp(prefix="agora-rush-"))
        self.stats = Stats()
        self.started = time.monotonic()
        self.redis = OwnRedis() if args.fault == "redis" else None
        self.postgres = OwnPostgres() if args.fault == "postgres" else None
        self.processes: list[subprocess.Popen] = []

    def elapsed(self) -> float:
        return time.monotonic() - self.rush_started

    def start(self) -> None:
        if self.redis:
            self.redis.start()
            redis_url = self.redis.url
        else:
            redis_url = SHARED_REDIS_URL
            import redis

            redis.Redis.from_url(redis_url).flushdb()
        self.redis_url = redis_url
        if self.postgres:
            self.postgres.init()
        self.admin_url = self.postgres.admin_url if self.postgres else ADMIN_URL
        self.database_url = create_postgres("rush", self.admin_url)
        os.environ["AGORA_INSTANCE_DIR"] = str(self.folder)
        self.agora = make_app(self.database_url, self.folder)
        self.accounts = prepare_database(self.agora, self.args.users)
        self.env = {
            **os.environ,
            "AGORA_ENV": "development",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": redis_url,
            "MAIL_FILE_DIR": str(self.folder / "mail"),
            "PROXY_COUNT": "1",  # each client its own address, as behind the proxy
            "SYNTHESIS_STALE_SECONDS": "10",
            "PYTHONDONTWRITEBYTECODE": "1",
            # Each request's status and the time the server spent on it (not its queueing).
            "GUNICORN_CMD_ARGS": f"--access-logfile {self.folder / 'access.log'} "
            "--access-logformat '%(s)s %(D)s %(m)s %(U)s'",
        }
        self.server = Gunicorn("wsgi:app", ROOT, self.env, self.folder / "gunicorn.log")
        self.mail = worker(self.env, self.folder, "mail", "mail,default")
        if self.args.fault == "worker":  # its synthesis's parts wait where the fault kills
            self.env["AGORA_TASK_HOLD_KEY"] = WorkerKilled.HOLD_KEY
        self.heavy = worker(self.env, self.folder, "heavy", "heavy,vectors,sections,merge")
        self.beat = start_celery(
            self.env, self.folder / "beat.log", "beat", "-s", str(self.folder / "beat-schedule"),
            "--loglevel", "WARNING",
        )  # fmt: skip
        self.server.wait_until_ready("/login")

    def stop(self) -> None:
        for process in (getattr(self, "beat", None), getattr(self, "mail", None)):
            if process:
                stop(process, group=True, grace=60)
        if getattr(self, "heavy", None):
            stop(self.heavy, group=True, grace=60)
        if getattr(self, "server", None):
            self.server.stop()
        if getattr(self, "agora", None):
            from app.extensions import db

            with self.agora.app_context():
                db.engine.dispose()
        if getattr(self, "database_url", None):
            with contextlib.suppress(Exception):
                drop_postgres(self.database_url, self.admin_url)
        if self.postgres:
            self.postgres.destroy()
        if self.redis:
            self.redis.stop()
        elif getattr(self, "redis_url", None):
            import redis

            with contextlib.suppress(Exception):
                redis.Redis.from_url(self.redis_url).flushdb()

    def rush(self, fault: Fault) -> list[Partner]:
        seconds = self.args.seconds
        fault_at = seconds / 4
        if fault.name in ("redis", "postgres"):
            seconds = max(seconds, fault_at + self.args.fault_seconds + 15)
        partners = [
            Partner(
                self.server.base_url, email, f"10.{i // 250}.{i % 250}.{1 + i % 200}", self.stats
            )
            for i, (email, _) in enumerate(self.accounts)
        ]
        self.rush_started = time.monotonic()
        before = self.cpu_now()
        threads = [
            threading.Thread(target=p.rush, args=(self.rush_started, seconds, 120), daemon=True)
            for p in partners
        ]
        for thread in threads:
            thread.start()
        if fault.name != "none":
            time.sleep(fault_at)
            threading.Thread(target=fault.play, daemon=True).start()
        for thread in threads:
            thread.join()
        self.rush_seconds = self.elapsed()
        self.cpu = {k: v - before.get(k, 0) for k, v in self.cpu_now().items()}
        return partners

    def cpu_now(self) -> dict[str, float]:
        """CPU seconds so far of gunicorn, each worker, beat and this process (the clients)."""
        return {
            "gunicorn": cpu_seconds(self.server.process),
            "mail worker": cpu_seconds(self.mail),
            "heavy worker": cpu_seconds(self.heavy),
            "beat": cpu_seconds(self.beat),
            "clients": time.process_time(),
            "PostgreSQL": postgres_cpu_seconds(self.database_url, self.admin_url),
        }


def bare_rush(run: Run) -> Stats:
    """The baseline: the same clients and pauses posting to a bare Flask insert (one row)."""
    import bare_insert_app

    bare_insert_app.create_schema(run.database_url)
    server = Gunicorn("bare_insert_app:app", ROOT / "bench", run.env, run.folder / "bare.log")
    stats = Stats()
    try:
        server.wait_until_ready("/save")
        started = time.monotonic()

        def client(index: int, organisation_id: int) -> None:
            partner = Partner(server.base_url, "", f"10.9.{index // 250}.{index % 250}", stats)
            time.sleep(random.uniform(0, run.args.seconds / 10))
            while time.monotonic() < started + run.args.seconds * 0.8:
                time.sleep(random.uniform(2, 6))
                comment = " ".join(random.choices(WORDS, k=random.randint(12, 40)))
                form = {"organisation_id": organisation_id, "comment": comment}
                partner.request("POST bare insert", "POST", "/save", form)

        threads = [
            threading.Thread(target=client, args=(i, organisation_id), daemon=True)
            for i, (_, organisation_id) in enumerate(run.accounts)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        stats.cpu = cpu_seconds(server.process)
    finally:
        server.stop()
    return stats


def compare(run: Run, partners: list[Partner]) -> tuple[list[str], dict]:
    """What the clients were told against the database: confirmed saves and submissions."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import Organisation, ParagraphFeedback, Submission, User

    problems: list[str] = []
    figures = Counter()
    with run.agora.app_context():
        rows = db.session.execute(
            sa.select(User.email, ParagraphFeedback.paragraph_id, ParagraphFeedback.comment)
            .join(Organisation, User.organisation_id == Organisation.id)
            .join(Submission, Submission.organisation_id == Organisation.id)
            .join(ParagraphFeedback, ParagraphFeedback.submission_id == Submission.id)
        ).all()
        stored = {(email, pid): comment for email, pid, comment in rows}
        submitted = set(
            db.session.scalars(
                sa.select(User.email)
                .join(Submission, Submission.organisation_id == User.organisation_id)
                .where(Submission.status == "submitted")
            )
        )
        db.session.remove()
    for partner in partners:
        for pid, comment in partner.confirmed.items():
            figures["confirmed saves"] += 1
            found = stored.get((partner.email, pid))
            # A later save may have reached the database without its answer reaching us.
            if found != comment and found not in partner.sent_after[pid]:
                problems.append(f"{partner.email}: paragraph {pid} lost its confirmed comment")
        if partner.submitted:
            figures["confirmed submissions"] += 1
            if partner.email not in submitted:
                problems.append(f"{partner.email}: submission confirmed but not in the database")
    figures["submissions in the database"] = len(submitted)
    return problems, figures


def receipts(run: Run, expected: set[str], wait: float) -> tuple[Counter, float]:
    """Receipt emails per recipient, once every receipt in the outbox is sent (or `wait` ends)."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import OutboxMessage

    started = time.monotonic()
    with run.agora.app_context():
        while time.monotonic() - started < wait:
            pending = db.session.scalar(
                sa.select(sa.func.count(OutboxMessage.id)).where(
                    OutboxMessage.task == MAIL_TASK, OutboxMessage.done_at.is_(None)
                )
            )
            db.session.remove()
            if not pending and len(read_mail(run.folder)) >= len(expected):
                break
            time.sleep(2)
    time.sleep(5)  # a twin delivery would write its copy now
    return read_mail(run.folder), time.monotonic() - started


def read_mail(folder: Path) -> Counter:
    counts: Counter = Counter()
    for path in (folder / "mail").glob("*.eml"):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        counts[str(message["To"])] += 1
    return counts


def report(run: Run, fault: Fault, partners, problems, figures, mail, mail_wait, bare) -> None:
    stats = run.stats
    total = sum(sum(c.values()) for c in stats.statuses.values())
    print(
        f"\nRush: {len(partners)} partners of {len(partners)} organisations, "
        f"{run.rush_seconds:.0f} s, fault: {fault.name}; gunicorn "
        f"{' '.join(save_load.GUNICORN_ARGS)}, 2 Celery workers x 1 process, beat"
    )
    print(
        f"requests: {total} ({total / run.rush_seconds:.0f}/s), lost sockets "
        f"{stats.lost_sockets}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(f"{'route':<16}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}  statuses")
    for route in sorted(stats.times):
        times = sorted(stats.times[route])
        codes = " ".join(f"{k}:{v}" for k, v in sorted(stats.statuses[route].items()))
        print(
            f"{route:<16}{len(times):>9}{percentile(times, 50):>9.0f}"
            f"{percentile(times, 95):>9.0f}{percentile(times, 99):>9.0f}  {codes}"
        )
    for route in bare.times:
        times = sorted(bare.times[route])
        codes = " ".join(f"{k}:{v}" for k, v in sorted(bare.statuses[route].items()))
        print(
            f"{route:<16}{len(times):>9}{percentile(times, 50):>9.0f}"
            f"{percentile(times, 95):>9.0f}{percentile(times, 99):>9.0f}  {codes}  "
            "(baseline: same clients and pauses, after the rush)"
        )
    print("CPU seconds during the rush: " + ", ".join(f"{k} {v:.0f}" for k, v in run.cpu.items()))
    bare_total = sum(sum(c.values()) for c in bare.statuses.values())
    print(
        f"gunicorn CPU per request: {1000 * run.cpu['gunicorn'] / max(total, 1):.1f} ms "
        f"(bare insert: {1000 * bare.cpu / max(bare_total, 1):.1f} ms), "
        f"PostgreSQL CPU per request: {1000 * run.cpu['PostgreSQL'] / max(total, 1):.1f} ms"
    )
    server_errors = Counter()
    for counts in stats.statuses.values():
        for code, n in counts.items():
            if code >= 500:
                server_errors[code] += n
    print(f"5xx: {sum(server_errors.values())} {dict(server_errors) or ''}")
    for name, value in figures.items():
        print(f"{name}: {value}")
    expected = {p.email for p in partners if p.submitted}
    wrong = {e: mail.get(e, 0) for e in expected if mail.get(e, 0) != 1}
    extra = {e: n for e, n in mail.items() if e not in expected}
    print(
        f"receipt emails: {sum(mail[e] for e in expected)} for {len(expected)} submissions, "
        f"all out {mail_wait:.0f} s after the rush; not exactly one: {len(wrong)}; "
        f"to partners who did not submit: {len(extra)}"
    )
    for note in fault.notes:
        print(f"fault: {note}")
    allowed = {503} if fault.name == "postgres" else set()
    if any(code not in allowed for code in server_errors):
        problems.append(f"server errors: {dict(server_errors)}")
    if wrong or extra:
        problems.append(f"receipts not exactly one per submission: {wrong or extra}")
    print(
        "\nOK: every confirmed save and submission stored, one receipt each"
        if not problems
        else "\nPROBLEMS:\n  " + "\n  ".join(problems[:30])
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--fault", choices=["redis", "worker", "postgres"], default=None)
    parser.add_argument("--fault-seconds", type=float, default=None)
    args = parser.parse_args()
    args.fault = args.fault or "none"
    if args.fault_seconds is None:
        args.fault_seconds = FAULT_SECONDS[args.fault]
    if args.fault == "postgres" and not OwnPostgres.available():
        sys.exit("--fault postgres needs pg_ctl and initdb (a cluster of this run's own)")
    if args.fault == "redis" and not OwnRedis.available():
        sys.exit("--fault redis needs redis-server (a server of this run's own)")
    run = Run(args)
    fault = FAULTS[args.fault](args, run)
    try:
        print(f"Preparing {args.users} partners in {run.folder} ...", flush=True)
        run.start()
        partners = run.rush(fault)
        if isinstance(fault, WorkerKilled):
            fault.notes.append(f"{fault.twice()} receipt tasks published a second time")
        problems, figures = compare(run, partners)
        problems += fault.check()
        expected = {p.email for p in partners if p.submitted}
        mail, mail_wait = receipts(run, expected, wait=420 if args.fault == "redis" else 180)
        bare = bare_rush(run)
        report(run, fault, partners, problems, figures, mail, mail_wait, bare)
        if run.server.problems():
            print("\ngunicorn log:\n" + "\n".join(run.server.problems()[-20:]))
        return 1 if problems else 0
    finally:
        run.stop()


if __name__ == "__main__":
    sys.exit(main())
