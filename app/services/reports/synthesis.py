"""A finished synthesis as a report in the reader's language: tagged PDF or editable DOCX.

`build_report` turns the synthesis' result into plain data in one language, once; the PDF
template and the DOCX writer lay out that same data. The annex (every feedback item) is the
exception: `Annex` reads it from the database in slices while a writer writes it, so that a
report on 100,000 items never holds them all.
"""

from __future__ import annotations

import math
from datetime import datetime

from flask import current_app
from flask_babel import (
    _,
    force_locale,
    format_date,
    format_datetime,
    format_percent,
    get_locale,
    ngettext,
)

from app.i18n import Localized, current_timezone_name, language_name, localize
from app.models import AmendmentDecision, Synthesis, User
from app.services.accounts import access
from app.services.reports import synthesis_pdf
from app.services.reports.synthesis_annex import Annex
from app.services.reports.synthesis_docx import write_report
from app.services.reports.synthesis_model import (
    Campaign,
    Changes,
    Decision,
    Figure,
    HeatRow,
    HeatSection,
    Localizer,
    Moved,
    ParagraphPart,
    Progress,
    QuestionPart,
    Quote,
    Ranked,
    SynthesisReport,
    Target,
    Theme,
    anchor,
)
from app.services.reports.synthesis_wordings import wording
from app.services.reports.text_language import written_in
from app.services.synthesis import charts, drilldown, review, schema, stances
from app.vocabulary import ORGANISATION_KINDS, REGIONS
from app.vocabulary import STANCES as STANCE_ORDER


def build_report(synthesis: Synthesis, language: str, reader: User) -> SynthesisReport:
    """The synthesis as plain data in `language`, texts falling back to the original's.

    The Council's decisions appear only for a `reader` who may read them (access
    "decisions.read"), and who decided only for those who review syntheses or run them.
    """
    result = schema.result_of(synthesis)
    consultation = synthesis.consultation
    original = consultation.original_language

    def text(field: dict | str | None) -> Localized:
        return localize(
            field if isinstance(field, dict) else {original: field or ""}, original, language
        )

    with force_locale(language):
        figures = result.participation
        by_number = {p.number: p for p in result.paragraphs}
        ranking = drilldown.ranking(result)
        return SynthesisReport(
            language=language,
            number=synthesis.number,
            title=text(consultation.title),
            compiled_on=format_date(synthesis.finished_at or synthesis.created_at, "long"),
            counted_until=_moment(result.watermark.taken_at),
            submissions=figures.submissions,
            organisations=figures.organisations,
            items=result.watermark.items,
            stance_names=charts.stance_labels(),
            participation=_participation(result),
            not_answered=[
                f"{o.name} ({_kind_and_region(o)})" for o in figures.invited_not_answered
            ],
            heat_map=_heat_map(synthesis, text),
            consensus=[_ranked(by_number, n) for n in ranking.get("consensus", [])],
            contested=[_ranked(by_number, n) for n in ranking.get("contested", [])],
            paragraphs=_paragraphs(synthesis, text, reader),
            themes=[_theme(t, text) for t in result.themes],
            campaigns=[_campaign(d, language) for d in result.duplicates],
            questions=[_question(q, text) for q in result.questions],
            changes=_changes(result.changes_since_previous, text),
            annex=Annex(synthesis, list(by_number)),
            opposed=[_ranked(by_number, n) for n in ranking.get("opposed", [])],
            consensus_note=consensus_note(drilldown.consensus_minimum(result)),
        )


def consensus_note(minimum: int) -> str:
    """How a report reads consensus, with the minimum number of organisations stated."""
    return ngettext(
        "Consensus says which way the stances go: broad support when at least three in four "
        "organisations that took a stance support the paragraph, with amendments when "
        "supports and amendments together reach three in four, broad opposition when three "
        "in four oppose it, contested otherwise; with fewer than %(num)d organisation taking "
        "a stance, too few answers to tell.",
        "Consensus says which way the stances go: broad support when at least three in four "
        "organisations that took a stance support the paragraph, with amendments when "
        "supports and amendments together reach three in four, broad opposition when three "
        "in four oppose it, contested otherwise; with fewer than %(num)d organisations taking "
        "a stance, too few answers to tell.",
        minimum,
    )


