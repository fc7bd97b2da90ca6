"""Every email has an HTML part beside its plain text: the site's name mark and palette, the
reader's language on the page, the same links as buttons, and every name and comment escaped."""

import re
from html import unescape
from pathlib import Path

import pytest

from app import palette
from app.services.mail import delivery
from tests.reports.test_receipt_pdf import (
    FRENCH_COMMENT,
    SPANISH_ANSWER,
    submitted,  # noqa: F401  (a fixture)
)

EMAILS = Path(__file__).resolve().parents[2] / "app" / "templates" / "email"
KINDS = sorted(p.stem for p in EMAILS.glob("*.txt"))


def html_part(email, language: str) -> str:
    """The HTML part of an email, checked against its text part: both there, in `language`,
    with every link of the text as a link of the HTML, in the site's look."""
    assert email.get_content_type() == "multipart/alternative"
    text = email.get_body(("plain",)).get_content()
    html = email.get_body(("html",)).get_content()
    assert f'<html lang="{language}" dir="ltr">' in html
    links = re.findall(r"https?://\S+", text)
    hrefs = {unescape(href) for href in re.findall(r'href="([^"]+)"', html)}
    assert links and set(links) <= hrefs, (links, hrefs)
    assert palette.MARK_NAME in html and palette.PALETTE["accent"] in html
    return html


def test_nine_kinds_of_email_each_extend_the_one_layout():
    assert len(KINDS) == 9
    for kind in KINDS:
        source = (EMAILS / f"{kind}.html").read_text()
        assert source.startswith('{% extends "email/_layout.html" %}'), kind
        # Markup and styles live in the layout and its macros, never copied into an email.
        assert "<html" not in source and "style=" not in source and "<table" not in source, kind


def test_an_email_without_its_html_part_is_refused_when_queued(app, users, tmp_path, monkeypatch):
    (tmp_path / "email").mkdir()
    (tmp_path / "email" / "only_text.txt").write_text("Hello")
    loader = app.jinja_loader
    monkeypatch.setattr(loader, "searchpath", [*loader.searchpath, str(tmp_path)])
    with app.test_request_context(), pytest.raises(Exception, match="only_text.html"):
        delivery.queue_email(users["partner"], "only_text", "Subject")


def test_the_receipt_in_html_marks_each_text_with_its_language(
    sent_mail,
    submitted,  # noqa: F811
):
    member = submitted["member"]
    [email] = [m for m in sent_mail() if m["To"] == member.email]
    html = html_part(email, "fr")
    assert "Bonjour Amal Haddad," in html
    # Each comment and answer in a block that says its language and reads in its direction.
    assert '<div dir="auto" lang="fr"' in html
    french = html.index(FRENCH_COMMENT)
    assert html.rindex('lang="', 0, french) == html.rindex('lang="fr"', 0, french)
    spanish = html.index(SPANISH_ANSWER)
    assert html.rindex('lang="', 0, spanish) == html.rindex('lang="es"', 0, spanish)


def test_a_name_written_as_markup_is_printed_as_text(client, db, sent_mail, users):
    users["partner"].name = '<script>alert("x")</script> & Co'
    db.session.commit()
    client.post("/reset", data={"email": users["partner"].email})
    [email] = [m for m in sent_mail() if m["To"] == users["partner"].email]
    html = html_part(email, users["partner"].locale or "en")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co" in html
    # The text part keeps the name as it was typed.
    assert '<script>alert("x")</script> & Co' in email.get_body(("plain",)).get_content()
