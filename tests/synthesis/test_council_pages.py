"""The Council's review pages: who sees a synthesis when, notes, decisions, filters, drill-down."""

import re

import pytest
import sqlalchemy as sa

from app.models import (
    AmendmentDecision,
    AuditEvent,
    CouncilNote,
    Organisation,
    Submission,
    Synthesis,
)
from app.models.common import utcnow
from tests.factories import result_from_rows
from tests.helpers import make_consultation, make_submitted

STANCES = ("support", "amend", "oppose", "none")
AMENDMENT = "Second, for every child."


def submit(db, consultation, organisation, items, answers=None) -> Submission:
    return make_submitted(consultation, organisation, items, answers)


def build_result(consultation, submissions, number=1, themes=None, duplicates=None) -> dict:
    """A small synthesis result with chosen figures, from real rows."""
    scale = consultation.questions[0]
    return result_from_rows(
        consultation,
        submissions,
        wording=AMENDMENT,
        key="a" * 40,
        number=number,
        participation={
            "submissions": len(submissions),
            "organisations": len(submissions),
            "by_kind": {"un_agency": 2, "ngo": 1},
            "by_region": {"north_america": 1, "europe": 1, "africa": 1},
            "by_language": {"en": 3, "fr": 1, "es": 1},
            "invited_not_answered": [
                {"id": 99, "name": "Silent Partners", "kind": "ngo", "region": "asia_pacific"}
            ],
        },
        ranking={"consensus": ["2"], "contested": ["1"]},
        questions=[
            {
                "id": scale.id,
                "kind": "scale",
                "prompt": dict(scale.prompt),
                "options": [],
                "answers": 2,
                "distribution": {"4": 1, "2": 1},
                "themes": [],
            }
        ],
        themes=themes,
        duplicates=duplicates,
    )


@pytest.fixture
def world(db, users, organisation):
    """A consultation answered by UNICEF, FAO and ACCORD, and a synthesis not yet released."""
    consultation = make_consultation()
    fao = db.session.scalar(sa.select(Organisation).where(Organisation.name == "FAO"))
    accord = Organisation(name="ACCORD", kind="ngo", region="africa", country="ZA")
    db.session.add(accord)
    p1, p2, _p3 = consultation.current_version.paragraphs
    scale = consultation.questions[0]
    unicef_s = submit(
        db,
        consultation,
        organisation,
        [
            (p1, "support", "Children first.", "", "en"),
            (p2, "amend", "Add children.", AMENDMENT, "en"),
        ],
        {scale: 4},
    )
    fao_s = submit(
        db,
        consultation,
        fao,
        [
            (p1, "oppose", "Trop vague pour les zones rurales.", "", "fr"),
            (p2, "amend", "", AMENDMENT, "en"),
        ],
        {scale: 2},
    )
    accord_s = submit(db, consultation, accord, [(p1, "support", "Estamos de acuerdo.", "", "es")])
    submissions = [unicef_s, fao_s, accord_s]
    p1_ids = {s.organisation.name: s.items[0].id for s in submissions}
    themes = [
        {
            "label": {"fr": "Zones rurales"},
            "size": 2,
            "feedback_ids": [fao_s.items[0].id, accord_s.items[0].id],
            "organisations": ["ACCORD", "FAO"],
            "languages": {"fr": 1, "es": 1},
            "quotes": [
                {
                    "feedback_id": fao_s.items[0].id,
                    "text": "Trop vague pour les zones rurales.",
                    "organisation": "FAO",
                    "language": "fr",
                }
            ],
        }
    ]
    duplicates = [
        {
            "feedback_ids": [unicef_s.items[1].id, fao_s.items[1].id],
            "text": AMENDMENT,
            "count": 2,
            "organisations": ["FAO", "<script>UNICEF</script>"],
        }
    ]
    synthesis = Synthesis(
        consultation=consultation,
        number=1,
        status="done",
        progress=100,
        watermark={"submission_ids": [s.id for s in submissions]},
        result=build_result(consultation, submissions, themes=themes, duplicates=duplicates),
        finished_at=utcnow(),
    )
    db.session.add(synthesis)
    # Feedback the synthesis must never show: another consultation's, and one sent later.
    other = make_consultation(slug="other-2026")
    foreign = submit(
        db,
        other,
        organisation,
        [(other.current_version.paragraphs[0], "oppose", "Secret.", "", "en")],
    )
    db.session.commit()
    return {
        "consultation": consultation,
        "synthesis": synthesis,
        "submissions": submissions,
        "paragraphs": (p1, p2),
        "p1_ids": p1_ids,
        "foreign_id": foreign.items[0].id,
        "accord": accord,
    }


def release(db, synthesis, audience: str) -> None:
    synthesis.released_to = audience
    synthesis.released_at = utcnow() if audience else None
    db.session.commit()


