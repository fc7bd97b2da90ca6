"""The feedback staff published after the deadline: a page, a CSV file and (under /api) JSON."""

from flask import Response, render_template, request, stream_with_context
from flask_login import current_user

from app.public import bp
from app.public.forms import PublishedFilterForm
from app.services.consultations import lifecycle as consultations
from app.services.feedback import publication, published, published_files
from app.utils import page_number

# Published feedback can be taken back: caches ask again each time.
REVALIDATE = "no-cache"


@bp.get("/consultations/<slug>/feedback")
def published_feedback(slug: str):
    item = consultations.get_by_slug(slug)
    filters = published.PublicFilters.from_args(request.args)
    found = published.page_of(
        current_user, item, filters, request.args.get("page", 1, type=page_number)
    )
    form = PublishedFilterForm(formdata=request.args)
    form.validate()
    response = Response(
        render_template(
            "public/published_feedback.html",
            consultation=item,
            found=found,
            filters=filters,
            form=form,
            choices=publication.counts(current_user, item),
            is_published=publication.is_published(item),
        )
    )
    response.headers["Cache-Control"] = REVALIDATE
    return response


@bp.get("/consultations/<slug>/feedback.csv")
def published_feedback_csv(slug: str):
    item = consultations.get_by_slug(slug)
    entries = published.entries(current_user, item, published.PublicFilters.from_args(request.args))
    chunks = published_files.csv_chunks(item, entries)
    response = Response(stream_with_context(chunks), mimetype="text/csv")
    response.headers.set("Content-Disposition", "attachment", filename=f"{slug}-feedback.csv")
    response.headers["Cache-Control"] = REVALIDATE
    return response
