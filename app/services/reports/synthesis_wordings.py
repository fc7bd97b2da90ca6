"""Proposed wordings in a report: diffed against the reader's draft where one was written
from it, the same change from the other languages beside it, each change said in words."""

from __future__ import annotations

from flask_babel import _, ngettext

from app.services.reports.synthesis_model import Decision, Sibling, Wording
from app.services.synthesis import amendments
from app.vocabulary import LANGUAGE_NAMES


def wording(index: int, group: dict, decision: Decision | None, language: str) -> Wording:
    """A group of wordings, diffed against the reader's language of the draft where one of
    them was written from it, the same change from the other languages beside it."""
    variants = group.get("variants") or []
    shown = next((v for v in variants if v.get("language") == language), None) or next(
        (v for v in variants if v.get("language") == group.get("language")), None
    )
    diff = [(op, piece) for op, piece in (shown or group).get("diff", [])]
    source = (shown or {}).get("language")
    note = ""
    if source and source != language:
        note = _(
            "Compared with the %(language)s text of the draft, which this wording was written "
            "from.",
            language=LANGUAGE_NAMES.get(source, source),
        )
    siblings = [
        Sibling(
            _(
                "The same change written from the %(language)s text of the draft",
                language=LANGUAGE_NAMES.get(v["language"], v["language"]),
            )
            + f" ({_wordings(len(v.get('feedback_ids', [])))})",
            [(op, piece) for op, piece in v.get("diff", [])],
            change_sentence(v.get("change") or amendments.describe(v.get("diff", []))),
        )
        for v in variants
        if v is not shown
    ]
    return Wording(
        index,
        diff,
        group.get("organisations", []),
        len(group.get("feedback_ids", [])),
        decision,
        list(group.get("feedback_ids", [])),
        change_sentence((shown or group).get("change") or amendments.describe(diff)),
        note,
        siblings,
    )


def _wordings(count: int) -> str:
    return ngettext("%(num)d wording", "%(num)d wordings", count)


def change_sentence(changes: list[dict]) -> str:
    """What a wording changes as one sentence ("inserts: …, after: …"), in the locale."""
    said = []
    for c in changes:
        text, old, after = c.get("text", ""), c.get("old", ""), c.get("after", "")
        if c.get("op") == "insert":
            said.append(
                _("inserts: %(text)s, after: %(after)s", text=text, after=after)
                if after
                else _("inserts at the start: %(text)s", text=text)
            )
        elif c.get("op") == "remove":
            said.append(
                _("removes: %(text)s, after: %(after)s", text=text, after=after)
                if after
                else _("removes at the start: %(text)s", text=text)
            )
        else:
            said.append(
                _(
                    "replaces: %(old)s, with: %(text)s, after: %(after)s",
                    old=old,
                    text=text,
                    after=after,
                )
                if after
                else _("replaces at the start: %(old)s, with: %(text)s", old=old, text=text)
            )
    return "; ".join(said) + "." if said else _("Changes nothing in the draft.")
