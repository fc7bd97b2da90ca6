"""Running syntheses: queued row, chord of sections and merge, release, API and CLI."""

import json

import pytest
import sqlalchemy as sa

from app.models import Synthesis, SynthesisPart
from app.services.accounts.tokens import create as create_token
from app.services.feedback import saving as feedback
from app.services.feedback import submissions
from app.services.feedback.saving import ParagraphInput
from app.services.synthesis import compute, runs, vectors
from tests.conftest import invite_organisations, make_user
from tests.factories import answered_consultation
from tests.helpers import make_consultation


@pytest.fixture
def consultation(db):
    return make_consultation()


@pytest.fixture
def submitted(db, consultation):
    """Six organisations each submitted feedback on paragraph 1 (and two on paragraph 2)."""
    return answered_consultation(db, consultation)


def test_a_synthesis_is_a_row_then_sections_then_a_merge(app, users, submitted, db):
    synthesis = runs.request_synthesis(users["staff"], submitted)
    db.session.refresh(synthesis)
    assert synthesis.status == "done" and synthesis.progress == 100
    parts = db.session.scalars(sa.select(SynthesisPart)).all()
    sections = submitted.current_version.sections
    # Each section's part, and the whole consultation's themes and questions beside them.
    assert sorted(p.name for p in parts) == sorted(
        ["themes", "questions", *(f"section:{s.id}" for s in sections)]
    )
    assert {p.section_id for p in parts} == {None, *(s.id for s in sections)}
    result = synthesis.result
    assert {
        "consultation",
        "number",
        "created_at",
        "watermark",
        "participation",
        "paragraphs",
        "themes",
        "duplicates",
        "changes_since_previous",
    } <= set(result)
    first = result["paragraphs"][0]
    assert first["number"] == "1"
    assert first["stance_counts"] == {"support": 3, "amend": 2, "oppose": 1, "none": 0}
    assert len(first["stance_feedback_ids"]["support"]) == 3
    assert result["participation"]["submissions"] == 6
    assert result["questions"][0]["distribution"] == {"4": 6}
    [group] = first["amendment_groups"]
    assert len(group["feedback_ids"]) == 2 and ["ins", "paragraph, with culture."] in group["diff"]


def test_running_a_section_again_changes_nothing(app, users, submitted, db):
    synthesis = runs.request_synthesis(users["staff"], submitted)
    section = submitted.current_version.sections[0]
    before = db.session.scalar(
        sa.select(SynthesisPart).where(SynthesisPart.section_id == section.id)
    ).result
    compute.run_section(synthesis.id, section.id)
    compute.run_merge(synthesis.id)
    parts = db.session.scalars(
        sa.select(SynthesisPart).where(SynthesisPart.section_id == section.id)
    ).all()
    assert len(parts) == 1 and parts[0].result == before
    assert runs.finish(synthesis.id, {"other": True}) is False
    assert db.session.get(Synthesis, synthesis.id).result != {"other": True}


def test_a_second_synthesis_reports_what_changed(app, users, submitted, db):
    first = runs.request_synthesis(users["staff"], submitted)
    second = runs.request_synthesis(users["staff"], submitted)
    db.session.refresh(second)  # eager tasks ran in their own app context and session
    assert (first.number, second.number) == (1, 2)
    changes = second.result["changes_since_previous"]
    assert changes["previous"] == 1 and changes["submissions"] == 0


