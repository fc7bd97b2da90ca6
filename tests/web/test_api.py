"""The JSON API keeps the shapes INTERFACES.md promises."""

from tests.helpers import make_consultation


def test_consultation_list(client):
    make_consultation("culture-2026")
    body = client.get("/api/v1/consultations").get_json()
    [item] = body["consultations"]
    assert set(item) == {"slug", "title", "status", "opens_at", "closes_at"}
    assert item["slug"] == "culture-2026" and item["status"] == "open"
    assert item["closes_at"].endswith("Z")


def test_consultation_detail_leaves_out_untranslated_languages(client):
    make_consultation(
        texts={
            "1": {"en": "One.", "fr": "Un."},
            "2": {"en": "Two."},
            "3": {"en": "Three."},
        }
    )
    body = client.get("/api/v1/consultations/culture-2026").get_json()
    assert body["version"] == 1
    first, second = body["sections"]
    assert first["heading"] == {"en": "One"}
    assert first["paragraphs"][0] == {"number": "1", "text": {"en": "One.", "fr": "Un."}}
    assert first["paragraphs"][1]["text"] == {"en": "Two."}
    assert [q["kind"] for q in body["questions"]] == ["scale", "single"]
    assert body["questions"][1]["options"] == [{"en": "People"}, {"en": "Planet"}]


def test_unknown_slug_is_a_json_404(client):
    response = client.get("/api/v1/consultations/nope")
    assert response.status_code == 404 and response.is_json
