"""Where a consultation stands, for its public page: open → closes → synthesis → decisions,
and how many took part once a synthesis is public."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models import Consultation, Synthesis
from app.services.synthesis import schema

STEP_LABELS = {
    "open": _l("Open for comment"),
    "closes": _l("Comments close"),
    "synthesis": _l("Synthesis of the feedback published"),
    "decisions": _l("The Council's decisions published"),
}


@dataclass(frozen=True)
class Step:
    key: str
    at: datetime | None
    done: bool

    @property
    def label(self) -> str:
        return str(STEP_LABELS[self.key])


@dataclass(frozen=True)
class Participation:
    """Counts from the latest public synthesis."""

    submissions: int
    organisations: int
    by_language: dict[str, int]


def _public_syntheses(consultation: Consultation) -> list[Synthesis]:
    return list(
        db.session.scalars(
            sa.select(Synthesis)
            .where(
                Synthesis.consultation_id == consultation.id,
                Synthesis.status == "done",
                Synthesis.released_to == "public",
            )
            .order_by(Synthesis.number)
        )
    )


def steps(consultation: Consultation) -> list[Step]:
    """The four steps of the consultation, each with its date where it has one."""
    phase = consultation.phase()
    public = _public_syntheses(consultation)
    decided = [s.decisions_published_at for s in public if s.decisions_published_at]
    return [
        Step("open", consultation.opens_at, phase in ("open", "closed", "archived")),
        Step("closes", consultation.closes_at, phase in ("closed", "archived")),
        Step("synthesis", public[0].released_at if public else None, bool(public)),
        Step("decisions", min(decided) if decided else None, bool(decided)),
    ]


def participation(consultation: Consultation) -> Participation | None:
    """How many took part, as the latest public synthesis counted; None before one is public."""
    public = _public_syntheses(consultation)
    result = schema.result_of(public[-1]) if public else None
    if result is None:
        return None
    counts = result.participation
    return Participation(counts.submissions, counts.organisations, dict(counts.by_language))
