"""Campaigns and proposed wordings recognised across languages, with the real encoder."""

import json

from app.services.synthesis import amendments, campaigns, duplicates
from app.services.synthesis.embedding import default_embedder
from app.services.textdiff import word_diff

HOUSING = {
    "en": "We, members of the Housing Now alliance, ask the Council to make adequate housing a "
    "right in this text. In {city}, rents have risen twice as fast as wages. Cities need the "
    "power to cap rents and to bring empty homes back into use.",
    "fr": "Nous, membres de l'alliance Housing Now, demandons au Conseil de faire du logement "
    "convenable un droit dans ce texte. À {city}, les loyers ont augmenté deux fois plus vite "
    "que les salaires. Les villes doivent pouvoir plafonner les loyers et remettre les "
    "logements vides sur le marché.",
    "es": "Nosotros, miembros de la alianza Housing Now, pedimos al Consejo que haga de la "
    "vivienda adecuada un derecho en este texto. En {city}, los alquileres han subido el doble "
    "de rápido que los salarios. Las ciudades necesitan poder limitar los alquileres y devolver "
    "al uso las viviendas vacías.",
}
DRAFT = (
    "Local and regional governments should guarantee decent work and training opportunities "
    "for young people, in partnership with employers and schools."
)
OPENING = "We, members of the Housing Now alliance, ask the Council to make adequate housing a "
LOOK_ALIKES = [
    OPENING + "right. Our own priority is different: public transport must be free for students "
    "and the elderly in every city by 2030.",
    OPENING + "right. We also want the Council to create a fund for flood defences in coastal "
    "towns, which the draft forgets entirely.",
    f'"{DRAFT}" We support this, but training must include digital skills for older workers.',
    f'"{DRAFT}" Nous voulons que les syndicats soient nommés dans ce paragraphe, aussi.',
    f'"{DRAFT}" Falta un calendario: sin fechas, este compromiso no obliga a nadie.',
]


def corpus():
    """Six copies of one campaign in three languages, lightly edited, among look-alikes."""
    copies = [
        ("en", HOUSING["en"].format(city="Lyon")),
        ("en", HOUSING["en"].format(city="Accra") + " Our board endorsed this text."),
        ("en", HOUSING["en"].format(city="Lima").replace("wages", "wagse")),
        ("fr", HOUSING["fr"].format(city="Dakar")),
        ("fr", HOUSING["fr"].format(city="Tunis").replace("plafonner", "encadrer")),
        ("es", HOUSING["es"].format(city="Quito")),
    ]
    items = [(i + 1, f"Org {i}", text, lang) for i, (lang, text) in enumerate(copies)]
    for j, text in enumerate(LOOK_ALIKES, start=len(items) + 1):
        items.append((j, f"Org {j}", text, "en" if j < 10 else ("fr", "es")[j % 2]))
    return items


def test_copies_in_three_languages_are_one_campaign_and_look_alikes_stay_out():
    items = corpus()
    vectors = default_embedder().embed([text for _, _, text, _ in items])
    found = campaigns.find_campaigns(items, vectors, quoted_from_draft=[DRAFT])
    assert len(found) == 1
    [campaign] = found
    assert campaign.feedback_ids == [1, 2, 3, 4, 5, 6]  # every copy traceable
    assert campaign.languages == {"en": 3, "fr": 2, "es": 1}
    assert set(campaign.texts) == {"en", "fr", "es"}
    assert campaign.texts["es"] == items[5][2]  # the lone Spanish copy is shown in Spanish
    assert campaign.text in {text for _, _, text, lang in items[:3]}  # most copies: English


def test_the_same_language_detector_alone_finds_only_the_english_copies():
    found = duplicates.find_duplicates([(i, o, t) for i, o, t, _ in corpus()], [DRAFT])
    assert [g.feedback_ids for g in found] == [[1, 2, 3]]


def test_sentences_are_cut_at_their_ends_and_keep_their_words():
    assert campaigns.sentences("One. Two!  Three: four\nFive") == [
        "One.",
        "Two!",
        "Three:",
        "four",
        "Five",
    ]


# --- proposed wordings in several languages ----------------------------------------------

DRAFT_TEXTS = {
    "en": "Local governments shall implement the agenda and monitor its implementation.",
    "fr": "Les gouvernements locaux mettent en œuvre le programme et suivent sa mise en œuvre.",
    "es": "Los gobiernos locales aplican la agenda y supervisan su aplicación.",
}
CHILDREN = {
    "en": " with the participation of children and young people.",
    "fr": " avec la participation des enfants et des jeunes.",
    "es": " con la participación de niños, niñas y jóvenes.",
}


def wording(language: str, addition: str) -> str:
    return DRAFT_TEXTS[language].rstrip(".") + addition


def embed_edits(pairs):
    return default_embedder().embed([text for _, text in pairs])


