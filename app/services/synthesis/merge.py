"""The whole-consultation work of a synthesis: its themes and campaigns, its questions (each
a part of the chord, computed beside the sections), then the merge that assembles them with
the sections' paragraphs, participation and what changed since the previous synthesis."""

from collections import Counter
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import (
    Answer,
    ConsultationInvitation,
    Organisation,
    ParagraphFeedback,
    Submission,
    Synthesis,
)
from app.models.common import utcnow
from app.services.feedback import moderation
from app.services.synthesis import (
    boilerplate,
    matrices,
    schema,
    sentence_themes,
    stances,
    theme_register,
    themes,
)
from app.services.synthesis import campaigns as campaign_finder
from app.services.synthesis.general import general_comments
from app.services.synthesis.sentence_vectors import sentence_matrix
from app.services.synthesis.vectors import among, vector_matrix

MIN_TEXTS_FOR_THEMES = 6
BOILERPLATE_SHOWN = 10


class Participant(NamedTuple):
    """The organisation behind a submission, as the merge reads it: plain rows, not ORM
    objects (thousands of submissions)."""

    id: int
    name: str
    kind: str
    region: str

    @classmethod
    def columns(cls) -> list:
        return [getattr(Organisation, name) for name in cls._fields]


def consensus_minimum() -> int:
    """Organisations taking a stance below which a paragraph has too few answers to tell."""
    return int(current_app.config.get("SYNTHESIS_CONSENSUS_MINIMUM", stances.MINIMUM))


def submission_organisations(submission_ids: list[int]) -> list[tuple[int, Participant]]:
    """Each submission's id and its organisation."""
    return [
        (submission_id, Participant(*organisation))
        for submission_id, *organisation in db.session.execute(
            sa.select(Submission.id, *Participant.columns())
            .join(Organisation, Submission.organisation_id == Organisation.id)
            .where(among(Submission.id, submission_ids))
        )
    ]


def paragraph_comments(submission_ids: list[int], *columns) -> list:
    """These columns of the submissions' paragraph comments that moderation left, by id."""
    return db.session.execute(
        sa.select(*columns)
        .where(
            among(ParagraphFeedback.submission_id, submission_ids),
            ParagraphFeedback.comment != "",
            ParagraphFeedback.id.not_in(moderation.hidden_targets("comment")),
        )
        .order_by(ParagraphFeedback.id)
    ).all()


def draft_texts(consultation) -> list[str]:
    """The draft's paragraphs in every language, in the order of the synthesis's paragraphs
    (empty texts included)."""
    return [
        text
        for section in consultation.current_version.sections
        for paragraph in section.paragraphs
        for text in dict(paragraph.text).values()
    ]


def themes_part(synthesis: Synthesis) -> dict:
    """The campaigns and the comment themes (carried over from the consultation's register,
    which is updated with them: the caller commits), as the part the merge reads."""
    consultation = synthesis.consultation
    submission_ids = synthesis.watermark.get("submission_ids", [])
    organisation_of = dict(submission_organisations(submission_ids))
    comments = paragraph_comments(
        submission_ids,
        ParagraphFeedback.id,
        ParagraphFeedback.comment,
        ParagraphFeedback.language,
        ParagraphFeedback.submission_id,
    )
    quoted_from_draft = draft_texts(consultation)
    sources = [(c.id, c.comment) for c in comments]
    campaigns = campaign_finder.find_campaigns(
        [(c.id, organisation_of[c.submission_id].name, c.comment, c.language) for c in comments],
        vector_matrix("item", sources),
        quoted_from_draft=quoted_from_draft,
    )
    kind_of = {c.id: organisation_of[c.submission_id].kind for c in comments}
    drafts = [text for text in quoted_from_draft if text]
    theme_entries, theme_counts = theme_list(comments, organisation_of, campaigns, drafts)
    # Theme finding holds every sentence's vector: the comments' are not held beside them,
    # but read again (compact) only if the register has a theme staff split to split again.
    vectors = matrices.Deferred(lambda: matrices.compact(vector_matrix("item", sources)))
    theme_entries = theme_register.carry_over(consultation, theme_entries, comments, vectors)
    duplicates = [
        schema.Campaign(
            feedback_ids=g.feedback_ids,
            text=g.text,
            count=g.count,
            organisations=g.organisations,
            languages=g.languages,
            texts=g.texts,
            by_kind=dict(Counter(kind_of[f] for f in g.feedback_ids)),
        )
        for g in campaigns
    ]
    return {
        "themes": schema.dump(theme_entries),
        "theme_counts": schema.dump(theme_counts),
        "duplicates": schema.dump(duplicates),
    }


