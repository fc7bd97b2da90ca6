"""Forms of the public pages."""

from wtforms import SelectField

from app.forms import BaseForm
from app.lazy_text import lazy_gettext as _l
from app.vocabulary import LANGUAGE_NAMES, ORGANISATION_KINDS, REGIONS, STANCE_LABELS


class PublishedFilterForm(BaseForm):
    """Filters of the published feedback; read from the query string, so no CSRF token."""

    class Meta:
        csrf = False

    stance = SelectField(
        _l("Stance"), choices=[("", _l("Every stance")), *STANCE_LABELS.items()], default=""
    )
    kind = SelectField(
        _l("Kind of organisation"),
        choices=[("", _l("Every kind")), *ORGANISATION_KINDS.items()],
        default="",
    )
    region = SelectField(
        _l("Region"), choices=[("", _l("Every region")), *REGIONS.items()], default=""
    )
    language = SelectField(
        _l("Language of the text"),
        choices=[("", _l("Every language")), *LANGUAGE_NAMES.items()],
        default="",
    )
