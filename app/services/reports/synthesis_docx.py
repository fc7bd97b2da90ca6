"""The synthesis report as a Word document the secretariat can edit.

Real headings (Heading 1–3, so Word's navigation pane and table of contents work), real
tables for every figure, and a table-of-contents field that Word fills in when the file is
opened; the same content as the PDF, from the same `SynthesisReport`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import IO

from flask_babel import _, ngettext

from app import palette
from app.i18n import Localized, language_name
from app.services.reports.bidi import is_rtl
from app.services.reports.docx_builder import DocxBuilder, shade
from app.services.reports.synthesis_model import (
    Figure,
    ParagraphPart,
    Quote,
    SynthesisReport,
    Theme,
    Wording,
)
from app.vocabulary import STANCES as STANCE_ORDER

# Light tints of each stance's chart colour (as in the PDF), by the stance's share 1–4.
HEAT_FILLS = {
    stance: tuple(tint.lstrip("#").upper() for tint in tints)
    for stance, tints in palette.HEAT_TINTS.items()
}


def write_report(
    report: SynthesisReport,
    target: str | Path | IO[bytes],
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Write `report` as a DOCX file to `target` (a path or binary file)."""
    doc = DocxBuilder(report.language)
    doc.document.core_properties.title = report.title.text
    doc.name_mark(_("UCLG Policy Council consultations"))
    _title_page(doc, report)
    parts = dict(report.parts)
    if report.is_empty:
        doc.heading(_("No feedback"), 1)
        doc.paragraph(
            _(
                "No organisation had submitted feedback when this synthesis was compiled: "
                "there is nothing to report yet."
            )
        )
        _not_answered(doc, report)
    else:
        doc.paragraph(_("Contents"), "TOC Heading")
        doc.toc(list(parts.values()))
        doc.page_break()
        _participation(doc, report, parts["participation"])
        _heat_map(doc, report, parts["heat-map"])
        _ranking(doc, report, parts["ranking"])
        doc.heading(parts["paragraphs"], 1)
        doc.paragraph(_("Removed words are struck through and added words underlined."))
        for paragraph in report.paragraphs:
            _paragraph(doc, report, paragraph)
        doc.heading(parts["themes"], 1)
        for theme in report.themes:
            _theme(doc, theme, 2)
        if not report.themes:
            doc.paragraph(_("Too few comments to find themes."))
        _campaigns(doc, report, parts["campaigns"])
        _questions(doc, report, parts["questions"])
        _changes(doc, report, parts["changes"])
        _annex(doc, report, parts["annex"], progress)
    doc.document.save(target)
    if progress is not None:
        progress(report.annex.total, report.annex.total)


def _title_page(doc: DocxBuilder, report: SynthesisReport) -> None:
    doc.paragraph(_("Synthesis %(number)d", number=report.number), "Subtitle")
    doc.paragraph(report.title.text, "Title", language=_fallback(report.title))
    doc.paragraph(_("Compiled on %(date)s", date=report.compiled_on))
    doc.paragraph(
        ngettext(
            "Counts the %(num)d submission received by %(moment)s.",
            "Counts the %(num)d submissions received by %(moment)s.",
            report.submissions,
            moment=report.counted_until or report.compiled_on,
        )
    )
    doc.table(
        [_("Figure"), _("Number")],
        [
            [_("Submissions"), str(report.submissions)],
            [_("Organisations"), str(report.organisations)],
            [_("Feedback items"), str(report.items)],
        ],
    )
    doc.page_break()


def _figure(doc: DocxBuilder, figure: Figure, level: int) -> None:
    doc.heading(figure.title, level)
    if figure.rows:
        doc.table(
            [figure.label_header, figure.value_header],
            [[label, str(value)] for label, value in figure.rows],
        )
    else:
        doc.paragraph(_("No figures."))


def _not_answered(doc: DocxBuilder, report: SynthesisReport) -> None:
    doc.heading(
        ngettext(
            "%(num)d invited organisation did not answer",
            "%(num)d invited organisations did not answer",
            len(report.not_answered),
        ),
        2,
    )
    for name in report.not_answered:
        doc.paragraph(name, "List Bullet")


def _participation(doc: DocxBuilder, report: SynthesisReport, title: str) -> None:
    doc.heading(title, 1)
    for figure in report.participation:
        _figure(doc, figure, 2)
    _not_answered(doc, report)


