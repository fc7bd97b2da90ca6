"""The platform's fixed vocabularies: languages, stances, kinds of organisation and regions.

Each is defined here once, its codes in the order pages show them and, where people read
them, their translated labels. This module is at the bottom layer: it imports only the lazy
translation of labels, so models, services and pages can all import it.
"""

from app.lazy_text import lazy_gettext as _l

# The languages of the draft, the forms and the pages, the original's usual one first.
LANGUAGES = ("en", "fr", "es")
# Each language by its own name, as a language menu shows it (the same in every language).
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "es": "Español"}

# A partner's stance on a paragraph, from support to none.
STANCES = ("support", "amend", "oppose", "none")
STANCE_LABELS = {
    "support": _l("Support"),
    "amend": _l("Support with amendments"),
    "oppose": _l("Oppose"),
    "none": _l("No position"),
}

ORGANISATION_KINDS = {
    "town_hall_partner": _l("Town Hall partner"),
    "un_agency": _l("UN agency"),
    "ngo": _l("NGO"),
    "lrg_network": _l("Local and regional government network"),
    "academic": _l("Academic"),
    "other": _l("Other"),
}

REGIONS = {
    "africa": _l("Africa"),
    "asia_pacific": _l("Asia-Pacific"),
    "eurasia": _l("Eurasia"),
    "europe": _l("Europe"),
    "latin_america": _l("Latin America"),
    "middle_east_west_asia": _l("Middle East and West Asia"),
    "north_america": _l("North America"),
}
