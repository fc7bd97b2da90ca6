"""Builders of answered consultations and their syntheses: computed by the real services, or
with chosen figures for tests that need exact ones."""

from datetime import datetime

from app import vocabulary
from app.models import Consultation, Organisation, Synthesis, User
from app.models.common import utcnow
from app.services.feedback import saving as feedback
from app.services.feedback import submissions
from app.services.feedback.saving import ParagraphInput
from app.services.synthesis import runs, schema
from app.services.synthesis.compute import group_key
from app.services.textdiff import word_diff
from tests.conftest import invite_organisations, make_user
from tests.helpers import make_consultation

COMMENTS = [
    "Culture must be recognised as the fourth pillar of sustainable development.",
    "La culture doit être reconnue comme quatrième pilier du développement durable.",
    "La cultura debe reconocerse como cuarto pilar del desarrollo sostenible.",
    "Cities need stable funding to guarantee decent work for young people.",
    "Les villes ont besoin de financements stables pour garantir un travail décent aux jeunes.",
    "Las ciudades necesitan financiación estable para garantizar trabajo digno a los jóvenes.",
]
STANCES = ["support", "support", "support", "amend", "oppose", "amend"]


def answered_consultation(db, consultation: Consultation | None = None) -> Consultation:
    """Six organisations each submitted feedback on paragraph 1 (and two on paragraph 2),
    through the partner's own services, allowing its publication with their name."""
    consultation = consultation or make_consultation()
    first, second = consultation.current_version.paragraphs[:2]
    for index, (stance, comment) in enumerate(zip(STANCES, COMMENTS, strict=True)):
        organisation = Organisation(name=f"Org {index}", kind="ngo", region="europe")
        db.session.add(organisation)
        db.session.commit()
        invite_organisations(db, consultation, organisation)
        member = make_user(db, f"m{index}@org.example.org", "partner", organisation)
        amendment = "First paragraph, with culture." if stance == "amend" else ""
        result = feedback.save_paragraphs(
            member, consultation, [ParagraphInput(first.id, stance, comment, amendment)], 0
        )
        if index < 2:
            result = feedback.save_paragraphs(
                member,
                consultation,
                [ParagraphInput(second.id, "oppose", "No.", "")],
                result.submission.lock_version,
            )
        base = feedback.save_answers(
            member,
            consultation,
            {consultation.questions[0].id: "4"},
            "",
            result.submission.lock_version,
        )
        submissions.submit(member, consultation, base.submission.lock_version, publication="named")
    return consultation


def computed_synthesis(db, staff: User, consultation: Consultation) -> Synthesis:
    """A synthesis of what was submitted, computed by the real sections and merge."""
    synthesis = runs.request_synthesis(staff, consultation)
    db.session.refresh(synthesis)  # eager tasks ran in their own app context and session
    return synthesis


def result_from_rows(
    consultation: Consultation,
    submissions: list,
    *,
    wording: str,
    participation: dict,
    ranking: dict,
    questions: list[dict],
    number: int = 1,
    created_at: datetime | None = None,
    agreement: float = 0.5,
    key: str | None = None,
    themes: list[dict] | None = None,
    duplicates: list[dict] | None = None,
) -> dict:
    """A synthesis result with chosen figures, the paragraphs' own from real rows, for tests
    that need exact texts and numbers; read back through the schema, so it has its shape.

    Each paragraph has one group of wordings (all reading `wording`) and at most two quotes.
    """
    items = [i for s in submissions for i in s.items]
    moment = (created_at or utcnow()).isoformat()
    original = consultation.original_language
    paragraphs = []
    for paragraph in consultation.current_version.paragraphs:
        own = [i for i in items if i.paragraph_id == paragraph.id]
        ids = {s: [i.id for i in own if i.stance == s] for s in vocabulary.STANCES}
        amended = [i.id for i in own if i.amendment]
        diff = word_diff(paragraph.text.get(original, ""), wording)
        groups = [
            schema.AmendmentGroup(
                key=key or group_key(amended),
                feedback_ids=amended,
                text=wording,
                diff=[list(piece) for piece in diff],
                organisations=sorted(i.submission.organisation.name for i in own if i.amendment),
            )
        ]
        quotes = [
            schema.Quote(i.id, i.comment, i.submission.organisation.name, i.language)
            for i in own
            if i.comment
        ]
        paragraphs.append(
            schema.ParagraphResult(
                id=paragraph.id,
                number=paragraph.number,
                section_id=paragraph.section_id,
                text=dict(paragraph.text),
                stance_counts={s: len(v) for s, v in ids.items()},
                stance_feedback_ids=ids,
                agreement=agreement if own else None,
                feedback_count=len(own),
                amendment_groups=groups if amended else [],
                quotes=quotes[:2],
            )
        )
    result = schema.SynthesisResult(
        consultation=consultation.slug,
        number=number,
        created_at=moment,
        version=consultation.current_version.number,
        watermark=schema.Watermark(
            submission_ids=[s.id for s in submissions],
            submissions=len(submissions),
            items=len(items),
            taken_at=moment,
        ),
        participation=schema.load_as(schema.Participation, participation),
        sections=[
            schema.SectionHeading(s.id, s.position, dict(s.heading))
            for s in consultation.current_version.sections
        ],
        paragraphs=paragraphs,
        ranking=schema.load_as(schema.Ranking, ranking),
        themes=schema.load_as(list[schema.Theme], themes or []),
        duplicates=schema.load_as(list[schema.Campaign], duplicates or []),
        questions=schema.load_as(list[schema.QuestionResult], questions),
        changes_since_previous=schema.Changes(
            previous=None, submissions=len(submissions), paragraphs=[], new_themes=[]
        ),
    )
    return schema.dump(result)