def test_a_failure_is_recorded_with_its_reason(app, users, submitted, db, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the encoder is missing")

    monkeypatch.setattr(compute, "vectors_for", broken)
    app.extensions["celery"].conf.task_eager_propagates = False
    synthesis = runs.request_synthesis(users["staff"], submitted)
    db.session.refresh(synthesis)
    assert synthesis.status == "failed"
    assert "the encoder is missing" in synthesis.error


def test_the_sweeper_dispatches_a_lost_synthesis_again(app, users, submitted, db, monkeypatch):
    from datetime import timedelta

    from app.models.common import utcnow

    monkeypatch.setattr(runs, "dispatch", lambda synthesis: False)  # the broker lost it
    synthesis = runs.request_synthesis(users["staff"], submitted)
    assert synthesis.status == "queued"
    monkeypatch.undo()
    assert runs.sweep(now=utcnow() + timedelta(hours=1)) == 1
    db.session.refresh(synthesis)
    assert synthesis.status == "done"


def test_who_reads_a_synthesis_before_and_after_release(client, auth, users, submitted, db):
    synthesis = runs.request_synthesis(users["staff"], submitted)
    db.session.refresh(synthesis)
    url = f"/api/v1/consultations/{submitted.slug}/syntheses/latest"
    assert client.get(url).status_code == 404
    auth.login("council@example.org")
    assert client.get(url).status_code == 404
    runs.release(users["staff"], synthesis, "council")
    assert client.get(url).get_json()["number"] == 1
    auth.logout()
    assert client.get(url).status_code == 404
    runs.release(users["staff"], synthesis, "public")
    assert client.get(url).status_code == 200


def test_api_token_reads_what_its_owner_may_read(client, users, submitted, db):
    synthesis = runs.request_synthesis(users["staff"], submitted)
    db.session.refresh(synthesis)
    runs.release(users["staff"], synthesis, "council")
    _, token = create_token(users["council"], "report script")
    url = f"/api/v1/consultations/{submitted.slug}/syntheses/1"
    assert client.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert client.get(url, headers={"Authorization": "Bearer agora_wrong"}).status_code == 404
    _, partner_token = create_token(users["partner"], "mine")
    assert client.get(url, headers={"Authorization": f"Bearer {partner_token}"}).status_code == 404


def test_cli_synthesize_waits_and_shows_json(runner, users, submitted, tmp_path):
    result = runner.invoke(args=["synthesize", submitted.slug, "--wait"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "1"
    out = tmp_path / "s.json"
    result = runner.invoke(
        args=["synthesis", "show", submitted.slug, "--format", "json", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["paragraphs"][0]["number"] == "1"
    assert runner.invoke(args=["synthesize", "nope"]).exit_code == 1


def test_staff_run_and_release_from_the_page(client, auth, users, submitted, db):
    auth.login("staff@example.org")
    client.post(f"/staff/consultations/{submitted.slug}/syntheses")
    progress = client.get(f"/staff/consultations/{submitted.slug}/syntheses/1/progress")
    assert progress.get_json()["status"] == "done"
    client.post(
        f"/staff/consultations/{submitted.slug}/syntheses/1/release",
        data={"audience": "council", "confirmed": "yes"},
    )
    assert db.session.scalar(sa.select(Synthesis)).released_to == "council"
    auth.logout()
    auth.login("council@example.org")
    assert client.post(f"/staff/consultations/{submitted.slug}/syntheses").status_code == 403


def test_the_consultation_page_links_to_syntheses_once_released(client, users, submitted, db):
    synthesis = runs.request_synthesis(users["staff"], submitted)
    db.session.refresh(synthesis)
    page = f"/consultations/{submitted.slug}"
    assert "Syntheses of the feedback" not in client.get(page).get_data(as_text=True)
    runs.release(users["staff"], synthesis, "public")
    assert "Syntheses of the feedback" in client.get(page).get_data(as_text=True)
    overview = client.get(f"/council/{submitted.slug}/syntheses/1")
    assert overview.status_code == 200


def test_a_changed_comment_gets_a_new_vector(app, db):
    import numpy as np

    from app.models import CommentVector

    before = vectors.vectors_for("item", [(1, "Culture matters for lasting peace in cities.")])
    db.session.commit()
    after = vectors.vectors_for("item", [(1, "Decent work for young people comes first.")])
    db.session.commit()
    assert not np.allclose(before[1], after[1])
    assert db.session.scalar(sa.select(sa.func.count(CommentVector.id))) == 1


def test_each_paragraph_says_which_way_its_consensus_goes(app, client, auth, users, submitted, db):
    app.config["SYNTHESIS_CONSENSUS_MINIMUM"] = 2
    synthesis = runs.request_synthesis(users["staff"], submitted)
    db.session.refresh(synthesis)
    first, second = synthesis.result["paragraphs"][:2]
    assert first["consensus"] == "support_with_amendments"  # 3 support, 2 amend, 1 oppose
    assert second["consensus"] == "opposition"  # opposed by both who took a stance
    assert second["agreement"] == 1.0  # alike: agreement is not support
    assert synthesis.result["ranking"]["opposed"] == ["2"]
    assert "2" not in synthesis.result["ranking"]["consensus"]
    runs.release(users["staff"], synthesis, "council")
    auth.login("council@example.org")
    url = f"/api/v1/consultations/{submitted.slug}/syntheses/latest"
    assert client.get(url).get_json()["paragraphs"][1]["consensus"] == "opposition"
    page = client.get(f"/council/{submitted.slug}/syntheses/1").get_data(as_text=True)
    support, opposition = page.index(">Broad support<"), page.index(">Broad opposition<")
    assert page.index("Paragraph 2</a> — agreement", opposition) > opposition
    assert "Paragraph 2</a> — agreement" not in page[support:opposition]
    assert "fewer than 2 organisations took a stance" in page


def test_too_few_answers_to_tell_below_the_configured_minimum(app, users, submitted, db):
    synthesis = runs.request_synthesis(users["staff"], submitted)  # minimum 3 by default
    db.session.refresh(synthesis)
    assert synthesis.result["consensus_minimum"] == 3
    assert synthesis.result["paragraphs"][1]["consensus"] == "too_few"
    assert synthesis.result["ranking"]["opposed"] == []


def test_one_change_written_from_two_drafts_is_one_wording_diffed_against_each(
    app, client, auth, users, db
):
    from app.models import Organisation

    consultation = make_consultation(
        texts={
            "1": {
                "en": "Cities monitor their implementation.",
                "fr": "Les villes suivent leur mise en œuvre.",
            },
            "2": {"en": "Second.", "fr": "Deuxième."},
            "3": {"en": "Third.", "fr": "Troisième."},
        }
    )
    first = consultation.current_version.paragraphs[0]
    proposed = [
        ("Plan", "en", "Cities monitor their implementation with children and young people."),
        ("Terre", "fr", "Les villes suivent leur mise en œuvre avec les enfants et les jeunes."),
    ]
    for index, (name, language, text) in enumerate(proposed):
        organisation = Organisation(name=name, kind="un-agency", region="europe")
        db.session.add(organisation)
        db.session.commit()
        invite_organisations(db, consultation, organisation)
        member = make_user(db, f"w{index}@org.example.org", "partner", organisation)
        saved = feedback.save_paragraphs(
            member, consultation, [ParagraphInput(first.id, "amend", "", text, language)], 0
        )
        saved = feedback.save_answers(
            member,
            consultation,
            {consultation.questions[0].id: "4"},
            "",
            saved.submission.lock_version,
        )
        submissions.submit(member, consultation, saved.submission.lock_version)
    synthesis = runs.request_synthesis(users["staff"], consultation)
    db.session.refresh(synthesis)
    [group] = synthesis.result["paragraphs"][0]["amendment_groups"]
    variants = {v["language"]: v for v in group["variants"]}
    assert set(variants) == {"en", "fr"} and len(group["feedback_ids"]) == 2
    # The French wording is diffed against the French draft: nothing struck out.
    assert [op for op, _ in variants["fr"]["diff"]].count("del") <= 1
    assert "Les villes suivent leur mise en" in "".join(p for op, p in variants["fr"]["diff"])
    runs.release(users["staff"], synthesis, "council")
    users["council"].locale = "fr"  # a French reader
    db.session.commit()
    auth.login("council@example.org")
    url = f"/council/{consultation.slug}/syntheses/1/paragraphs/1"
    page = client.get(url).get_data(as_text=True)
    assert '<p class="word-diff" aria-hidden="true" dir="auto" lang="fr">' in page
    assert "avec les enfants et les jeunes" in page and "with children and young people" in page
    # Said as a sentence for screen readers (in French once the catalogues are merged).
    words = '<span lang="fr">avec les enfants et les jeunes</span>'
    said = (f"inserts: {words}", f"insère : {words}")
    assert any(sentence in page for sentence in said)


def test_a_chord_sent_before_the_whole_consultations_parts_existed_still_merges(
    app, users, submitted, db
):
    """Upgrading while a synthesis runs: its chord, sent by the release before, has tasks for
    the sections and the merge only. The merge computes the themes and questions itself."""
    done = runs.request_synthesis(users["staff"], submitted)
    db.session.refresh(done)
    expected = done.result
    synthesis = runs.request_synthesis(users["staff"], submitted)
    db.session.execute(
        sa.delete(SynthesisPart).where(
            SynthesisPart.synthesis_id == synthesis.id, SynthesisPart.name.in_(runs.WHOLE_PARTS)
        )
    )
    db.session.execute(
        sa.update(Synthesis).where(Synthesis.id == synthesis.id).values(status="running")
    )
    db.session.commit()
    compute.run_merge(synthesis.id)
    db.session.refresh(synthesis)
    assert synthesis.status == "done"
    for key in ("paragraphs", "themes", "duplicates", "questions", "participation"):
        assert synthesis.result[key] == expected[key]
