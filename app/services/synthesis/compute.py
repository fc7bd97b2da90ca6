"""What a synthesis computes: each section's paragraphs and the parts of the whole
consultation (`merge.themes_part`, `merge.questions_part`), then the merge of them all."""

import hashlib
from typing import NamedTuple

import numpy as np
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    ParagraphFeedback,
    Section,
    Submission,
    Synthesis,
    SynthesisPart,
)
from app.services.feedback import moderation
from app.services.synthesis import amendments, embedding, quotes, runs, schema, stances
from app.services.synthesis.merge import (
    consensus_minimum,
    merge_result,
    questions_part,
    themes_part,
)
from app.services.synthesis.vectors import among, vectors_for

QUOTES_PER_PARAGRAPH = 3


def section_items(synthesis: Synthesis, numbers: list[str]):
    """The feedback of the synthesis' submissions on these paragraph numbers (any version)."""
    from app.models import Organisation, Paragraph

    # What moderation hid reads as empty: no count, group or quote comes from it.
    rows = db.session.execute(
        sa.select(*FeedbackRow.columns(), Paragraph.number, Organisation.name)
        .join(Paragraph, ParagraphFeedback.paragraph_id == Paragraph.id)
        .join(Submission, ParagraphFeedback.submission_id == Submission.id)
        .join(Organisation, Submission.organisation_id == Organisation.id)
        .where(
            among(Submission.id, synthesis.watermark.get("submission_ids", [])),
            Paragraph.number.in_(numbers),
        )
        .order_by(ParagraphFeedback.id)
    )
    return moderation.without_hidden([(FeedbackRow(*row[:-2]), *row[-2:]) for row in rows])


class FeedbackRow(NamedTuple):
    """The columns of a feedback item a section reads: plain rows, not ORM objects, which
    took most of a 30,000-item section's reading time to build and track."""

    id: int
    stance: str | None
    comment: str
    amendment: str
    language: str | None

    @classmethod
    def columns(cls) -> list:
        return [getattr(ParagraphFeedback, name) for name in cls._fields]


def run_section(synthesis_id: int, section_id: int) -> None:
    """Compute and keep one section's part of the synthesis (nothing if already kept)."""
    if runs.part_done(synthesis_id, runs.section_part(section_id)):
        return
    synthesis = runs.beat(synthesis_id)
    if synthesis is None:
        return
    section = db.session.get(Section, section_id)
    rows = section_items(synthesis, [p.number for p in section.paragraphs])
    commented = [(item.id, item.comment) for item, _, _ in rows if item.comment]
    vectors = vectors_for("item", commented)
    by_number: dict[str, list] = {}
    for item, number, organisation in rows:
        by_number.setdefault(number, []).append((item, organisation))
    original_language = synthesis.consultation.original_language
    paragraphs = [
        paragraph_result(p, by_number.get(p.number, []), vectors, original_language)
        for p in section.paragraphs
    ]
    runs.store_part(
        synthesis_id, runs.section_part(section_id), {"paragraphs": schema.dump(paragraphs)}
    )


WHOLE_PARTS = {"themes": themes_part, "questions": questions_part}


def run_whole_part(synthesis_id: int, name: str) -> None:
    """Compute and keep a part of the whole consultation, `runs.WHOLE_PARTS` (nothing if
    already kept)."""
    if runs.part_done(synthesis_id, name):
        return
    synthesis = runs.beat(synthesis_id)
    if synthesis is None:
        return
    runs.store_part(synthesis_id, name, WHOLE_PARTS[name](synthesis))


