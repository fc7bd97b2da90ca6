"""Routes where partners write their organisation's submission, section by section."""

import functools

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import _, format_time, get_locale, get_timezone
from flask_login import current_user, login_required

from app.feedback import bp
from app.feedback.forms import SubmissionForm, answer_inputs, general_comment, paragraph_inputs
from app.services.accounts import access
from app.services.consultations import lifecycle as consultations
from app.services.errors import DomainError
from app.services.feedback import autosave_budget, moderation, progress, submissions
from app.services.feedback import saving as feedback
from app.services.feedback.saving import SaveResult, ValidationFailed
from app.services.reports import decisions
from app.utils import client_ip


def wants_json() -> bool:
    """Autosave posts with fetch() and asks for JSON; the plain form gets HTML."""
    return request.accept_mimetypes.best == "application/json"


def _submission_form() -> SubmissionForm:
    """The form of a submission page. An autosave's JSON answer carries no form, so no CSRF
    token is signed for it: the site-wide check has already validated the posted one. Any
    page shown, whatever the request asked for, carries its token."""
    autosave = request.method == "POST" and wants_json()
    return SubmissionForm(meta={"csrf": False}) if autosave else SubmissionForm()


def _throttled(wait: int):
    """Autosave asked too often: the page keeps the text and tries again after the pause."""
    response = jsonify(
        status="throttled",
        retry_after=wait,
        message=_("Saving paused for a moment: your text is kept and will be saved shortly."),
    )
    response.status_code = 429
    response.headers["Retry-After"] = str(wait)
    return response


def autosave_throttled(view):
    """Autosave posts the page's form as JSON every few seconds of typing: throttled per person
    (both pages share one budget); the save button, a plain form post, is not."""

    @functools.wraps(view)
    def throttled_view(*args, **kwargs):
        if request.method == "POST" and wants_json():
            limit = current_app.config["AUTOSAVE_RATE_LIMIT"]
            if wait := autosave_budget.seconds_to_wait(limit, current_user.id):
                return _throttled(wait)
        return view(*args, **kwargs)

    return throttled_view


@bp.context_processor
def progress_helpers() -> dict:
    """The submission's progress, for the header of every page of it."""

    def progress_of(consultation, *loaded):
        # A page that has loaded the submission passes it: it is not read a second time.
        if loaded:
            return progress.of_submission(consultation, loaded[0])
        return progress.of(consultation, current_user.organisation_id)

    return {"progress_of": progress_of}


def _consultation_for_partner(slug: str, whole_draft: bool = True):
    """The consultation, if the partner may write on it; a page that shows one section or
    none reads its versions only, not the text of the whole draft."""
    consultation = (
        consultations.get_by_slug(slug)
        if whole_draft
        else feedback.consultation_to_write(slug, current_user.organisation_id)
    )
    return _for_partner(consultation)


def _for_partner(consultation):
    """The consultation, if the partner may write on it."""
    access.require(current_user, "consultation.read", consultation)
    access.require(current_user, "submission.write", consultation)
    return consultation


@bp.get("/my-consultations")
@login_required
def home():
    access.require(current_user, "partner.home")
    return render_template(
        "feedback/home.html",
        overview=submissions.partner_overview(current_user),
        published=decisions.published_consultation_ids(current_user),
    )


@bp.get("/consultations/<slug>/respond")
@login_required
def overview(slug: str):
    consultation = _consultation_for_partner(slug, whole_draft=False)
    submission = feedback.submission_of(
        consultation, current_user.organisation_id, with_items=False
    )
    return render_template(
        "feedback/overview.html",
        consultation=consultation,
        submission=submission,
        progress=progress.of_submission(consultation, submission),
        form=SubmissionForm(),
        missing=submissions.missing_required_answers(consultation, submission),
        unsubmitted=submissions.has_unsubmitted_changes(submission),
    )


@bp.route("/consultations/<slug>/respond/sections/<int:position>", methods=["GET", "POST"])
@login_required
@autosave_throttled
def section(slug: str, position: int):
    form, result, errors = _submission_form(), None, {}
    if request.method != "POST":
        consultation = _consultation_for_partner(slug, whole_draft=False)
    else:
        # A save reads the consultation, the section and the submission's state at once.
        consultation, to_save = feedback.section_to_save(
            slug, current_user.organisation_id, position
        )
        _for_partner(consultation)
        if to_save is None:
            abort(404)
        result, errors, refused = _run_save(
            form,
            slug,
            lambda: feedback.save_paragraphs(
                current_user,
                consultation,
                paragraph_inputs(request.form, to_save.paragraphs.values()),
                form.base_version(),
                to_save,
            ),
        )
        go_on = request.form.get("next") == "1" and position + 1 < to_save.section_count
        answer = _answer_to_save(
            result,
            errors,
            refused,
            lambda: url_for(".section", slug=slug, position=position + go_on),
        )
        if answer is not None:
            return answer
    # The page: the form, or the save posted back with its errors or a colleague's changes.
    shown, section_count = feedback.section_to_write(
        consultation, current_user.organisation_id, position
    )
    if shown is None:
        abort(404)
    submission = _page_submission(form, consultation, result, errors)
    return render_template(
        "feedback/section.html",
        outline=submissions.section_outline(shown, submission),
        submission=submission,
        position=position,
        section_count=section_count,
        **_page_context(form, consultation, result, errors),
    ), (422 if errors else 200)


