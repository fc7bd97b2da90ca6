"""Staff hide a text that breaks the rules: it leaves exports and syntheses, and is audited."""

import json

import pytest
import sqlalchemy as sa

from app.models import AuditEvent, Moderation, ParagraphFeedback, Submission
from app.services.errors import Forbidden
from app.services.exports.feedback_rows import COLUMNS, export_rows, parse_filters
from app.services.feedback import moderation
from tests.factories import COMMENTS, answered_consultation, computed_synthesis
from tests.mail.test_email_html import html_part

HIDDEN = COMMENTS[0]  # Org 0's comment on paragraph 1, with the stance "support"


@pytest.fixture
def submitted(db):
    return answered_consultation(db)


def item_of(db, text: str) -> ParagraphFeedback:
    return db.session.scalar(sa.select(ParagraphFeedback).where(ParagraphFeedback.comment == text))


def page_url(consultation, submission_id: int) -> str:
    return f"/staff/consultations/{consultation.slug}/submissions/{submission_id}/moderation"


def hide_through_the_page(client, consultation, item, reason="abuse", note="Insults a mayor."):
    return client.post(
        page_url(consultation, item.submission_id) + "/hide",
        data={"part": "comment", "target_id": str(item.id), "reason": reason, "note": note},
    )


def actions(db) -> list[AuditEvent]:
    return db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.action.like("feedback.%hidden"))
        .order_by(AuditEvent.id)
    ).all()


def test_staff_hide_a_comment_with_a_reason_and_the_organisation_is_told_in_its_language(
    client, auth, users, submitted, db, sent_mail
):
    item = item_of(db, HIDDEN)
    member = db.session.scalar(
        sa.select(Submission).where(Submission.id == item.submission_id)
    ).organisation.members.select()
    db.session.scalars(member).one().locale = "fr"
    db.session.commit()
    auth.login("staff@example.org")
    page = client.get(page_url(submitted, item.submission_id)).get_data(as_text=True)
    assert HIDDEN in page and "Hide this text" in page

    response = hide_through_the_page(client, submitted, item)

    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Hidden" in page and "Insults a mayor." in page and HIDDEN in page
    assert "Show this text again" in page
    [line] = actions(db)
    assert line.action == "feedback.hidden" and line.details["reason"] == "abuse"
    [mail] = [m for m in sent_mail() if "Insults a mayor." in m.get_body(("plain",)).get_content()]
    assert mail["To"] == "m0@org.example.org"
    body = mail.get_body(("plain",)).get_content()
    assert "Bonjour" in body and "Insults a mayor." in body and "/rules" in body
    html = html_part(mail, "fr")
    assert "Insults a mayor." in html and "Règles des contributions" in html


def test_a_hidden_comment_is_in_no_synthesis_figure_or_quote(client, auth, users, submitted, db):
    before = computed_synthesis(db, users["staff"], submitted).result
    item = item_of(db, HIDDEN)
    assert HIDDEN in json.dumps(before, ensure_ascii=False)  # it was quoted or counted before
    moderation.hide(users["staff"], submitted, item.submission, "comment", item.id, "off_topic")

    after = computed_synthesis(db, users["staff"], submitted).result

    assert HIDDEN not in json.dumps(after, ensure_ascii=False)
    languages = [sum(r["participation"]["by_language"].values()) for r in (before, after)]
    assert languages[1] == languages[0] - 1  # comments counted by language
    quoted = [q["feedback_id"] for p in after["paragraphs"] for q in p["quotes"]]
    grouped = [f for d in after["duplicates"] for f in d["feedback_ids"]]
    themed = [f for t in after["themes"] for f in t.get("feedback_ids", [])]
    assert item.id not in quoted + grouped + themed
    # The stance was not hidden: it still counts.
    assert after["paragraphs"][0]["stance_counts"] == before["paragraphs"][0]["stance_counts"]


def test_a_hidden_comment_leaves_exports_unless_staff_ask_and_that_is_audited(users, submitted, db):
    item = item_of(db, HIDDEN)
    moderation.hide(users["staff"], submitted, item.submission, "comment", item.id, "abuse")
    comment = COLUMNS.index("comment")

    plain = list(export_rows(users["staff"], submitted, parse_filters(submitted, {}), "csv"))
    asked = parse_filters(submitted, {"hidden": "include"})
    with_hidden = list(export_rows(users["staff"], submitted, asked, "csv"))

    assert HIDDEN not in [row[comment] for row in plain]
    assert HIDDEN in [row[comment] for row in with_hidden]
    audited = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.action == "feedback.exported")
        .order_by(AuditEvent.id)
    ).all()
    assert [line.details["filters"] for line in audited] == [{}, {"hidden": "include"}]
    with pytest.raises(Forbidden):
        export_rows(users["council"], submitted, asked, "csv")


def test_showing_a_text_again_is_audited_and_puts_it_back(client, auth, users, submitted, db):
    item = item_of(db, HIDDEN)
    hiding = moderation.hide(
        users["staff"], submitted, item.submission, "comment", item.id, "abuse"
    )
    auth.login("staff@example.org")

    response = client.post(f"/staff/moderation/{hiding.id}/show")

    assert response.status_code == 302
    assert [line.action for line in actions(db)] == ["feedback.hidden", "feedback.unhidden"]
    assert db.session.get(Moderation, hiding.id).shown_at is not None
    rows = export_rows(users["staff"], submitted, parse_filters(submitted, {}), "csv")
    assert HIDDEN in [row[COLUMNS.index("comment")] for row in rows]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Show this text again" not in page


