"""Speed of a feedback synthesis: N items, real Celery workers, Redis and a real database.

For each size of --items (default 10,000 and 100,000) the script builds a throw-away
database (a new PostgreSQL database on BENCH_POSTGRES_ADMIN_URL, default the test suite's
postgresql+psycopg://root@127.0.0.1:5432/test, dropped afterwards; or a SQLite file with
--database sqlite): the migrations, the demo data (its consultation has 5 sections, 17
paragraphs and 3 questions), then N paragraph feedbacks of submitted submissions from about
N/17 organisations, bulk-inserted with SQLAlchemy Core. Comments, stances, amendments and
languages come from bench/corpus.py (planted themes in EN/FR/ES, a campaign, planted
amendments); the 17 paragraphs take the corpus's draft texts, so amendments and quotes are
edits of the real paragraph. Every submission answers the scale and single-choice
questions and half of them the free-text one.

Embeddings are stored in `comment_vector` beforehand, named with the current encoder, and
the comments' sentences in `sentence_vector`, as the vector batches do when feedback arrives
(the normal, warm case: a synthesis then reads every vector and encodes only label phrases
and the few sentences it trims). They are computed with the real encoder
(USE v3) for up to --real-vectors comments (10,000) and cached under ~/.cache/agora-bench;
above that, each comment gets the real vector of a comment with the same planted theme,
language and campaign flag, plus small noise (bench/synthesis_quality.py's proxy), and each
sentence its real vector when the smaller corpus has it, else its comment's plus noise. Text
answers' vectors are stored too, as the app does at submit time (--cold-answers leaves
them out, as after a bulk import: the merge then embeds them).

Then --workers Celery worker processes (`celery -A wsgi.celery_app worker --concurrency 1`)
are started against Redis (BENCH_REDIS_URL, default redis://127.0.0.1:6379/12, flushed at start
and end) and the
database; the script calls runs.request_synthesis(COMMAND_LINE, consultation) and times
until the synthesis' status is "done", and reads the peak RSS (VmHWM) of each worker's
processes. The baseline, timed in the same run on the same rows, is the irreducible work:
a SQL GROUP BY paragraph, stance count, reading the stored vectors, and scikit-learn's
KMeans with k fixed at 8 (n_init=1). The table's "parts" column is the time from the request
until the chord's last part was kept (the sections, and the whole consultation's themes and
questions, computed side by side), "merge" the merge that assembles them. --profile then
runs the sections, the themes part, the questions part and the merge once more in this
process under cProfile and prints where the time goes; when the merge fails on too many
bind parameters, it is profiled once more with compute.vectors_for wrapped by this script
to ask for 30,000 ids per query (in this process only, to see the cost past that query).
--memory runs the themes part (the one that holds the vectors) once more in this process
with its RSS sampled every 5 ms, and prints how much it grew and the synthesis calls under
way at its highest.

With --cold, nothing is stored beforehand: the corpus is imported as a feedback file through
the real import service while the workers run, and what a user waits for is timed (the
vectors after the import, then a synthesis): see bench/synthesis_cold.py.

    .venv/bin/python bench/synthesis.py [--items 10000,100000] [--database sqlite|postgres]
                                        [--workers 2] [--profile] [--memory] [--cold-answers]
                                        [--cold]
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import os
import pstats
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from support import create_postgres, drop_postgres, make_app, throwaway_secret_key

ROOT = Path(__file__).resolve().parents[1]
# BENCH_REDIS_URL: another database when someone else's run already uses this one.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
SLUG = "pact-for-the-future-opportunities"  # the demo consultation
CACHE_DIR = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "agora-bench"
TARGET_SECONDS = {10_000: 4.0, 100_000: 20.0}  # with two worker processes
TARGET_MEMORY = 1024**3  # peak RSS per worker process
BASELINE_K = 8
CHUNK = 5_000  # rows per Core INSERT
ORGANISATION_KINDS = ("town_hall_partner", "un_agency", "ngo", "lrg_network", "academic")
REGIONS = ("africa", "asia_pacific", "eurasia", "europe", "latin_america", "north_america")


def say(message: str) -> None:
    print(message, flush=True)


def timed(function, *args, **kwargs):
    """(result, seconds)."""
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


# --- corpus and vectors --------------------------------------------------------------------


def corpus_for(n_items: int, seed: int):
    """The corpus of n_items comments on 17 paragraphs (the corpus sizes paragraphs this way)."""
    from bench.corpus import generate

    return generate(n_items, seed=seed, organisations=max(2, round(2 * n_items / 17)))


def real_vectors(corpus, seed: int, cache: bool) -> np.ndarray:
    """USE v3 vectors of every comment of the corpus, from the cache when it has them."""
    texts = [item.comment for item in corpus.items]
    return cached_embedding(texts, f"synthesis-{len(texts)}-seed{seed}", "comments", cache)


def real_sentence_vectors(sentences: list[str], label: str, cache: bool) -> np.ndarray:
    """USE v3 vectors of these sentences, from the cache when it has them."""
    return cached_embedding(sentences, f"synthesis-sentences-{label}", "sentences", cache)


def cached_embedding(texts: list[str], stem: str, what: str, cache: bool) -> np.ndarray:
    """The encoder's vectors of `texts`, kept in CACHE_DIR under `stem` and the encoder's
    name, and read from there when the file has as many rows."""
    from app.services.synthesis.embedding import default_embedder

    embedder = default_embedder()
    name = re.sub(r"[^A-Za-z0-9.]+", "-", getattr(embedder, "name", "default"))
    path = CACHE_DIR / f"{stem}-{name}.npy"
    if cache and path.exists():
        vectors = np.load(path)
        if len(vectors) == len(texts):
            say(f"  {len(vectors):,} real {what[:-1]} vectors read from {path}")
            return vectors
    embedder.embed(["warm-up"])  # loading the weights is not the embedding time
    vectors, seconds = timed(embedder.embed, texts)
    say(f"  {len(texts):,} {what} embedded with {name} in {seconds:.1f} s")
    if cache:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        np.save(path, vectors)
    return vectors


def sentence_vectors_for_corpus(
    corpus, vectors: np.ndarray, seed: int, limit: int, cache: bool
) -> tuple[list[str], np.ndarray]:
    """The distinct sentences of the comments, as the vector batches split and keep them,
    and a vector for each: real ones up to `limit` comments; above it, a sentence of the
    `limit`-comment corpus keeps its real vector (the openers and thanks many repeat), any
    other takes its first comment's vector plus small noise."""
    from app.services.synthesis.boilerplate import split_sentences

    owner: dict[str, int] = {}
    for index, item in enumerate(corpus.items):
        for sentence in split_sentences(item.comment):
            owner.setdefault(sentence, index)
    sentences = list(owner)
    if len(corpus.items) <= limit:
        return sentences, real_sentence_vectors(sentences, f"{len(corpus.items)}-seed{seed}", cache)
    base, base_vectors = sentence_vectors_for_corpus(
        corpus_for(limit, seed), vectors, seed, limit, cache
    )
    known = {sentence: row for row, sentence in enumerate(base)}
    rng = np.random.default_rng(seed)
    noise = 0.02 * rng.standard_normal((len(sentences), vectors.shape[1]), dtype=np.float32)
    made = vectors[[owner[s] for s in sentences]] + noise
    real = [row for row, s in enumerate(sentences) if s in known]
    made[real] = base_vectors[[known[sentences[row]] for row in real]]
    return sentences, (made / np.linalg.norm(made, axis=1, keepdims=True)).astype(np.float32)