def base(world) -> str:
    return f"/council/{world['consultation'].slug}/syntheses/1"


def status_as(client, auth, user, path: str) -> int:
    auth.logout()
    if user is not None:
        auth.login(user.email)
    return client.get(path).status_code


PAGES = ["", "/paragraphs/1", "/themes", "/feedback?paragraph=1&stance=support"]


@pytest.mark.parametrize("page", PAGES)
def test_who_sees_a_synthesis_before_and_after_its_release(client, auth, users, world, db, page):
    path = base(world) + page
    readers = {role: users[role] for role in ("council", "partner", "visitor", "staff")}
    readers["anonymous"] = None

    def seen() -> dict[str, int]:
        return {role: status_as(client, auth, user, path) for role, user in readers.items()}

    assert seen() == {
        "council": 404,
        "partner": 404,
        "visitor": 404,
        "staff": 200,
        "anonymous": 404,
    }
    release(db, world["synthesis"], "council")
    assert seen() == {
        "council": 200,
        "partner": 404,
        "visitor": 404,
        "staff": 200,
        "anonymous": 404,
    }
    release(db, world["synthesis"], "public")
    assert seen() == {
        "council": 200,
        "partner": 200,
        "visitor": 200,
        "staff": 200,
        "anonymous": 200,
    }


def test_the_list_shows_only_the_syntheses_the_reader_may_read(client, auth, users, world, db):
    release(db, world["synthesis"], "council")
    db.session.add(
        Synthesis(consultation=world["consultation"], number=2, status="running", progress=40)
    )
    db.session.commit()
    path = f"/council/{world['consultation'].slug}/syntheses"
    auth.login(users["council"].email)
    page = client.get(path).get_data(as_text=True)
    assert "Synthesis 1" in page and "Synthesis 2" not in page
    assert "Open the latest synthesis (number 1)" in page
    auth.logout()
    auth.login(users["staff"].email)
    page = client.get(path).get_data(as_text=True)
    assert "Synthesis 2" in page and "Running" in page
    auth.logout()
    assert "No synthesis has been released to you yet." in client.get(path).get_data(as_text=True)


def decision_path(world) -> str:
    return base(world) + "/paragraphs/2/groups/" + "a" * 40


def test_council_records_a_decision_stored_with_who_and_when(client, auth, users, world, db):
    release(db, world["synthesis"], "council")
    auth.login(users["council"].email)
    response = client.post(
        decision_path(world), data={"g0-decision": "partial", "g0-reason": "Keep the first half."}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/paragraphs/2#group-1")
    [decision] = db.session.scalars(sa.select(AmendmentDecision)).all()
    assert (decision.decision, decision.reason) == ("partial", "Keep the first half.")
    assert decision.decided_by_id == users["council"].id and decision.decided_at is not None
    page = client.get(base(world) + "/paragraphs/2").get_data(as_text=True)
    assert "Accept in part" in page and "Decided by Test Person" in page

    french = "Nous gardons la première moitié, qui nomme les gouvernements locaux et régionaux."
    client.post(decision_path(world), data={"g0-decision": "partial", "g0-reason": french})
    page = client.get(base(world) + "/paragraphs/2").get_data(as_text=True)
    assert f'dir="auto" lang="fr">{french}</span>' in page  # read with the French voice

    client.post(decision_path(world), data={"g0-decision": "reject", "g0-reason": "Too long."})
    [decision] = db.session.scalars(sa.select(AmendmentDecision)).all()
    assert decision.decision == "reject"
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "synthesis.decision")
    ).all()
    assert len(events) == 3
    assert events[2].details["previous_decision"] == "partial"
    assert events[2].actor_id == users["council"].id


def test_a_decision_needs_a_reason_and_keeps_what_was_typed(client, auth, users, world, db):
    release(db, world["synthesis"], "council")
    auth.login(users["council"].email)
    response = client.post(decision_path(world), data={"g0-decision": "accept", "g0-reason": " "})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="error-summary"' in page and 'id="g0-reason-error"' in page
    assert "Give the reason for this decision." in page
    assert re.search(r'<input[^>]*checked[^>]*value="accept"|value="accept"[^>]*checked', page)
    assert db.session.scalar(sa.select(sa.func.count(AmendmentDecision.id))) == 0


