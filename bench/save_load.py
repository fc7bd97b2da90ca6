"""Saving feedback under load: N partners autosave their organisation's submission at once.

    .venv/bin/python bench/save_load.py [--connections 50] [--partners 250] [--seconds 15]
                                           [--warmup 3]
                                           [--client auto|wrk|python]
                                           [--mode both|autosave|save]
                                           [--workers 2] [--threads 4]

Builds a throw-away PostgreSQL database (migrations, demo data, --partners organisations
with one partner each), serves Agora with gunicorn (2 workers x 4 threads), signs every partner in
over HTTP and reads their section-0 form. Then N connections post the autosave request of
the page (URL-encoded form data as the page's script sends it, `Accept: application/json`, the
session cookie and CSRF token of the partner) round-robin over the partners for --seconds,
each request with a new comment so that each one writes. There are more partners than
connections (250 for 50), as in the last hour before a deadline: a partner's page sends its
next autosave once the last has answered, and with one partner per connection the round
robin would often post a partner's next save while the last is in flight, which no browser
does (the second waits on the first's row lock, then retries); then the same posts as the save
button sends them (no JSON: the answer is a redirect). The baseline, in the same run, is
bench/bare_insert_app.py (one Flask-SQLAlchemy insert per POST) served and loaded the same
way with bodies of the same size. Load comes from wrk (bench/save_load.lua) when it is on
PATH, else from a Python client. Afterwards the revisions in the database are counted.

Needs PostgreSQL (BENCH_POSTGRES_ADMIN_URL, default the test suite's
postgresql+psycopg://root@127.0.0.1:5432/test); uses Redis at 127.0.0.1:6379/14 if it answers.
"""

import argparse
import contextlib
import functools
import html
import http.client
import io
import itertools
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path

from support import (
    ADMIN_URL,
    cpu_seconds,
    create_postgres,
    drop_postgres,
    free_port,
    make_app,
    postgres_cpu_seconds,
    throwaway_secret_key,
)

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "bench"
LUA_SCRIPT = BENCH_DIR / "save_load.lua"
GUNICORN = Path(sys.executable).with_name("gunicorn")
REDIS_URL = "redis://127.0.0.1:6379/14"
SLUG = "pact-for-the-future-opportunities"
SECTION_PATH = f"/consultations/{SLUG}/respond/sections/0"
PASSWORD = "bench-load-password-2026"  # noqa: S105 - throw-away accounts in a throw-away database
ORGANISATION_PREFIX = "Bench load organisation"
USER_AGENT = "agora-save-bench"  # the same in sign-in and load: the session is bound to it
CONTENT_TYPE = "application/x-www-form-urlencoded"  # what the page's script and form send
MARK = "@@STAMP@@"  # replaced in each request by a stamp of STAMP_WIDTH characters
STAMP_WIDTH = len("m0-n0000000000")  # run letter, thread, counter: save_load.lua's request()


def gunicorn_args(workers: int, threads: int) -> list[str]:
    """gunicorn's options for `workers` processes of `threads` threads each.

    With --reuse-port each worker listens on a socket of its own and the kernel spreads new
    connections over them evenly. Without it the workers race to accept from one socket, and
    a kept-alive connection stays with whichever won: runs were seen with 34 of the 50
    connections on one worker, whose answers then took twice as long as the other's."""
    return ["-w", str(workers), "-k", "gthread", "--threads", str(threads), "--reuse-port"]


# One worker process per core, threads for the time a request waits on PostgreSQL and Redis:
# on 2 cores, 2 x 4 cost less CPU per request than 3 x 4 or 4 x 4 (less switching between
# processes that each hold their own interpreter lock), for Agora and the bare insert alike.
GUNICORN_ARGS = gunicorn_args(workers=2, threads=4)


COMMENT = (
    "Autosave under load: we ask the Council to name local and regional governments "
    "explicitly as partners in delivering this commitment ({stamp})."
)
MODES = {  # --mode: (label, Accept header)
    "autosave": ("Agora autosave", "application/json"),
    "save": ("Agora section save", "text/html"),
}
BARE_LABEL = "bare Flask insert"
# The targets: at least half the bare insert's rate, p99 under 200 ms, no error.
TARGET_RATIO, TARGET_P99_MS = 0.5, 200.0


# --- requests ------------------------------------------------------------------------------