def paragraph_result(
    paragraph, items, vectors: dict, original_language: str
) -> schema.ParagraphResult:
    """Stance counts and their feedback, agreement, amendment groups and quotes of a paragraph."""
    counts = stances.stance_counts([item.stance for item, _ in items if item.stance])
    ids_by_stance: dict[str, list[int]] = {stance: [] for stance in stances.STANCES}
    for item, _ in items:
        if item.stance in ids_by_stance:
            ids_by_stance[item.stance].append(item.id)
    # Each wording is read against the draft in the language it was edited from.
    groups = amendments.group_wordings(
        dict(paragraph.text),
        [(item.id, org, item.amendment, item.language) for item, org in items if item.amendment],
        original_language,
        vectors=edit_vectors,
    )
    return schema.ParagraphResult(
        id=paragraph.id,
        number=paragraph.number,
        section_id=paragraph.section_id,
        text=dict(paragraph.text),
        stance_counts=counts,
        stance_feedback_ids=ids_by_stance,
        agreement=stances.agreement(counts),
        consensus=stances.consensus(counts, consensus_minimum()),
        feedback_count=len(items),
        amendment_groups=[
            schema.AmendmentGroup(
                key=group_key(group.feedback_ids),
                feedback_ids=group.feedback_ids,
                text=group.text,
                diff=[list(piece) for piece in group.diff],
                organisations=group.organisations,
                language=group.language,
                change=[schema.Change(**c) for c in amendments.describe(group.diff)],
                variants=[
                    schema.AmendmentVariant(
                        language=variant["language"],
                        text=variant["text"],
                        diff=[list(piece) for piece in variant["diff"]],
                        change=[schema.Change(**c) for c in variant["change"]],
                        feedback_ids=variant["feedback_ids"],
                    )
                    for variant in group.variants
                ],
            )
            for group in groups
        ],
        quotes=paragraph_quotes(items, vectors),
    )


def edit_vectors(pairs: list[tuple[int, str]]) -> np.ndarray:
    """Multilingual vectors of what each wording changes (a few words each, not kept: the
    stored vectors are the comments' and answers', refreshed from their texts)."""
    texts = [text for _, text in pairs]
    # The same change sent by many organisations is encoded once.
    distinct = list(dict.fromkeys(texts))
    row = {text: i for i, text in enumerate(distinct)}
    return embedding.default_embedder().embed(distinct)[[row[text] for text in texts]]


def group_key(feedback_ids: list[int]) -> str:
    """A stable name for a group of feedback, so decisions find their group again."""
    return hashlib.sha1(",".join(map(str, sorted(feedback_ids))).encode()).hexdigest()


def paragraph_quotes(items, vectors: dict) -> list[schema.Quote]:
    commented = [(item, org) for item, org in items if item.comment and item.id in vectors]
    if not commented:
        return []
    matrix = np.stack([vectors[item.id] for item, _ in commented])
    chosen = quotes.representative(list(range(len(commented))), matrix, n=QUOTES_PER_PARAGRAPH)
    return [
        schema.Quote(
            feedback_id=commented[i][0].id,
            text=commented[i][0].comment,
            organisation=commented[i][1],
            language=commented[i][0].language,
        )
        for i in chosen
    ]


def run_merge(synthesis_id: int) -> None:
    """Merge the parts into the result, once all are done."""
    synthesis = runs.beat(synthesis_id, progress=90)
    if synthesis is None:
        return
    parts = {
        p.name: p.result
        for p in db.session.scalars(
            sa.select(SynthesisPart).where(SynthesisPart.synthesis_id == synthesis_id)
        )
    }
    for name in runs.WHOLE_PARTS:
        if name not in parts:  # a chord sent before the upgrade that gave these parts tasks
            parts[name] = WHOLE_PARTS[name](synthesis)
    missing = [name for name in runs.part_names(synthesis) if name not in parts]
    if missing:
        raise RuntimeError(f"parts {missing} are not done yet")
    paragraphs = [
        schema.load_as(schema.ParagraphResult, p)
        for s in synthesis.consultation.current_version.sections
        for p in parts[runs.section_part(s.id)]["paragraphs"]
    ]
    result = merge_result(synthesis, paragraphs, parts["themes"], parts["questions"])
    runs.finish(synthesis_id, schema.dump(result))