def vectors_for_corpus(corpus, seed: int, limit: int, cache: bool) -> tuple[np.ndarray, str]:
    """(vectors, how they were made) for every comment of the corpus."""
    if len(corpus.items) <= limit:
        return real_vectors(corpus, seed, cache), "USE v3 (real)"
    from bench.synthesis_quality import proxy_vectors

    base = corpus_for(limit, seed)
    vectors = proxy_vectors(corpus, base, real_vectors(base, seed, cache))
    return vectors, f"proxy: real USE v3 vectors of {limit:,} comments + noise"


# --- the database --------------------------------------------------------------------------


def agora_app(database_url: str, instance_dir: Path):
    """The app as its workers see it: Celery on the benchmark's Redis database."""
    from config import Config, _redis_celery

    return make_app(
        database_url, instance_dir, CELERY={**Config.CELERY, **_redis_celery(REDIS_URL)}
    )


@dataclass
class Loaded:
    consultation_id: int
    submissions: int
    items: int
    comments: int
    text_answers: int


def max_id(model) -> int:
    import sqlalchemy as sa

    from app.extensions import db

    return db.session.scalar(sa.select(sa.func.max(model.id))) or 0


def insert(model, rows: list[dict]) -> None:
    import sqlalchemy as sa

    from app.extensions import db

    for start in range(0, len(rows), CHUNK):
        db.session.execute(sa.insert(model.__table__), rows[start : start + CHUNK])