@dataclass
class Template:
    """One prepared POST: the body is `before + stamp + after`, the stamp new each time."""

    path: str
    cookie: str
    before: bytes
    after: bytes

    def body(self, stamp: str) -> bytes:
        return self.before + stamp.encode() + self.after

    def size(self) -> int:
        return len(self.before) + STAMP_WIDTH + len(self.after)


def encode(fields: list[tuple[str, str]]) -> bytes:
    """Encode as the browser does a form without a file (and the page's autosave script)."""
    return urllib.parse.urlencode(fields).encode()


def template(path: str, cookie: str, fields: list[tuple[str, str]]) -> Template:
    before, after = encode(fields).split(urllib.parse.quote_plus(MARK).encode())
    return Template(path, cookie, before, after)


@dataclass
class SectionForm:
    """What the partner's section-0 page holds: the CSRF token, lock version, paragraphs."""

    csrf_token: str
    lock_version: str
    amendments: dict[int, str]  # paragraph id -> the draft text pre-filled as wording

    def fields(self, comment: str) -> list[tuple[str, str]]:
        """The autosave body: every field of the form, a new comment on the first paragraph."""
        fields = [("csrf_token", self.csrf_token), ("lock_version", self.lock_version)]
        for index, (pid, amendment) in enumerate(self.amendments.items()):
            fields += [
                (f"stance-{pid}", "amend" if index == 0 else "support"),
                (f"comment-{pid}", comment if index == 0 else ""),
                (f"amendment-{pid}", amendment),
                (f"language-{pid}", ""),  # "Detect automatically", the form's default
            ]
        return fields


def parse_section(page: str) -> SectionForm:
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    lock = re.search(r'name="lock_version" type="hidden" value="([^"]*)"', page)
    amendments = {
        int(pid): html.unescape(text)
        for pid, text in re.findall(
            r'<textarea[^>]*name="amendment-(\d+)"[^>]*>(.*?)</textarea>', page, re.S
        )
    }
    if not (csrf and lock and amendments):
        raise RuntimeError("the section page has no csrf_token, lock_version or paragraphs")
    return SectionForm(csrf.group(1), lock.group(1), amendments)


