"""Consultations as the plain data the API and the CLI print."""

from datetime import datetime

from app.models import Consultation, DocumentVersion, Question


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def _texts(field: dict) -> dict[str, str]:
    """Only the languages that have a text: an untranslated language is absent."""
    return {language: text for language, text in field.items() if text}


def consultation_summary(consultation: Consultation) -> dict:
    return {
        "slug": consultation.slug,
        "title": _texts(consultation.title),
        "status": consultation.phase(),
        "opens_at": _iso(consultation.opens_at),
        "closes_at": _iso(consultation.closes_at),
    }


def question_data(question: Question) -> dict:
    return {
        "id": question.id,
        "position": question.position + 1,
        "kind": question.kind,
        "prompt": _texts(question.prompt),
        "options": [_texts(option) for option in question.options],
        "required": question.required,
    }


def consultation_detail(consultation: Consultation, version: DocumentVersion) -> dict:
    return {
        **consultation_summary(consultation),
        "summary": _texts(consultation.summary),
        "original_language": consultation.original_language,
        "version": version.number if version else None,
        "sections": [
            {
                "heading": _texts(section.heading),
                "intro": _texts(section.intro),
                "paragraphs": [
                    {"number": p.number, "text": _texts(p.text)} for p in section.paragraphs
                ],
            }
            for section in (version.sections if version else [])
        ],
        "questions": [question_data(q) for q in consultation.questions],
    }
