"""Speed and memory of the PDF synthesis report, beside a bare Typst compile of the comments.

For each size of --items (default 10,000 and 100,000) the script builds a throw-away SQLite
database with bench/synthesis.py's loader (the demo consultation's 17 paragraphs, N feedback
items of submitted submissions with comments, stances, amendments and languages from
bench/corpus.py, their vectors stored as at submission) and runs the synthesis in this
process (Celery eager). Then, each in a fresh process so that its peak memory is its own:

- baseline: Typst compiling the same comment texts, one paragraph each, read with one
  query, with the same fonts and PDF/UA tagging, and no other structure;
- ours: `write_pdf` of the synthesis (title page, contents, charts, heat-map, paragraphs,
  themes, ..., and the annex of every item read in slices);
- docx: `write_docx` of the same synthesis;
- annex: reading the annex alone, to show the rows never pile up (tracemalloc peak).

Wall and CPU seconds are printed (the machine may be shared: CPU seconds vary less), pages,
and how far the peak RSS rose above the process's size before the work (the worker's memory;
the compiler runs inside it). Targets: a report on 10,000 items in 10 s, on 100,000 in 90 s.

    .venv/bin/python bench/synthesis_report.py [--items 10000,100000] [--seed 1]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from support import ROOT, load_average, resident_bytes, sqlite_app, timed_cpu  # noqa: E402

TARGETS = {10_000: 10.0, 100_000: 90.0}  # items: seconds


def say(message: str) -> None:
    print(message, flush=True)


def build(items: int, seed: int, database: Path) -> None:
    """The corpus loaded as submitted feedback, and a finished synthesis of it."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import Consultation
    from app.services.accounts.access import COMMAND_LINE
    from app.services.synthesis import runs
    from bench.synthesis import SLUG, corpus_for, load_database, vectors_for_corpus

    corpus = corpus_for(items, seed)
    vectors, how = vectors_for_corpus(corpus, seed, limit=10_000, cache=True)
    with sqlite_app(database).app_context():
        loaded = load_database(corpus, vectors, seed, warm_answers=True)
        consultation = db.session.scalar(sa.select(Consultation).where(Consultation.slug == SLUG))
        started = time.perf_counter()
        with contextlib.redirect_stderr(io.StringIO()):
            synthesis = runs.request_synthesis(COMMAND_LINE, consultation)
        db.session.refresh(synthesis)
        if synthesis.status != "done":
            raise RuntimeError(f"synthesis {synthesis.status}: {synthesis.error}")
        say(
            f"  {loaded.items:,} items from {loaded.submissions:,} submissions; vectors: {how}; "
            f"synthesis {time.perf_counter() - started:.0f} s"
        )
        db.session.remove()
        db.engine.dispose()


def comments(synthesis) -> list[str]:
    """Every comment the report's annex prints, as the baseline reads them: one query."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import ParagraphFeedback

    ids = synthesis.watermark["submission_ids"]
    return list(
        db.session.scalars(
            sa.select(ParagraphFeedback.comment).where(
                ParagraphFeedback.submission_id.in_(ids), ParagraphFeedback.comment != ""
            )
        )
    )


def baseline(synthesis, out: Path) -> None:
    """Typst on the bare comment texts: the least any PDF of them costs."""
    from app.services.reports.pdf import clean, compile_pdf

    source = (
        '#set document(title: "Comments")\n'
        '#set text(font: ("Noto Sans", "DejaVu Sans", "Noto Sans CJK TC"), lang: "en")\n'
        '#for text in json("comments.json") { par(text) }\n'
    )
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "comments.typ").write_text(source)
        texts = [clean(text) for text in comments(synthesis)]
        (root / "comments.json").write_text(json.dumps(texts, ensure_ascii=False))
        out.write_bytes(compile_pdf(root / "comments.typ", root))


def read_annex(synthesis, out: Path) -> None:
    """Every annex entry read, none kept: the memory the slices need."""
    from app.services.reports.synthesis_annex import Annex

    numbers = [p["number"] for p in synthesis.result["paragraphs"]]
    written = sum(1 for block in Annex(synthesis, numbers).paragraphs() for _ in block.entries)
    out.write_text(str(written))


def child(mode: str, database: Path, out: Path) -> None:
    """Run one measurement and print its figures as one JSON line."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import Synthesis
    from app.services.accounts.access import COMMAND_LINE
    from app.services.reports import synthesis as reports

    actions = {
        "baseline": baseline,
        "ours": lambda s, o: reports.write_pdf(s, "en", o, reader=COMMAND_LINE),
        "docx": lambda s, o: reports.write_docx(s, "en", o, reader=COMMAND_LINE),
        "annex": read_annex,
    }
    with sqlite_app(database).app_context():
        synthesis = db.session.scalar(sa.select(Synthesis).where(Synthesis.status == "done"))
        synthesis.result  # loaded before the clock starts, as a worker has it  # noqa: B018
        before = resident_bytes("VmRSS")
        if mode == "annex":
            tracemalloc.start()
        wall, cpu, _ = timed_cpu(lambda: actions[mode](synthesis, out))
        traced = tracemalloc.get_traced_memory()[1] if mode == "annex" else None
        peak = resident_bytes("VmHWM")  # the peak resident size of this process
    pages = None
    if out.suffix == ".pdf":
        import pypdf

        pages = len(pypdf.PdfReader(out).pages)
    print(
        json.dumps(
            {
                "wall": wall,
                "cpu": cpu,
                "grown": peak - before,
                "peak": peak,
                "traced": traced,
                "pages": pages,
                "bytes": out.stat().st_size,
            }
        )  # fmt: skip
    )


