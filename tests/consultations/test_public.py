"""Reading consultations in the reader's language, with stable paragraph anchors."""

from datetime import timedelta

from app.models.common import utcnow
from tests.helpers import make_consultation


def test_home_lists_open_upcoming_and_closed(client, db):
    make_consultation("open-one")
    upcoming = make_consultation("later-one")
    upcoming.opens_at = utcnow() + timedelta(days=5)
    closed = make_consultation("done-one")
    closed.closes_at = utcnow() - timedelta(minutes=1)
    make_consultation("hidden-draft", status="draft")
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    open_part, rest = page.split("Upcoming", 1)
    assert "Draft open-one" in open_part
    assert "Draft later-one" in rest.split("Closed", 1)[0]
    assert "Draft done-one" in rest.split("Closed", 1)[1]
    assert "hidden-draft" not in page


def test_deadline_is_decided_on_the_server(db):
    consultation = make_consultation()
    consultation.closes_at = utcnow() - timedelta(seconds=1)
    assert consultation.phase() == "closed"


def test_paragraphs_have_stable_anchors(client):
    consultation = make_consultation(
        texts={
            "1": {"en": "One."},
            "12": {"en": "Twelve."},
            "3.1": {"en": "Three point one."},
        }
    )
    page = client.get(f"/consultations/{consultation.slug}").get_data(as_text=True)
    assert 'id="p1"' in page and 'id="p12"' in page and 'id="p3-1"' in page
    assert 'href="#p12"' in page


def test_language_follows_accept_language_then_menu_then_profile(client, auth, users, db):
    consultation = make_consultation()
    url = f"/consultations/{consultation.slug}"
    assert '<html lang="es">' in client.get(url, headers={"Accept-Language": "es"}).get_data(
        as_text=True
    )
    client.post("/language", data={"lang": "fr", "next": url})
    page = client.get(url, headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert '<html lang="fr">' in page
    users["council"].locale = "es"
    db.session.commit()
    # Signing in from a page shown in French makes French the person's language...
    auth.login("council@example.org")
    assert users["council"].locale == "fr"
    # ...which then wins over what the browser asks for.
    page = client.get(url, headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert '<html lang="fr">' in page


def test_language_menu_saves_a_signed_in_users_preference(client, auth, users):
    auth.login("council@example.org")
    client.post("/language", data={"lang": "fr", "next": "/"})
    assert users["council"].locale == "fr"


def test_deadline_is_shown_in_the_users_time_zone(client, auth, users, db):
    consultation = make_consultation()
    consultation.closes_at = consultation.closes_at.replace(hour=23, minute=30)
    users["council"].timezone = "Asia/Tokyo"
    db.session.commit()
    auth.login("council@example.org")
    page = client.get(f"/consultations/{consultation.slug}").get_data(as_text=True)
    assert "08:30" in page or "8:30" in page
    assert "Asia/Tokyo" in page


def test_text_from_the_draft_is_escaped(client, db):
    consultation = make_consultation(
        texts={
            "1": {"en": "<script>alert(1)</script>"},
            "2": {"en": "Two."},
            "3": {"en": "Three."},
        }
    )
    page = client.get(f"/consultations/{consultation.slug}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_drafts_blank_lines_and_line_breaks_show_as_paragraphs_and_breaks(client, db):
    consultation = make_consultation(
        texts={
            "1": {"en": "Cities & regions:\r\n<a> first line\nsecond line\n\n  \n\nA new block."},
            "2": {"en": "Two."},
            "3": {"en": "Three."},
        }
    )
    page = client.get(f"/consultations/{consultation.slug}").get_data(as_text=True)
    assert (
        "<p>Cities &amp; regions:<br>&lt;a&gt; first line<br>second line</p><p>A new block.</p>"
        in page
    )


def test_pages_forbid_inline_scripts_and_styles(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "<script>" not in response.get_data(as_text=True)
    assert "style=" not in response.get_data(as_text=True)