def prepare_database(corpus):
    """Migrations and demo data, the draft's paragraphs given the corpus's texts; the
    consultation and its paragraphs by corpus paragraph number."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from app.extensions import db
    from app.models import Consultation
    from app.services import demo

    with contextlib.redirect_stderr(io.StringIO()):  # Alembic's INFO lines
        upgrade()
    demo.seed()
    consultation = db.session.scalar(sa.select(Consultation).where(Consultation.slug == SLUG))
    paragraphs = consultation.current_version.paragraphs
    if len(paragraphs) != len(corpus.paragraphs):
        raise RuntimeError(
            f"the demo has {len(paragraphs)} paragraphs, the corpus {len(corpus.paragraphs)}"
        )
    # The corpus's draft texts, so that its amendments and quotes are edits of the paragraph.
    for paragraph, planted in zip(paragraphs, corpus.paragraphs, strict=True):
        paragraph.text = dict(planted.text)
    db.session.commit()
    return consultation, {p.number: paragraphs[i] for i, p in enumerate(corpus.paragraphs)}


def submission_slots(corpus) -> list[list[int]]:
    """Item indexes per submission: about N/17 organisations answering (nearly) every
    paragraph, the k-th item of each paragraph going to submission k. Items come in corpus
    order (by organisation), so one submission gathers two neighbouring corpus organisations."""
    by_paragraph: dict[str, list[int]] = defaultdict(list)
    for index, item in enumerate(corpus.items):
        by_paragraph[item.paragraph].append(index)
    count = max(len(indexes) for indexes in by_paragraph.values())
    slots: list[list[int]] = [[] for _ in range(count)]
    for indexes in by_paragraph.values():
        for k, index in enumerate(indexes):
            slots[k].append(index)
    return slots


def load_database(
    corpus, vectors: np.ndarray, seed: int, warm_answers: bool, sentences=None
) -> Loaded:
    """Migrations, demo data, and the corpus as submitted submissions with stored vectors
    (and its sentences' vectors: `sentences`, (texts, vectors), as the vector batches keep
    them), each named with the current encoder as the app names those it makes."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import (
        Answer,
        CommentVector,
        Organisation,
        ParagraphFeedback,
        SentenceVector,
        Submission,
    )
    from app.services.synthesis import embedding
    from app.services.synthesis import vectors as stored  # the parameter keeps its name

    encoder = stored.current_encoder()

    consultation, paragraph_of = prepare_database(corpus)
    version = consultation.current_version
    slots = submission_slots(corpus)

    rng = random.Random(seed)
    now = datetime.now(UTC)
    first_org, first_sub = max_id(Organisation) + 1, max_id(Submission) + 1
    first_item, first_answer = max_id(ParagraphFeedback) + 1, max_id(Answer) + 1
    organisations, submissions, items, vector_rows, answers = [], [], [], [], []
    answer_vectors: list[tuple[int, str, np.ndarray]] = []
    questions = {q.kind: q for q in consultation.questions}
    for k, indexes in enumerate(slots):
        org_id, sub_id = first_org + k, first_sub + k
        organisations.append({
            "id": org_id, "name": f"Bench synthesis organisation {k + 1:06d}",
            "kind": ORGANISATION_KINDS[k % len(ORGANISATION_KINDS)],
            "region": REGIONS[k % len(REGIONS)], "country": "", "verified": True,
            "created_at": now,
        })  # fmt: skip
        submissions.append({
            "id": sub_id, "consultation_id": consultation.id, "organisation_id": org_id,
            "version_id": version.id, "status": "submitted", "lock_version": 1,
            "submitted_lock_version": 1, "general_comment": "", "general_language": None,
            "general_changed_at_version": 0, "source": "web", "created_at": now,
            "updated_at": now, "submitted_at": now,
        })  # fmt: skip
        for index in indexes:
            item, feedback_id = corpus.items[index], first_item + len(items)
            items.append({
                "id": feedback_id, "submission_id": sub_id,
                "paragraph_id": paragraph_of[item.paragraph].id, "stance": item.stance,
                "comment": item.comment, "amendment": item.amendment, "language": item.language,
                "language_confirmed": False, "ref": "", "changed_at_version": 1,
                "updated_at": now,
            })  # fmt: skip
            if item.comment:
                vector_rows.append({
                    "kind": "item", "source_id": feedback_id,
                    "text_hash": stored.text_hash(item.comment),
                    "vector": embedding.to_bytes(vectors[index]), "encoder": encoder,
                })  # fmt: skip
        values = {"scale": rng.randint(1, 5), "single": rng.randrange(4)}
        if rng.random() < 0.5:  # half the organisations answer the free-text question
            first = corpus.items[indexes[0]]
            values["text"] = (first.comment, first.language, vectors[indexes[0]])
        for kind, value in values.items():
            question = questions.get(kind)
            if question is None:
                continue
            language = None
            if kind == "text":
                value, language, vector = value
                answer_vectors.append((first_answer + len(answers), value, vector))
            answers.append({
                "id": first_answer + len(answers), "submission_id": sub_id,
                "question_id": question.id, "value": value, "language": language,
                "changed_at_version": 1,
            })  # fmt: skip
    if warm_answers:
        vector_rows += [
            {"kind": "answer", "source_id": answer_id, "text_hash": stored.text_hash(text),
             "vector": embedding.to_bytes(vector), "encoder": encoder}
            for answer_id, text, vector in answer_vectors
        ]  # fmt: skip
    insert(Organisation, organisations)
    insert(Submission, submissions)
    insert(ParagraphFeedback, items)
    insert(Answer, answers)
    insert(CommentVector, vector_rows)
    if sentences is not None:
        texts, matrix = sentences
        insert(SentenceVector, [
            {"text_hash": stored.text_hash(text), "vector": embedding.to_bytes(vector),
             "encoder": encoder}
            for text, vector in zip(texts, matrix, strict=True)
        ])  # fmt: skip
    db.session.commit()
    if db.engine.dialect.name == "postgresql":  # ids were given: move the sequences on
        for table in ("organisation", "submission", "paragraph_feedback", "answer"):
            db.session.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            )
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
    return Loaded(
        consultation.id,
        len(submissions),
        len(items),
        sum(1 for row in vector_rows if row["kind"] == "item"),
        len(answer_vectors),
    )