def _moment(iso: str | None) -> str:
    if not iso:
        return ""
    return f"{format_datetime(datetime.fromisoformat(iso), 'medium')} ({current_timezone_name()})"


def _kind_and_region(organisation: schema.InvitedOrganisation) -> str:
    kind, region = organisation.kind, organisation.region
    return f"{ORGANISATION_KINDS.get(kind, kind)}, {REGIONS.get(region, region)}"


def _percent(value: float | None) -> str:
    return format_percent(value) if value is not None else "—"


def _participation(result: schema.SynthesisResult) -> list[Figure]:
    bars = drilldown.participation_bars(result)
    organisations, comments = _("Organisations"), _("Comments")
    return [
        Figure("chart-kind", _("Organisations by kind"), _("Kind of organisation"), organisations,
               [(label, n) for _key, label, n in bars["by_kind"]]),
        Figure("chart-region", _("Organisations by region"), _("Region"), organisations,
               [(label, n) for _key, label, n in bars["by_region"]]),
        Figure("chart-language", _("Comments by language"), _("Language"), comments,
               [(label, n) for _key, label, n in bars["by_language"]]),
    ]  # fmt: skip


def _heat_map(synthesis: Synthesis, text: Localizer) -> list[HeatSection]:
    sections = []
    for section in drilldown.stance_table(synthesis, drilldown.Filters()):
        rows = []
        for row in section.rows:
            number, total = row.paragraph.number, row.total
            levels = {s: math.ceil(row.counts[s] / total * 4) if total else 0 for s in STANCE_ORDER}
            top = max(STANCE_ORDER, key=lambda s: row.counts[s]) if total else None
            rows.append(
                HeatRow(number, anchor("p", number), row.counts, total, _percent(row.agreement),
                        levels, top, str(stances.CONSENSUS_LABELS[row.consensus]), row.consensus)
            )  # fmt: skip
        sections.append(HeatSection(text(section.heading), rows))
    return sections


def _campaign(entry: schema.Campaign, language: str) -> Campaign:
    """A campaign, read in `language` where one of its copies is in it."""
    shown = language if language in entry.texts else None
    return Campaign(
        entry.texts[shown] if shown else entry.text,
        entry.count or len(entry.feedback_ids),
        entry.organisations,
        [(language_name(code, True), n) for code, n in sorted(entry.languages.items())],
        [(str(ORGANISATION_KINDS.get(k, k)), n) for k, n in sorted(entry.by_kind.items())],
        shown,
        list(entry.feedback_ids),
    )


def _ranked(by_number: dict[str, schema.ParagraphResult], number: str) -> Ranked:
    paragraph = by_number.get(number)
    return Ranked(number, anchor("p", number), _percent(paragraph and paragraph.agreement))


def _paragraphs(synthesis: Synthesis, text: Localizer, reader: User) -> list[ParagraphPart]:
    result = schema.result_of(synthesis)
    headings = {s.id: s.heading for s in result.sections}
    shown = access.can(reader, "decisions.read", synthesis)
    decisions = review.decisions_of(synthesis) if shown else {}
    with_names = access.can(reader, "synthesis.review", synthesis) or access.can(
        reader, "synthesis.run"
    )
    parts = []
    for p in result.paragraphs:
        counts = {s: int(p.stance_counts.get(s, 0)) for s in STANCE_ORDER}
        direction = drilldown.paragraph_consensus(result, p)
        wordings = [
            wording(
                index,
                group,
                _decision(decisions.get(group.key), with_names),
                str(get_locale()),
            )
            for index, group in enumerate(p.amendment_groups, start=1)
        ]
        parts.append(
            ParagraphPart(
                number=p.number,
                anchor=anchor("p", p.number),
                section=text(headings.get(p.section_id)),
                text=text(p.text),
                counts=counts,
                total=sum(counts.values()),
                agreement=_percent(p.agreement),
                summary=charts.describe_stances(counts),
                wordings=wordings,
                quotes=[_quote(q) for q in p.quotes],
                consensus=str(stances.CONSENSUS_LABELS[direction]),
                consensus_key=direction,
            )
        )
    return parts


