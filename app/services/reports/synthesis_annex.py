"""The annex of a synthesis report: every feedback item it counted, read in slices."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.models import Organisation, Paragraph, ParagraphFeedback, Submission, Synthesis
from app.services.feedback import moderation
from app.services.reports.bidi import is_rtl
from app.services.synthesis import schema
from app.vocabulary import STANCE_LABELS as STANCES

# Submissions per annex query: bounds the rows held at once and the query's parameters.
ANNEX_SLICE = 1_000
# What moderation hid is read as empty: a report never prints it.
COMMENT = moderation.visible_text("comment", ParagraphFeedback.comment)
AMENDMENT = moderation.visible_text("amendment", ParagraphFeedback.amendment)


@dataclass(frozen=True)
class AnnexEntry:
    organisation: str
    stance: str  # translated; "" when the organisation chose none
    comment: str
    amendment: str
    language: str | None

    @property
    def comment_rtl(self) -> bool:
        return is_rtl(self.comment)

    @property
    def amendment_rtl(self) -> bool:
        return is_rtl(self.amendment)


@dataclass(frozen=True)
class AnnexParagraph:
    number: str
    count: int
    entries: Iterator[AnnexEntry]


class Annex:
    """Every feedback item of the synthesis' submissions, by paragraph, read in slices.

    Organisations come in alphabetical order: the submissions are sorted by organisation
    once (ids only), then each paragraph's feedback is read one slice of that order at a
    time, so at most ANNEX_SLICE rows are in memory whatever the size of the consultation.
    """

    def __init__(self, synthesis: Synthesis, numbers: list[str]) -> None:
        self._consultation_id = synthesis.consultation_id
        ordered = _submissions_by_organisation(synthesis)
        self._rank = {submission_id: i for i, submission_id in enumerate(ordered)}
        self._slices = [ordered[i : i + ANNEX_SLICE] for i in range(0, len(ordered), ANNEX_SLICE)]
        counts = dict.fromkeys(numbers, 0)
        for ids in self._slices:
            for number, count in db.session.execute(
                self._scoped(sa.select(Paragraph.number, sa.func.count()), ids).group_by(
                    Paragraph.number
                )
            ):
                if number in counts:
                    counts[number] += count
        self.counts = counts
        self.total = sum(counts.values())

    def paragraphs(
        self, progress: Callable[[int, int], None] | None = None
    ) -> Iterator[AnnexParagraph]:
        """The paragraphs with feedback in the draft's order, their entries read lazily."""
        done = 0

        def entries(number: str) -> Iterator[AnnexEntry]:
            nonlocal done
            for ids in self._slices:
                rows = db.session.execute(
                    self._scoped(
                        sa.select(
                            ParagraphFeedback.submission_id,
                            Organisation.name,
                            ParagraphFeedback.stance,
                            COMMENT.label("comment"),
                            AMENDMENT.label("amendment"),
                            ParagraphFeedback.language,
                        ),
                        ids,
                    ).where(Paragraph.number == number)
                ).all()
                # The database's collation ordered the organisations once; keep that order.
                rows.sort(key=lambda row: self._rank[row.submission_id])
                for row in rows:
                    yield AnnexEntry(
                        row.name,
                        str(STANCES[row.stance]) if row.stance in STANCES else "",
                        row.comment or "",
                        row.amendment or "",
                        row.language,
                    )
                done += len(rows)
                if progress is not None:
                    progress(done, self.total)

        if progress is not None:
            progress(0, self.total)
        for number, count in self.counts.items():
            if count:
                yield AnnexParagraph(number, count, entries(number))

    def _scoped(self, stmt: sa.Select, submission_ids: list[int]) -> sa.Select:
        """Feedback that says something, of these submissions, with its organisation."""
        return (
            stmt.select_from(ParagraphFeedback)
            .join(Paragraph, ParagraphFeedback.paragraph_id == Paragraph.id)
            .join(Submission, ParagraphFeedback.submission_id == Submission.id)
            .join(Organisation, Submission.organisation_id == Organisation.id)
            .where(
                Submission.consultation_id == self._consultation_id,
                ParagraphFeedback.submission_id.in_(submission_ids),
                sa.or_(ParagraphFeedback.stance.is_not(None), COMMENT != "", AMENDMENT != ""),
            )
        )


def _submissions_by_organisation(synthesis: Synthesis) -> list[int]:
    """The ids of the synthesis' submissions, by organisation name in the database's order."""
    result = schema.result_of(synthesis)
    kept = result.watermark.submission_ids if result else synthesis.watermark.get("submission_ids")
    counted = set(kept or [])
    ids = db.session.scalars(
        sa.select(Submission.id)
        .join(Organisation, Submission.organisation_id == Organisation.id)
        .where(Submission.consultation_id == synthesis.consultation_id)
        .order_by(Organisation.name, Submission.id)
    )
    return [i for i in ids if i in counted]
