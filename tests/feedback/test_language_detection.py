"""The language recorded for a comment is told from its opening, where its author's words are."""

from app.services import language

COMMENT_ES = (
    "Gracias por esta consulta. En Dakar los fondos culturales cayeron un 29 %: cierran "
    "teatros independientes y los músicos pierden ingresos. Desde hace diecisiete años "
    "nuestras casas de cultura acogen a jóvenes de todos los barrios, y pedimos que el "
    "Pacto reconozca su papel con financiación estable."
)
# A proposed wording copied from the English draft and barely edited.
WORDING_EN = (
    "We call on Member States to strengthen multilateral cooperation with local and regional "
    "governments, recognising their role in the implementation of the Sustainable Development "
    "Goals and ensuring their participation in the follow-up and review of the Pact for the "
    "Future, including through dedicated mechanisms at the United Nations."
)


def test_a_spanish_comment_before_a_long_english_wording_is_spanish():
    text = f"{COMMENT_ES}\n{WORDING_EN} {WORDING_EN}"
    assert len(text) > language.MAX_CHARACTERS
    assert language.detect(text) == "es"
    assert language.detect_many([text, WORDING_EN, "OK +1"]) == ["es", "en", None]


def test_a_long_text_in_one_language_keeps_that_language():
    assert language.detect(" ".join([WORDING_EN] * 5)) == "en"
    assert language.detect(" ".join([COMMENT_ES] * 5)) == "es"


def test_only_the_opening_is_read_however_long_the_rest():
    opening = WORDING_EN + " " + WORDING_EN[:120]
    assert len(opening) >= language.MAX_CHARACTERS
    assert language.detect(f"{opening}\n{COMMENT_ES * 6}") == "en"


CLEAR = {
    "en": "We ask that the Council should name local governments as partners in this pact.",
    "fr": "Nous demandons que le Conseil nomme les collectivités comme partenaires dans ce pacte.",
    "es": "Pedimos que el Consejo nombre a los gobiernos locales como socios para este pacto.",
}


def test_clear_prose_is_told_by_its_common_words_as_the_models_tell_it():
    detector = language._detector()
    for code, text in CLEAR.items():
        assert language.by_common_words(text) == code
        assert language.CODES[detector.detect_language_of(text)] == code
        assert language.detect(text) == code


def test_a_text_mixing_languages_or_short_of_common_words_is_left_to_the_models():
    mixed = f"{CLEAR['fr']} {CLEAR['en']}"
    assert language.by_common_words(mixed) is None
    assert language.by_common_words("Participatory budgeting, Medellín, Porto Alegre.") is None
    assert language.detect(mixed) in {"en", "fr"}


def test_many_texts_at_once_get_the_answers_of_one_at_a_time():
    texts = [*CLEAR.values(), f"{CLEAR['fr']} {CLEAR['en']}", WORDING_EN, COMMENT_ES, "+1", ""]
    assert language.detect_many(texts) == [language.detect(t) for t in texts]
