"""Routes of the Council's review pages; who may see what is decided by `access`."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import _, format_percent, get_locale
from flask_login import current_user, login_required

from app.council import bp
from app.council.forms import CompareForm, DecisionForm, FilterForm, NoteForm
from app.exports.forms import ReportForm
from app.models.synthesis import DECISIONS
from app.services.accounts import access
from app.services.consultations import lifecycle as consultations
from app.services.errors import DomainError, NotFound
from app.services.synthesis import charts, drilldown, review, schema, stances
from app.utils import attach_error, client_ip, page_number, query_int
from app.vocabulary import ORGANISATION_KINDS, REGIONS


@bp.context_processor
def review_helpers() -> dict:
    return {
        "charts": charts,
        "percent": format_percent,
        "AUDIENCES": review.AUDIENCES,
        "DECISIONS": DECISIONS,
        "ORGANISATION_KINDS": ORGANISATION_KINDS,
        "REGIONS": REGIONS,
        "STANCE_ORDER": drilldown.STANCE_ORDER,
        "CONSENSUS": stances.CONSENSUS_LABELS,
        "paragraph_consensus": drilldown.paragraph_consensus,
    }


def _load(slug: str, number: int):
    consultation = consultations.get_by_slug(slug)
    return consultation, review.get(current_user, consultation, number)


def _filters() -> drilldown.Filters:
    args = request.args
    return drilldown.Filters.of(args.get("kind"), args.get("region"), args.get("language"))


@bp.get("/")
@login_required
def home():
    access.require(current_user, "council.home")
    return render_template("council/home.html", released=review.released_to(current_user))


@bp.get("/<slug>/syntheses")
def syntheses(slug: str):
    consultation = consultations.get_by_slug(slug)
    items = review.readable(current_user, consultation)
    return render_template(
        "council/syntheses.html",
        consultation=consultation,
        syntheses=items,
        latest=next((s for s in items if s.status == "done" and s.result), None),
    )


@bp.get("/<slug>/syntheses/<int:number>")
def overview(slug: str, number: int):
    consultation, synthesis = _load(slug, number)
    form = FilterForm(formdata=request.args)
    form.validate()
    filters, result = _filters(), schema.result_of(synthesis)
    return render_template(
        "council/overview.html",
        consultation=consultation,
        synthesis=synthesis,
        result=result,
        form=form,
        filters=filters,
        sections=drilldown.stance_table(synthesis, filters),
        bars=drilldown.participation_bars(result),
        ranking=drilldown.ranking(result),
        consensus_minimum=drilldown.consensus_minimum(result),
        report_form=ReportForm(language=str(get_locale())),
    )


@bp.get("/<slug>/syntheses/<int:number>/paragraphs/<paragraph>")
def paragraph(slug: str, number: int, paragraph: str):
    consultation, synthesis = _load(slug, number)
    return _paragraph_page(consultation, synthesis, review.paragraph_of(synthesis, paragraph))


@bp.post("/<slug>/syntheses/<int:number>/paragraphs/<paragraph>/notes")
def add_note(slug: str, number: int, paragraph: str):
    consultation, synthesis = _load(slug, number)
    access.require(current_user, "synthesis.review", synthesis)
    item = review.paragraph_of(synthesis, paragraph)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            review.add_note(current_user, synthesis, item, form.note.data, ip=client_ip())
        except DomainError as error:
            attach_error(form, error)
        else:
            flash(_("Your note is added."), "success")
            return redirect(_paragraph_url(synthesis, item, "notes"))
    return _paragraph_page(consultation, synthesis, item, note_form=form), 422


@bp.post("/<slug>/syntheses/<int:number>/paragraphs/<paragraph>/groups/<key>")
def decide(slug: str, number: int, paragraph: str, key: str):
    consultation, synthesis = _load(slug, number)
    access.require(current_user, "synthesis.review", synthesis)
    item = review.paragraph_of(synthesis, paragraph)
    index = item.amendment_groups.index(review.group_of(item, key))
    form = DecisionForm(prefix=f"g{index}")
    if form.validate_on_submit():
        try:
            review.decide(
                current_user,
                synthesis,
                item,
                key,
                form.decision.data,
                form.reason.data,
                client_ip(),
            )
        except DomainError as error:
            attach_error(form, error)
        else:
            flash(_("The decision is recorded."), "success")
            return redirect(_paragraph_url(synthesis, item, f"group-{index + 1}"))
    return _paragraph_page(consultation, synthesis, item, posted={key: form}), 422


def _paragraph_url(synthesis, item: schema.ParagraphResult, anchor: str) -> str:
    return url_for(
        ".paragraph",
        slug=synthesis.consultation.slug,
        number=synthesis.number,
        paragraph=item.number,
        _anchor=anchor,
    )


def _name_for_wording(form: DecisionForm, index: int) -> DecisionForm:
    """Name each field after its wording, so that two wordings' fields and errors differ."""
    form.reason.label.text = _("Reason for the decision on wording %(index)d", index=index)
    form.decision.label.text = _("Decision on wording %(index)d", index=index)
    form.submit.label.text = _("Record the decision on wording %(index)d", index=index)
    return form


