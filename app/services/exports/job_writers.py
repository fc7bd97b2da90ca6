"""What each kind of export job writes, keyed by (kind, format).

A writer is `write(job, target, progress)`: it writes the whole file at `target` (a
temporary name; the job renames it once complete) and calls `progress(done, total)` as it
goes, `total` when first known. `rule` is the access rule the requester needs on the job's
synthesis, or its consultation when it has none; it is checked when the job is asked for
and again when it runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from app.models import ExportJob
from app.services.exports.feedback_rows import (
    BATCH,
    Row,
    count_rows,
    feedback_rows,
    parse_filters,
)
from app.services.exports.writers import FORMATS, write_file

PROGRESS_EVERY = BATCH  # rows between two saves of a job's progress: one per database batch


class Progress(Protocol):
    def __call__(self, done: int, total: int | None = None, percent: int | None = None) -> None:
        """`done` of `total` rows; `percent` when the bar is not a count of rows."""


@dataclass(frozen=True)
class Writer:
    write: Callable[[ExportJob, Path, Progress], None]
    rule: str
    mimetype: str
    extension: str


def counted(rows: Iterable[Row], progress: Progress, every: int) -> Iterator[Row]:
    """The rows unchanged, reporting how many have gone by every `every` rows and at the end."""
    done = 0
    for done, row in enumerate(rows, start=1):
        yield row
        if done % every == 0:
            progress(done)
    progress(done)


def write_feedback(job: ExportJob, target: Path, progress: Progress) -> None:
    """The feedback export in the job's format, with the filters it was asked with."""
    consultation = job.consultation
    filters = parse_filters(consultation, job.filters)
    progress(0, count_rows(consultation, filters))
    rows = counted(feedback_rows(consultation, filters), progress, PROGRESS_EVERY)
    write_file(job.file_format, consultation.slug, filters.as_dict(), rows, str(target))


def _feedback(file_format: str) -> Writer:
    mimetype, extension = FORMATS[file_format]
    return Writer(write_feedback, "export.feedback", mimetype, extension)


def write_synthesis_report(job: ExportJob, target: Path, progress: Progress) -> None:
    """The synthesis report in the requester's language, its annex counted as progress; a PDF
    moves its bar through its stages (gathering, typesetting, writing)."""
    from app.services.reports import synthesis as report  # the report writers load when needed
    from app.services.reports.synthesis_pdf import STAGES

    if job.file_format != "pdf":
        report.write_docx(job.synthesis, job.language, target, progress, reader=job.requested_by)
        return
    rows = {"done": 0, "percent": 0}
    typesetting = STAGES["typesetting"][0]

    def forward(done: int, total: int | None, percent: int) -> None:
        rows.update(done=done, percent=max(rows["percent"], percent))  # the bar never goes back
        progress(done, total, percent=rows["percent"])

    def gathered(done: int, total: int) -> None:
        forward(done, total, done * typesetting // total if total else 0)

    def stage(name: str, share: float) -> None:
        start = STAGES[name][0]
        end = min([s for s, _label in STAGES.values() if s > start], default=99)
        forward(rows["done"], None, start + int((end - start) * share))

    report.write_pdf(
        job.synthesis, job.language, target, gathered, reader=job.requested_by, stage=stage
    )


def write_my_data(job: ExportJob, target: Path, progress: Progress) -> None:
    """Everything held about the requester: a ZIP of the JSON and a PDF in their language."""
    from app.services.reports import my_data  # the report writers load when needed

    my_data.write_archive(job.requested_by, job.language, target, progress)


REPORT_FORMATS = {
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
}

WRITERS: dict[tuple[str, str], Writer] = {
    ("feedback", "csv"): _feedback("csv"),
    ("feedback", "xlsx"): _feedback("xlsx"),
    ("feedback", "json"): _feedback("json"),
    **{
        ("synthesis", file_format): Writer(write_synthesis_report, "synthesis.read", *kind)
        for file_format, kind in REPORT_FORMATS.items()
    },
    ("my_data", "zip"): Writer(write_my_data, "account.own_data", "application/zip", "zip"),
}