class Browser:
    """A partner's browser: urllib with a cookie jar."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.opener.addheaders = [("User-Agent", USER_AGENT)]

    def open(self, path: str, data: bytes | None = None, headers: dict | None = None):
        """One request; a 503 (a busy machine's database connection timing out while the
        server warms up) is asked again a few times: preparing is not measured."""
        for _attempt in range(5):
            request = urllib.request.Request(self.base_url + path, data=data, headers=headers or {})
            try:
                with self.opener.open(request, timeout=60) as response:
                    return response.status, response.geturl(), response.read().decode()
            except urllib.error.HTTPError as error:
                answer = error.code, error.geturl(), error.read().decode(errors="replace")
            if answer[0] != 503:
                break
            time.sleep(5)
        return answer

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def sign_in_and_prepare(base_url: str, email: str) -> Template:
    """Sign in, read the section form, save once (creates the submission), return the save."""
    browser = Browser(base_url)
    _, _, page = browser.open("/login")
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    if not csrf:
        raise RuntimeError("no csrf_token on /login")
    form = urllib.parse.urlencode(
        {"csrf_token": csrf.group(1), "email": email, "password": PASSWORD}
    ).encode()
    status, url, _ = browser.open("/login", form)
    if status != 200 or urllib.parse.urlsplit(url).path == "/login":
        raise RuntimeError(f"{email} could not sign in (HTTP {status}, {url})")
    status, url, page = browser.open(SECTION_PATH)
    if status != 200 or not url.endswith(SECTION_PATH):
        raise RuntimeError(f"{email}: section page answered HTTP {status} at {url}")
    section = parse_section(page)
    # The first save creates the submission; later saves only change the first comment.
    first = template(SECTION_PATH, "", section.fields(COMMENT.format(stamp=MARK)))
    status, _, answer = browser.open(
        SECTION_PATH,
        first.body("s0-n0000000000"),
        {"Content-Type": CONTENT_TYPE, "Accept": "application/json"},
    )
    try:
        saved = json.loads(answer) if status == 200 else {}
    except ValueError:
        saved = {}
    if saved.get("status") != "saved":
        raise RuntimeError(f"{email}: first save answered HTTP {status}: {answer[:300]}")
    # The load keeps this version where the page's script would update it after each save:
    # the conflict check still runs, and one's own saves never clash (one partner per body).
    section.lock_version = str(saved["lock_version"])
    return template(
        SECTION_PATH, browser.cookie_header(), section.fields(COMMENT.format(stamp=MARK))
    )


def bare_template(agora: Template, organisation_id: int) -> Template:
    """The baseline's request: same headers, a body of the same size (padded comment)."""
    fields = [("organisation_id", str(organisation_id)), ("comment", MARK)]
    bare = template("/save", agora.cookie, fields)
    missing = agora.size() - bare.size()
    words = re.sub(r"[^A-Za-z ]", "", COMMENT.format(stamp=""))  # each letter encodes as one byte
    filler = (words + " ") * (missing // len(words) + 2)
    fields[1] = ("comment", filler[: max(missing, 0)] + MARK)
    return template("/save", agora.cookie, fields)


# --- load ----------------------------------------------------------------------------------


@dataclass
class Result:
    client: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    saved: int
    socket_errors: int
    statuses: Counter = field(default_factory=Counter)
    server_cpu: float = 0.0  # gunicorn's CPU seconds (master and workers) during the load
    database_cpu: float = 0.0  # the PostgreSQL backends' CPU seconds during the load
    load_average: float = 0.0  # the machine's 1-minute load average when the load ended

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def cpu_ms(self, seconds: float) -> float:
        """CPU milliseconds per request: steadier than the rate on a shared machine."""
        return 1000 * seconds / self.requests if self.requests else 0.0

    @property
    def errors(self) -> int:
        """Answers that are neither a success nor the save button's redirect, and lost sockets."""
        failed = sum(n for code, n in self.statuses.items() if not 200 <= code < 400)
        return failed + self.socket_errors


WRK_THREADS = 2  # one per core: more threads cost the server's CPU time, not the client's


def run_wrk(
    base_url: str,
    templates: list[Template],
    seconds: float,
    connections: int,
    work_dir: Path,
    name: str,
    tag: str,
    accept: str,
) -> Result:
    data = work_dir / f"{name}.requests"
    with data.open("w") as out:
        for t in templates:
            values = [t.path.encode(), t.cookie.encode(), CONTENT_TYPE.encode(), t.before, t.after]
            out.write("\t".join(v.hex() for v in values) + "\n")
    threads = max(1, min(WRK_THREADS, connections, len(templates)))
    options = f"-t {threads} -c {connections} -d {seconds:g}s --timeout 10s --latency"
    command = ["wrk", *options.split(), "-s", str(LUA_SCRIPT), base_url, "--", str(data)]
    command += [str(threads), tag, accept]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
    if done.returncode != 0 or "BENCH requests" not in done.stdout:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    values, statuses = {}, Counter()
    for line in done.stdout.splitlines():
        if line.startswith("BENCH "):
            _, key, value = line.split()
            if key.startswith("status_"):
                statuses[int(key.removeprefix("status_"))] += int(value)
            else:
                values[key] = int(value)
    return Result(
        client=f"wrk -t {threads} -c {connections}",
        requests=values["requests"],
        seconds=values["duration_us"] / 1e6,
        p50_ms=values["p50_us"] / 1000,
        p99_ms=values["p99_us"] / 1000,
        saved=values["saved"],
        socket_errors=values["socket_errors"],
        statuses=statuses,
    )


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values)) - 1))
    return sorted_values[index]


