"""Proposed wordings in a report: diffed against the reader's draft where one was written
from it, the same change from the other languages beside it, each change said in words."""

from __future__ import annotations

from flask_babel import _, ngettext

from app.i18n import language_name
from app.services.reports.synthesis_model import Decision, Sibling, Wording
from app.services.synthesis import amendments, schema


def wording(
    index: int, group: schema.AmendmentGroup, decision: Decision | None, language: str
) -> Wording:
    """A group of wordings, diffed against the reader's language of the draft where one of
    them was written from it, the same change from the other languages beside it."""
    variants = group.variants
    shown = next((v for v in variants if v.language == language), None) or next(
        (v for v in variants if v.language == group.language), None
    )
    diff = [(op, piece) for op, piece in (shown or group).diff]
    source = shown.language if shown else None
    note = ""
    if source and source != language:
        note = _(
            "Compared with the %(language)s text of the draft, which this wording was written "
            "from.",
            language=language_name(source),
        )
    siblings = [
        Sibling(
            _(
                "The same change written from the %(language)s text of the draft",
                language=language_name(v.language),
            )
            + f" ({_wordings(len(v.feedback_ids))})",
            [(op, piece) for op, piece in v.diff],
            change_sentence(v.change or _described(v.diff)),
            v.language,
        )
        for v in variants
        if v is not shown
    ]
    return Wording(
        index,
        diff,
        group.organisations,
        len(group.feedback_ids),
        decision,
        list(group.feedback_ids),
        change_sentence((shown or group).change or _described(diff)),
        note,
        siblings,
        source or group.language,
    )


def _described(diff) -> list[schema.Change]:
    """The changes of a diff kept before syntheses kept them (see amendments.describe)."""
    return [schema.Change(**c) for c in amendments.describe([tuple(piece) for piece in diff])]


def _wordings(count: int) -> str:
    return ngettext("%(num)d wording", "%(num)d wordings", count)


def change_sentence(changes: list[schema.Change]) -> str:
    """What a wording changes as one sentence ("inserts: …, after: …"), in the locale."""
    said = []
    for c in changes:
        text, old, after = c.text, c.old, c.after
        if c.op == "insert":
            said.append(
                _("inserts: %(text)s, after: %(after)s", text=text, after=after)
                if after
                else _("inserts at the start: %(text)s", text=text)
            )
        elif c.op == "remove":
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
