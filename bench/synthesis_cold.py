"""`bench/synthesis.py --cold`: what a user waits for after importing N comments.

The corpus is written as the feedback file staff would upload (the export's columns) and
imported through the real import service while the worker processes already run: the
import queues the vector batches (outbox + Redis) and the workers encode them. Timed: the
import; from its end, until every comment has its vector (the staff page's count); then a
synthesis requested at that moment, until done. Printed beside them, measured in this run:
the encoder's own rate on a sample of the same comments and of their sentences (one process,
one thread; the batches encode each distinct sentence too, for theme finding), and what
those rates make of all of them spread over the workers. Load averages at each step.
"""

from __future__ import annotations

import csv
import io
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/ is there already

from bench.synthesis import (  # noqa: E402
    ORGANISATION_KINDS,
    REGIONS,
    Measure,
    Worker,
    agora_app,
    flush_redis,
    parse_arguments,
    prepare_database,
    run_sizes,
    say,
    short,
    submission_slots,
    synthesize,
    wait_for_workers,
    worker_env,
)

VECTOR_TARGET_SECONDS = 150.0  # 100,000 comments' vectors after the import's end
COLUMNS = [
    "ref",
    "organisation",
    "organisation_kind",
    "region",
    "language",
    "paragraph",
    "stance",
    "comment",
    "amendment",
    "country",
    "submitted_at",
]


@dataclass
class Cold:
    items: int
    comments: int = 0
    distinct: int = 0
    import_seconds: float = 0.0
    vectors_seconds: float | None = None
    vectors_ready: tuple[int, int] = (0, 0)
    encoder_rate: float = 0.0  # texts per second, one process, one thread
    encoder_cpu_ms: float = 0.0  # CPU milliseconds per text
    sample: int = 0
    # The batches also encode each distinct sentence of the comments (for theme finding)
    sentences: int = 0
    sentence_rate: float = 0.0
    sentence_cpu_ms: float = 0.0
    loads: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    # CPU seconds the workers used: for the vectors, and for the synthesis (load-independent)
    vectors_cpu: float = 0.0
    vectors_peaks: list[int] = field(default_factory=list)  # peak RSS when the vectors were ready
    synthesis_cpu: float = 0.0
    synthesis: Measure | None = None