def test_a_hiding_without_a_rule_is_refused_and_the_note_is_kept(
    client, auth, users, submitted, db
):
    item = item_of(db, HIDDEN)
    auth.login("staff@example.org")

    response = hide_through_the_page(client, submitted, item, reason="", note="Keep me")

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Choose the rule this text breaks." in page and "Keep me</textarea>" in page
    assert actions(db) == []
    other = hide_through_the_page(client, submitted, item, reason="other", note="")
    assert "Say which rule the text breaks." in other.get_data(as_text=True)


def test_partners_and_the_council_cannot_moderate(client, auth, users, submitted, db):
    item = item_of(db, HIDDEN)
    for email in ("council@example.org", "m0@org.example.org"):
        auth.login(email)
        assert client.get(page_url(submitted, item.submission_id)).status_code == 403
        assert hide_through_the_page(client, submitted, item).status_code == 403
        auth.logout()
    assert actions(db) == []


def test_the_rules_page_is_public(client):
    page = client.get("/rules").get_data(as_text=True)
    assert "<h1>Rules for feedback</h1>" in page
    assert "No personal data about someone else" in page


def test_the_council_reads_a_submission_without_its_hidden_comment_and_its_authors_keep_it(
    client, auth, users, submitted, db
):
    item = item_of(db, HIDDEN)
    moderation.hide(users["staff"], submitted, item.submission, "comment", item.id, "abuse")
    url = f"/consultations/{submitted.slug}/submissions/{item.submission_id}"

    auth.login("council@example.org")
    council = client.get(url).get_data(as_text=True)
    auth.logout()
    auth.login("m0@org.example.org")
    author = client.get(url).get_data(as_text=True)

    assert HIDDEN not in council and "Hidden by the secretariat" in council
    assert HIDDEN in author and "Hidden by the secretariat" not in author


def test_the_council_drill_down_leaves_a_hidden_comment_out(client, auth, users, submitted, db):
    synthesis = computed_synthesis(db, users["staff"], submitted)
    synthesis.released_to = "council"
    db.session.commit()
    item = item_of(db, HIDDEN)
    url = f"/council/{submitted.slug}/syntheses/{synthesis.number}/feedback?paragraph=1"
    auth.login("council@example.org")
    assert HIDDEN in client.get(url).get_data(as_text=True)

    moderation.hide(users["staff"], submitted, item.submission, "comment", item.id, "abuse")

    page = client.get(url).get_data(as_text=True)
    assert HIDDEN not in page and "Org 0" in page  # its stance still stands


def test_staff_tick_a_box_to_export_hidden_texts_and_the_council_cannot(
    client, auth, users, submitted, db
):
    item = item_of(db, HIDDEN)
    moderation.hide(users["staff"], submitted, item.submission, "comment", item.id, "abuse")
    url = f"/exports/consultations/{submitted.slug}/feedback"
    auth.login("staff@example.org")
    assert "Include the texts hidden by moderation" in client.get(url).get_data(as_text=True)

    plain = client.post(url, data={"file_format": "csv"}).get_data(as_text=True)
    ticked = client.post(url, data={"file_format": "csv", "hidden": "y"}).get_data(as_text=True)

    assert HIDDEN not in plain and HIDDEN in ticked
    auth.logout()
    auth.login("council@example.org")
    assert "Include the texts hidden" not in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"file_format": "csv", "hidden": "y"})
    assert response.status_code == 403


def test_a_hidden_comment_is_in_neither_the_word_nor_the_pdf_report(users, submitted, db):
    import io

    import docx
    import pypdf

    from app.services.accounts.access import COMMAND_LINE
    from app.services.reports import synthesis as report_service

    def report_text(synthesis) -> str:
        word, pdf = io.BytesIO(), io.BytesIO()
        report_service.write_docx(synthesis, "en", word, None, reader=COMMAND_LINE)
        report_service.write_pdf(synthesis, "en", pdf, None, reader=COMMAND_LINE)
        document = docx.Document(io.BytesIO(word.getvalue()))
        cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
        pages = [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.getvalue())).pages]
        texts = [p.text for p in document.paragraphs] + cells + pages
        return " ".join(" ".join(texts).split())

    assert HIDDEN in report_text(computed_synthesis(db, users["staff"], submitted))
    item = item_of(db, HIDDEN)
    moderation.hide(users["staff"], submitted, item.submission, "comment", item.id, "abuse")

    text = report_text(computed_synthesis(db, users["staff"], submitted))

    assert HIDDEN not in text and "Org 0" in text


def test_the_councils_pdf_of_a_submission_leaves_the_hidden_comment_out(
    client, auth, users, submitted, db
):
    import io

    import pypdf

    item = item_of(db, HIDDEN)
    moderation.hide(users["staff"], submitted, item.submission, "comment", item.id, "abuse")
    url = f"/consultations/{submitted.slug}/submissions/{item.submission_id}/receipt.pdf"

    def pdf_text() -> str:
        data = client.get(url).get_data()
        pages = pypdf.PdfReader(io.BytesIO(data)).pages
        return " ".join(" ".join(p.extract_text() for p in pages).split())

    auth.login("council@example.org")
    council = pdf_text()
    auth.logout()
    auth.login("m0@org.example.org")
    author = pdf_text()

    assert HIDDEN not in council and "Hidden by the secretariat" in council
    assert HIDDEN in author


def test_every_page_links_to_the_rules_and_the_privacy_notice(client):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/rules"' in page and 'href="/privacy"' in page
