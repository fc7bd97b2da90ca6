"""Routes for reviewing, submitting and withdrawing a submission."""

from flask import flash, redirect, render_template, url_for
from flask_babel import _
from flask_login import current_user, login_required

from app import confirm
from app.feedback import bp
from app.feedback.forms import SubmissionForm
from app.feedback.routes import _consultation_for_partner
from app.services.errors import DomainError
from app.services.feedback import publication, submissions
from app.services.feedback import saving as feedback
from app.services.feedback.saving import ValidationFailed
from app.utils import client_ip


@bp.get("/consultations/<slug>/respond/review")
@login_required
def review(slug: str):
    consultation = _consultation_for_partner(slug, whole_draft=False)
    submission = feedback.submission_of(consultation, current_user.organisation_id)
    form = SubmissionForm()
    if submission is not None:
        form.lock_version.data = str(submission.lock_version)
    return render_template(
        "feedback/review.html",
        consultation=consultation,
        submission=submission,
        form=form,
        sections=submissions.outline_to_show(consultation, submission),
        missing=submissions.missing_required_answers(consultation, submission),
        empty=submissions.is_empty(submission),
        publication=publication.default_choice(consultation, submission),
    )


@bp.post("/consultations/<slug>/respond/submit")
@login_required
def submit(slug: str):
    consultation = _consultation_for_partner(slug)
    form = SubmissionForm()
    if not form.validate_on_submit():
        flash(_("The form had expired. Please submit again."), "error")
        return redirect(url_for(".review", slug=slug))
    try:
        submissions.submit(
            current_user,
            consultation,
            form.base_version(),
            ip=client_ip(),
            publication=form.publication.data or None,
        )
    except ValidationFailed:
        flash(_("Some required questions are not answered yet."), "error")
        return redirect(url_for(".questions", slug=slug))
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for(".review", slug=slug))
    return redirect(url_for(".receipt", slug=slug))


@bp.get("/consultations/<slug>/respond/receipt")
@login_required
def receipt(slug: str):
    consultation = _consultation_for_partner(slug)
    submission = feedback.submission_of(consultation, current_user.organisation_id)
    if submission is None or submission.submitted_at is None:
        return redirect(url_for(".overview", slug=slug))
    return render_template(
        "feedback/receipt.html",
        consultation=consultation,
        submission=submission,
        receipt_number=submissions.receipt_number(submission),
        sections=submissions.outline(consultation, submission),
        form=SubmissionForm(),
    )


@bp.post("/consultations/<slug>/respond/publication")
@login_required
def choose_publication(slug: str):
    consultation = _consultation_for_partner(slug)
    form = SubmissionForm()
    if not form.validate_on_submit():
        flash(_("The form had expired. Please submit it again."), "error")
        return redirect(url_for(".receipt", slug=slug))
    try:
        publication.choose(current_user, consultation, form.publication.data, ip=client_ip())
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Your choice of publication is saved."), "success")
    return redirect(url_for(".receipt", slug=slug) + "#publication")


@bp.post("/consultations/<slug>/respond/withdraw")
@login_required
def withdraw(slug: str):
    consultation = _consultation_for_partner(slug)
    if SubmissionForm().validate_on_submit():
        if not confirm.confirmed():
            return confirm.ask(
                _("Withdraw the submission of %(name)s?", name=current_user.organisation.name),
                _("Withdraw the submission"),
                url_for(".overview", slug=slug),
                [_("The Council will not read it unless you submit it again before the deadline.")],
            )
        try:
            submissions.withdraw(current_user, consultation, ip=client_ip())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(
                _("Your submission is withdrawn. You can submit it again before the deadline."),
                "success",
            )
    return redirect(url_for(".overview", slug=slug))