def _paragraph_page(
    consultation, synthesis, item: schema.ParagraphResult, note_form=None, posted=None
):
    decisions = review.decisions_of(synthesis)
    forms = {}
    for index, group in enumerate(item.amendment_groups):
        current = decisions.get(group.key)
        data = {"decision": current.decision, "reason": current.reason} if current else None
        form = (posted or {}).get(group.key) or DecisionForm(
            formdata=None, prefix=f"g{index}", data=data
        )
        forms[group.key] = _name_for_wording(form, index + 1)
    everyone = drilldown.select_feedback(synthesis, drilldown.Filters(), number=item.number)
    return render_template(
        "council/paragraph.html",
        consultation=consultation,
        synthesis=synthesis,
        result=schema.result_of(synthesis),
        paragraph=item,
        neighbours=review.neighbours(synthesis, item.number),
        decisions=decisions,
        decision_forms=forms,
        note_form=note_form or NoteForm(formdata=None),
        notes=review.notes_on(current_user, synthesis, item),
        feedback=drilldown.feedback_items(current_user, synthesis, everyone, drilldown.Filters()),
    )


@bp.get("/<slug>/syntheses/<int:number>/feedback")
def feedback(slug: str, number: int):
    consultation, synthesis = _load(slug, number)
    args, filters = request.args, _filters()
    ids = drilldown.parse_ids(args.getlist("ids")) if "ids" in args else None
    context = {
        "consultation": consultation,
        "synthesis": synthesis,
        "filters": filters,
        "base_args": _args_without("page"),
        "unfiltered_url": url_for(
            ".feedback",
            slug=slug,
            number=number,
            **_args_without("page", "kind", "region", "language"),
        ),
    }
    if "question" in args:
        chosen = drilldown.select_answers(
            current_user,
            synthesis,
            filters,
            args.get("question", type=query_int),
            option=args.get("option"),
            theme=args.get("theme", type=query_int),
            ids=ids,
        )
        return render_template("council/answers.html", chosen=chosen, **context)
    selection = drilldown.select_feedback(
        synthesis,
        filters,
        ids=ids,
        number=args.get("paragraph"),
        stance=args.get("stance") or None,
        group=args.get("group"),
        theme=args.get("theme", type=query_int),
        duplicate=args.get("duplicate", type=query_int),
    )
    found = drilldown.feedback_page(
        current_user, synthesis, selection, filters, args.get("page", 1, type=page_number)
    )
    return render_template("council/feedback.html", selection=selection, found=found, **context)


def _args_without(*names: str) -> dict[str, list[str]]:
    """The query arguments of this request, less some, to build links that keep the rest."""
    return {k: v for k, v in request.args.to_dict(flat=False).items() if k not in names}


@bp.get("/<slug>/compare")
def compare(slug: str):
    consultation = consultations.get_by_slug(slug)
    finished = [s for s in review.readable(current_user, consultation) if s.status == "done"]
    if not finished:
        raise NotFound(_("There is no synthesis to show here."))
    numbers = [s.number for s in finished]
    a = request.args.get("a", type=query_int) or (numbers[1] if len(numbers) > 1 else numbers[0])
    b = request.args.get("b", type=query_int) or numbers[0]
    form = CompareForm(formdata=None, data={"a": a, "b": b})
    form.a.choices = form.b.choices = [(n, _("Synthesis %(number)d", number=n)) for n in numbers]
    before = review.get(current_user, consultation, a)
    after = review.get(current_user, consultation, b)
    return render_template(
        "council/compare.html",
        consultation=consultation,
        form=form,
        before=before,
        after=after,
        comparison=review.compare(before, after),
    )
