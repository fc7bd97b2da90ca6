"""Forms of the Council's review pages."""

from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from app.forms import BaseForm, OrganisationFilterForm
from app.lazy_text import lazy_gettext as _l
from app.models.synthesis import DECISIONS
from app.services.synthesis.review import MAX_TEXT


class FilterForm(OrganisationFilterForm):
    """Which organisations' feedback to count on the Council's pages."""


class CompareForm(BaseForm):
    """The two syntheses to compare; choices are set by the view."""

    class Meta:
        csrf = False

    a = SelectField(_l("Earlier synthesis"), coerce=int)
    b = SelectField(_l("Later synthesis"), coerce=int)


class DecisionForm(BaseForm):
    """The Council's decision on one group of proposed wordings; prefixed per group."""

    decision = RadioField(
        _l("Decision"),
        choices=list(DECISIONS.items()),
        validators=[InputRequired(message=_l("Choose accept, accept in part or reject."))],
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(message=_l("Give the reason for this decision.")),
            Length(max=MAX_TEXT),
        ],
    )
    submit = SubmitField(_l("Record the decision"))


class NoteForm(BaseForm):
    note = TextAreaField(
        _l("Your note"),
        validators=[DataRequired(message=_l("Write the note.")), Length(max=MAX_TEXT)],
    )
    submit = SubmitField(_l("Add the note"))


class ThemeNameForm(BaseForm):
    """Staff's name for a theme, per language (one is enough: the others borrow it)."""

    name_en = StringField(_l("Name in English"), validators=[Length(max=120)])
    name_fr = StringField(_l("Name in French"), validators=[Length(max=120)])
    name_es = StringField(_l("Name in Spanish"), validators=[Length(max=120)])
    submit = SubmitField(_l("Rename the theme"))


class ThemeMergeForm(BaseForm):
    """The theme another is merged into."""

    into = SelectField(_l("Merge it into"), coerce=int, validators=[DataRequired()])
    submit = SubmitField(_l("Merge the themes"))


class ThemeSplitForm(BaseForm):
    """A button: only its CSRF token matters."""

    submit = SubmitField(_l("Split it in two"))
