"""After sign-in each role lands on its own area, which the main navigation names."""

import pytest

from app.models import Synthesis
from app.models.common import utcnow
from tests.factories import result_from_rows
from tests.helpers import make_consultation


def counted(consultation, organisations: int) -> dict:
    """A synthesis result in which `organisations` organisations each sent one submission."""
    figures = dict.fromkeys(("by_kind", "by_region", "by_language"), {})
    return result_from_rows(
        consultation,
        [],
        wording="",
        participation={"submissions": organisations, "organisations": organisations, **figures},
        ranking={"consensus": [], "contested": []},
        questions=[],
    )


LANDINGS = {
    "partner": "/my-consultations",
    "council": "/council/",
    "staff": "/staff/",
    "admin": "/staff/",
    "visitor": "/",
}
NAV_ENTRIES = {
    "partner": "My consultations",
    "council": "My syntheses",
    "staff": "Secretariat",
    "admin": "Secretariat",
}


@pytest.mark.parametrize("role", sorted(LANDINGS))
def test_each_role_lands_on_its_own_area_after_sign_in(client, auth, users, role):
    response = auth.login(users[role].email)
    assert response.status_code == 302
    assert response.headers["Location"] == LANDINGS[role]
    page = client.get(LANDINGS[role]).get_data(as_text=True)
    if role in NAV_ENTRIES:
        nav = page.split('<nav aria-label="Main"', 1)[1].split("</nav>", 1)[0]
        assert NAV_ENTRIES[role] in nav


def test_a_safe_next_address_wins_over_the_landing_page(client, users):
    response = client.post(
        "/login?next=/account/",
        data={"email": users["partner"].email, "password": _password()},
    )
    assert response.headers["Location"] == "/account/"


def test_an_address_off_the_site_is_ignored_for_the_landing_page(client, users):
    response = client.post(
        "/login?next=//evil.example/",
        data={"email": users["partner"].email, "password": _password()},
    )
    assert response.headers["Location"] == "/my-consultations"


def test_a_signed_in_person_opening_sign_in_goes_to_their_area(client, auth, users):
    auth.login(users["council"].email)
    assert client.get("/login").headers["Location"] == "/council/"


def test_council_members_see_only_the_syntheses_released_to_them(client, auth, users, db):
    consultation = make_consultation()
    result = counted(consultation, 3)
    db.session.add_all(
        [
            Synthesis(
                consultation=consultation,
                number=1,
                status="done",
                result=result,
                released_to="council",
                released_at=utcnow(),
            ),
            Synthesis(consultation=consultation, number=2, status="done", result=result),
        ]
    )
    db.session.commit()
    auth.login(users["council"].email)
    page = client.get("/council/").get_data(as_text=True)
    assert "Draft culture-2026" in page
    assert f"/council/{consultation.slug}/syntheses/1" in page
    assert f"/council/{consultation.slug}/syntheses/2" not in page
    assert "3 submissions" in page


def test_council_with_nothing_released_is_told_so(client, auth, users):
    auth.login(users["council"].email)
    assert "No synthesis has been released to you yet." in client.get("/council/").get_data(
        as_text=True
    )


def test_only_council_members_have_a_syntheses_area(client, auth, users):
    auth.login(users["partner"].email)
    assert client.get("/council/").status_code == 403
    assert "My syntheses" not in client.get("/my-consultations").get_data(as_text=True)


def _password() -> str:
    from tests.conftest import PASSWORD

    return PASSWORD


def test_my_consultations_names_the_next_step_for_each_consultation(
    client, auth, users, db, organisation, invite
):
    from tests.feedback.test_feedback_pages import section_form

    consultation = make_consultation()
    invite(consultation, organisation)
    auth.login(users["partner"].email)
    page = client.get("/my-consultations").get_data(as_text=True)
    assert "Next step" in page and "Start your answer" in page
    first = consultation.current_version.paragraphs[0]
    client.post(
        f"/consultations/{consultation.slug}/respond/sections/0",
        data=section_form(consultation, **{f"stance-{first.id}": "support"}),
    )
    page = client.get("/my-consultations").get_data(as_text=True)
    assert "Continue your answer" in page and "Start your answer" not in page


def test_the_councils_name_is_read_in_the_readers_language(client):
    from flask_babel import force_locale

    from app.i18n import council_name

    name = "Policy Council on Opportunities for All, Culture and City Diplomacy"
    with force_locale("fr"):
        assert council_name(name) == (
            "Conseil politique sur les opportunités pour toutes et tous, la culture"
            " et la diplomatie des villes"
        )
    with force_locale("es"):
        assert council_name(name) == (
            "Consejo Político sobre Oportunidades para Todos, Cultura y Diplomacia de las Ciudades"
        )
    assert council_name("A council staff typed") == "A council staff typed"


def test_the_consultation_page_shows_its_stages_and_once_public_who_took_part(client, db):
    consultation = make_consultation()
    page = client.get(f"/consultations/{consultation.slug}").get_data(as_text=True)
    assert "Open for comment" in page and "Comments close" in page
    assert "Synthesis of the feedback published" in page
    assert 'aria-current="step"' in page and "took part" not in page
    db.session.add(
        Synthesis(
            consultation=consultation,
            number=1,
            status="done",
            result=counted(consultation, 3),
            released_to="public",
            released_at=utcnow(),
        )
    )
    db.session.commit()
    page = client.get(f"/consultations/{consultation.slug}").get_data(as_text=True)
    assert "3 organisations took part · 3 submissions" in page