# --- the baseline --------------------------------------------------------------------------


@dataclass
class Baseline:
    group_by: float
    read_vectors: float
    kmeans: float
    counted: int

    @property
    def total(self) -> float:
        return self.group_by + self.read_vectors + self.kmeans


def run_baseline(consultation_id: int) -> Baseline:
    """GROUP BY paragraph, stance over the same rows; their stored vectors; KMeans k=8."""
    import sqlalchemy as sa
    from sklearn.cluster import KMeans

    from app.extensions import db
    from app.services.synthesis import embedding

    counts, group_by = timed(
        lambda: db.session.execute(
            sa.text(
                "SELECT p.number, pf.stance, count(*) FROM paragraph_feedback pf "
                "JOIN paragraph p ON p.id = pf.paragraph_id "
                "JOIN submission s ON s.id = pf.submission_id "
                "WHERE s.consultation_id = :c AND s.status = 'submitted' "
                "GROUP BY p.number, pf.stance"
            ),
            {"c": consultation_id},
        ).all()
    )
    blobs, read = timed(
        lambda: db.session.scalars(
            sa.text(
                "SELECT cv.vector FROM comment_vector cv "
                "JOIN paragraph_feedback pf ON pf.id = cv.source_id AND cv.kind = 'item' "
                "JOIN submission s ON s.id = pf.submission_id "
                "WHERE s.consultation_id = :c AND s.status = 'submitted'"
            ),
            {"c": consultation_id},
        ).all()
    )
    matrix, stacking = timed(embedding.stack, blobs)
    _, kmeans = timed(KMeans(n_clusters=BASELINE_K, n_init=1, random_state=0).fit, matrix)
    db.session.rollback()
    return Baseline(group_by, read + stacking, kmeans, sum(n for _, _, n in counts))


# --- the workers ---------------------------------------------------------------------------


def status_field(pid: int, name: str) -> int | None:
    """A `kB` field of /proc/<pid>/status in bytes, None once the process is gone."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith(name + ":"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        return None
    return None


def children(pid: int) -> list[int]:
    """Every descendant of pid."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        try:
            with open(f"/proc/{parent}/task/{parent}/children") as handle:
                kids = [int(k) for k in handle.read().split()]
        except OSError:
            kids = []
        found += kids
        todo += kids
    return found


