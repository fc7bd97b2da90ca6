"""The synthesis report as a tagged PDF: the report model as data for synthesis.typ.

Every word is chosen here, in the reader's language; the template only lays it out. The
annex goes to its own data file, written a slice of rows at a time, so the report on
100,000 feedback items never holds them all as Python objects. It stays whole at about 400
lines: it is the one place that turns each part of the report model into the template's data.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from flask_babel import _, format_decimal, ngettext

from app.lazy_text import lazy_gettext as _l
from app.services.reports.pdf import (
    clean,
    fallback_note,
    localized,
    names,
    render_pdf,
    user_text,
)
from app.services.reports.synthesis_model import (
    Figure,
    Progress,
    Quote,
    SynthesisReport,
    Theme,
)
from app.services.reports.text_language import typst_language
from app.vocabulary import STANCES as STANCE_ORDER

# The stages a PDF goes through, and where each starts on the job's progress bar.
STAGES = {
    "gathering": (0, _l("Gathering the feedback")),
    "typesetting": (60, _l("Typesetting the PDF")),
    "writing": (97, _l("Writing the file")),
}
Stage = Callable[[str, float], None]  # (stage, share of it done, 0–1)
# Rows Typst sets per second on one core, to move the bar while it works.
TYPESET_ROWS_PER_SECOND = 2_500


def stage_label(percent: int) -> str:
    """The stage a synthesis PDF at `percent` on its progress bar is in, in words."""
    current = "gathering"
    for key, (start, _label) in STAGES.items():
        if percent >= start:
            current = key
    return str(STAGES[current][1])


def write(
    report: SynthesisReport,
    target: str | Path | IO[bytes],
    progress: Progress | None = None,
    annex_limit: int | None = None,
    stage: Stage | None = None,
) -> None:
    """Write `report` as a tagged PDF to `target`, its annex unless past `annex_limit`."""
    in_full = annex_limit is None or report.annex.total <= annex_limit
    data = report_data(report, annex_limit if not in_full else None)
    started: list[float] = []

    def annex_file(root: Path) -> None:
        if stage is not None:
            stage("gathering", 0.0)
        _write_annex(report, root / "annex.json", progress if in_full else None, in_full)

    def typesetting() -> None:
        started.append(time.monotonic())
        if stage is not None:
            stage("typesetting", 0.0)

    estimate = max(2.0, report.annex.total / TYPESET_ROWS_PER_SECOND) if in_full else 2.0
    waiting = None
    if stage is not None:

        def waiting(elapsed: float) -> None:
            stage("typesetting", min(0.95, elapsed / estimate))

    render_pdf("synthesis.typ", data, target, annex_file, typesetting, waiting)
    if stage is not None:
        stage("writing", 1.0)


def _write_annex(
    report: SynthesisReport, path: Path, progress: Progress | None, in_full: bool
) -> None:
    """The annex as JSON, one paragraph's entries at a time: [who, comment, wording]."""
    with open(path, "w", encoding="utf-8") as out:
        out.write("[")
        if in_full:
            for index, block in enumerate(report.annex.paragraphs(progress)):
                count = ngettext("%(num)d feedback item", "%(num)d feedback items", block.count)
                heading = _("Paragraph %(number)s", number=block.number)
                out.write("," if index else "")
                out.write(json.dumps({"h": heading, "n": f"({count})", "e": []})[:-2])
                for position, entry in enumerate(block.entries):
                    who = clean(entry.organisation)
                    if entry.stance:
                        who = f"{who} — {entry.stance}"
                    row = [
                        user_text(who),
                        user_text(entry.comment, entry.language) if entry.comment else None,
                        user_text(entry.amendment, entry.language) if entry.amendment else None,
                    ]
                    out.write(("," if position else "") + json.dumps(row, ensure_ascii=False))
                out.write("]}")
        out.write("]")