def questions_part(synthesis: Synthesis) -> dict:
    """The questions' results and the general comments, as the part the merge reads."""
    submission_ids = synthesis.watermark.get("submission_ids", [])
    organisation_of = dict(submission_organisations(submission_ids))
    questions = question_results(synthesis.consultation, submission_ids, organisation_of)
    return {
        "questions": schema.dump(questions),
        "general_comments": schema.dump(general_comments(submission_ids, organisation_of)),
    }


def merge_result(
    synthesis: Synthesis,
    paragraphs: list[schema.ParagraphResult],
    themes: dict,
    questions: dict,
) -> schema.SynthesisResult:
    """The whole synthesis (docs/synthesis-json.md), from the sections' paragraphs and the
    parts `themes_part` and `questions_part` kept."""
    consultation = synthesis.consultation
    submission_ids = synthesis.watermark.get("submission_ids", [])
    submissions = submission_organisations(submission_ids)
    languages = paragraph_comments(submission_ids, ParagraphFeedback.language)
    theme_entries = schema.load_as(list[schema.Theme], themes["themes"])
    counts = themes["theme_counts"]
    return schema.SynthesisResult(
        consultation=consultation.slug,
        number=synthesis.number,
        created_at=utcnow().isoformat(),
        version=consultation.current_version.number,
        watermark=schema.load_as(
            schema.Watermark,
            {**synthesis.watermark, "items": sum(p.feedback_count for p in paragraphs)},
        ),
        participation=participation(consultation, submissions, languages),
        sections=[
            schema.SectionHeading(id=s.id, position=s.position, heading=dict(s.heading))
            for s in consultation.current_version.sections
        ],
        paragraphs=paragraphs,
        ranking=schema.Ranking(
            **stances.rank_paragraphs(
                [(p.number, p.stance_counts) for p in paragraphs], consensus_minimum()
            )
        ),
        consensus_minimum=consensus_minimum(),
        themes=theme_entries,
        theme_counts=None if counts is None else schema.load_as(schema.ThemeCounts, counts),
        duplicates=schema.load_as(list[schema.Campaign], themes["duplicates"]),
        questions=schema.load_as(list[schema.QuestionResult], questions["questions"]),
        general_comments=schema.load_as(list[schema.GeneralComment], questions["general_comments"]),
        changes_since_previous=changes(synthesis, paragraphs, len(submissions), theme_entries),
    )


def participation(consultation, submissions, comments) -> schema.Participation:
    """Who took part; `comments` rows have the comments' language."""
    organisations = {o.id: o for _, o in submissions}
    invited = db.session.execute(
        sa.select(Organisation)
        .join(ConsultationInvitation, ConsultationInvitation.organisation_id == Organisation.id)
        .where(ConsultationInvitation.consultation_id == consultation.id)
        .order_by(Organisation.name)
    ).scalars()
    return schema.Participation(
        submissions=len(submissions),
        organisations=len(organisations),
        by_kind=dict(Counter(o.kind for o in organisations.values())),
        by_region=dict(Counter(o.region for o in organisations.values())),
        by_language=dict(Counter(c.language for c in comments if c.language)),
        invited_not_answered=[
            schema.InvitedOrganisation(id=o.id, name=o.name, kind=o.kind, region=o.region)
            for o in invited
            if o.id not in organisations
        ],
    )


def theme_list(
    comments, organisation_of: dict, campaigns, drafts: list[str]
) -> tuple[list[schema.Theme], schema.ThemeCounts | None]:
    """Themes over the paragraph comments, found from their substantive sentences (what
    many organisations repeat, and the draft quoted back, weigh nothing); a campaign counts
    once, through one of its copies."""
    if len(comments) < MIN_TEXTS_FOR_THEMES:
        return [], None
    index_of = {c.id: i for i, c in enumerate(comments)}
    duplicate_of = {}
    for group in campaigns:
        first = index_of[group.feedback_ids[0]]
        for other in group.feedback_ids[1:]:
            duplicate_of[index_of[other]] = first
    texts = [c.comment for c in comments]
    languages = [c.language for c in comments]
    organisations = [organisation_of[c.submission_id].name for c in comments]
    substance = boilerplate.find_substance(
        texts,
        organisations,
        drafts,
        sentence_matrix,
        include=[i for i in range(len(comments)) if i not in duplicate_of],
    )
    found = sentence_themes.find_sentence_themes(
        substance, len(comments), texts, languages, organisations, duplicate_of=duplicate_of
    )
    counts = schema.ThemeCounts(
        found=found.clusters,
        merged=found.merged,
        boilerplate_sentences=substance.boilerplate_count,
        boilerplate=substance.boilerplate[:BOILERPLATE_SHOWN],
        without_theme=int((found.theme_of < 0).sum()),
    )
    return [theme_data(t, comments, organisation_of) for t in found.themes], counts


