"""Feedback files written in the secretariat's language: labels and names accepted, codes stored."""

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from app.models import Organisation, ParagraphFeedback
from app.services.exports.feedback_rows import COLUMNS, ExportFilters, export_rows
from app.services.feedback.file_import import FeedbackImportError, import_feedback
from app.services.feedback.vocabulary import fold, language_code, vocabularies
from tests.feedback.test_feedback_import import FRENCH, HEADER, SPANISH, csv_file, xlsx_file
from tests.helpers import make_consultation


@pytest.fixture
def consultation(db):
    return make_consultation()


@pytest.fixture
def staff(users):
    return users["staff"]


def new_organisation(**values) -> dict:
    return {"paragraph": "1", "comment": FRENCH, **values}


def organisation(db, name: str) -> Organisation:
    return db.session.scalar(sa.select(Organisation).where(Organisation.name == name))


def test_french_labels_and_names_are_stored_as_codes(db, staff, consultation):
    data = csv_file(
        [
            new_organisation(
                organisation="Réseau des villes du Sahel",
                organisation_kind="Agence des Nations unies",
                region="Amérique latine",
                country="Sénégal",
                language="français",
                stance="Soutien avec amendements",
                amendment="Les villes doivent être consultées.",
            )
        ]
    )
    import_feedback(staff, consultation, "courriers.csv", data)
    created = organisation(db, "Réseau des villes du Sahel")
    assert (created.kind, created.region, created.country) == ("un_agency", "latin_america", "SN")
    item = db.session.scalar(sa.select(ParagraphFeedback))
    assert (item.stance, item.language, item.language_confirmed) == ("amend", "fr", True)


def test_any_case_and_accents_in_spanish_and_english(db, staff, consultation):
    rows = [
        new_organisation(
            organisation="Ciudades Unidas",
            organisation_kind="agencia de las naciones unidas",
            region="América Latina",
            country="brasil",
            language="Francés",
            stance="apoyo",
        ),
        new_organisation(
            organisation="Town Network",
            organisation_kind="LOCAL AND REGIONAL GOVERNMENT NETWORK",
            region="middle east and west asia",
            country="Côte d’Ivoire",
            language="French",
            stance="NO POSITION",
        ),
        new_organisation(
            organisation="Agence urbaine",
            organisation_kind="agence des nations unies",
            region="amerique latine",
            country="États-Unis",
            language="fr-FR",
            stance="sin posicion",
        ),
    ]
    import_feedback(
        staff,
        consultation,
        "x.xlsx",
        xlsx_file([[row.get(column, "") for column in HEADER] for row in rows]),
    )
    spain = organisation(db, "Ciudades Unidas")
    town = organisation(db, "Town Network")
    agence = organisation(db, "Agence urbaine")
    assert (spain.kind, spain.region, spain.country) == ("un_agency", "latin_america", "BR")
    assert (town.kind, town.region, town.country) == (
        "lrg_network",
        "middle_east_west_asia",
        "CI",
    )
    assert (agence.kind, agence.region, agence.country) == ("un_agency", "latin_america", "US")
    stances = sorted(db.session.scalars(sa.select(ParagraphFeedback.stance)))
    assert stances == ["none", "none", "support"]
    languages = set(db.session.scalars(sa.select(ParagraphFeedback.language)))
    assert languages == {"fr"}


def test_the_export_of_an_import_in_labels_writes_codes(db, staff, consultation):
    data = csv_file(
        [
            new_organisation(
                organisation="Asociación de municipios",
                organisation_kind="ONG",
                region="Europa",
                country="España",
                language="español",
                stance="en contra",
                comment=SPANISH,
            )
        ]
    )
    import_feedback(staff, consultation, "x.csv", data)
    [row] = list(export_rows(staff, consultation, ExportFilters(), "csv"))
    exported = dict(zip(COLUMNS, row, strict=True))
    assert (exported["organisation_kind"], exported["region"], exported["country"]) == (
        "ngo",
        "europe",
        "ES",
    )
    assert (exported["stance"], exported["language"]) == ("oppose", "es")


def test_an_unknown_value_names_the_nearest_accepted_one(db, staff, consultation):
    data = csv_file(
        [
            new_organisation(
                organisation="Nouvelle",
                organisation_kind="agence des nation unis",
                region="Amerique latin",
                country="Senegall",
                stance="support",
            ),
            new_organisation(
                organisation="UNICEF", stance="soutient", language="franssais", paragraph="3"
            ),
            new_organisation(organisation="Nouvelle", stance="peut-être", paragraph="2"),
        ]
    )
    with pytest.raises(FeedbackImportError) as raised:
        import_feedback(staff, consultation, "x.csv", data)
    messages = [str(error.message) for error in raised.value.report.errors]
    expected = [
        "Did you mean “Agence des Nations unies”?",
        "Did you mean “Amérique latine”?",
        "Did you mean “Senegal”?",
        "Did you mean “Soutien”?",
        "Did you mean “français”?",
    ]
    for suggestion in expected:
        assert sum(suggestion in message for message in messages) == 1, suggestion
    assert any(m.startswith("“peut-être” is not a stance") for m in messages)
    assert not any("peut-être" in m and "Did you mean" in m for m in messages)
    assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == 2


def test_labels_come_from_the_catalogues_as_pages_show_them(app):
    with app.app_context():
        vocabularies.cache_clear()
        tables = vocabularies()
    assert tables["region"].code("AMÉRIQUE LATINE") == "latin_america"
    assert tables["organisation_kind"].code("Partenaire des Town Halls") == "town_hall_partner"
    assert tables["stance"].code("Sans avis") == "none"
    assert tables["country"].code("Allemagne") == "DE" and tables["country"].code("de") == "DE"
    assert tables["country"].code("EU") is None  # a grouping, not a country
    assert [language_code(x) for x in ("fr", "French", "français", "francés")] == ["fr"] * 4
    assert language_code("Deutsch") is None and language_code("de") is None
    assert fold("  Côte d’Ivoire ") == fold("cote d ivoire")


def test_a_refused_value_is_explained_in_the_readers_language(db, staff, consultation):
    # Reads the French catalogue: passes once this text's translation is in it.
    data = csv_file([new_organisation(organisation="UNICEF", stance="soutient", language="fr")])
    with pytest.raises(FeedbackImportError) as raised:
        import_feedback(staff, consultation, "x.csv", data)
    [error] = raised.value.report.errors
    with force_locale("fr"):
        message = " ".join(str(error.message).replace("\u00a0", " ").split())
    assert message.startswith("« soutient » n’est pas une position")
    assert message.endswith("Vouliez-vous dire « Soutien » ?")
