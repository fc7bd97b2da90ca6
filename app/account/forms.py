"""Forms of the account pages."""

from wtforms import PasswordField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import AnyOf, DataRequired, EqualTo, InputRequired, Length

from app.forms import BaseForm
from app.i18n import timezone_choices
from app.lazy_text import lazy_gettext as _l
from app.services.accounts.passwords import MAX_LENGTH, MIN_LENGTH
from app.services.accounts.tokens import DEFAULT_LIFETIME, LIFETIMES
from app.services.notifications.kinds import DELIVERIES, KINDS
from app.vocabulary import LANGUAGE_NAMES


class PreferencesForm(BaseForm):
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


class TokenForm(BaseForm):
    name = StringField(_l("Name of the token"), validators=[DataRequired(), Length(max=80)])
    days = SelectField(
        _l("Works for"),
        choices=[(d, _l("%(n)d days", n=d)) for d in sorted(LIFETIMES)],
        coerce=int,
        default=DEFAULT_LIFETIME,
    )
    submit = SubmitField(_l("Create a token"))


class ChangePasswordForm(BaseForm):
    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=MIN_LENGTH, max=MAX_LENGTH)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Change the password"))


class ButtonForm(BaseForm):
    """A button that changes state: only its CSRF token matters."""

    submit = SubmitField(_l("Confirm"))


class NotificationsForm(BaseForm):
    """One choice per kind of event (its fields are added for the person's role)."""

    submit = SubmitField(_l("Save my choices"))


def notifications_form(kinds: list[str], choices: dict[str, str], **kwargs) -> NotificationsForm:
    """The form of the kinds of event that concern the person, showing their choices."""

    class Form(NotificationsForm):
        pass

    for kind in kinds:
        setattr(
            Form,
            kind,
            RadioField(
                KINDS[kind].label,
                choices=list(DELIVERIES.items()),
                validators=[InputRequired(_l("Choose one of the options."))],
            ),
        )
    return Form(data=choices, prefix="notify", **kwargs)