def theme_data(theme, items, organisation_of) -> schema.Theme:
    members = [items[i] for i in theme.member_indexes]
    sentences = theme.quote_sentences or [""] * len(theme.quotes)
    return schema.Theme(
        label=theme.label,
        size=len(members),
        feedback_ids=[m.id for m in members],
        organisations=sorted({organisation_of[m.submission_id].name for m in members}),
        languages=dict(Counter(m.language for m in members if m.language)),
        quotes=[
            schema.Quote(
                feedback_id=items[i].id,
                text=items[i].comment,
                organisation=organisation_of[items[i].submission_id].name,
                language=items[i].language,
                sentence=sentence,
            )
            for i, sentence in zip(theme.quotes, sentences, strict=True)
        ],
        also_feedback_ids=[items[i].id for i in theme.also_indexes],
    )


def question_results(
    consultation, submission_ids: list[int], organisation_of: dict
) -> list[schema.QuestionResult]:
    # Plain rows, not ORM objects: three or more answers per submission add up.
    answers = db.session.execute(
        sa.select(
            Answer.id, Answer.question_id, Answer.submission_id, Answer.value, Answer.language
        ).where(
            among(Answer.submission_id, submission_ids),
            Answer.id.not_in(moderation.hidden_targets("answer")),
        )
    ).all()
    results = []
    for question in consultation.questions:
        given = [
            a for a in answers if a.question_id == question.id and a.value not in (None, "", [])
        ]
        entry = schema.QuestionResult(
            id=question.id,
            kind=question.kind,
            prompt=dict(question.prompt),
            options=[dict(o) for o in question.options],
            answers=len(given),
            distribution={},
            themes=[],
        )
        if question.kind == "multiple":
            entry.distribution = dict(Counter(str(v) for a in given for v in a.value))
        elif question.kind in ("single", "scale"):
            entry.distribution = dict(Counter(str(a.value) for a in given))
        elif len(given) >= MIN_TEXTS_FOR_THEMES:
            found = themes.find_themes(
                vector_matrix("answer", [(a.id, a.value) for a in given]),
                [a.value for a in given],
                [a.language for a in given],
                [organisation_of[a.submission_id].name for a in given],
            )
            entry.themes = [
                schema.AnswerTheme(
                    label=t.label,
                    size=len(t.member_indexes),
                    answer_ids=[given[i].id for i in t.member_indexes],
                    quotes=[
                        schema.AnswerQuote(
                            answer_id=given[i].id,
                            text=given[i].value,
                            organisation=organisation_of[given[i].submission_id].name,
                            language=given[i].language,
                        )
                        for i in t.quotes
                    ],
                )
                for t in found
            ]
        results.append(entry)
    return results


def changes(
    synthesis: Synthesis,
    paragraphs: list[schema.ParagraphResult],
    submissions: int,
    theme_entries: list[schema.Theme],
) -> schema.Changes:
    """What moved since the previous finished synthesis of the consultation."""
    previous = db.session.scalar(
        sa.select(Synthesis)
        .where(
            Synthesis.consultation_id == synthesis.consultation_id,
            Synthesis.number < synthesis.number,
            Synthesis.status == "done",
        )
        .order_by(Synthesis.number.desc())
    )
    earlier = schema.result_of(previous) if previous is not None else None
    if earlier is None:
        return schema.Changes(previous=None, submissions=submissions, paragraphs=[], new_themes=[])
    before = {p.number: p.stance_counts for p in earlier.paragraphs}
    moved = []
    for paragraph in paragraphs:
        old = before.get(paragraph.number, {})
        delta = {k: v - old.get(k, 0) for k, v in paragraph.stance_counts.items()}
        if any(delta.values()):
            moved.append(schema.Moved(number=paragraph.number, delta=delta))
    return schema.Changes(
        previous=previous.number,
        submissions=submissions - earlier.participation.submissions,
        paragraphs=moved,
        new_themes=[t.label for t in theme_entries if not _seen_before(t, earlier.themes)],
    )


def _seen_before(theme: schema.Theme, earlier: list[schema.Theme]) -> bool:
    """A theme is not new when most of an earlier theme's feedback is in it."""
    members = set(theme.feedback_ids)
    return any(
        len(members & set(old.feedback_ids)) >= 0.5 * min(len(members), len(old.feedback_ids))
        for old in earlier
        if old.feedback_ids
    )
