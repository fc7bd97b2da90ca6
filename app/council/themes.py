"""The themes page, and staff's changes to its themes: rename, merge, split."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import _, get_locale
from flask_login import current_user

from app.council import bp
from app.council.forms import ThemeMergeForm, ThemeNameForm, ThemeSplitForm
from app.services.accounts import access
from app.services.consultations import lifecycle as consultations
from app.services.errors import DomainError
from app.services.synthesis import review, schema, theme_edits
from app.utils import attach_error, client_ip
from app.vocabulary import LANGUAGES

DONE = {
    "rename": lambda n: _("Theme %(number)d is renamed.", number=n),
    "merge": lambda n: _("Theme %(number)d is merged.", number=n),
    "split": lambda n: _("Theme %(number)d is split in two.", number=n),
}


@bp.get("/<slug>/syntheses/<int:number>/themes")
def themes(slug: str, number: int):
    consultation = consultations.get_by_slug(slug)
    synthesis = review.get(current_user, consultation, number)
    return _page(consultation, synthesis)


@bp.post("/<slug>/syntheses/<int:number>/themes/<int:theme>/<any(rename,merge,split):action>")
def change_theme(slug: str, number: int, theme: int, action: str):
    consultation = consultations.get_by_slug(slug)
    synthesis = review.get(current_user, consultation, number)
    access.require(current_user, "themes.adjust", synthesis)
    form = _forms(schema.result_of(synthesis), theme, posted=True)[action]
    if form.validate_on_submit():
        try:
            _apply(action, synthesis, theme, form)
        except DomainError as error:
            attach_error(form, error)
        else:
            flash(DONE[action](theme), "success")
            return redirect(url_for(".themes", slug=slug, number=number))
    return _page(consultation, synthesis, {theme: {action: form}}), 422


def _apply(action: str, synthesis, theme: int, form) -> None:
    if action == "rename":
        names = {"en": form.name_en.data, "fr": form.name_fr.data, "es": form.name_es.data}
        theme_edits.rename(current_user, synthesis, theme, names, ip=client_ip())
    elif action == "merge":
        theme_edits.merge(current_user, synthesis, theme, form.into.data, ip=client_ip())
    else:
        theme_edits.split(current_user, synthesis, theme, ip=client_ip())


def _forms(result, number: int, posted: bool = False) -> dict:
    """The three forms of one theme, prefixed by its number so every id is unique."""
    current = next((t for t in result.themes if t.number == number), None)
    label = dict(current.label) if current is not None else {}
    data = None if posted else {f"name_{lang}": label.get(lang, "") for lang in LANGUAGES}
    formdata = request.form if posted else None
    rename = ThemeNameForm(formdata=formdata, prefix=f"t{number}-rename", data=data)
    merge = ThemeMergeForm(formdata=formdata, prefix=f"t{number}-merge")
    language = str(get_locale())
    merge.into.choices = [
        (t.number, f"{t.number}. {t.label.get(language) or t.label.get('en') or ''}")
        for t in result.themes
        if t.number is not None and t.number != number
    ]
    split = ThemeSplitForm(formdata=formdata, prefix=f"t{number}-split")
    return {"rename": rename, "merge": merge, "split": split}


def _page(consultation, synthesis, posted: dict | None = None):
    result = schema.result_of(synthesis)
    forms = {}
    if theme_edits.may_adjust(current_user, synthesis):
        for t in result.themes:
            if t.number is not None:
                forms[t.number] = _forms(result, t.number) | (posted or {}).get(t.number, {})
    return render_template(
        "council/themes.html",
        consultation=consultation,
        synthesis=synthesis,
        result=result,
        theme_forms=forms,
    )