def _heat_map(doc: DocxBuilder, report: SynthesisReport, title: str) -> None:
    doc.heading(title, 1)
    doc.paragraph(
        _(
            "Each row is a paragraph of the draft and gives the number of organisations that "
            "took each stance. The more of them took a stance, the darker its cell; the most "
            "frequent stance of each paragraph is in bold."
        )
    )
    names = [report.stance_names[s] for s in STANCE_ORDER]
    rows, shading = [], []
    for section in report.heat_map:
        rows.append([section.heading.text or _("Untitled section")] + [""] * (len(names) + 3))
        shading.append(None)
        for row in section.rows:
            rows.append(
                [row.number, *(str(row.counts[s]) for s in STANCE_ORDER), str(row.total),
                 row.agreement, row.consensus]
            )  # fmt: skip
            shading.append(row)
    table = doc.table([_("Paragraph"), *names, _("Total"), _("Agreement"), _("Consensus")], rows)
    for table_row, row in zip(table.rows[1:], shading, strict=True):
        cells = table_row.cells
        if row is None:  # a section's heading across the table
            merged = cells[0].merge(cells[-1])
            first, *emptied = merged.paragraphs  # merging keeps each cell's empty paragraph
            for paragraph in emptied:
                merged._tc.remove(paragraph._p)
            for run in first.runs:
                run.bold = True
            continue
        for cell, stance in zip(cells[1:], STANCE_ORDER, strict=False):
            if row.levels[stance]:
                shade(cell, HEAT_FILLS[stance][row.levels[stance] - 1])
            if row.top == stance:
                for run in cell.paragraphs[0].runs:
                    run.bold = True


def _ranking(doc: DocxBuilder, report: SynthesisReport, title: str) -> None:
    doc.heading(title, 1)
    for ranked, heading in ((report.consensus, _("Broad support")),
                            (report.opposed, _("Broad opposition")),
                            (report.contested, _("Most contested"))):  # fmt: skip
        doc.heading(heading, 2)
        for item in ranked:
            doc.paragraph(
                _("Paragraph %(number)s", number=item.number)
                + " — "
                + _("agreement %(value)s", value=item.agreement),
                "List Number",
            )
        if not ranked:
            doc.paragraph(_("No paragraph."))
    doc.paragraph(report.consensus_note, italic=True)


def _paragraph(doc: DocxBuilder, report: SynthesisReport, part: ParagraphPart) -> None:
    doc.heading(_("Paragraph %(number)s", number=part.number), 2)
    if part.section.text:
        doc.paragraph(part.section.text, italic=True, language=_fallback(part.section))
    if part.text.is_fallback:
        language = language_name(part.text.language)
        doc.paragraph(
            _("Not yet translated: shown in the original language (%(language)s).",
              language=language),
            italic=True,
        )  # fmt: skip
    doc.paragraph(part.text.text, "Quote", language=_fallback(part.text))
    if part.total:
        doc.table(
            [_("Stance"), _("Organisations")],
            [[report.stance_names[s], str(part.counts[s])] for s in STANCE_ORDER]
            + [[_("Total"), str(part.total)]],
        )
        doc.paragraph(f"{_('Agreement:')} {part.agreement}")
        doc.paragraph(f"{_('Consensus:')} {part.consensus}")
    else:
        doc.paragraph(_("No organisation gave feedback on this paragraph."))
    if part.wordings:
        doc.heading(_("Proposed wordings"), 3)
        for wording in part.wordings:
            _wording(doc, wording)
    if part.quotes:
        doc.heading(_("Representative comments"), 3)
        for quote in part.quotes:
            _quote(doc, quote)


def _wording(doc: DocxBuilder, wording: Wording) -> None:
    doc.paragraph(_("Wording %(index)d", index=wording.index), bold=True)
    if wording.source_note:
        doc.paragraph(wording.source_note, italic=True)
    _diff(doc, wording.diff, wording.change, wording.language)
    for sibling in wording.siblings:
        doc.paragraph(sibling.title, italic=True)
        _diff(doc, sibling.diff, sibling.change, sibling.language)
    proposed = ngettext(
        "Proposed by %(num)d organisation", "Proposed by %(num)d organisations", wording.count
    )
    if wording.organisations:
        proposed += ": " + ", ".join(wording.organisations)
    doc.paragraph(proposed)
    decision = wording.decision
    if decision is None:
        doc.paragraph(_("No decision yet."), italic=True)
        return
    who = f", {decision.decided_by}" if decision.decided_by else ""
    line = doc.paragraph(f"{_('Decision of the Council:')} {decision.label}", bold=True)
    doc.run(line, f" ({decision.decided_on}{who})")
    reason = doc.paragraph(_("Reason:") + " ", bold=True)
    doc.run(reason, decision.reason, language=decision.reason_language)


def _diff(
    doc: DocxBuilder, pieces: list[tuple[str, str]], change: str, language: str | None
) -> None:
    """A word diff in the wording's language, struck out and underlined, then the change in
    words for those who cannot see the marks."""
    proposed_text = "".join(text for op, text in pieces if op != "del")
    diff = doc.paragraph(rtl=is_rtl(proposed_text))
    for op, text in pieces:
        doc.run(diff, text, strike=op == "del", underline=op == "ins", language=language)
    if change:
        doc.paragraph(f"{_('Proposed change:')} {change}")