def run_python(
    base_url: str,
    templates: list[Template],
    seconds: float,
    connections: int,
    tag: str,
    accept: str,
) -> Result:
    """The fallback client: one keep-alive connection per thread, each request timed; each
    thread posts as its own partners (one save in flight per partner, as in wrk's run)."""
    address = urllib.parse.urlsplit(base_url)
    numbers = itertools.count(1)
    started = time.monotonic()
    deadline = started + seconds

    def connection():
        return http.client.HTTPConnection(address.hostname, address.port, timeout=30)

    def worker(index: int):
        conn, latencies, statuses, saved, errors = connection(), [], Counter(), 0, 0
        own = templates[index::connections] or [templates[index % len(templates)]]
        while time.monotonic() < deadline:
            number = next(numbers)
            t = own[number % len(own)]
            headers = {
                "Cookie": t.cookie,
                "Content-Type": CONTENT_TYPE,
                "Accept": accept,
                "User-Agent": USER_AGENT,
            }
            begin = time.perf_counter()
            try:
                conn.request("POST", t.path, body=t.body(f"{tag}0-n{number:010d}"), headers=headers)
                response = conn.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException):
                errors += 1
                conn.close()
                conn = connection()
                continue
            latencies.append(time.perf_counter() - begin)
            statuses[response.status] += 1
            if accept == "application/json":
                saved += response.status == 200 and b'"status":"saved"' in body.replace(b" ", b"")
            else:  # the save button's answer: back to the section, or on to the next; a
                # refusal (say, others saving the same submission all along) goes elsewhere
                location = response.getheader("Location") or ""
                saved += response.status in (302, 303) and "/respond/sections/" in location
        conn.close()
        return latencies, statuses, saved, errors

    with ThreadPoolExecutor(max_workers=connections) as pool:
        outcomes = list(pool.map(worker, range(connections)))
    elapsed = time.monotonic() - started
    latencies = sorted(x for o in outcomes for x in o[0])
    statuses = sum((o[1] for o in outcomes), Counter())
    return Result(
        client=f"Python client, {connections} threads",
        requests=len(latencies),
        seconds=elapsed,
        p50_ms=percentile(latencies, 50) * 1000,
        p99_ms=percentile(latencies, 99) * 1000,
        saved=sum(o[2] for o in outcomes),
        socket_errors=sum(o[3] for o in outcomes),
        statuses=statuses,
    )


def load(
    use_wrk: bool,
    base_url: str,
    templates: list[Template],
    seconds: float,
    connections: int,
    work_dir: Path,
    name: str,
    accept: str = "application/json",
) -> Result:
    tag = "w" if name.endswith("warmup") else "m"  # warm-up and measured stamps differ
    if use_wrk:
        return run_wrk(base_url, templates, seconds, connections, work_dir, name, tag, accept)
    return run_python(base_url, templates, seconds, connections, tag, accept)


def measured(server: "Gunicorn", database_url: str, run) -> Result:
    """`run()`'s result with the CPU gunicorn and PostgreSQL spent on it, and the load."""
    server_before = cpu_seconds(server.process)
    database_before = postgres_cpu_seconds(database_url, ADMIN_URL)
    result = run()
    result.server_cpu = cpu_seconds(server.process) - server_before
    result.database_cpu = postgres_cpu_seconds(database_url, ADMIN_URL) - database_before
    result.load_average = os.getloadavg()[0]
    return result


# --- processes and services ----------------------------------------------------------------


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@functools.cache
def no_control_socket() -> bool:
    """Whether this gunicorn has a control socket to turn off (not to clash with others')."""
    usage = subprocess.run([str(GUNICORN), "--help"], capture_output=True, text=True).stdout
    return "--no-control-socket" in usage


