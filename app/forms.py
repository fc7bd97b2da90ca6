"""The base of every form: text fields refuse control characters and are never None.

Text typed by people must be storable as it is: PostgreSQL refuses NUL in text, and other
control characters (escape sequences, C1 codes) are invisible to the reader and break
exports. Applying the rule here, to every text field of every form, keeps it in one place.
"""

import functools
import re

from babel import support
from flask import current_app
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.core import UnboundField
from wtforms.i18n import messages_path
from wtforms.validators import ValidationError

from app.lazy_text import lazy_gettext as _l
from app.vocabulary import LANGUAGE_NAMES, ORGANISATION_KINDS, REGIONS

# C0 controls, DEL and C1 controls; tab, line feed and carriage return are text in a text area.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

CONTROL_CHARACTER_MESSAGE = _l(
    "This text contains an invisible control character (such as NUL) that cannot be saved. "
    "Please remove it."
)


def has_control_characters(value: object, multiline: bool = True) -> bool:
    """Whether `value` holds a character that text fields refuse."""
    pattern = _CONTROL_MULTILINE if multiline else _CONTROL
    return isinstance(value, str) and pattern.search(value) is not None


class NoControlCharacters:
    """Refuse control characters, except tab and line ends in multi-line fields."""

    def __init__(self, multiline: bool) -> None:
        self.multiline = multiline

    def __call__(self, form, field) -> None:
        if has_control_characters(field.data, self.multiline):
            raise ValidationError(CONTROL_CHARACTER_MESSAGE)


def _never_none(value: object) -> object:
    """A text field left out of the post reads as empty text, as a blank one does."""
    return "" if value is None else value


@functools.cache
def _wtforms_catalogue(locale: str) -> support.Translations:
    """WTForms' own messages in one language, read from disk once per process."""
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class _WTFormsTranslations:
    """WTForms' messages in the reader's language. Flask-WTF reads the catalogue file again on
    every request that builds a form; this reads it once."""

    def gettext(self, string: str) -> str:
        return _wtforms_catalogue(str(get_locale())).ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _wtforms_catalogue(str(get_locale())).ungettext(singular, plural, n)


_TRANSLATIONS = _WTFormsTranslations()


class TextRulesMeta(FlaskForm.Meta):
    """Binds every text field (not passwords) with the control-character rule."""

    def get_translations(self, form):
        if not current_app.config.get("WTF_I18N_ENABLED", True):
            return super().get_translations(form)
        return _TRANSLATIONS

    def bind_field(self, form, unbound_field: UnboundField, options: dict):
        field_class = unbound_field.field_class
        if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
            args, kwargs = list(unbound_field.args), dict(unbound_field.kwargs)
            if len(args) > 1:  # validators given by position: StringField(label, [v...])
                kwargs["validators"] = args.pop(1)
            multiline = issubclass(field_class, TextAreaField)
            kwargs["filters"] = [_never_none, *(kwargs.get("filters") or ())]
            kwargs["validators"] = [
                NoControlCharacters(multiline),
                *(kwargs.get("validators") or ()),
            ]
            unbound_field = UnboundField(field_class, *args, name=unbound_field.name, **kwargs)
        return super().bind_field(form, unbound_field, options)

    def render_field(self, field, render_kw: dict):
        # Every form's token and button would be id="csrf_token" and id="submit": a page
        # holding several forms (My account) would repeat an id. Neither needs one; a
        # prefixed form's ("g0-submit") are unique already and kept for links and tests.
        unprefixed = field.id == field.short_name
        if field.type in ("CSRFTokenField", "SubmitField") and unprefixed and "id" not in render_kw:
            render_kw = {**render_kw, "id": False}
        return super().render_field(field, render_kw)


class BaseForm(FlaskForm):
    """FlaskForm (CSRF included) whose text fields follow the rules above."""

    Meta = TextRulesMeta


class OrganisationFilterForm(BaseForm):
    """Whose feedback to read: a kind of organisation, a region, a language of the text.

    Read from the query string (a GET form), so no CSRF token.
    """

    class Meta:
        csrf = False

    kind = SelectField(
        _l("Kind of organisation"),
        choices=[("", _l("Every kind")), *ORGANISATION_KINDS.items()],
        default="",
    )
    region = SelectField(
        _l("Region"), choices=[("", _l("Every region")), *REGIONS.items()], default=""
    )
    language = SelectField(
        _l("Language of the comment"),
        choices=[("", _l("Every language")), *LANGUAGE_NAMES.items()],
        default="",
    )
