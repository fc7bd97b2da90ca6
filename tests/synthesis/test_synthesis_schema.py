"""The synthesis result's schema: written by the real merge, read back whole, and documented."""

import dataclasses
import json
import re
import types
import typing
from pathlib import Path

import pytest

from app.services.accounts.tokens import create as create_token
from app.services.synthesis import runs, schema
from tests.factories import answered_consultation, computed_synthesis

DOC = Path(__file__).resolve().parents[2] / "docs" / "synthesis-json.md"


@pytest.fixture
def synthesis(db, users):
    return computed_synthesis(db, users["staff"], answered_consultation(db))


def test_the_merge_writes_a_result_that_reads_back_exactly(synthesis):
    typed = schema.load(synthesis.result)
    assert schema.dump(typed) == synthesis.result
    assert schema.load(schema.dump(typed)) == typed
    first = typed.paragraphs[0]
    assert first.stance_counts == {"support": 3, "amend": 2, "oppose": 1, "none": 0}
    assert typed.participation.submissions == 6
    assert [g.feedback_ids for g in first.amendment_groups][0] == sorted(
        first.stance_feedback_ids["amend"]
    )
    assert typed.questions[0].distribution == {"4": 6}


def test_an_unknown_or_missing_key_is_refused(synthesis):
    stored = dict(synthesis.result)
    with pytest.raises(schema.SchemaError, match="unknown keys"):
        schema.load({**stored, "surprise": 1})
    paragraph = {k: v for k, v in stored["paragraphs"][0].items() if k != "stance_counts"}
    with pytest.raises(schema.SchemaError, match="stance_counts"):
        schema.load({**stored, "paragraphs": [paragraph]})
    with pytest.raises(schema.SchemaError, match="a whole number"):
        schema.load({**stored, "number": "1"})


def test_a_wrong_id_in_a_list_is_refused_with_its_place(synthesis):
    stored = dict(synthesis.result)
    paragraph = dict(stored["paragraphs"][0])
    paragraph["stance_feedback_ids"] = {
        **paragraph["stance_feedback_ids"],
        "support": [1, "2", 3],
    }
    where = r"stance_feedback_ids\.support\[1\]: expected a whole number"
    with pytest.raises(schema.SchemaError, match=where):
        schema.load({**stored, "paragraphs": [paragraph]})
    paragraph["stance_feedback_ids"]["support"] = [1, True]
    with pytest.raises(schema.SchemaError, match=r"support\[1\]"):
        schema.load({**stored, "paragraphs": [paragraph]})


def test_a_result_stored_before_a_key_was_added_loads_with_its_default(synthesis):
    stored = dict(synthesis.result)
    del stored["consensus_minimum"]
    paragraph = {k: v for k, v in stored["paragraphs"][0].items() if k != "consensus"}
    stored["paragraphs"] = [paragraph, *stored["paragraphs"][1:]]
    typed = schema.load(stored)
    assert typed.consensus_minimum is None and typed.paragraphs[0].consensus is None


def test_unknown_keys_of_an_old_result_are_dropped_outside_strict_reading(synthesis):
    typed = schema.load({**synthesis.result, "retired": True}, strict=False)
    assert "retired" not in schema.dump(typed)


def schema_keys() -> dict[str, set[str]]:
    """Every object of the schema by where it occurs ("paragraphs[]"), with its keys."""
    found: dict[str, set[str]] = {}

    def walk(kind: type, path: str) -> None:
        found[path] = {f.name for f in dataclasses.fields(kind)}
        hints = typing.get_type_hints(kind)
        for f in dataclasses.fields(kind):
            inner, suffix = hints[f.name], ""
            if typing.get_origin(inner) in (typing.Union, types.UnionType):
                inner = next(a for a in typing.get_args(inner) if a is not type(None))
            if typing.get_origin(inner) is list:
                inner, suffix = typing.get_args(inner)[0], "[]"
            if dataclasses.is_dataclass(inner):
                walk(inner, f"{path}.{f.name}{suffix}" if path != "result" else f.name + suffix)

    walk(schema.SynthesisResult, "result")
    return found


def documented_keys() -> dict[str, set[str]]:
    """The keys of each table in docs/synthesis-json.md, by the paths its heading names."""
    found: dict[str, set[str]] = {}
    paths: list[str] = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("### "):
            paths = re.findall(r"`([^`]+)`", line)
            for path in paths:
                found[path] = set()
        elif paths and (row := re.match(r"\| `(\w+)` \|", line)):
            for path in paths:
                found[path].add(row.group(1))
    return found


def test_the_document_lists_exactly_the_schemas_keys():
    assert documented_keys() == schema_keys()


def test_the_api_and_the_cli_give_every_documented_key_even_for_an_older_result(
    client, runner, users, synthesis, db, tmp_path
):
    stored = dict(synthesis.result)
    del stored["consensus_minimum"]  # as a synthesis computed before the key existed
    synthesis.result = stored
    runs.release(users["staff"], synthesis, "council")
    _, token = create_token(users["council"], "report script")
    url = f"/api/v1/consultations/{synthesis.consultation.slug}/syntheses/1"
    given = client.get(url, headers={"Authorization": f"Bearer {token}"}).get_json()
    assert set(given) == documented_keys()["result"]
    assert given["consensus_minimum"] is None
    assert set(given["paragraphs"][0]) == documented_keys()["paragraphs[]"]
    out = tmp_path / "s.json"
    shown = runner.invoke(
        args=["synthesis", "show", synthesis.consultation.slug, "--format", "json", "-o", str(out)]
    )
    assert shown.exit_code == 0, shown.output
    assert json.loads(out.read_text()) == given
