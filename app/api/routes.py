"""Routes of the JSON API; the synthesis' shape is documented in docs/synthesis-json.md, the
published feedback's in docs/published-feedback-json.md."""

from flask import Response, jsonify, request, stream_with_context
from flask_login import current_user

from app.api import bp
from app.services.accounts import access
from app.services.consultations import lifecycle as consultation_service
from app.services.consultations.serializers import consultation_detail, consultation_summary
from app.services.feedback import publication, published, published_files
from app.services.synthesis import runs, schema


@bp.get("/consultations")
def consultations():
    items = consultation_service.readable_by(current_user)
    return jsonify(consultations=[consultation_summary(c) for c in items])


@bp.get("/consultations/<slug>")
def consultation(slug: str):
    item = consultation_service.get_by_slug(slug)
    access.require(current_user, "consultation.read", item)
    return jsonify(consultation_detail(item, item.current_version))


@bp.get("/consultations/<slug>/syntheses/latest")
@bp.get("/consultations/<slug>/syntheses/<int:number>")
def synthesis(slug: str, number: int | None = None):
    item = consultation_service.get_by_slug(slug)
    found = runs.get_readable(current_user, item, number)
    return jsonify(schema.as_json(found))


@bp.get("/consultations/<slug>/feedback")
def published_feedback(slug: str):
    item = consultation_service.get_by_slug(slug)
    filters = published.PublicFilters.from_args(request.args)
    entries = published.entries(current_user, item, filters)
    counts = publication.counts(current_user, item)
    chunks = published_files.json_chunks(item, filters, counts, entries)
    return Response(stream_with_context(chunks), mimetype="application/json")