def report_data(report: SynthesisReport, capped_at: int | None) -> dict[str, Any]:
    """Everything but the annex's entries, as the template reads it."""
    heading = _("Synthesis %(number)d", number=report.number)
    parts = dict(report.parts)
    data: dict[str, Any] = {
        "lang": report.language,
        "doc_title": f"{heading} — {clean(report.title.text)}",
        "kind": heading,
        "title": localized(report.title),
        "title_note": fallback_note(report.title),
        "compiled": _("Compiled on %(date)s", date=report.compiled_on),
        "watermark": ngettext(
            "Counts the %(num)d submission received by %(moment)s.",
            "Counts the %(num)d submissions received by %(moment)s.",
            report.submissions,
            moment=report.counted_until or report.compiled_on,
        ),
        "facts": [
            [_("Submissions"), str(report.submissions)],
            [_("Organisations"), str(report.organisations)],
            [_("Feedback items"), str(report.items)],
        ],
        "empty": report.is_empty,
        "not_answered_title": ngettext(
            "%(num)d invited organisation did not answer",
            "%(num)d invited organisations did not answer",
            len(report.not_answered),
        ),
        "not_answered": names(report.not_answered),
    }
    if report.is_empty:
        data["empty_title"] = _("No feedback")
        data["empty_text"] = _(
            "No organisation had submitted feedback when this synthesis was compiled: "
            "there is nothing to report yet."
        )
        return data
    stance_names = [report.stance_names[s] for s in STANCE_ORDER]
    data.update(
        contents=_("Contents"),
        parts=parts,
        participation=[_figure(f) for f in report.participation],
        heat=_heat_map(report, stance_names),
        ranking=_ranking(report),
        paragraphs_intro=_("Removed words are struck through and added words underlined."),
        paragraphs=[_paragraph(p) for p in report.paragraphs],
        themes_intro=_(
            "Themes group comments that say similar things, in any language. Each comment "
            "counts in at most one theme; a campaign counts once."
        ),
        themes=[_theme(t) for t in report.themes],
        no_themes=_("Too few comments to find themes."),
        campaigns=[_campaign(c) for c in report.campaigns],
        no_campaigns=_("No comment was sent identically by several organisations."),
        questions=[_question(q) for q in report.questions],
        no_questions=_("The Council asked no question."),
        changes=_changes(report, stance_names),
        annex_intro=_(
            "Every feedback item counted in this synthesis: for each paragraph, the "
            "organisations in alphabetical order, their stance, comment and proposed wording."
        ),
        annex_capped=_(
            "This synthesis counts %(total)s feedback items, more than a PDF annex holds "
            "(%(limit)s). The Word report and the feedback export (CSV or Excel) list every "
            "one of them.",
            total=format_decimal(report.annex.total),
            limit=format_decimal(capped_at),
        )
        if capped_at is not None
        else "",
        labels={
            "no_figures": _("No figures."),
            "wording_label": _("Proposed wording:"),
            "feedback": _("Feedback"),
            "organisations": _("Organisations:"),
        },
    )
    return data


def _figure(figure: Figure) -> dict[str, Any]:
    return {
        "title": figure.title,
        "alt": f"{figure.title}: {figure.summary}",
        "header": [figure.label_header, figure.value_header],
        "rows": [[clean(label), value] for label, value in figure.rows],
    }


def _heat_map(report: SynthesisReport, stance_names: list[str]) -> dict[str, Any]:
    anchors = {p.anchor for p in report.paragraphs}
    return {
        "intro": _(
            "Each row is a paragraph of the draft and gives the number of organisations that "
            "took each stance. The more of them took a stance, the darker its cell; the most "
            "frequent stance of each paragraph is in bold."
        ),
        "header": [_("Paragraph"), *stance_names, _("Total"), _("Agreement"), _("Consensus")],
        "sections": [
            {
                "heading": localized(section.heading)
                if section.heading.text
                else _("Untitled section"),
                "rows": [
                    {
                        "number": row.number,
                        "anchor": row.anchor if row.anchor in anchors else "",
                        "cells": [
                            [row.counts[s], s, row.levels[s], row.top == s] for s in STANCE_ORDER
                        ],
                        "total": row.total,
                        "agreement": row.agreement,
                        "consensus": row.consensus,
                    }
                    for row in section.rows
                ],
            }
            for section in report.heat_map
        ],
        "note": _(
            "Agreement is highest when every organisation that took a stance took the same "
            "one, and zero for an even split between support and opposition; amending counts "
            "as half support."
        ),
    }


def _ranking(report: SynthesisReport) -> dict[str, Any]:
    lists = [
        (_("Broad support"), report.consensus),
        (_("Broad opposition"), report.opposed),
        (_("Most contested"), report.contested),
    ]
    anchors = {p.anchor for p in report.paragraphs}
    return {
        "lists": [
            {
                "title": title,
                "items": [
                    {
                        "text": _("Paragraph %(number)s", number=item.number),
                        "anchor": item.anchor if item.anchor in anchors else "",
                        "value": _("agreement %(value)s", value=item.agreement),
                    }
                    for item in ranked
                ],
            }
            for title, ranked in lists
        ],
        "none": _("No paragraph."),
        "note": report.consensus_note,
    }


def _quote(quote: Quote) -> dict[str, Any]:
    return {
        "text": user_text(quote.text, quote.language),
        "who": user_text(quote.organisation),
        "ids": [quote.feedback_id] if quote.feedback_id is not None else [],
    }