class Gunicorn:
    """gunicorn serving `app_spec` from `cwd`, its output kept in `log_path`."""

    def __init__(
        self,
        app_spec: str,
        cwd: Path,
        env: dict,
        log_path: Path,
        options: list[str] = GUNICORN_ARGS,
    ) -> None:
        self.port = free_port()
        self.options = options
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.log = log_path.open("wb")
        command = [str(GUNICORN), *options, "-b", f"127.0.0.1:{self.port}", app_spec]
        if no_control_socket():  # gunicorn 27 shares one control socket path by default
            command.insert(-1, "--no-control-socket")
        self.process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches only this script, which stops gunicorn
        )

    def wait_until_ready(self, probe: str, timeout: float = 90) -> None:
        """Until it answers HTTP and all its workers have booted."""
        deadline = time.monotonic() + timeout
        answered = False
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}):\n{self.output()}")
            if not answered:
                try:
                    urllib.request.urlopen(self.base_url + probe, timeout=5).close()
                    answered = True
                except urllib.error.HTTPError:
                    answered = True  # any HTTP answer will do
                except OSError:
                    pass
            workers = self.output().count("Booting worker")
            if answered and workers >= int(self.options[1]):
                return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s:\n{self.output()}")

    def output(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()

    def problems(self) -> list[str]:
        """Error lines and tracebacks from the log (gunicorn's own INFO lines left out)."""
        lines = self.output().splitlines()
        keep, in_traceback = [], False
        for line in lines:
            if "[INFO]" in line:
                in_traceback = False
                continue
            if "Traceback" in line or "[ERROR]" in line or "[CRITICAL]" in line:
                in_traceback = True
            if in_traceback or "WORKER TIMEOUT" in line or "[WARNING]" in line:
                keep.append(line)
        return keep


# --- the database through Agora's models ---------------------------------------------------


def prepare_database(agora, users: int) -> list[tuple[str, int]]:
    """Migrations, demo data, and `users` organisations with one partner each."""
    from flask_migrate import upgrade

    from app.extensions import db
    from app.models import Organisation, User
    from app.services import demo
    from app.services.accounts.passwords import hash_password

    with agora.app_context():
        with contextlib.redirect_stderr(io.StringIO()):  # Alembic's INFO lines
            upgrade()
        demo.seed()
        password_hash = hash_password(PASSWORD)
        partners = []
        for i in range(1, users + 1):
            organisation = Organisation(
                name=f"{ORGANISATION_PREFIX} {i:03d}",
                kind="ngo",
                region="europe",
                country="FR",
                verified=True,
            )
            partners.append(
                User(
                    email=f"partner{i:03d}@bench-load.example.org",
                    name=f"Bench Partner {i:03d}",
                    role="partner",
                    password_hash=password_hash,
                    organisation=organisation,
                )
            )
        db.session.add_all(partners)
        db.session.flush()
        _invite(db, [u.organisation_id for u in partners])
        db.session.commit()
        accounts = [(u.email, u.organisation_id) for u in partners]
        db.session.remove()
        db.engine.dispose()
    return accounts


def _invite(db, organisation_ids: list[int]) -> None:
    """Only invited organisations may submit: invite the benchmark's to the demo consultation."""
    import sqlalchemy as sa

    from app.models import Consultation, ConsultationInvitation

    consultation_id = db.session.scalar(sa.select(Consultation.id).where(Consultation.slug == SLUG))
    db.session.add_all(
        ConsultationInvitation(consultation_id=consultation_id, organisation_id=oid)
        for oid in organisation_ids
    )


@dataclass(frozen=True)
class History:
    """What the database holds of the benchmark's saves."""

    versions: int  # the submissions' lock_version summed: one per save that landed
    entries: int  # their history entries ("saved"); one person's autosaves of one item coalesce
    submissions: int
    current: int  # submissions whose latest history entry names their current version


def count_saves(agora) -> History:
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import Organisation, Submission, SubmissionRevision

    with agora.app_context():
        ours = (
            sa.select(Submission.id, Submission.lock_version)
            .join(Organisation, Submission.organisation_id == Organisation.id)
            .where(Organisation.name.startswith(ORGANISATION_PREFIX))
            .subquery()
        )
        rows = db.session.execute(
            sa.select(
                ours.c.lock_version,
                sa.func.count(SubmissionRevision.id),
                sa.func.max(SubmissionRevision.lock_version),
            )
            .outerjoin(
                SubmissionRevision,
                sa.and_(
                    SubmissionRevision.submission_id == ours.c.id,
                    SubmissionRevision.action == "saved",
                ),
            )
            .group_by(ours.c.id, ours.c.lock_version)
        ).all()
        db.session.remove()
    return History(
        versions=sum(lock for lock, _, _ in rows),
        entries=sum(n for _, n, _ in rows),
        submissions=len(rows),
        current=sum(high == lock for lock, _, high in rows),
    )


def settled(count, quiet: float = 1.0, timeout: float = 30.0):
    """`count()` once it has stopped changing: saves in flight when the client stopped land."""
    last, since, deadline = count(), time.monotonic(), time.monotonic() + timeout
    while time.monotonic() - since < quiet and time.monotonic() < deadline:
        time.sleep(0.2)
        now = count()
        if now != last:
            last, since = now, time.monotonic()
    return last


# --- the run -------------------------------------------------------------------------------


def print_table(agora: dict[str, Result], bare: Result) -> None:
    """One line per figure: each Agora mode's value, the bare insert's, their ratio, the target."""
    columns = [*agora, f"{BARE_LABEL} (baseline)"]
    width = max(len(c) for c in columns) + 2
    print(f"{'':24}" + "".join(f"{c:>{width}}" for c in columns))

    def line(name: str, values: list[str]) -> None:
        print(f"{name:24}" + "".join(f"{v:>{width}}" for v in values))

    results = [*agora.values(), bare]
    line("requests/s", [f"{r.rate:.1f}" for r in results])
    line(
        "  ratio to baseline",
        [f"{r.rate / bare.rate:.3f}" if bare.rate else "-" for r in agora.values()] + ["1"],
    )
    line("p50 ms", [f"{r.p50_ms:.1f}" for r in results])
    line("p99 ms", [f"{r.p99_ms:.1f}" for r in results])
    line("errors (non-2xx/3xx, sockets)", [str(r.errors) for r in results])
    line("gunicorn CPU ms/request", [f"{r.cpu_ms(r.server_cpu):.1f}" for r in results])
    line("  bare insert's / ours", [_ratio(r.server_cpu, r, bare) for r in agora.values()] + ["1"])
    line("PostgreSQL CPU ms/request", [f"{r.cpu_ms(r.database_cpu):.1f}" for r in results])
    line("load average (1 min)", [f"{r.load_average:.1f}" for r in results])
    print()
    for label, r in agora.items():
        ratio = r.rate / bare.rate if bare.rate else 0.0
        checks = [
            (
                f"rate {ratio:.2f}x the bare insert (target >= {TARGET_RATIO}x)",
                ratio >= TARGET_RATIO,
            ),
            (f"p99 {r.p99_ms:.0f} ms (target < {TARGET_P99_MS:.0f} ms)", r.p99_ms < TARGET_P99_MS),
            (f"{r.errors} errors (target 0)", r.errors == 0),
        ]
        verdict = "; ".join(f"{text}: {'met' if ok else 'NOT met'}" for text, ok in checks)
        print(f"{label}: {verdict}")
    print()


def _ratio(seconds: float, result: Result, bare: Result) -> str:
    """The bare insert's CPU per request over this one's: the rate the CPU alone allows."""
    ours, theirs = result.cpu_ms(seconds), bare.cpu_ms(bare.server_cpu)
    return f"{theirs / ours:.3f}" if ours and theirs else "-"


def show_problems(label: str, server: Gunicorn, result: Result) -> None:
    problems = server.problems()
    if not problems and not result.errors:
        return
    print(
        f"\n! {label}: statuses {dict(sorted(result.statuses.items()))}, "
        f"socket errors/timeouts {result.socket_errors}"
    )
    if not problems:
        print("  gunicorn logged nothing: app/errors.py answers 500 without logging the error")
    else:
        print(f"  gunicorn error output ({len(problems)} lines, first 80):")
        for line in problems[:80]:
            print("  | " + line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=50, help="concurrent (50)")
    parser.add_argument("--partners", type=int, default=250, help="signed in, shared (250)")
    parser.add_argument("--seconds", type=int, default=15, help="measured load per app (15)")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured load first (3)")
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--workers", type=int, default=int(GUNICORN_ARGS[1]), help="gunicorn's")
    parser.add_argument("--threads", type=int, default=int(GUNICORN_ARGS[5]), help="per worker")
    parser.add_argument(
        "--mode",
        choices=("both", "autosave", "save"),
        default="both",
        help="autosave (JSON), the save button's post, or both (default)",
    )
    args = parser.parse_args()
    if min(args.connections, args.partners, args.seconds, args.workers, args.threads) < 1:
        parser.error("--connections, --partners, --seconds, --workers, --threads at least 1")
    if args.warmup < 0:
        parser.error("--warmup at least 0")
    options = gunicorn_args(args.workers, args.threads)
    use_wrk = args.client == "wrk" or (args.client == "auto" and shutil.which("wrk") is not None)
    if use_wrk and shutil.which("wrk") is None:
        parser.error("wrk is not on PATH")

    work_dir = Path(tempfile.mkdtemp(prefix="agora-save-bench-"))
    instance_dir = work_dir / "instance"
    # Before config.py is imported: nothing of this run is written into the repository.
    os.environ["AGORA_INSTANCE_DIR"] = str(instance_dir)
    os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
    throwaway_secret_key()
    sys.dont_write_bytecode = True
    sys.path.insert(0, str(ROOT))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the clean-up below

    redis = redis_answers()
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"DATABASE_URL", "REDIS_URL", "AGORA_ENV", "LOGIN_RATE_LIMIT", "AUTOSAVE_RATE_LIMIT"}
    }
    env.update(
        AGORA_ENV="development",
        AGORA_INSTANCE_DIR=str(instance_dir),
        LOGIN_RATE_LIMIT="100000 per minute",
        # The throttle still runs (its Redis round trip is part of the cost), never trips.
        AUTOSAVE_RATE_LIMIT="1000000 per minute",
        MAIL_FILE_DIR=str(instance_dir / "mail"),
    )
    if redis:
        env["REDIS_URL"] = REDIS_URL
    servers: list[Gunicorn] = []
    database_url = None
    try:
        database_url = create_postgres("save_load")
        env["DATABASE_URL"] = database_url
        print(
            f"database {database_url.rsplit('/', 1)[1]}; Redis "
            f"{REDIS_URL if redis else 'not answering: none'}; {os.cpu_count()} CPUs; "
            f"load from {'wrk' if use_wrk else 'a Python client'}"
        )
        agora = make_app(database_url, instance_dir)
        accounts = prepare_database(agora, args.partners)

        # Agora.
        server = Gunicorn("wsgi:app", ROOT, env, work_dir / "agora-gunicorn.log", options)
        servers.append(server)
        server.wait_until_ready("/login")
        with ThreadPoolExecutor(max_workers=8) as pool:
            templates = list(
                pool.map(lambda a: sign_in_and_prepare(server.base_url, a[0]), accounts)
            )
        print(
            f"{len(templates)} partners signed in, one save each; body "
            f"{templates[0].size()} bytes of URL-encoded form data, as the page's autosave"
        )
        run = (use_wrk, server.base_url, templates)
        agora_results: dict[str, Result] = {}
        landed: dict[str, History] = {}
        for mode, (label, accept) in MODES.items():
            if args.mode not in ("both", mode):
                continue
            name = f"agora-{mode}"
            if args.warmup > 0:
                load(*run, args.warmup, args.connections, work_dir, name + "-warmup", accept)
            before = settled(lambda: count_saves(agora))
            agora_results[label] = measured(
                server,
                database_url,
                functools.partial(
                    load, *run, args.seconds, args.connections, work_dir, name, accept
                ),
            )
            after = settled(lambda: count_saves(agora))
            landed[label] = History(
                after.versions - before.versions,
                after.entries - before.entries,
                after.submissions,
                after.current,
            )
        server.stop()

        # The baseline.
        import bare_insert_app

        bare_insert_app.create_schema(database_url)
        bare_templates = [bare_template(t, a[1]) for t, a in zip(templates, accounts, strict=True)]
        bare = Gunicorn(
            "bare_insert_app:app", BENCH_DIR, env, work_dir / "bare-gunicorn.log", options
        )
        servers.append(bare)
        bare.wait_until_ready("/save")
        run = (use_wrk, bare.base_url, bare_templates)
        if args.warmup > 0:
            load(*run, args.warmup, args.connections, work_dir, "bare-warmup")
        rows_before = settled(lambda: bare_insert_app.count_rows(database_url))
        bare_result = measured(
            bare, database_url, lambda: load(*run, args.seconds, args.connections, work_dir, "bare")
        )
        rows = settled(lambda: bare_insert_app.count_rows(database_url)) - rows_before
        bare.stop()

        # The table: each figure of the save path beside the bare insert's, in the same run.
        first = next(iter(agora_results.values()))
        print(
            f"\n{args.connections} connections, {len(templates)} partners, {args.seconds:g} s "
            f"each after {args.warmup:g} s warm-up; gunicorn {' '.join(options)}; {first.client}; "
            f"bodies {templates[0].size()} / {bare_templates[0].size()} bytes\n"
        )
        print_table(agora_results, bare_result)
        for label, result in agora_results.items():
            history = landed[label]
            print(
                f"{label}: {history.versions} saves landed (versions taken) for "
                f'{result.saved} "saved" answers counted by the client (more: saves in flight '
                f"when the client stopped); {history.entries} new history entries "
                f"(one person's saves of one paragraph within 5 minutes are one entry); "
                f"latest entry names the current version on "
                f"{history.current}/{history.submissions} submissions"
            )
        print(f'baseline: {rows} rows inserted for {bare_result.saved} "saved" answers')
        if not use_wrk:
            print("(Python client: it shares the CPUs with gunicorn, figures are a lower bound)")
        for label, result in agora_results.items():
            show_problems(label, server, result)
        show_problems("bare Flask", bare, bare_result)
        return 0
    except BaseException:
        for server in servers:
            print(f"\n--- {server.log_path.name} (last 60 lines) ---", file=sys.stderr)
            print("\n".join(server.output().splitlines()[-60:]), file=sys.stderr)
        raise
    finally:
        for server in servers:
            server.stop()
        if database_url:
            drop_postgres(database_url)
        shutil.rmtree(work_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