def _quote(doc: DocxBuilder, quote: Quote) -> None:
    doc.paragraph(quote.text, "Quote", language=quote.language)
    feedback = f" · {_('Feedback')} {quote.feedback_id}" if quote.feedback_id is not None else ""
    doc.paragraph(f"— {quote.organisation}{feedback}")


def _theme(doc: DocxBuilder, theme: Theme, level: int) -> None:
    doc.heading(theme.label.text or _("Untitled"), level, _fallback(theme.label))
    size = ngettext("%(num)d comment", "%(num)d comments", theme.size)
    languages = ", ".join(f"{name}: {count}" for name, count in theme.languages)
    doc.paragraph(f"{size} · {languages}" if languages else size)
    if theme.organisations:
        line = doc.paragraph(_("Organisations:") + " ", bold=True)
        doc.run(line, ", ".join(theme.organisations))
    for quote in theme.quotes:
        _quote(doc, quote)


def _campaigns(doc: DocxBuilder, report: SynthesisReport, title: str) -> None:
    doc.heading(title, 1)
    for campaign in report.campaigns:
        doc.paragraph(campaign.text, "Quote", language=campaign.language)
        line = ngettext(
            "%(num)d copy of the same text", "%(num)d copies of the same text", campaign.count
        )
        if campaign.organisations:
            line += " — " + ", ".join(campaign.organisations)
        doc.paragraph(line)
        if campaign.languages:
            counts = ", ".join(f"{name}: {n}" for name, n in campaign.languages)
            doc.paragraph(f"{_('By language:')} {counts}")
        if campaign.kinds:
            counts = ", ".join(f"{name}: {n}" for name, n in campaign.kinds)
            doc.paragraph(f"{_('By kind of organisation:')} {counts}")
    if not report.campaigns:
        doc.paragraph(_("No comment was sent identically by several organisations."))


def _questions(doc: DocxBuilder, report: SynthesisReport, title: str) -> None:
    doc.heading(title, 1)
    for question in report.questions:
        doc.heading(question.prompt.text, 2, _fallback(question.prompt))
        doc.paragraph(ngettext("%(num)d answer", "%(num)d answers", question.answers))
        if question.figure is not None:
            _figure(doc, question.figure, 3)
        for theme in question.themes:
            _theme(doc, theme, 3)
    if not report.questions:
        doc.paragraph(_("The Council asked no question."))


def _changes(doc: DocxBuilder, report: SynthesisReport, title: str) -> None:
    doc.heading(title, 1)
    changes = report.changes
    if changes.previous is None:
        doc.paragraph(_("This is the first synthesis of this consultation."))
        return
    more = changes.submissions
    doc.paragraph(
        _("Compared with synthesis %(number)d:", number=changes.previous)
        + " "
        + (
            ngettext("%(num)d submission more", "%(num)d submissions more", more)
            if more >= 0
            else ngettext("%(num)d submission fewer", "%(num)d submissions fewer", -more)
        )
    )
    if changes.moved:
        doc.heading(_("Paragraphs whose stances moved"), 2)
        doc.table(
            [_("Paragraph"), *(report.stance_names[s] for s in STANCE_ORDER)],
            [[m.number, *(f"{m.deltas[s]:+d}" for s in STANCE_ORDER)] for m in changes.moved],
        )
    else:
        doc.paragraph(_("No stance moved."))
    if changes.new_themes:
        doc.heading(_("New themes"), 2)
        for label in changes.new_themes:
            doc.paragraph(label.text, "List Bullet", language=_fallback(label))


def _annex(
    doc: DocxBuilder,
    report: SynthesisReport,
    title: str,
    progress: Callable[[int, int], None] | None,
) -> None:
    doc.page_break()
    doc.heading(title, 1)
    doc.paragraph(
        _(
            "Every feedback item counted in this synthesis: for each paragraph, the "
            "organisations in alphabetical order, their stance, comment and proposed wording."
        )
    )
    label = _("Proposed wording:")
    for block in report.annex.paragraphs(progress):
        count = ngettext("%(num)d feedback item", "%(num)d feedback items", block.count)
        doc.heading(f"{_('Paragraph %(number)s', number=block.number)} ({count})", 2)
        for entry in block.entries:
            who = doc.paragraph(entry.organisation, keep_next=True, bold=True)
            if entry.stance:
                doc.run(who, f" — {entry.stance}")
            if entry.comment:
                doc.paragraph(entry.comment, language=entry.language)
            if entry.amendment:
                wording = doc.paragraph(rtl=is_rtl(entry.amendment))
                doc.run(wording, f"{label} ", italic=True)
                doc.run(wording, entry.amendment, language=entry.language)


def _fallback(text: Localized) -> str | None:
    """The language of a translated text shown in its original because it is missing."""
    return text.language if text.is_fallback else None
