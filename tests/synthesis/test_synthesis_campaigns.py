"""A campaign across languages on the Council's overview: the reader's language, the counts."""

from sqlalchemy.orm.attributes import flag_modified

from tests.synthesis.test_council_pages import base, release, world  # noqa: F401 - the fixture


def test_a_campaign_reads_in_the_readers_language_with_counts_per_language_and_kind(
    client,
    auth,
    users,
    world,  # noqa: F811
    db,
):
    synthesis = world["synthesis"]
    entry = synthesis.result["duplicates"][0]
    entry["texts"] = {"en": "Fund culture now.", "fr": "Financez la culture maintenant."}
    entry["languages"] = {"en": 1, "fr": 1}
    entry["by_kind"] = {"un-agency": 2}
    flag_modified(synthesis, "result")
    release(db, synthesis, "council")
    auth.login(users["council"].email)
    reader = users["council"]

    def read_in(language: str) -> str:
        reader.locale = language
        db.session.commit()
        return client.get(base(world)).get_data(as_text=True)

    french = read_in("fr")
    assert 'lang="fr" dir="auto"><p>Financez la culture maintenant.</p>' in french
    spanish = read_in("es")
    # No Spanish copy: the copy most organisations sent.
    assert "Financez" not in spanish and "Second, for every child." in spanish
    english = read_in("en")
    assert "Fund culture now." in english
    # Languages are named in the reader's language, not each in its own.
    assert "English: 1, French: 1" in english
    assert "Anglais" in french and "Inglés" in spanish and "Français: 1" not in english
    assert "UN agency: 2" in english
    link = f"{base(world)}/feedback?duplicate=0"
    assert link in english  # every copy one link away
