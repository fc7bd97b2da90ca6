"""Forms of the account pages."""

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import AnyOf, DataRequired, Length

from app.i18n import LANGUAGE_NAMES, timezone_choices
from app.lazy_text import lazy_gettext as _l


class PreferencesForm(FlaskForm):
    locale = SelectField(
        _l("Language of the site and of emails"), choices=list(LANGUAGE_NAMES.items())
    )
    timezone = SelectField(_l("Time zone"))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zones = timezone_choices()
        self.timezone.choices = zones
        self.timezone.validators = [AnyOf(zones)]


class TokenForm(FlaskForm):
    name = StringField(_l("Name of the token"), validators=[DataRequired(), Length(max=80)])
    submit = SubmitField(_l("Create a token"))
