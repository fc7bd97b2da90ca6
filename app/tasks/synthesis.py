"""Synthesis tasks: one per section of the draft, then a merge, joined as a chord."""

from celery import chord, group, shared_task
from celery.canvas import Signature

from app.services.synthesis import compute, runs, vectors

RETRY = {
    "autoretry_for": (Exception,),
    "retry_backoff": 2,
    "retry_backoff_max": 120,
    "max_retries": 4,
    "acks_late": True,
}


def build_chord(synthesis_id: int, section_ids: list[int]) -> Signature:
    """The canvas of a synthesis: the missing sections in parallel, then the merge."""
    if not section_ids:
        return merge_synthesis.si(synthesis_id)
    header = group(synthesize_section.si(synthesis_id, sid) for sid in section_ids)
    return chord(header, merge_synthesis.si(synthesis_id))


# Its result must be stored: the chord counts finished header tasks in the result backend.
@shared_task(name="app.tasks.synthesis.synthesize_section", bind=True, ignore_result=False, **RETRY)
def synthesize_section(self, synthesis_id: int, section_id: int) -> None:
    """Compute one section's paragraphs (idempotent: a finished part is not computed again)."""
    try:
        compute.run_section(synthesis_id, section_id)
    except Exception as error:
        if self.request.retries >= self.max_retries:
            runs.fail(synthesis_id, f"{type(error).__name__}: {error}")
        raise


@shared_task(name="app.tasks.synthesis.merge_synthesis", bind=True, **RETRY)
def merge_synthesis(self, synthesis_id: int) -> None:
    """Merge the sections into the synthesis: participation, themes, duplicates, questions."""
    try:
        compute.run_merge(synthesis_id)
    except Exception as error:
        if self.request.retries >= self.max_retries:
            runs.fail(synthesis_id, f"{type(error).__name__}: {error}")
        raise


@shared_task(name="app.tasks.synthesis.sweep")
def sweep() -> int:
    """Dispatch again the syntheses a lost broker or worker left behind."""
    return runs.sweep()


@shared_task(
    name="app.tasks.synthesis.embed_submission",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def embed_submission(outbox_id: int) -> None:
    """Embed a submitted submission's comments once, ahead of any synthesis."""
    vectors.embed_submission(outbox_id)
