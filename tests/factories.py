"""Builders of answered consultations and their syntheses, computed by the real services."""

from app.models import Consultation, Organisation, Synthesis, User
from app.services.feedback import saving as feedback
from app.services.feedback import submissions
from app.services.feedback.saving import ParagraphInput
from app.services.synthesis import runs
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
    through the partner's own services."""
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
        submissions.submit(member, consultation, base.submission.lock_version)
    return consultation


def computed_synthesis(db, staff: User, consultation: Consultation) -> Synthesis:
    """A synthesis of what was submitted, computed by the real sections and merge."""
    synthesis = runs.request_synthesis(staff, consultation)
    db.session.refresh(synthesis)  # eager tasks ran in their own app context and session
    return synthesis