def _decision(row: AmendmentDecision | None, with_names: bool) -> Decision | None:
    if row is None:
        return None
    return Decision(
        row.decision_label,
        row.reason,
        row.decided_by.name if row.decided_by and with_names else "",
        format_date(row.decided_at, "long"),
        written_in(row.reason),
    )


def _quote(quote: schema.Quote | schema.AnswerQuote) -> Quote:
    kept = quote.feedback_id if isinstance(quote, schema.Quote) else quote.answer_id
    return Quote(quote.text, quote.organisation, quote.language, kept)


def _theme(theme: schema.Theme | schema.AnswerTheme, text: Localizer) -> Theme:
    if isinstance(theme, schema.Theme):
        members, organisations, languages = theme.feedback_ids, theme.organisations, theme.languages
    else:
        members, organisations, languages = theme.answer_ids, [], {}
    return Theme(
        label=text(theme.label),
        size=theme.size or len(members),
        organisations=organisations,
        languages=[(language_name(code, True), n) for code, n in sorted(languages.items())],
        quotes=[_quote(q) for q in theme.quotes],
    )


def _question(question: schema.QuestionResult, text: Localizer) -> QuestionPart:
    kind, distribution = question.kind, question.distribution
    figure = None
    if kind in ("scale", "single", "multiple"):
        if kind == "scale":
            choices = [(str(n), f"{n} / 5") for n in range(1, 6)]
        else:
            choices = [(str(i), text(option).text) for i, option in enumerate(question.options)]
        figure = Figure(
            f"chart-q{question.id}",
            _("Answers"),
            _("Answer"),
            _("Organisations"),
            [(label, int(distribution.get(key, 0))) for key, label in choices],
        )
    return QuestionPart(
        prompt=text(question.prompt),
        answers=question.answers,
        figure=figure,
        themes=[_theme(t, text) for t in question.themes],
    )


def _changes(changes: schema.Changes, text: Localizer) -> Changes:
    return Changes(
        previous=changes.previous,
        submissions=changes.submissions,
        moved=[
            Moved(m.number, {s: int(m.delta.get(s, 0)) for s in STANCE_ORDER})
            for m in changes.paragraphs
        ],
        new_themes=[text(label) for label in changes.new_themes],
    )


def write_pdf(
    synthesis: Synthesis,
    language: str,
    target: Target,
    progress: Progress | None = None,
    *,
    reader: User,
    stage: synthesis_pdf.Stage | None = None,
) -> None:
    """The synthesis as a tagged PDF in `language` for `reader`, written to `target` (a path
    or binary file).

    `progress(done, total)` hears of the annex rows as they are gathered, and `stage(name,
    share)` of the stages that follow (typesetting, writing). Past REPORT_PDF_ANNEX_LIMIT
    items the PDF leaves its annex to the Word report and the feedback export, and says so.
    """
    with force_locale(language):
        report = build_report(synthesis, language, reader)
        synthesis_pdf.write(
            report, target, progress, current_app.config["REPORT_PDF_ANNEX_LIMIT"], stage
        )
    if progress is not None:  # also when there was no annex to read
        progress(report.annex.total, report.annex.total)


def write_docx(
    synthesis: Synthesis,
    language: str,
    target: Target,
    progress: Progress | None = None,
    *,
    reader: User,
) -> None:
    """The synthesis as a DOCX the secretariat can edit, in `language` for `reader`, written
    to `target`."""
    with force_locale(language):
        write_report(build_report(synthesis, language, reader), target, progress)