def measure(mode: str, database: Path, out: Path) -> dict:
    completed = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--database", str(database), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if completed.returncode:
        raise RuntimeError(f"{mode} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def mb(n: float | None) -> str:
    return "-" if n is None else f"{n / 2**20:,.1f} MB"


def report(results: dict[int, dict[str, dict]]) -> None:
    from config import Config

    limit = Config.REPORT_PDF_ANNEX_LIMIT
    say(
        f"\n== PDF synthesis report, SQLite, {load_average()} (wall s / CPU s); "
        f"the PDF's annex lists up to {limit:,} items"
    )
    say(
        f"{'items':>7}  {'baseline':>13}  {'ours PDF':>13}  {'ratio':>5}  {'pages b/o':>9}  "
        f"{'peak RSS grown: baseline / ours':>31}  {'DOCX':>13} {'RSS':>7}  annex rows traced"
    )
    for items, r in sorted(results.items()):
        b, o, d, a = r["baseline"], r["ours"], r["docx"], r["annex"]
        say(
            f"{items:>7,}  {b['wall']:5.1f} / {b['cpu']:5.1f}  {o['wall']:5.1f} / {o['cpu']:5.1f}  "
            f"{o['wall'] / b['wall']:4.2f}x  {b['pages']:>4}/{o['pages']:<4}  "
            f"{mb(b['grown']):>14} / {mb(o['grown']):<14}  {d['wall']:5.1f} / {d['cpu']:5.1f} "
            f"{mb(d['grown']):>7}  {mb(a['traced'])}"
        )
    sizes = sorted(results)
    for small, large in zip(sizes, sizes[1:], strict=False):
        growth = {
            mode: (results[large][mode]["grown"] - results[small][mode]["grown"])
            / (large - small)
            * 1000
            for mode in ("baseline", "ours", "docx")
        }
        say(
            f"memory per 1,000 more items ({small:,} -> {large:,}): baseline "
            f"{mb(growth['baseline'])}, ours {mb(growth['ours'])}, docx {mb(growth['docx'])}; "
            f"annex rows read: {mb(results[small]['annex']['traced'])} -> "
            f"{mb(results[large]['annex']['traced'])}"
        )
    for items, limit in TARGETS.items():
        if items in results:
            seconds = results[items]["ours"]["wall"]
            verdict = "met" if seconds <= limit else "MISSED"
            say(f"target: {items:,} items in <= {limit:.0f} s: {seconds:.1f} s {verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", default="10000,100000", help="sizes, comma-separated")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", choices=("baseline", "ours", "docx", "annex"))
    parser.add_argument("--database", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.database, args.out)
        return 0
    sizes = [int(s) for s in args.items.split(",") if s.strip()]
    work = Path(tempfile.mkdtemp(prefix="agora-report-bench-"))
    # Before config.py is imported: nothing of this run is written into the repository.
    os.environ["AGORA_INSTANCE_DIR"] = str(work / "instance")
    results: dict[int, dict[str, dict]] = {}
    try:
        for items in sizes:
            say(f"{items:,} items")
            database = work / f"report-{items}.sqlite"
            build(items, args.seed, database)
            results[items] = {}
            for mode, suffix in (("baseline", "pdf"), ("ours", "pdf"), ("docx", "docx"),
                                 ("annex", "txt")):  # fmt: skip
                results[items][mode] = measure(mode, database, work / f"{mode}-{items}.{suffix}")
                say(f"  {mode}: {results[items][mode]['wall']:.1f} s")
    finally:
        if results:
            report(results)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