def test_one_amendment_written_in_three_languages_is_one_group_diffed_per_language():
    wordings = [
        (1, "FAO", wording("fr", CHILDREN["fr"]), "fr"),
        (2, "UNICEF", wording("en", CHILDREN["en"]), "en"),
        (3, "Save the Children", wording("es", CHILDREN["es"]), "es"),
        (4, "UN-Habitat", wording("en", CHILDREN["en"]), "en"),
        (5, "ICLEI", wording("en", ", every year, with a public report."), "en"),
    ]
    groups = amendments.group_wordings(DRAFT_TEXTS, wordings, "en", vectors=embed_edits)
    assert [g.feedback_ids for g in groups] == [[1, 2, 3, 4], [5]]
    children = groups[0]
    assert children.language == "en"  # the language most of its wordings were written from
    variants = {v["language"]: v for v in children.variants}
    assert {lang: v["feedback_ids"] for lang, v in variants.items()} == {
        "en": [2, 4],
        "fr": [1],
        "es": [3],
    }
    # FAO's French wording against the French draft: one insertion, nothing struck out.
    assert [op for op, _ in variants["fr"]["diff"]].count("del") <= 1
    assert variants["fr"]["change"] == [
        {
            "op": "insert",
            "text": "avec la participation des enfants et des jeunes",
            "old": "",
            "after": "et suivent sa mise en œuvre",
        }
    ]


def test_the_same_wording_sent_by_many_is_read_once(monkeypatch):
    read = []
    source_language = amendments.source_language
    monkeypatch.setattr(
        amendments,
        "source_language",
        lambda texts, text, *rest: read.append(text) or source_language(texts, text, *rest),
    )
    children = {lang: wording(lang, CHILDREN[lang]) for lang in ("en", "fr")}
    wordings = [(i, f"Org {i}", children["en"], "en") for i in range(1, 6)]
    wordings += [(i, f"Org {i}", children["fr"], "fr") for i in range(6, 9)]
    groups = amendments.group_wordings(DRAFT_TEXTS, wordings, "en", vectors=embed_edits)
    assert [g.feedback_ids for g in groups] == [list(range(1, 9))]
    assert {v["language"]: v["feedback_ids"] for v in groups[0].variants} == {
        "en": [1, 2, 3, 4, 5],
        "fr": [6, 7, 8],
    }
    assert sorted(read) == sorted(children.values())


def test_without_meaning_wordings_in_other_languages_stay_apart():
    wordings = [
        (1, "FAO", wording("fr", CHILDREN["fr"]), "fr"),
        (2, "UNICEF", wording("en", CHILDREN["en"]), "en"),
    ]
    assert len(amendments.group_wordings(DRAFT_TEXTS, wordings, "en")) == 2


def test_a_wording_is_read_against_the_draft_it_keeps_the_words_of():
    spanish = wording("es", CHILDREN["es"])
    # Detected as English (say the form's language choice was wrong): the words decide.
    assert amendments.source_language(DRAFT_TEXTS, spanish, "en") == "es"
    rewritten = "Children and young people must take part in every decision of the city."
    assert amendments.source_language(DRAFT_TEXTS, rewritten, "en") == "en"
    assert amendments.source_language(DRAFT_TEXTS, rewritten, None, "fr") == "fr"


def test_a_change_is_described_as_what_it_inserts_removes_or_replaces_and_where():
    original = "Cities should protect public spaces for everyone."
    assert amendments.describe(
        word_diff(original, "Cities must protect public spaces for everyone.")
    ) == [{"op": "replace", "text": "must", "old": "should", "after": "Cities"}]
    assert amendments.describe(word_diff(original, "Cities should protect public spaces.")) == [
        {
            "op": "remove",
            "text": "for everyone",
            "old": "",
            "after": "Cities should protect public spaces",
        }
    ]
    assert amendments.describe(word_diff(original, original)) == []


def test_a_report_shows_the_wording_from_the_readers_draft_and_says_the_change(app):
    from flask_babel import force_locale

    from app.services.reports.synthesis_wordings import wording
    from app.services.synthesis import schema

    wordings = [
        (1, "FAO", wording_text("fr"), "fr"),
        (2, "UNICEF", wording_text("en"), "en"),
        (3, "UN-Habitat", wording_text("en"), "en"),
    ]
    [group] = amendments.group_wordings(DRAFT_TEXTS, wordings, "en", vectors=embed_edits)
    # As stored: through JSON, as the merge writes it.
    stored = schema.load_as(
        schema.AmendmentGroup,
        json.loads(
            json.dumps(
                {
                    "key": "g1",
                    "feedback_ids": group.feedback_ids,
                    "text": "",
                    "diff": group.diff,
                    "organisations": [],
                    "language": group.language,
                    "variants": group.variants,
                }
            )
        ),
        strict=False,
    )
    with app.test_request_context(), force_locale("fr"):
        french = wording(1, stored, None, "fr")
    inserted = "".join(piece for op, piece in french.diff if op == "ins")
    assert "avec la participation des enfants et des jeunes" in inserted
    assert french.source_note == ""
    assert [s.title for s in french.siblings] == [
        "Le même changement, rédigé à partir d’une autre version du projet (anglais) "
        "(2 formulations)"
    ]
    with app.test_request_context(), force_locale("es"):
        spanish = wording(1, stored, None, "es")
    assert "English" in spanish.source_note or "inglés" in spanish.source_note
    assert "with the participation of children and young people" in spanish.change


def wording_text(language: str) -> str:
    return wording(language, CHILDREN[language])