class Worker:
    """One `celery worker --concurrency 1` process with its pool child, its log kept."""

    def __init__(self, number: int, env: dict, log_path: Path) -> None:
        self.number = number
        self.log_path = log_path
        self.log = log_path.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "wsgi.celery_app", "worker",
                "--concurrency", "1", "--loglevel", "WARNING", "--without-mingle",
                "--without-gossip", "--hostname", f"bench{number}-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # stopped as a group, and Ctrl-C reaches only this script
        )  # fmt: skip
        self.peaks: dict[int, int] = {}

    def sample(self) -> None:
        """Keep the high-water mark of the worker and of each of its children."""
        for pid in [self.process.pid, *children(self.process.pid)]:
            peak = status_field(pid, "VmHWM")
            if peak is not None:
                self.peaks[pid] = max(self.peaks.get(pid, 0), peak)

    def cpu(self) -> float:
        """CPU seconds used so far by the worker and its pool processes (those alive)."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in [self.process.pid, *children(self.process.pid)]:
            try:
                with open(f"/proc/{pid}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / tick

    @property
    def peak(self) -> int:
        return max(self.peaks.values(), default=0)

    def detail(self) -> str:
        main = self.peaks.get(self.process.pid, 0)
        pool = [v for pid, v in self.peaks.items() if pid != self.process.pid]
        return f"main {main / 2**20:.0f} MiB, pool " + ", ".join(f"{v / 2**20:.0f}" for v in pool)

    def output(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log.close()


def wait_for_workers(app, workers: list[Worker], timeout: float = 120) -> None:
    celery_app = app.extensions["celery"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for worker in workers:
            if worker.process.poll() is not None:
                raise RuntimeError(f"worker {worker.number} exited:\n{worker.output()[-3000:]}")
        replies = celery_app.control.ping(timeout=1.0) or []
        if len(replies) >= len(workers):
            return
        time.sleep(0.3)
    raise RuntimeError(f"the workers did not answer within {timeout:.0f} s")


def worker_env(database_url: str, instance_dir: Path) -> dict:
    """The environment of the benchmark's worker processes."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "AGORA_ENV", "SYNTHESIS_STALE_SECONDS"}
    }
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=REDIS_URL,
        AGORA_INSTANCE_DIR=str(instance_dir),
        AGORA_ENV="development",
        SECRET_KEY=throwaway_secret_key(),
        MAIL_FILE_DIR=str(instance_dir / "mail"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def flush_redis() -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.flushdb()
    finally:
        client.close()


# --- one size ------------------------------------------------------------------------------


@dataclass
class Measure:
    items: int
    database: str
    vectors: str
    loaded: Loaded | None = None
    seconds: float | None = None
    sections: float | None = None  # request -> last part kept (sections, themes, questions)
    merge: float | None = None  # merge task start -> done
    status: str = ""
    error: str = ""
    dispatches: int = 0
    themes: int = 0
    campaigns: int = 0
    counted: int = 0
    baseline: Baseline | None = None
    peaks: list[int] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # CPU seconds of each worker, synthesis only
    details: list[str] = field(default_factory=list)
    load: tuple[float, float] = (0.0, 0.0)  # 1-minute load average at request and at the end
    problems: list[str] = field(default_factory=list)


def synthesize(app, consultation_id: int, workers: list[Worker], timeout: float, measure) -> int:
    """Request a synthesis, time it until done; returns its id."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import Consultation, Synthesis, SynthesisPart
    from app.services.accounts.access import COMMAND_LINE
    from app.services.synthesis import runs

    consultation = db.session.get(Consultation, consultation_id)
    load = os.getloadavg()[0]
    cpu_before = [worker.cpu() for worker in workers]
    started = time.perf_counter()
    synthesis_id = runs.request_synthesis(COMMAND_LINE, consultation).id
    deadline, next_sample, status = started + timeout, 0.0, "queued"
    while time.perf_counter() < deadline:
        db.session.rollback()  # a new transaction: see the workers' commits
        status = db.session.scalar(sa.select(Synthesis.status).where(Synthesis.id == synthesis_id))
        now = time.perf_counter()
        if status in ("done", "failed"):
            break
        if now >= next_sample:
            for worker in workers:
                worker.sample()
            next_sample = now + 0.5
        time.sleep(0.05)
    measure.seconds = time.perf_counter() - started
    measure.load = (load, os.getloadavg()[0])
    measure.cpu = [w.cpu() - before for w, before in zip(workers, cpu_before, strict=True)]
    for worker in workers:
        worker.sample()
    db.session.expire_all()
    synthesis = db.session.get(Synthesis, synthesis_id)
    measure.status, measure.error = synthesis.status, synthesis.error
    measure.dispatches = synthesis.dispatches
    if status not in ("done", "failed"):
        measure.status = f"timed out after {timeout:.0f} s ({synthesis.status}, "
        measure.status += f"{synthesis.progress}%)"
    parts = db.session.scalars(
        sa.select(SynthesisPart.finished_at).where(SynthesisPart.synthesis_id == synthesis_id)
    ).all()
    if parts and all(parts):
        measure.sections = (max(parts) - synthesis.created_at).total_seconds()
    if synthesis.status == "done" and synthesis.finished_at:
        # The merge's first act is a heartbeat; nothing beats the synthesis after it.
        measure.merge = (synthesis.finished_at - synthesis.heartbeat_at).total_seconds()
        result = synthesis.result
        measure.counted = sum(p["feedback_count"] for p in result["paragraphs"])
        measure.themes = len(result["themes"])
        measure.campaigns = len(result["duplicates"])
    db.session.rollback()
    return synthesis_id


def chunked(vectors_for, size: int = 30_000):
    """compute.vectors_for asking for at most `size` ids per query (--profile only)."""

    def wrapper(kind: str, sources: list) -> dict:
        found: dict = {}
        for start in range(0, len(sources), size):
            found.update(vectors_for(kind, sources[start : start + size]))
        return found

    return wrapper


def profiled(name: str, call, top: int) -> BaseException | None:
    """Run `call` under cProfile, print its top functions; the exception it raised, if any."""
    profiler = cProfile.Profile()
    started, raised = time.perf_counter(), None
    try:
        profiler.runcall(call)
    except Exception as error:  # noqa: BLE001 - reported, and the profile so far is shown
        raised = error
    seconds = time.perf_counter() - started
    for order, count in (("cumulative", top), ("tottime", 12)):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(count)
        lines = out.getvalue().splitlines()
        start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
        say(f"\n-- profile: {name}, one process, {seconds:.1f} s (by {order}, top {count})")
        say("\n".join(line for line in lines[start:] if line.strip()))
    if raised is not None:
        say(f"-- {name} raised {type(raised).__name__}: {short(str(raised))}")
    return raised


def memory(consultation_id: int) -> None:
    """The themes part once more in this process (the part that holds every vector), its RSS
    sampled every few milliseconds: how much it grew, and the calls of this script's
    synthesis code at the highest sample."""
    import threading
    import traceback

    from app.extensions import db
    from app.services.synthesis import compute

    synthesis_id, _ = new_synthesis(consultation_id)
    main = threading.main_thread().ident
    start = status_field(os.getpid(), "VmRSS") or 0
    peak = {"rss": start, "stack": []}
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.005):
            rss = status_field(os.getpid(), "VmRSS") or 0
            if rss > peak["rss"]:
                frames = traceback.extract_stack(sys._current_frames()[main])
                peak.update(rss=rss, stack=[f for f in frames if "/app/" in f.filename])

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        compute.run_whole_part(synthesis_id, "themes")
    finally:
        done.set()
        sampler.join()
        db.session.rollback()
    grown = (peak["rss"] - start) / 2**20
    say(f"\n-- memory: themes part in this process, RSS {start / 2**20:,.0f} MiB before, "
        f"{peak['rss'] / 2**20:,.0f} MiB at most (+{grown:,.0f}); at the peak:")  # fmt: skip
    for frame in peak["stack"]:
        say(f"   {Path(frame.filename).name}:{frame.lineno} {frame.name}: {frame.line}")


def short(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + " [...]"


def new_synthesis(consultation_id: int) -> tuple[int, list[int]]:
    """A synthesis to run again in this process: its id and its sections' ids."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import Consultation, Synthesis
    from app.services.synthesis import embedding, runs

    embedding.default_embedder().embed(["warm-up"])  # the workers have it loaded already
    consultation = db.session.get(Consultation, consultation_id)
    number = db.session.scalar(
        sa.select(sa.func.max(Synthesis.number)).where(Synthesis.consultation_id == consultation_id)
    )
    synthesis = Synthesis(
        consultation=consultation, number=number + 1, watermark=runs.watermark(consultation)
    )
    db.session.add(synthesis)
    db.session.commit()
    return synthesis.id, [s.id for s in consultation.current_version.sections]


def profile(consultation_id: int, top: int) -> None:
    """Sections, the whole consultation's parts and the merge once more, in this process,
    under cProfile."""
    from app.extensions import db
    from app.services.synthesis import compute, runs

    synthesis_id, sections = new_synthesis(consultation_id)
    if profiled("sections", lambda: [compute.run_section(synthesis_id, s) for s in sections], top):
        db.session.rollback()
        return
    for part in runs.WHOLE_PARTS:
        if profiled(f"{part} part", lambda p=part: compute.run_whole_part(synthesis_id, p), top):
            db.session.rollback()
            return
    if profiled("merge", lambda: compute.run_merge(synthesis_id), top) is None:
        return
    db.session.rollback()
    # Too many ids for one IN (...): see what the merge would cost past that query.
    original = compute.vectors_for
    compute.vectors_for = chunked(original)
    try:
        say("\n-- the merge again, compute.vectors_for patched by this script to ask for")
        say("   30,000 ids per query (in this process only; the app is unchanged)")
        profiled("merge, vectors_for chunked", lambda: compute.run_merge(synthesis_id), top)
    finally:
        compute.vectors_for = original
        db.session.rollback()


def run_size(args, n_items: int, work_dir: Path) -> Measure:
    from app.extensions import db

    label = f"{n_items // 1000}k"
    say(f"\n== {n_items:,} items on {args.database}")
    corpus, seconds = timed(corpus_for, n_items, args.seed)
    say(f"  corpus: {len(corpus.items):,} comments, {len(corpus.paragraphs)} paragraphs "
        f"({seconds:.1f} s)")  # fmt: skip
    vectors, how = vectors_for_corpus(corpus, args.seed, args.real_vectors, not args.no_cache)
    sentences = sentence_vectors_for_corpus(
        corpus, vectors, args.seed, args.real_vectors, not args.no_cache
    )
    measure = Measure(n_items, args.database, how)
    instance_dir = work_dir / f"instance-{label}"
    database_url = None
    workers: list[Worker] = []
    try:
        if args.database == "postgres":
            database_url = create_postgres(f"synthesis_{label}")
        else:
            database_url = f"sqlite:///{work_dir / f'synthesis-{label}.sqlite'}"
        app = agora_app(database_url, instance_dir)
        with app.app_context():
            loaded, seconds = timed(
                load_database, corpus, vectors, args.seed, not args.cold_answers, sentences
            )
            measure.loaded = loaded
            say(
                f"  loaded {loaded.items:,} items and {loaded.comments:,} vectors from "
                f"{loaded.submissions:,} submitted submissions, {loaded.text_answers:,} text "
                f"answers ({'not embedded' if args.cold_answers else 'vectors stored'}) "
                f"in {seconds:.1f} s"
            )
            measure.baseline = run_baseline(loaded.consultation_id)
            say(f"  baseline {measure.baseline.total:.2f} s")

            env = worker_env(database_url, instance_dir)
            flush_redis()
            for number in range(1, args.workers + 1):
                log = work_dir / f"worker-{label}-{number}.log"
                workers.append(Worker(number, env, log))
            wait_for_workers(app, workers)
            say(f"  {len(workers)} workers ready; synthesis requested")
            synthesize(app, loaded.consultation_id, workers, args.timeout, measure)
            measure.peaks = [w.peak for w in workers]
            measure.details = [w.detail() for w in workers]
            say(
                f"  {measure.status} in {measure.seconds:.1f} s"
                + (f": {short(measure.error)}" if measure.error else "")
            )
            for worker in workers:
                worker.stop()
                measure.problems += [
                    f"worker {worker.number}: {line}"
                    for line in worker.output().splitlines()
                    if re.search(r"ERROR|Traceback|Retry|Error:|WARNING", line)
                ][:10]
            if args.profile:
                profile(loaded.consultation_id, args.top)
            if args.memory:
                memory(loaded.consultation_id)
            db.session.remove()
            db.engine.dispose()
    finally:
        for worker in workers:
            worker.stop()
        with contextlib.suppress(Exception):
            flush_redis()
        if database_url and args.database == "postgres":
            drop_postgres(database_url)
    return measure


# --- the table -----------------------------------------------------------------------------


def verdict(ok: bool | None) -> str:
    return "-" if ok is None else ("met" if ok else "MISSED")


def report(measures: list[Measure], workers: int) -> None:
    say(
        f"\n== synthesis speed: {workers} worker process(es) (celery prefork, concurrency 1), "
        f"Redis {REDIS_URL}, {os.cpu_count()} CPUs"
    )
    say(
        f"{'db':<9}{'items':>9}{'subm.':>7}  {'synthesis':>9}  {'parts':>8}  {'merge':>7}  "
        f"{'target':>13}  {'baseline':>8}  {'ratio':>6}  peak RSS per worker (< 1 GiB)"
    )
    for m in measures:
        target = TARGET_SECONDS.get(m.items)
        done = m.status == "done"
        ok = None if target is None or m.seconds is None else done and m.seconds <= target
        b = m.baseline
        peak_ok = bool(m.peaks) and max(m.peaks) < TARGET_MEMORY
        say(
            f"{m.database:<9}{m.items:>9,}{m.loaded.submissions if m.loaded else 0:>7,}  "
            f"{fmt(m.seconds):>9}  {fmt(m.sections):>8}  {fmt(m.merge):>7}  "
            f"{('<= ' + fmt(target)) if target else '':>8} {verdict(ok):>4}  "
            f"{fmt(b.total if b else None):>8}  "
            f"{(f'{m.seconds / b.total:5.1f}x') if b and m.seconds else '':>6}  "
            + " / ".join(f"{p / 2**20:.0f} MiB" for p in m.peaks)
            + f" {verdict(peak_ok)}"
        )
    say("")
    for m in measures:
        b = m.baseline
        say(f"{m.database} {m.items:,}: status {m.status}, dispatches {m.dispatches}, "
            f"{m.counted:,} items counted, {m.themes} themes, {m.campaigns} duplicate group(s); "
            f"vectors: {m.vectors}; load average {m.load[0]:.1f} at request, "
            f"{m.load[1]:.1f} when done")  # fmt: skip
        if b:
            say(f"  baseline: GROUP BY {b.group_by:.2f} s ({b.counted:,} rows counted), "
                f"reading {m.loaded.comments:,} vectors {b.read_vectors:.2f} s, "
                f"KMeans k={BASELINE_K} {b.kmeans:.2f} s (one process)")  # fmt: skip
        say("  workers' CPU: " + " + ".join(f"{c:.1f}" for c in m.cpu) + f" = {sum(m.cpu):.1f} s")
        say("  peak RSS: " + "; ".join(f"worker {i + 1}: {d}" for i, d in enumerate(m.details)))
        if m.error:
            say(f"  error: {short(m.error)}")
        for line in m.problems:
            say(f"  ! {short(line)}")
    by_db = defaultdict(list)
    for m in measures:
        if m.status == "done":
            by_db[m.database].append(m)
    for database, done in by_db.items():
        done.sort(key=lambda m: m.items)
        for small, large in zip(done, done[1:], strict=False):
            growth, size = large.seconds / small.seconds, large.items / small.items
            say(
                f"growth on {database} {small.items:,} -> {large.items:,}: items x{size:.1f}, "
                f"synthesis x{growth:.1f} (target <= x{size:.1f}: {verdict(growth <= size)}), "
                f"baseline x{large.baseline.total / small.baseline.total:.1f}"
            )
    say(
        "targets: 10,000 items <= 4 s and 100,000 <= 20 s with two worker processes, time "
        "growing no faster than the input, peak RSS < 1 GiB per worker process"
    )


def fmt(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.1f} s"


def parse_arguments() -> tuple[argparse.Namespace, list[int]]:
    """The command line of this benchmark and of `synthesis_cold.py`, which `--cold` runs."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", default="10000,100000", help="sizes, comma-separated")
    parser.add_argument("--database", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (2)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--real-vectors", type=int, default=10_000, help="comments embedded for real (10,000)"
    )
    parser.add_argument("--no-cache", action="store_true", help="embed again, keep nothing")
    parser.add_argument(
        "--cold-answers",
        action="store_true",
        help="leave text answers without vectors (as after a bulk import)",
    )
    parser.add_argument("--timeout", type=float, default=1800, help="per synthesis (s)")
    parser.add_argument(
        "--profile", action="store_true", help="then profile sections and merge in this process"
    )
    parser.add_argument(
        "--memory", action="store_true", help="then sample the merge's RSS in this process"
    )
    parser.add_argument("--top", type=int, default=25, help="functions shown by --profile")
    parser.add_argument(
        "--cold",
        action="store_true",
        help="import through the import service, time the vectors, then a synthesis",
    )
    parser.add_argument(
        "--rate-sample", type=int, default=2_000, help="texts the encoder alone is timed on"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.items.split(",") if s.strip()]
    if not sizes or min(sizes) < 17 or args.workers < 1:
        parser.error("--items needs sizes of at least 17, --workers at least 1")
    return args, sizes


def prepare_run() -> Path:
    """A work folder for the run, and nothing of it written into the repository."""
    work_dir = Path(tempfile.mkdtemp(prefix="agora-synthesis-bench-"))
    # Before config.py is imported: nothing of this run is written into the repository.
    os.environ["AGORA_INSTANCE_DIR"] = str(work_dir / "instance")
    os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
    sys.dont_write_bytecode = True
    sys.path.insert(0, str(ROOT))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the clean-up below
    return work_dir


def main() -> int:
    args, sizes = parse_arguments()
    if args.cold:  # its own script (which reads this one's pieces): run it in this process's place
        cold = str(Path(__file__).with_name("synthesis_cold.py"))
        os.execv(sys.executable, [sys.executable, cold, *sys.argv[1:]])
    return run_sizes(args, sizes, run_size, report)


def run_sizes(args, sizes: list[int], run, report_all) -> int:
    """`run` each size one after the other (a failed size does not stop the others), then
    `report_all` of what finished; the work folder and the bench's Redis are left clean."""
    work_dir = prepare_run()
    measures = []
    try:
        flush_redis()
        for size in sizes:
            try:
                measures.append(run(args, size, work_dir))
            except Exception as error:  # noqa: BLE001 - the other sizes still run
                say(f"  {size:,} items: {type(error).__name__}: {short(str(error))}")
    finally:
        with contextlib.suppress(Exception):
            flush_redis()
        if measures:
            report_all(measures, args.workers)
        shutil.rmtree(work_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
