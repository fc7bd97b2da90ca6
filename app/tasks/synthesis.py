"""Synthesis tasks: one per section of the draft and one per part of the whole consultation
(themes, questions), then a merge, joined as a chord.

Also the sentence vectors' upkeep: embedding a submission ahead of any synthesis,
recomputing vectors made by another encoder, and purging those whose text is gone.
"""

from celery import chord, group, shared_task
from celery.canvas import Signature

from app.services.synthesis import compute, runs, vector_jobs, vectors
from app.tasks.base import AgoraTask, OutboxTask
from app.tasks.hold import hold_here


class SynthesisTask(AgoraTask):
    """A synthesis step: after its last attempt the synthesis is marked failed, with the reason."""

    abstract = True

    def give_up(self, args: tuple, error: BaseException, passing: bool) -> None:
        """Fail the synthesis whose id is the first argument."""
        runs.fail(args[0], f"{type(error).__name__}: {error}")


# A section of 100,000 feedback items takes minutes; the limits stop a stuck one well
# within the broker's visibility timeout (2 h), so it fails visibly instead of hanging.
SYNTHESIS_LIMITS = {
    "base": SynthesisTask,
    "max_retries": 4,
    "retry_backoff_max": 120,
    "soft_time_limit": 30 * 60,
    "time_limit": 35 * 60,
}


def build_chord(synthesis_id: int, parts: list[str]) -> Signature:
    """The canvas of a synthesis: its missing parts (`runs.part_names`, in their order) in
    parallel, then the merge."""
    if not parts:
        return merge_synthesis.si(synthesis_id)
    header = group(
        synthesize_part.si(synthesis_id, name)
        if (section_id := runs.section_of(name)) is None
        else synthesize_section.si(synthesis_id, section_id)
        for name in parts
    )
    return chord(header, merge_synthesis.si(synthesis_id))


# Its result must be stored: the chord counts finished header tasks in the result backend.
@shared_task(name="app.tasks.synthesis.synthesize_section", ignore_result=False, **SYNTHESIS_LIMITS)
def synthesize_section(synthesis_id: int, section_id: int) -> None:
    """Compute one section's paragraphs (idempotent: a finished part is not computed again)."""
    hold_here(f"synthesize_section:{synthesis_id}:{section_id}")
    compute.run_section(synthesis_id, section_id)


# Its result must be stored too, as a section's.
@shared_task(name="app.tasks.synthesis.synthesize_part", ignore_result=False, **SYNTHESIS_LIMITS)
def synthesize_part(synthesis_id: int, name: str) -> None:
    """Compute a part of the whole consultation: its themes and campaigns, or its questions
    (idempotent, as a section)."""
    hold_here(f"synthesize_part:{synthesis_id}:{name}")
    compute.run_whole_part(synthesis_id, name)


@shared_task(name="app.tasks.synthesis.merge_synthesis", **SYNTHESIS_LIMITS)
def merge_synthesis(synthesis_id: int) -> None:
    """Merge the parts into the synthesis: paragraphs, participation, themes, questions."""
    compute.run_merge(synthesis_id)


@shared_task(name="app.tasks.synthesis.sweep", base=AgoraTask, soft_time_limit=60, time_limit=90)
def sweep() -> int:
    """Dispatch again the syntheses a lost broker or worker left behind."""
    return runs.sweep()


# A batch is at most `vector_jobs.JOB_TEXTS` texts: seconds of encoding, a few MB.
@shared_task(
    name="app.tasks.synthesis.embed_batch",
    base=OutboxTask,
    soft_time_limit=4 * 60,
    time_limit=5 * 60,
)
def embed_batch(outbox_id: int) -> None:
    """Encode a batch of new texts ahead of any synthesis; the last one sends those waiting."""
    consultation_id = vector_jobs.run_batch(outbox_id)
    if consultation_id is not None:
        runs.after_vectors(consultation_id)


# Messages queued by earlier releases: one submission's comments.
@shared_task(
    name="app.tasks.synthesis.embed_submission",
    base=OutboxTask,
    soft_time_limit=5 * 60,
    time_limit=6 * 60,
)
def embed_submission(outbox_id: int) -> None:
    """Embed a submitted submission's comments once, ahead of any synthesis."""
    vectors.embed_submission(outbox_id)


# Beat runs it every few minutes; each run stops well before its limit and the next goes on.
@shared_task(
    name="app.tasks.synthesis.refresh_vectors",
    base=AgoraTask,
    soft_time_limit=5 * 60,
    time_limit=6 * 60,
)
def refresh_vectors() -> int:
    """Recompute, in batches, the stored vectors another encoder made; the number done."""
    return vectors.refresh_stale(budget_seconds=3 * 60)


@shared_task(
    name="app.tasks.synthesis.purge_orphan_vectors",
    base=AgoraTask,
    soft_time_limit=5 * 60,
    time_limit=6 * 60,
)
def purge_orphan_vectors() -> int:
    """Delete the stored vectors whose feedback item or answer no longer exists."""
    return vectors.purge_orphans()