def _paragraph(part: Any) -> dict[str, Any]:
    number = part.number
    return {
        "heading": _("Paragraph %(number)s", number=number),
        "anchor": part.anchor,
        "section": localized(part.section) if part.section.text else None,
        "note": fallback_note(part.text),
        "text": localized(part.text),
        "bar": [[part.counts[s], s] for s in STANCE_ORDER] if part.total else [],
        "alt": _("Stances on paragraph %(number)s", number=number) + ": " + part.summary,
        "summary": f"{part.summary}. {_('Agreement:')} {part.agreement}. "
        f"{_('Consensus:')} {part.consensus}"
        if part.total
        else _("No organisation gave feedback on this paragraph."),
        "wordings_title": _("Proposed wordings"),
        "wordings": [
            {
                "heading": _("Wording %(index)d", index=w.index),
                "diff": [[op, clean(piece)] for op, piece in w.diff],
                "language": typst_language(w.language) or None,
                "change": f"{_('Proposed change:')} {clean(w.change)}" if w.change else "",
                "note": w.source_note,
                "siblings": [
                    {
                        "title": s.title,
                        "diff": [[op, clean(piece)] for op, piece in s.diff],
                        "language": typst_language(s.language) or None,
                        "change": f"{_('Proposed change:')} {clean(s.change)}",
                    }
                    for s in w.siblings
                ],
                "proposed": ngettext(
                    "Proposed by %(num)d organisation",
                    "Proposed by %(num)d organisations",
                    w.count,
                )
                + (": " + ", ".join(clean(o) for o in w.organisations) if w.organisations else ""),
                "decision": _decision(w.decision),
                "ids": w.feedback_ids,
            }
            for w in part.wordings
        ],
        "quotes_title": _("Representative comments"),
        "quotes": [_quote(q) for q in part.quotes],
    }


def _decision(decision: Any) -> dict[str, Any] | None:
    if decision is None:
        return {"none": _("No decision yet.")}
    when = decision.decided_on + (f", {decision.decided_by}" if decision.decided_by else "")
    return {
        "title": f"{_('Decision of the Council:')} {decision.label}",
        "when": f"({when})",
        "reason_label": _("Reason:"),
        "reason": user_text(decision.reason, decision.reason_language),
    }


def _theme(theme: Theme) -> dict[str, Any]:
    line = ngettext("%(num)d comment", "%(num)d comments", theme.size)
    if theme.languages:
        line += " · " + ", ".join(f"{name}: {count}" for name, count in theme.languages)
    return {
        "label": localized(theme.label) if theme.label.text else _("Untitled"),
        "line": line,
        "organisations": ", ".join(clean(o) for o in theme.organisations),
        "quotes": [_quote(q) for q in theme.quotes],
    }


def _campaign(campaign: Any) -> dict[str, Any]:
    copies = ngettext(
        "%(num)d copy of the same text", "%(num)d copies of the same text", campaign.count
    )
    if campaign.organisations:
        copies += " — " + ", ".join(clean(o) for o in campaign.organisations)
    lines = [copies]
    if campaign.languages:
        lines.append(
            f"{_('By language:')} " + ", ".join(f"{n}: {c}" for n, c in campaign.languages)
        )
    if campaign.kinds:
        lines.append(
            f"{_('By kind of organisation:')} " + ", ".join(f"{n}: {c}" for n, c in campaign.kinds)
        )
    return {
        "text": user_text(campaign.text, campaign.language),
        "lines": lines,
        "ids": campaign.feedback_ids,
    }


def _question(question: Any) -> dict[str, Any]:
    return {
        "prompt": localized(question.prompt),
        "answers": ngettext("%(num)d answer", "%(num)d answers", question.answers),
        "figure": _figure(question.figure) if question.figure else None,
        "themes": [_theme(t) for t in question.themes],
    }


def _changes(report: SynthesisReport, stance_names: list[str]) -> dict[str, Any]:
    changes = report.changes
    if not changes.previous:
        return {"first": _("This is the first synthesis of this consultation.")}
    if changes.submissions >= 0:
        more = ngettext("%(num)d submission more", "%(num)d submissions more", changes.submissions)
    else:
        more = ngettext(
            "%(num)d submission fewer", "%(num)d submissions fewer", -changes.submissions
        )
    return {
        "first": "",
        "lead": f"{_('Compared with synthesis %(number)d:', number=changes.previous)} {more}.",
        "caption": _("Paragraphs whose stances moved"),
        "header": [_("Paragraph"), *stance_names],
        "moved": [[m.number, *(_delta(m.deltas[s]) for s in STANCE_ORDER)] for m in changes.moved],
        "none": _("No stance moved."),
        "new_title": _("New themes"),
        "new": [localized(label) for label in changes.new_themes],
    }


def _delta(n: int) -> str:
    return f"+{n}" if n > 0 else (f"−{-n}" if n < 0 else "0")