@bp.route("/consultations/<slug>/respond/questions", methods=["GET", "POST"])
@login_required
@autosave_throttled
def questions(slug: str):
    consultation = _consultation_for_partner(slug)
    form, result, errors = _submission_form(), None, {}
    if request.method == "POST":
        result, errors, refused = _run_save(
            form,
            slug,
            lambda: feedback.save_answers(
                current_user,
                consultation,
                answer_inputs(request.form, consultation.questions),
                general_comment(request.form),
                form.base_version(),
                request.form.get("general_language") or None,
            ),
        )
        answer = _answer_to_save(result, errors, refused, lambda: url_for(".questions", slug=slug))
        if answer is not None:
            return answer
    return render_template(
        "feedback/questions.html",
        submission=_page_submission(form, consultation, result, errors),
        **_page_context(form, consultation, result, errors),
    ), (422 if errors else 200)


def _answer_to_save(result: SaveResult | None, errors: dict, refused, next_url):
    """What a post to a submission page answers before the page itself: the refusal, the
    autosave's JSON, or on to `next_url()` after a save without clashes. None: the page is
    shown again (with the errors or the colleague's changes)."""
    if refused:
        return refused
    if wants_json():
        return _save_answer_json(result, errors)
    if result and not result.clashes:
        flash(_("Saved at %(time)s.", time=format_time(format="short")), "success")
        return redirect(next_url())
    return None


def _run_save(form: SubmissionForm, slug: str, save):
    """Run a save posted from a submission page: (result, field errors, refusal response)."""
    if not form.validate_on_submit():
        return None, {"form": [_("The form had expired. Please save again.")]}, None
    if errors := form.text_errors(request.form):
        return None, errors, None
    # The answer shows the time in the member's zone: read it before saving, as a commit can
    # expire the signed-in account, which reading it afterwards would load again.
    get_locale(), get_timezone()
    try:
        return save(), {}, None
    except ValidationFailed as error:
        return None, error.errors, None
    except DomainError as error:
        return None, {}, _refused(error, slug)


def _page_submission(form, consultation, result: SaveResult | None, errors: dict):
    """The submission to show; the form carries its version unless it must keep the posted one."""
    submission = feedback.submission_of(
        consultation, current_user.organisation_id, with_items=False
    )
    if result is not None or (submission is not None and not errors):
        form.lock_version.data = str(submission.lock_version)
    return submission


def _page_context(form, consultation, result: SaveResult | None, errors: dict) -> dict:
    return {
        "consultation": consultation,
        "form": form,
        "errors": errors,
        "posted": request.form if request.method == "POST" else None,
        "clashes": {c.key: c for c in result.clashes} if result else {},
        "readonly": consultation.phase() != "open",
    }


def _save_answer_json(result: SaveResult | None, errors: dict):
    if errors:
        message = _("Not saved: some answers need correcting. Press the save button to see them.")
        return jsonify(
            status="invalid",
            message=message,
            errors={k: [str(m) for m in v] for k, v in errors.items()},
        ), 422
    saved_at = format_time(format="short")
    if result.clashes:
        message = _(
            "Someone else in your organisation changed this meanwhile. Press the save button "
            "to see both texts and choose."
        )
    else:
        message = _("Saved at %(time)s.", time=saved_at)
    return jsonify(
        status="conflict" if result.clashes else "saved",
        saved_at=saved_at,
        lock_version=result.lock_version,
        clashes=[c.key for c in result.clashes],
        message=message,
    ), (409 if result.clashes else 200)


def _refused(error: DomainError, slug: str):
    if wants_json():
        return jsonify(status="refused", message=str(error.message)), 409
    flash(error.message, "error")
    return redirect(url_for(".overview", slug=slug))


@bp.get("/consultations/<slug>/respond/history")
@login_required
def history(slug: str):
    consultation = _consultation_for_partner(slug)
    submission = feedback.submission_of(consultation, current_user.organisation_id)
    return render_template(
        "feedback/history.html", consultation=consultation, submission=submission
    )


@bp.get("/consultations/<slug>/submissions/<int:submission_id>")
@login_required
def read_submission(slug: str, submission_id: int):
    consultation = consultations.get_by_slug(slug)
    submission = submissions.get_for_reader(
        current_user, consultation, submission_id, ip=client_ip()
    )
    return render_template(
        "feedback/submission.html",
        consultation=consultation,
        submission=submission,
        sections=submissions.outline(consultation, submission),
        hidden=moderation.hidden_from(current_user, submission),
    )
