"""Forms of the public pages."""

from wtforms import SelectField

from app.forms import OrganisationFilterForm
from app.lazy_text import lazy_gettext as _l
from app.vocabulary import LANGUAGE_NAMES, STANCE_LABELS


class PublishedFilterForm(OrganisationFilterForm):
    """Filters of the published feedback: a stance besides whose feedback it is."""

    stance = SelectField(
        _l("Stance"), choices=[("", _l("Every stance")), *STANCE_LABELS.items()], default=""
    )
    language = SelectField(  # comments, wordings and general comments alike
        _l("Language of the text"),
        choices=[("", _l("Every language")), *LANGUAGE_NAMES.items()],
        default="",
    )