def feedback_file(corpus, paragraph_of: dict) -> bytes:
    """The corpus as a CSV feedback file, one organisation per submission slot."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for k, indexes in enumerate(submission_slots(corpus)):
        for index in indexes:
            item = corpus.items[index]
            writer.writerow([
                "",
                f"Bench import organisation {k + 1:06d}",
                ORGANISATION_KINDS[k % len(ORGANISATION_KINDS)],
                REGIONS[k % len(REGIONS)],
                item.language,
                paragraph_of[item.paragraph].number,
                item.stance,
                item.comment,
                item.amendment,
                "",
                "",
            ])  # fmt: skip
    return ("\ufeff" + out.getvalue()).encode()


def encoder_rate(texts: list[str], sample: int) -> tuple[float, float, int]:
    """(texts per second, CPU ms per text, sample size) of the encoder alone, here."""
    from app.services.synthesis.embedding import UseEmbedder

    embedder = UseEmbedder()
    embedder.embed(["warm-up"])  # loading the weights is not the encoding rate
    chosen = list(dict.fromkeys(texts))[:sample]
    cpu, wall = time.process_time(), time.perf_counter()
    embedder.embed(chosen)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return len(chosen) / wall, 1000 * cpu / len(chosen), len(chosen)


def wait_for_vectors(consultation_id: int, workers: list[Worker], timeout: float) -> float | None:
    """Seconds until every comment of the consultation has its vector (None on timeout)."""
    from app.extensions import db
    from app.services.synthesis import vector_jobs

    started, shown = time.perf_counter(), 0.0
    while (elapsed := time.perf_counter() - started) < timeout:
        db.session.rollback()  # a new transaction: see the workers' commits
        ready, total = vector_jobs.progress(consultation_id)
        for worker in workers:
            worker.sample()
        if ready >= total:
            return elapsed
        if elapsed - shown >= 15:
            say(f"    {elapsed:5.0f} s: vectors for {ready:,} of {total:,} comments "
                f"(load {os.getloadavg()[0]:.1f})")  # fmt: skip
            shown = elapsed
        time.sleep(0.5)
    return None


def run_cold(args, n_items: int, work_dir: Path) -> Cold:
    """One size: encoder rate, workers, import, vectors, synthesis."""
    from support import create_postgres, drop_postgres

    from app.extensions import db
    from app.services.accounts.access import COMMAND_LINE
    from app.services.feedback.file_import import import_feedback
    from app.services.synthesis import vector_jobs
    from app.services.synthesis.boilerplate import split_sentences
    from bench.synthesis import corpus_for

    label = f"{n_items // 1000}k"
    say(f"\n== cold: {n_items:,} items imported on {args.database}")
    corpus = corpus_for(n_items, args.seed)
    cold = Cold(n_items)
    texts = [item.comment for item in corpus.items if item.comment]
    cold.comments, cold.distinct = len(texts), len(set(texts))
    cold.loads["encoder"] = os.getloadavg()
    cold.encoder_rate, cold.encoder_cpu_ms, cold.sample = encoder_rate(texts, args.rate_sample)
    say(f"  encoder alone: {cold.encoder_rate:.0f} texts/s, {cold.encoder_cpu_ms:.2f} CPU ms a "
        f"text ({cold.sample:,} of the same texts, one process; load "
        f"{cold.loads['encoder'][0]:.1f})")  # fmt: skip
    sentences = list(dict.fromkeys(s for t in set(texts) for s in split_sentences(t)))
    cold.sentences = len(sentences)
    cold.sentence_rate, cold.sentence_cpu_ms, _ = encoder_rate(sentences, args.rate_sample)
    say(f"  their {cold.sentences:,} distinct sentences: {cold.sentence_rate:.0f} a second, "
        f"{cold.sentence_cpu_ms:.2f} CPU ms each")  # fmt: skip
    instance_dir = work_dir / f"instance-cold-{label}"
    database_url = (
        create_postgres(f"synthesis_cold_{label}")
        if args.database == "postgres"
        else f"sqlite:///{work_dir / f'cold-{label}.sqlite'}"
    )
    workers: list[Worker] = []
    try:
        app = agora_app(database_url, instance_dir)
        with app.app_context():
            consultation, paragraph_of = prepare_database(corpus)
            data = feedback_file(corpus, paragraph_of)
            flush_redis()
            env = worker_env(database_url, instance_dir)
            for number in range(1, args.workers + 1):
                workers.append(Worker(number, env, work_dir / f"cold-{label}-{number}.log"))
            wait_for_workers(app, workers)
            # The workers load the encoder on their first batch, as after a restart.
            cold.loads["import"] = os.getloadavg()
            cpu = sum(w.cpu() for w in workers)
            started = time.perf_counter()
            report = import_feedback(COMMAND_LINE, consultation, "bench.csv", data)
            cold.import_seconds = time.perf_counter() - started
            say(f"  imported {report.items:,} items of {report.submissions:,} organisations "
                f"in {cold.import_seconds:.1f} s (load {cold.loads['import'][0]:.1f})")  # fmt: skip
            cold.vectors_seconds = wait_for_vectors(consultation.id, workers, args.timeout)
            cold.vectors_cpu = sum(w.cpu() for w in workers) - cpu
            cold.vectors_peaks = [w.peak for w in workers]
            cold.vectors_ready = vector_jobs.progress(consultation.id)
            cold.loads["vectors"] = os.getloadavg()
            say(f"  vectors ready {fmt(cold.vectors_seconds)} after the import "
                f"(load {cold.loads['vectors'][0]:.1f})")  # fmt: skip
            measure = Measure(n_items, args.database, "encoded by the vector batches")
            cpu = sum(w.cpu() for w in workers)
            synthesize(app, consultation.id, workers, args.timeout, measure)
            cold.synthesis_cpu = sum(w.cpu() for w in workers) - cpu
            measure.peaks = [w.peak for w in workers]
            measure.details = [w.detail() for w in workers]
            cold.synthesis = measure
            say(f"  synthesis {measure.status} in {fmt(measure.seconds)}"
                + (f": {short(measure.error)}" if measure.error else ""))  # fmt: skip
            for worker in workers:
                worker.stop()
                measure.problems += [
                    f"worker {worker.number}: {line}"
                    for line in worker.output().splitlines()
                    if re.search(r"ERROR|Traceback|Error:", line)
                ][:10]
            db.session.remove()
            db.engine.dispose()
    finally:
        for worker in workers:
            worker.stop()
        if args.database == "postgres":
            drop_postgres(database_url)
    return cold


def fmt(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.1f} s"


def report_cold(colds: list[Cold], workers: int) -> None:
    say(f"\n== cold: import, then vectors, then a synthesis; {workers} worker process(es), "
        f"{os.cpu_count()} CPUs")  # fmt: skip
    for c in colds:
        spread = (
            (c.distinct / c.encoder_rate + c.sentences / c.sentence_rate) / workers
            if c.encoder_rate and c.sentence_rate
            else None
        )
        target = VECTOR_TARGET_SECONDS * c.items / 100_000
        ok = c.vectors_seconds is not None and c.vectors_seconds <= target
        say(f"{c.items:,} items, {c.comments:,} comments ({c.distinct:,} distinct):")
        say(f"  import {c.import_seconds:.1f} s; vectors ready {fmt(c.vectors_seconds)} after "
            f"it (target <= {target:.0f} s: {'met' if ok else 'MISSED'}; "
            f"{c.vectors_ready[0]:,} of {c.vectors_ready[1]:,})")  # fmt: skip
        say(f"  encoder alone, same texts: {c.encoder_rate:.0f} comments/s in one process "
            f"({c.encoder_cpu_ms:.2f} CPU ms a comment, {c.sample:,} comments), "
            f"{c.sentence_rate:.0f} sentences/s ({c.sentence_cpu_ms:.2f} CPU ms a sentence) -> "
            f"{fmt(spread)} for the {c.distinct:,} distinct comments and their "
            f"{c.sentences:,} distinct sentences over {workers} processes at those "
            "rates")  # fmt: skip
        # The same from CPU time, which a loaded machine stretches far less than wall time.
        encoder_cpu = (c.distinct * c.encoder_cpu_ms + c.sentences * c.sentence_cpu_ms) / 1000
        say(f"  encoder CPU for all of them: {encoder_cpu:.0f} s, {encoder_cpu / workers:.0f} s "
            f"over {workers} processes with a core each")  # fmt: skip
        say(f"  CPU used by the workers: vectors {c.vectors_cpu:.0f} s "
            f"({1000 * c.vectors_cpu / max(c.comments, 1):.2f} ms a comment, everything "
            f"included), synthesis {c.synthesis_cpu:.1f} s; peak RSS when the vectors were "
            "ready " + " / ".join(f"{p / 2**20:.0f} MiB" for p in c.vectors_peaks))  # fmt: skip
        m = c.synthesis
        if m is not None:
            say(f"  synthesis with the vectors: {m.status} in {fmt(m.seconds)} (parts "
                f"{fmt(m.sections)}, merge {fmt(m.merge)}); peak RSS "
                + " / ".join(f"{p / 2**20:.0f} MiB" for p in m.peaks)
                + f" ({'; '.join(m.details)})")  # fmt: skip
            for line in m.problems:
                say(f"  ! {short(line)}")
        say("  load averages (1, 5, 15 min): " + "; ".join(
            f"{step} {a:.1f} {b:.1f} {d:.1f}" for step, (a, b, d) in c.loads.items()
        ))  # fmt: skip


def main() -> int:
    args, sizes = parse_arguments()
    return run_sizes(args, sizes, run_cold, report_cold)


if __name__ == "__main__":
    sys.exit(main())
