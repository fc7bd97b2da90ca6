"""Text fields refuse NUL and other control characters with a field error, keeping the text."""

import sqlalchemy as sa

from app.models import Submission
from tests.helpers import make_consultation

REFUSED = "invisible control character (such as NUL)"


def test_a_nul_in_a_consultation_title_is_a_field_error_and_nothing_changes(
    client, auth, users, db
):
    consultation = make_consultation()
    auth.login(users["staff"].email)

    response = client.post(
        f"/staff/consultations/{consultation.slug}/details",
        data={"title_en": "Culture\x00 first", "summary_en": "Why\r\n\tculture."},
    )

    page = response.get_data(as_text=True)
    assert REFUSED in page
    assert f"Title (English): This text contains an {REFUSED}" in page
    assert "Summary (English):" not in page  # its tab and line ends are text
    db.session.refresh(consultation)
    assert consultation.title == {"en": "Draft culture-2026"}


def test_escape_sequences_in_a_single_line_field_are_refused(client, auth, users):
    auth.login(users["staff"].email)
    response = client.post(
        "/staff/organisations/new",
        data={"name": "Cities\x1b[31m Alliance", "kind": "ngo", "region": "europe"},
    )
    assert REFUSED in response.get_data(as_text=True)


def post_comment(client, auth, users, organisation, invite, comment: str):
    """A partner of an invited organisation posts one comment on the first paragraph."""
    consultation = make_consultation()
    invite(consultation, organisation)
    paragraph = consultation.current_version.paragraphs[0]
    auth.login(users["partner"].email)
    return client.post(
        f"/consultations/{consultation.slug}/respond/sections/0",
        data={
            "lock_version": "0",
            f"stance-{paragraph.id}": "amend",
            f"comment-{paragraph.id}": comment,
        },
    )


def test_a_partners_comment_with_a_nul_is_refused_and_kept_on_the_page(
    client, auth, users, db, organisation, invite
):
    response = post_comment(client, auth, users, organisation, invite, "Add\x00 children")

    assert response.status_code == 422
    assert REFUSED in response.get_data(as_text=True)
    assert "children" in response.get_data(as_text=True)  # what was typed stays on the form
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Submission)) == 0


def test_tabs_and_line_breaks_in_a_comment_are_saved(client, auth, users, db, organisation, invite):
    response = post_comment(
        client, auth, users, organisation, invite, "First:\tchildren.\r\nThen: elders."
    )

    assert response.status_code == 302
    item = db.session.scalar(sa.select(Submission)).items[0]
    assert item.comment == "First:\tchildren.\nThen: elders."
