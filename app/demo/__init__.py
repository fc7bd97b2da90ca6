"""Demo content as data: the demo organisations and a consultation written in three languages.

`consultation.json` holds what does not depend on the language (the address, the paragraph
numbers, the kinds of question); `consultation.<lang>.json` holds the prose of each language,
so a translator edits one file. The files are read when `flask seed-demo` asks, never at import.
"""

import json
from pathlib import Path

from app.vocabulary import LANGUAGES

FOLDER = Path(__file__).parent


def _read(name: str) -> dict | list:
    return json.loads((FOLDER / name).read_text(encoding="utf-8"))


def organisations() -> list[dict]:
    """The demo organisations: name, kind, region and country codes."""
    return _read("organisations.json")


def consultation() -> dict:
    """The demo consultation with every text as a {language: text} map."""
    shape = _read("consultation.json")
    prose = {language: _read(f"consultation.{language}.json") for language in LANGUAGES}

    def texts(pick) -> dict[str, str]:
        return {language: pick(prose[language]) for language in LANGUAGES}

    return {
        "slug": shape["slug"],
        "original_language": shape["original_language"],
        "council": shape["council"],
        "title": texts(lambda p: p["title"]),
        "summary": texts(lambda p: p["summary"]),
        "sections": [
            {
                "heading": texts(lambda p, s=s: p["sections"][s]["heading"]),
                "intro": {
                    language: text
                    for language, text in texts(lambda p, s=s: p["sections"][s]["intro"]).items()
                    if text
                },
                "paragraphs": [
                    {
                        "number": n,
                        "text": texts(lambda p, s=s, n=n: p["sections"][s]["paragraphs"][n]),
                    }
                    for n in section["paragraphs"]
                ],
            }
            for s, section in enumerate(shape["sections"])
        ],
        "questions": [
            {
                "kind": question["kind"],
                "required": question["required"],
                "prompt": texts(lambda p, q=q: p["questions"][q]["prompt"]),
                "options": [
                    texts(lambda p, q=q, o=o: p["questions"][q]["options"][o])
                    for o in range(question["options"])
                ],
            }
            for q, question in enumerate(shape["questions"])
        ],
    }