@pytest.mark.parametrize("role", ["partner", "visitor", "staff"])
def test_only_the_council_writes_notes_and_decisions(client, auth, users, world, db, role):
    note_path = base(world) + "/paragraphs/1/notes"
    decision = {"g0-decision": "accept", "g0-reason": "Fine."}
    release(db, world["synthesis"], "council")
    auth.login(users[role].email)
    expected = 403 if role == "staff" else 404  # may not even know of it before public release
    assert client.post(note_path, data={"note": "Mine."}).status_code == expected
    assert client.post(decision_path(world), data=decision).status_code == expected
    release(db, world["synthesis"], "public")
    assert client.post(note_path, data={"note": "Mine."}).status_code == 403
    assert client.post(decision_path(world), data=decision).status_code == 403
    page = client.get(base(world) + "/paragraphs/2").get_data(as_text=True)
    assert "Record the decision" not in page and "Add the note" not in page
    assert db.session.scalar(sa.select(sa.func.count(CouncilNote.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(AmendmentDecision.id))) == 0


def test_council_adds_a_note_that_stays_on_the_paragraph(client, auth, users, world, db):
    release(db, world["synthesis"], "council")
    auth.login(users["council"].email)
    response = client.post(base(world) + "/paragraphs/1/notes", data={"note": ""})
    assert response.status_code == 422 and "Write the note." in response.get_data(as_text=True)
    response = client.post(
        base(world) + "/paragraphs/1/notes", data={"note": "Ask FAO <which> areas."}
    )
    assert response.status_code == 302
    page = client.get(base(world) + "/paragraphs/1").get_data(as_text=True)
    assert "Ask FAO &lt;which&gt; areas." in page and "Test Person" in page


def stance_cells(page: str, number: str) -> dict[str, int]:
    """The stance counts the heat map shows in the row of paragraph `number`."""
    row = next(r for r in page.split("<tr>") if f'/paragraphs/{number}">' in r)
    cells = re.findall(r'heat heat-(\w+) heat-l\d">(?:<a [^>]*>)?(\d+)', row)
    return {stance: int(count) for stance, count in cells}


def test_filters_recount_the_stances(client, auth, users, world, db):
    release(db, world["synthesis"], "council")
    auth.login(users["council"].email)
    everyone = client.get(base(world)).get_data(as_text=True)
    assert stance_cells(everyone, "1") == {"support": 2, "amend": 0, "oppose": 1, "none": 0}
    ngos = client.get(base(world) + "?kind=ngo").get_data(as_text=True)
    assert stance_cells(ngos, "1") == {"support": 1, "amend": 0, "oppose": 0, "none": 0}
    assert stance_cells(ngos, "2") == {"support": 0, "amend": 0, "oppose": 0, "none": 0}
    assert "themes are not filtered" in ngos
    french = client.get(base(world) + "?language=fr").get_data(as_text=True)
    assert stance_cells(french, "1") == {"support": 0, "amend": 0, "oppose": 1, "none": 0}
    # The figure links to exactly the feedback it counted.
    drill = client.get(base(world) + "/feedback?paragraph=1&stance=support&kind=ngo")
    text = drill.get_data(as_text=True)
    assert "Estamos de acuerdo." in text and "Children first." not in text
    # An unknown filter value is refused next to its field and counts nothing less.
    odd = client.get(base(world) + "?kind=martians").get_data(as_text=True)
    assert "Not a valid choice" in odd
    assert stance_cells(odd, "1") == {"support": 2, "amend": 0, "oppose": 1, "none": 0}


def test_drilldown_shows_exactly_the_comments_behind_a_figure(client, auth, users, world, db):
    release(db, world["synthesis"], "council")
    auth.login(users["council"].email)
    overview = client.get(base(world)).get_data(as_text=True)
    link = "/feedback?paragraph=1&amp;stance=oppose"
    assert link in overview
    page = client.get(base(world) + "/feedback?paragraph=1&stance=oppose").get_data(as_text=True)
    assert "Trop vague pour les zones rurales." in page
    assert 'lang="fr"' in page
    assert "Children first." not in page and "Estamos de acuerdo." not in page
    assert "1 comment" in page and "1 organisation" in page
    group = client.get(base(world) + "/feedback?paragraph=2&group=" + "a" * 40)
    text = group.get_data(as_text=True)
    assert text.count('class="council-card"') == 2 and "Add children." in text
    # A screen reader hears the change as a sentence; the struck-out words are for the eye.
    sentence = (
        'inserts: <span lang="en">for every child</span>, after: <span lang="en">Second</span>.'
    )
    assert "Proposed change: " + sentence in text
    assert '<p class="word-diff" aria-hidden="true"' in text and "for every child.</ins>" in text


def test_drilldown_refuses_feedback_of_another_consultation(client, auth, users, world, db):
    release(db, world["synthesis"], "council")
    auth.login(users["council"].email)
    own = world["p1_ids"]["UNICEF"]
    page = client.get(base(world) + f"/feedback?ids={own},{world['foreign_id']}").get_data(
        as_text=True
    )
    assert "Children first." in page and "Secret." not in page
    assert "are not part of this synthesis" in page
    # Sent after the synthesis: same consultation, but not in its watermark.
    late = submit(
        db,
        world["consultation"],
        Organisation(name="Late Org", kind="ngo", region="europe"),
        [(world["paragraphs"][0], "oppose", "Too late to count.", "", "en")],
    )
    page = client.get(base(world) + f"/feedback?ids={late.items[0].id}").get_data(as_text=True)
    assert "Too late to count." not in page and "0 comments" in page
    everything = client.get(base(world) + "/feedback").get_data(as_text=True)
    assert "Too late to count." not in everything and "Secret." not in everything


def test_theme_campaign_and_question_drilldowns(client, auth, users, world, db):
    release(db, world["synthesis"], "council")
    auth.login(users["council"].email)
    theme = client.get(base(world) + "/feedback?theme=0").get_data(as_text=True)
    assert "Trop vague" in theme and "Estamos de acuerdo." in theme and "Children" not in theme
    campaign = client.get(base(world) + "/feedback?duplicate=0").get_data(as_text=True)
    assert "2 comments" in campaign
    assert client.get(base(world) + "/feedback?duplicate=5").status_code == 404
    question = world["consultation"].questions[0].id
    answers = client.get(base(world) + f"/feedback?question={question}&option=4")
    text = answers.get_data(as_text=True)
    assert "UNICEF" in text and "FAO" not in text and "1 answer" in text


def test_themes_page_falls_back_to_another_language_with_its_lang(client, auth, users, world, db):
    release(db, world["synthesis"], "public")
    page = client.get(base(world) + "/themes").get_data(as_text=True)
    assert '<span lang="fr">Zones rurales</span>' in page
    assert "/feedback?theme=0" in page and "2 comments" in page


def test_overview_escapes_what_organisations_wrote(client, auth, users, world, db):
    release(db, world["synthesis"], "public")
    page = client.get(base(world)).get_data(as_text=True)
    assert "<script>UNICEF</script>" not in page
    assert "&lt;script&gt;UNICEF&lt;/script&gt;" in page
    assert "Silent Partners" in page
    assert 'role="img"' in page and '<title id="chart-kind-title">' in page


def test_compare_two_syntheses(client, auth, users, world, db):
    consultation = world["consultation"]
    earlier = world["synthesis"]
    later_result = build_result(consultation, world["submissions"][:2], number=2)
    db.session.add(
        Synthesis(
            consultation=consultation,
            number=2,
            status="done",
            result=later_result,
            watermark=later_result["watermark"],
            released_to="council",
        )
    )
    release(db, earlier, "council")
    auth.login(users["council"].email)
    page = client.get(f"/council/{consultation.slug}/compare?a=1&b=2").get_data(as_text=True)
    row = next(r for r in page.split("<tr") if 'id="cmp-1"' in r)
    assert "(−1)" in row  # ACCORD's support is not in synthesis 2
    assert client.get(f"/council/{consultation.slug}/compare?a=1&b=7").status_code == 404


def test_council_downloads_the_synthesis_report_in_french_once_released(
    client, auth, users, world, db
):
    import io

    import docx
    import pypdf

    from app.models import ExportJob

    report = f"/exports/consultations/{world['consultation'].slug}/syntheses/1/report"
    auth.login(users["council"].email)
    assert client.post(report, data={"language": "fr", "pdf": "1"}).status_code == 404

    release(db, world["synthesis"], "council")
    page = client.get(base(world)).get_data(as_text=True)
    assert f'action="{report}"' in page
    response = client.post(report, data={"language": "fr", "pdf": "1"})
    assert response.status_code == 302
    job = db.session.scalar(sa.select(ExportJob).order_by(ExportJob.id.desc()))
    db.session.refresh(job)
    assert (job.kind, job.file_format, job.language, job.status) == (
        "synthesis",
        "pdf",
        "fr",
        "done",
    )
    download = client.get(f"/exports/{job.public_id}/download")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(download.data))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Synthèse" in text and "Trop vague pour les zones rurales." in text
    assert reader.trailer["/Root"]["/Lang"] == "fr"

    client.post(report, data={"language": "es", "docx": "1"})
    job = db.session.scalar(sa.select(ExportJob).order_by(ExportJob.id.desc()))
    word = client.get(f"/exports/{job.public_id}/download")
    document = docx.Document(io.BytesIO(word.data))
    assert any(p.style.name.startswith("Heading") for p in document.paragraphs)
    assert "Estamos de acuerdo." in "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    ) + "\n".join(p.text for p in document.paragraphs)

    # The file is the requester's alone, and a partner cannot ask for a report at all.
    auth.logout()
    auth.login(users["staff"].email)
    assert client.get(f"/exports/{job.public_id}/download").status_code == 404
    auth.logout()
    auth.login(users["partner"].email)
    assert client.post(report, data={"language": "en", "pdf": "1"}).status_code == 404
