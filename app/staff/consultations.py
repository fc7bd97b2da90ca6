"""Staff routes for consultations: import, details, languages, questions, lifecycle."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import _, ngettext
from flask_login import current_user

from app import confirm
from app.forms import CONTROL_CHARACTER_MESSAGE, has_control_characters
from app.i18n import language_name, localize
from app.services.consultations import lifecycle as consultations
from app.services.consultations import questions, translations
from app.services.drafts.importer import ImportFormatError
from app.services.errors import DomainError
from app.services.feedback import publication
from app.services.ids import parse_id
from app.staff import bp
from app.staff.forms import (
    ConfirmForm,
    DetailsForm,
    ImportDraftForm,
    NewVersionForm,
    OpenForm,
    QuestionForm,
    TranslationFileForm,
)
from app.staff.uploaded import forget, read_draft
from app.utils import attach_error, client_ip, zone_to_utc
from app.vocabulary import LANGUAGES as LANGS


@bp.get("/")
def dashboard():
    items = consultations.readable_by(current_user)
    return render_template(
        "staff/dashboard.html",
        consultations=items,
        paragraph_counts=consultations.paragraph_counts(items),
    )


@bp.route("/consultations/import", methods=["GET", "POST"])
def import_draft():
    form = ImportDraftForm()
    draft = None
    if form.validate_on_submit():
        try:
            draft, form.upload_token.data = read_draft(form.file, form.upload_token)
            if form.save.data:
                item = consultations.create_from_draft(
                    current_user,
                    draft,
                    form.slug.data,
                    form.language.data,
                    form.title.data,
                    ip=client_ip(),
                )
                forget(form.upload_token.data)
                flash(_("The consultation is saved as a draft."), "success")
                return redirect(url_for("staff.manage", slug=item.slug))
            consultations.check_slug(form.slug.data)
        except ImportFormatError as error:
            form.file.errors = [*form.file.errors, error.args[0]]
        except DomainError as error:
            attach_error(form, error)
    return render_template("staff/import.html", form=form, draft=draft)


@bp.get("/consultations/<slug>")
def manage(slug: str):
    return _render_manage(consultations.get_by_slug(slug))


def _render_manage(item, details: DetailsForm | None = None, open_form: OpenForm | None = None):
    """The management page, keeping whichever form the user just submitted with its errors."""
    return render_template(
        "staff/manage.html",
        consultation=item,
        details=details or DetailsForm(data=_details_data(item)),
        open_form=open_form or OpenForm(),
        confirm=ConfirmForm(),
        translation_form=TranslationFileForm(),
        coverage=consultations.translation_coverage(item.current_version),
        choices=publication.counts(current_user, item),
    )


def _details_data(item) -> dict:
    data = {f"title_{lang}": item.title.get(lang, "") for lang in LANGS}
    data |= {f"summary_{lang}": item.summary.get(lang, "") for lang in LANGS}
    return data | {"council": item.council, "publication_default": item.publication_default}


@bp.post("/consultations/<slug>/details")
def save_details(slug: str):
    item = consultations.get_by_slug(slug)
    form = DetailsForm()
    if form.validate_on_submit():
        try:
            consultations.update_details(
                current_user,
                item,
                titles={lang: form[f"title_{lang}"].data for lang in LANGS},
                summaries={lang: form[f"summary_{lang}"].data for lang in LANGS},
                council=form.council.data,
                ip=client_ip(),
                publication_default=form.publication_default.data,
            )
        except DomainError as error:
            attach_error(form, error)
        else:
            flash(_("The details are saved."), "success")
            return redirect(url_for("staff.manage", slug=slug))
    return _render_manage(item, details=form)


@bp.post("/consultations/<slug>/open")
def open_for_comment(slug: str):
    item = consultations.get_by_slug(slug)
    form = OpenForm()
    if form.validate_on_submit():
        try:
            consultations.open_consultation(
                current_user,
                item,
                closes_at=zone_to_utc(form.closes_at.data, current_user.timezone),
                opens_at=zone_to_utc(form.opens_at.data, current_user.timezone),
                ip=client_ip(),
                untranslated_ok=confirm.confirmed(),
            )
        except consultations.Untranslated as error:
            return _ask_to_open_untranslated(item, error.missing)
        except DomainError as error:
            attach_error(form, error)
        else:
            flash(_("The consultation is open for comment."), "success")
            return redirect(url_for("staff.manage", slug=slug))
    return _render_manage(item, open_form=form)


@bp.post("/consultations/<slug>/<any(close, archive):action>")
def change_phase(slug: str, action: str):
    item = consultations.get_by_slug(slug)
    if ConfirmForm().validate_on_submit():
        if not confirm.confirmed():
            return _ask_phase_change(item, action)
        try:
            if action == "close":
                consultations.close_consultation(current_user, item, ip=client_ip())
                flash(_("The consultation is closed."), "success")
            else:
                consultations.archive_consultation(current_user, item, ip=client_ip())
                flash(_("The consultation is archived."), "success")
        except DomainError as error:
            flash(error.message, "error")
    return redirect(url_for("staff.manage", slug=slug))


def _ask_to_open_untranslated(item, missing: dict[str, list[str]]):
    details = [
        ngettext(
            "%(language)s: paragraph %(numbers)s has no text.",
            "%(language)s: paragraphs %(numbers)s have no text.",
            len(numbers),
            language=language_name(lang, sentence_start=True),
            numbers=", ".join(numbers),
        )
        for lang, numbers in missing.items()
    ]
    details.append(_("Readers of those languages will see the original text instead."))
    return confirm.ask(
        _("Open the consultation with paragraphs not translated?"),
        _("Open it with these paragraphs untranslated"),
        url_for("staff.manage", slug=item.slug),
        details,
    )


def _ask_phase_change(item, action: str):
    title = localize(item.title, item.original_language).text
    if action == "close":
        question = _("Close “%(title)s” now?", title=title)
        detail = _("Partners can no longer change or submit their feedback.")
        words = _("Close the consultation now")
    else:
        question = _("Archive “%(title)s”?", title=title)
        detail = _("It leaves the list of consultations; its page, feedback and syntheses stay.")
        words = _("Archive the consultation")
    return confirm.ask(question, words, url_for("staff.manage", slug=item.slug), [detail])


@bp.post("/consultations/<slug>/translation-file")
def import_translation(slug: str):
    item = consultations.get_by_slug(slug)
    form = TranslationFileForm()
    if form.validate_on_submit():
        try:
            draft, token = read_draft(form.file)
            forget(token)
            report = translations.import_translation(
                current_user, item, draft, form.language.data, form.title.data, ip=client_ip()
            )
        except ImportFormatError as error:
            flash(error.args[0], "error")
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("%(count)d paragraphs translated.", count=len(report.translated)), "success")
            if report.missing:
                flash(
                    _(
                        "Not in the file: paragraphs %(numbers)s.",
                        numbers=", ".join(report.missing),
                    ),
                    "info",
                )
            if report.unknown:
                flash(
                    _(
                        "In the file but not in the draft: %(numbers)s.",
                        numbers=", ".join(report.unknown),
                    ),
                    "info",
                )
    return redirect(url_for("staff.manage", slug=slug))


@bp.route("/consultations/<slug>/translate/<language>", methods=["GET", "POST"])
def translate(slug: str, language: str):
    item = consultations.get_by_slug(slug)
    version = item.current_version
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            translations.save_side_by_side(
                current_user,
                version,
                language,
                headings=_posted_texts("heading"),
                intros=_posted_texts("intro"),
                paragraphs=_posted_texts("paragraph"),
            )
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("The translation is saved."), "success")
            return redirect(url_for("staff.translate", slug=slug, language=language))
    return render_template(
        "staff/translate.html",
        consultation=item,
        version=version,
        language=language,
        form=form,
        posted=request.form,
    )


def _posted_texts(prefix: str) -> dict[int, str]:
    """Fields named `<prefix>-<id>` of the side-by-side form, keyed by id."""
    texts = {}
    for name, value in request.form.items():
        kind, _, raw_id = name.partition("-")
        if kind == prefix and (number := parse_id(raw_id)) is not None:
            if has_control_characters(value):
                raise DomainError(CONTROL_CHARACTER_MESSAGE)
            texts[number] = value
    return texts


@bp.route("/consultations/<slug>/versions/new", methods=["GET", "POST"])
def new_version(slug: str):
    item = consultations.get_by_slug(slug)
    form = NewVersionForm()
    if form.validate_on_submit():
        try:
            draft, token = read_draft(form.file)
            forget(token)
            version = consultations.publish_new_version(
                current_user, item, draft, form.change_note.data, ip=client_ip()
            )
        except ImportFormatError as error:
            form.file.errors = [*form.file.errors, error.args[0]]
        except DomainError as error:
            attach_error(form, error)
        else:
            flash(_("Version %(number)d is published.", number=version.number), "success")
            return redirect(url_for("staff.manage", slug=slug))
    return render_template("staff/new_version.html", consultation=item, form=form)


@bp.route("/consultations/<slug>/questions/new", methods=["GET", "POST"])
@bp.route("/consultations/<slug>/questions/<int:question_id>", methods=["GET", "POST"])
def edit_question(slug: str, question_id: int | None = None):
    item = consultations.get_by_slug(slug)
    question = questions.get_question(item, question_id) if question_id else None
    data = None
    if question is not None and request.method == "GET":
        data = {f"prompt_{lang}": question.prompt.get(lang, "") for lang in LANGS}
        data |= {f"options_{lang}": questions.options_as_lines(question, lang) for lang in LANGS}
        data |= {"kind": question.kind, "required": question.required}
    form = QuestionForm(data=data)
    if form.validate_on_submit():
        try:
            questions.save_question(
                current_user,
                item,
                form.kind.data,
                prompt={lang: form[f"prompt_{lang}"].data for lang in LANGS},
                options={lang: form[f"options_{lang}"].data for lang in LANGS},
                required=form.required.data,
                question_id=question_id,
            )
        except DomainError as error:
            attach_error(form, error)
        else:
            flash(_("The question is saved."), "success")
            return redirect(url_for("staff.manage", slug=slug) + "#questions")
    return render_template("staff/question.html", consultation=item, form=form, question=question)


@bp.post("/consultations/<slug>/questions/<int:question_id>/delete")
def delete_question(slug: str, question_id: int):
    item = consultations.get_by_slug(slug)
    if ConfirmForm().validate_on_submit():
        if not confirm.confirmed():
            return confirm.ask(
                _("Remove this question and every answer given to it?"),
                _("Remove the question and its answers"),
                url_for("staff.manage", slug=slug) + "#questions",
            )
        try:
            questions.delete_question(current_user, item, question_id)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("The question is removed."), "success")
    return redirect(url_for("staff.manage", slug=slug) + "#questions")
