"""Forms of the secretariat's pages."""

from babel import Locale
from flask_babel import get_locale
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from app.forms import BaseForm
from app.lazy_text import lazy_gettext as _l
from app.models.consultation import QUESTION_KINDS
from app.models.feedback import PUBLICATION
from app.models.user import ROLES
from app.vocabulary import LANGUAGE_NAMES, ORGANISATION_KINDS, REGIONS

DRAFT_FILE_HINT = _l("A .pdf, .docx, .txt or .md file, up to 10 MB.")
# What the browser offers to choose; the importer also reads a PDF by its content.
DRAFT_FILE_TYPES = {"accept": ".pdf,.docx,.txt,.md,.markdown"}


def language_choices():
    return list(LANGUAGE_NAMES.items())


class ImportDraftForm(BaseForm):
    file = FileField(_l("Draft file"), render_kw=DRAFT_FILE_TYPES)
    upload_token = HiddenField()
    slug = StringField(_l("Address (slug)"), validators=[DataRequired(), Length(max=80)])
    language = SelectField(_l("Language of the draft"), choices=language_choices())
    title = StringField(_l("Title"), validators=[Optional(), Length(max=300)])
    preview = SubmitField(_l("Preview"))
    save = SubmitField(_l("Save the consultation"))


class TranslationFileForm(BaseForm):
    file = FileField(_l("Translated file"), render_kw=DRAFT_FILE_TYPES)
    language = SelectField(_l("Language of the file"), choices=language_choices())
    title = StringField(_l("Title in this language"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Import the translation"))


class NewVersionForm(BaseForm):
    file = FileField(_l("New version of the draft"), render_kw=DRAFT_FILE_TYPES)
    change_note = TextAreaField(_l("What changed"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Publish the new version"))


class DetailsForm(BaseForm):
    title_en = StringField(_l("Title (English)"), validators=[Length(max=300)])
    title_fr = StringField(_l("Title (French)"), validators=[Length(max=300)])
    title_es = StringField(_l("Title (Spanish)"), validators=[Length(max=300)])
    summary_en = TextAreaField(_l("Summary (English)"), validators=[Length(max=3000)])
    summary_fr = TextAreaField(_l("Summary (French)"), validators=[Length(max=3000)])
    summary_es = TextAreaField(_l("Summary (Spanish)"), validators=[Length(max=3000)])
    council = StringField(_l("Policy Council"), validators=[Length(max=200)])
    publication_default = SelectField(
        _l("How feedback may be published: the choice partners' submit form offers first"),
        choices=list(PUBLICATION.items()),
        validate_choice=False,
    )
    submit = SubmitField(_l("Save the details"))


class OpenForm(BaseForm):
    opens_at = DateTimeLocalField(_l("Opens on (leave empty to open now)"), validators=[Optional()])
    closes_at = DateTimeLocalField(_l("Deadline"), validators=[DataRequired()])
    submit = SubmitField(_l("Open for comment"))


class ConfirmForm(BaseForm):
    """A button that changes state: only its CSRF token matters."""

    submit = SubmitField(_l("Confirm"))


class QuestionForm(BaseForm):
    kind = SelectField(_l("Kind of answer"), choices=list(QUESTION_KINDS.items()))
    prompt_en = TextAreaField(_l("Question (English)"), validators=[Length(max=2000)])
    prompt_fr = TextAreaField(_l("Question (French)"), validators=[Length(max=2000)])
    prompt_es = TextAreaField(_l("Question (Spanish)"), validators=[Length(max=2000)])
    options_en = TextAreaField(_l("Options (English), one per line"), validators=[Length(max=5000)])
    options_fr = TextAreaField(_l("Options (French), one per line"), validators=[Length(max=5000)])
    options_es = TextAreaField(_l("Options (Spanish), one per line"), validators=[Length(max=5000)])
    required = BooleanField(_l("An answer is required"))
    submit = SubmitField(_l("Save the question"))


def country_choices() -> list[tuple[str, str]]:
    """Countries named in the reader's language, sorted as they read them."""
    territories = Locale.parse(str(get_locale())).territories
    countries = [
        (code, name)
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha() and code not in {"ZZ", "EU", "EZ", "UN", "XA", "XB"}
    ]
    return [("", _l("— none —"))] + sorted(countries, key=lambda item: item[1])


class OrganisationForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=list(ORGANISATION_KINDS.items()))
    region = SelectField(_l("Region"), choices=list(REGIONS.items()))
    country = SelectField(_l("Country"), validate_choice=False)
    verified = BooleanField(_l("Verified by the secretariat"))
    submit = SubmitField(_l("Save the organisation"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices()


class InviteForm(BaseForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    role = SelectField(_l("Role"), choices=list(ROLES.items()), default="partner")
    organisation_id = SelectField(
        _l("Organisation (for partners)"), coerce=int, validate_choice=False
    )
    submit = SubmitField(_l("Send the invitation"))


class RoleForm(BaseForm):
    role = SelectField(_l("Role"), choices=list(ROLES.items()))
    organisation_id = SelectField(
        _l("Organisation (for partners)"), coerce=int, validate_choice=False
    )
    submit = SubmitField(_l("Change the role"))


class AuditFilterForm(BaseForm):
    """Filters of the audit trail, read from the query string (a search changes nothing)."""

    class Meta:
        csrf = False

    person = StringField(_l("Person (name or email)"), validators=[Optional(), Length(max=200)])
    organisation = SelectField(_l("Organisation"), coerce=int, validate_choice=False, default=0)
    action = SelectField(_l("Action"), validate_choice=False, default="")
    consultation = SelectField(_l("Consultation"), coerce=int, validate_choice=False, default=0)
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])
