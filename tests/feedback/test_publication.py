"""Partners choose how their submission may be published; staff publish after the deadline;
the public reads, filters and downloads only what each organisation allowed."""

import csv
import io
import json

import pytest
import sqlalchemy as sa

from app.models import AuditEvent, Organisation, Submission
from app.services.accounts.audit_labels import ACTION_LABELS
from app.services.consultations import lifecycle as consultations
from app.services.feedback import moderation, publication, published, published_files
from app.services.feedback import saving as feedback
from app.services.feedback.saving import ParagraphInput
from tests.conftest import invite_organisations, make_user
from tests.helpers import make_consultation

# A phrase only the organisation that chose "not at all" wrote.
SECRET = "Zyxwvut confidential remark on rural water tariffs"
NAMED = "Named support for culture as a pillar."
ANONYMOUS = "Anonymous doubt about funding for small towns."
FORMULA = '=HYPERLINK("http://evil.example")'


def audit_lines(db, action: str) -> list[AuditEvent]:
    return db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    ).all()


def partner_of(db, name: str, kind: str = "ngo", region: str = "africa", country: str = "KE"):
    organisation = Organisation(name=name, kind=kind, region=region, country=country)
    db.session.add(organisation)
    db.session.commit()
    slug = name.lower().replace(" ", "")
    return make_user(db, f"member@{slug}.example.org", "partner", organisation, name="Ada Member")


def draft(db, member, consultation, comment: str, stance="support", language="en", number=0):
    """The member's organisation saves feedback on a paragraph, as the section page does."""
    invite_organisations(db, consultation, member.organisation)
    paragraph = consultation.current_version.paragraphs[number]
    result = feedback.save_paragraphs(
        member,
        consultation,
        [ParagraphInput(paragraph.id, stance, comment, "", language)],
        0,
    )
    return feedback.save_answers(
        member,
        consultation,
        {consultation.questions[0].id: "4"},
        "",
        result.submission.lock_version,
    ).submission


def submit_through_the_page(client, auth, member, consultation, choice: str | None):
    """Sign in as the member, open the review page and submit with `choice` ticked."""
    auth.logout()
    auth.login(member.email)
    page = client.get(f"/consultations/{consultation.slug}/respond/review")
    assert page.status_code == 200
    submission = feedback.submission_of(consultation, member.organisation_id)
    data = {"lock_version": str(submission.lock_version)}
    if choice:
        data["publication"] = choice
    response = client.post(f"/consultations/{consultation.slug}/respond/submit", data=data)
    assert response.status_code == 302 and response.location.endswith("/respond/receipt")
    return page.get_data(as_text=True)


def close_and_publish(client, auth, consultation):
    auth.logout()
    auth.login("staff@example.org")
    closing = client.post(
        f"/staff/consultations/{consultation.slug}/close", data={"confirmed": "yes"}
    )
    assert closing.status_code == 302
    published = client.post(
        f"/staff/consultations/{consultation.slug}/feedback/publish", data={"confirmed": "yes"}
    )
    assert published.status_code == 302
    auth.logout()


@pytest.fixture
def answered(db, client, auth, users):
    """Four organisations submitted through the page: one by name, two anonymously (one of
    them with a formula-like comment), one not at all."""
    consultation = make_consultation(slug="water-2026")
    named = partner_of(db, "Cities Alliance", kind="lrg_network", region="europe", country="BE")
    anonymous = partner_of(db, "Quiet Foundation", kind="ngo", region="africa", country="KE")
    formula = partner_of(db, "Second Quiet Fund", kind="ngo", region="africa", country="GH")
    hidden = partner_of(db, "Private Water Trust", kind="ngo", region="africa", country="NG")
    draft(db, named, consultation, NAMED, "support", "en")
    draft(db, anonymous, consultation, ANONYMOUS, "oppose", "fr")
    draft(db, formula, consultation, FORMULA, "amend", "en", number=1)
    draft(db, hidden, consultation, SECRET, "oppose", "en")
    submit_through_the_page(client, auth, named, consultation, "named")
    submit_through_the_page(client, auth, anonymous, consultation, "anonymous")
    submit_through_the_page(client, auth, formula, consultation, "anonymous")
    submit_through_the_page(client, auth, hidden, consultation, "none")
    auth.logout()
    return consultation, {"named": named, "anonymous": anonymous, "formula": formula,
                          "hidden": hidden}  # fmt: skip


def test_the_submit_form_offers_the_default_staff_chose_and_records_the_partners_choice(
    db, client, auth, users
):
    consultation = make_consultation()
    member = partner_of(db, "Cities Alliance")
    draft(db, member, consultation, NAMED)
    auth.login("staff@example.org")
    saved = client.post(
        f"/staff/consultations/{consultation.slug}/details",
        data={"title_en": "Draft culture-2026", "council": "", "publication_default": "anonymous"},
    )
    assert saved.status_code == 302
    [line] = audit_lines(db, "consultation.updated")
    assert line.details["changes"]["publication_default"] == ["none", "anonymous"]

    page = submit_through_the_page(client, auth, member, consultation, "named")

    offered = 'id="publication-anonymous" value="anonymous"'
    assert f'{offered} aria-describedby="publication-anonymous-hint" checked' in page
    assert "With the name of Cities Alliance" in page
    submission = feedback.submission_of(consultation, member.organisation_id)
    assert submission.publication == "named"
    [sent] = audit_lines(db, "submission.submitted")
    assert sent.details["publication"] == "named"
    receipt = client.get(f"/consultations/{consultation.slug}/respond/receipt")
    assert 'value="named" aria-describedby="publication-named-hint" checked' in receipt.get_data(
        as_text=True
    )


def test_a_choice_that_is_not_offered_is_refused_and_nothing_is_submitted(db, client, auth, users):
    consultation = make_consultation()
    member = partner_of(db, "Cities Alliance")
    submission = draft(db, member, consultation, NAMED)
    auth.login(member.email)

    response = client.post(
        f"/consultations/{consultation.slug}/respond/submit",
        data={"lock_version": str(submission.lock_version), "publication": "everywhere"},
        follow_redirects=True,
    )

    assert "Choose how your submission may be published." in response.get_data(as_text=True)
    assert feedback.submission_of(consultation, member.organisation_id).status == "draft"


def test_the_choice_changes_until_publication_each_change_audited_then_is_refused(
    db, client, auth, users, answered
):
    consultation, members = answered
    member = members["named"]
    auth.login("staff@example.org")
    client.post(f"/staff/consultations/{consultation.slug}/close", data={"confirmed": "yes"})
    auth.logout()
    auth.login(member.email)

    # After the deadline, before publication: the receipt page still changes it.
    changed = client.post(
        f"/consultations/{consultation.slug}/respond/publication",
        data={"publication": "anonymous"},
        follow_redirects=True,
    )

    assert "Your choice of publication is saved." in changed.get_data(as_text=True)
    submission = feedback.submission_of(consultation, member.organisation_id)
    assert submission.publication == "anonymous" and submission.status == "submitted"
    [line] = [
        e for e in audit_lines(db, "submission.publication_changed") if e.object_id == submission.id
    ]
    assert line.actor_id == member.id
    assert (line.details["before"], line.details["after"]) == ("named", "anonymous")
    assert "submission.publication_changed" in ACTION_LABELS
    auth.logout()
    auth.login("staff@example.org")
    trail = client.get("/staff/audit?action=submission.publication_changed").get_data(as_text=True)
    assert "Publication choice changed" in trail

    close_and_publish(client, auth, consultation)
    auth.login(member.email)
    refused = client.post(
        f"/consultations/{consultation.slug}/respond/publication",
        data={"publication": "none"},
        follow_redirects=True,
    )

    page = refused.get_data(as_text=True)
    assert "already published" in page and "secretariat@agora.example.org" in page
    assert 'name="publication"' not in page  # the receipt shows the choice, no longer a form
    assert feedback.submission_of(consultation, member.organisation_id).publication == "anonymous"


def test_publishing_before_the_deadline_is_refused_with_the_reason(
    db, client, auth, users, answered
):
    consultation, _members = answered
    auth.login("staff@example.org")
    manage = client.get(f"/staff/consultations/{consultation.slug}").get_data(as_text=True)
    assert "The feedback can be published once the consultation has closed" in manage

    response = client.post(
        f"/staff/consultations/{consultation.slug}/feedback/publish",
        data={"confirmed": "yes"},
        follow_redirects=True,
    )

    page = response.get_data(as_text=True)
    assert "can be published only once the consultation has closed" in page
    assert audit_lines(db, "feedback.published") == []
    preview = client.get(f"/consultations/{consultation.slug}/feedback").get_data(as_text=True)
    assert "Preview for the secretariat" in preview and NAMED in preview
    assert SECRET not in preview
    auth.logout()
    assert client.get(f"/consultations/{consultation.slug}/feedback").status_code == 404


def test_staff_confirm_before_publishing_and_can_withdraw_the_publication(
    db, client, auth, users, answered
):
    consultation, _members = answered
    auth.login("staff@example.org")
    client.post(f"/staff/consultations/{consultation.slug}/close", data={"confirmed": "yes"})
    url = f"/staff/consultations/{consultation.slug}/feedback/publish"

    asked = client.post(url).get_data(as_text=True)

    assert "Publish the feedback on “Draft water-2026”?" in asked
    assert "1 submission will be published with its organisation" in asked
    assert "2 submissions will be published without their organisation" in asked
    assert "1 submission will not be published, as its organisation chose." in asked
    assert audit_lines(db, "feedback.published") == []

    done = client.post(url, data={"confirmed": "yes"}, follow_redirects=True)

    assert "The feedback is published." in done.get_data(as_text=True)
    [line] = audit_lines(db, "feedback.published")
    assert (line.details["named"], line.details["anonymous"], line.details["unpublished"]) == (
        1,
        2,
        1,
    )
    auth.logout()
    public = client.get(f"/consultations/{consultation.slug}")
    assert f"/consultations/{consultation.slug}/feedback" in public.get_data(as_text=True)
    assert client.get(f"/consultations/{consultation.slug}/feedback").status_code == 200

    auth.login("staff@example.org")
    client.post(f"/staff/consultations/{consultation.slug}/feedback/unpublish")
    auth.logout()

    assert len(audit_lines(db, "feedback.unpublished")) == 1
    for path in ("/feedback", "/feedback.csv"):
        assert client.get(f"/consultations/{consultation.slug}{path}").status_code == 404
    assert client.get(f"/api/v1/consultations/{consultation.slug}/feedback").status_code == 404


def test_the_public_page_lists_published_feedback_by_paragraph_with_filters(
    db, client, auth, users, answered
):
    consultation, _members = answered
    close_and_publish(client, auth, consultation)
    url = f"/consultations/{consultation.slug}/feedback"

    page = client.get(url).get_data(as_text=True)

    assert NAMED in page and ANONYMOUS in page and "HYPERLINK" in page
    assert "Cities Alliance" in page
    assert page.index("Paragraph 1") < page.index(NAMED) < page.index("Paragraph 2")
    assert "1 submission not published, as its organisation chose" in page
    assert f'lang="fr">{ANONYMOUS}' in page.replace("<p>", "")
    opposed = client.get(url, query_string={"stance": "oppose"}).get_data(as_text=True)
    assert ANONYMOUS in opposed and NAMED not in opposed
    french = client.get(url, query_string={"language": "fr"}).get_data(as_text=True)
    assert ANONYMOUS in french and NAMED not in french
    networks = client.get(url, query_string={"kind": "lrg_network"}).get_data(as_text=True)
    assert NAMED in networks and ANONYMOUS not in networks
    europe = client.get(url, query_string={"region": "europe"}).get_data(as_text=True)
    assert NAMED in europe and ANONYMOUS not in europe
    nonsense = client.get(url, query_string={"stance": "<b>", "page": "999999999999"})
    assert nonsense.status_code == 200 and NAMED in nonsense.get_data(as_text=True)


def test_the_public_csv_and_json_hold_the_same_feedback_safely(db, client, auth, users, answered):
    consultation, _members = answered
    close_and_publish(client, auth, consultation)
    base = f"/consultations/{consultation.slug}/feedback"

    raw = client.get(base + ".csv")
    rows = list(csv.DictReader(io.StringIO(raw.get_data(as_text=True).lstrip("\ufeff"))))
    data = client.get(f"/api/v1/consultations/{consultation.slug}/feedback").get_json()

    assert raw.headers["Content-Disposition"].startswith("attachment")
    assert {r["comment"] for r in rows} == {NAMED, ANONYMOUS, "'" + FORMULA}
    assert {e["comment"] for e in data["feedback"]} == {NAMED, ANONYMOUS, FORMULA}
    assert data["submissions"] == {"named": 1, "anonymous": 2, "unpublished": 1}
    named = next(e for e in data["feedback"] if e["comment"] == NAMED)
    assert named["organisation"] == "Cities Alliance" and named["country"] == "BE"
    assert (named["paragraph"], named["stance"], named["language"]) == ("1", "support", "en")
    anonymous = next(e for e in data["feedback"] if e["comment"] == ANONYMOUS)
    assert anonymous["published_as"] == "anonymous" and anonymous["organisation"] is None
    filtered = client.get(
        f"/api/v1/consultations/{consultation.slug}/feedback", query_string={"stance": "oppose"}
    ).get_json()
    assert [e["comment"] for e in filtered["feedback"]] == [ANONYMOUS]
    assert filtered["filters"] == {"stance": "oppose"}
    only_fr = list(csv.DictReader(io.StringIO(
        client.get(base + ".csv?language=fr").get_data(as_text=True).lstrip("\ufeff")
    )))  # fmt: skip
    assert [r["comment"] for r in only_fr] == [ANONYMOUS]


def test_anonymous_feedback_shows_no_name_and_kind_region_only_when_shared(
    app, db, client, auth, users, answered
):
    consultation, members = answered
    close_and_publish(client, auth, consultation)
    anonymous_names = ["Quiet Foundation", "Second Quiet Fund", "KE", "GH"]
    people = [m.name for m in members.values()] + [m.email for m in members.values()]

    page = client.get(f"/consultations/{consultation.slug}/feedback").get_data(as_text=True)
    download = client.get(f"/consultations/{consultation.slug}/feedback.csv")
    assert download.headers["Content-Type"] == "text/csv; charset=utf-8"
    files = download.get_data(as_text=True)
    answer = client.get(f"/api/v1/consultations/{consultation.slug}/feedback").get_data(
        as_text=True
    )

    for text in (page, files, answer):
        assert "Anonymous" in text or "anonymous" in text
        assert not [n for n in anonymous_names + people if n in text]
    # Three NGOs in Africa are not named (two anonymous, one unpublished): that many may show.
    entries = json.loads(answer)["feedback"]
    anonymous = next(e for e in entries if e["comment"] == ANONYMOUS)
    assert (anonymous["organisation_kind"], anonymous["region"]) == ("ngo", "africa")
    assert "NGO · Africa" in page

    app.config["PUBLICATION_ANONYMITY_MINIMUM"] = 4
    entries = client.get(f"/api/v1/consultations/{consultation.slug}/feedback").get_json()
    anonymous = next(e for e in entries["feedback"] if e["comment"] == ANONYMOUS)
    assert anonymous["organisation_kind"] is None and anonymous["region"] is None
    # A filter on what is not shown must not disclose it.
    africa = client.get(
        f"/consultations/{consultation.slug}/feedback", query_string={"region": "africa"}
    ).get_data(as_text=True)
    assert ANONYMOUS not in africa


def test_a_text_moderation_hid_is_not_published(db, client, auth, users, answered):
    consultation, members = answered
    submission = feedback.submission_of(consultation, members["anonymous"].organisation_id)
    item = submission.items[0]
    moderation.hide(users["staff"], consultation, submission, "comment", item.id, "abuse")
    close_and_publish(client, auth, consultation)

    page = client.get(f"/consultations/{consultation.slug}/feedback").get_data(as_text=True)
    data = client.get(f"/api/v1/consultations/{consultation.slug}/feedback").get_json()

    assert ANONYMOUS not in page and ANONYMOUS not in json.dumps(data, ensure_ascii=False)
    # The stance stays, as in exports: the text alone was hidden.
    assert "oppose" in [e["stance"] for e in data["feedback"] if e["comment"] == ""]


def test_submissions_received_before_anyone_was_asked_are_not_published(db, client, auth, users):
    consultation = make_consultation()
    member = partner_of(db, "Cities Alliance")
    submission = draft(db, member, consultation, NAMED)
    db.session.execute(
        sa.update(Submission)
        .where(Submission.id == submission.id)
        .values(status="submitted", submitted_at=sa.func.now())
    )
    db.session.commit()
    close_and_publish(client, auth, consultation)

    page = client.get(f"/consultations/{consultation.slug}/feedback").get_data(as_text=True)

    assert NAMED not in page and "1 submission not published" in page


def public_answers(app, client, values: dict[str, str]) -> dict[str, str]:
    """Every GET route of the app as this client gets it, by path, with the published feedback
    in each format and filter too."""
    from tests.accounts.route_world import path_for, routes

    bodies = {}
    for rule, method in routes(app):
        if method != "GET" or rule.endpoint == "static":
            continue
        path = path_for(rule, values)
        bodies[path] = client.get(path).get_data().decode("utf-8", "replace")
    slug = values["slug"]
    for query in ("", "?stance=oppose", "?language=en", "?kind=ngo", "?region=africa", "?page=2"):
        for path in (f"/consultations/{slug}/feedback", f"/consultations/{slug}/feedback.csv",
                     f"/api/v1/consultations/{slug}/feedback"):  # fmt: skip
            bodies[path + query] = client.get(path + query).get_data(as_text=True)
    return bodies


def test_words_of_an_organisation_that_chose_not_at_all_are_in_no_public_answer(
    app, db, client, auth, users, answered
):
    from tests.factories import computed_synthesis

    consultation, members = answered
    hidden = feedback.submission_of(consultation, members["hidden"].organisation_id)
    synthesis = computed_synthesis(db, users["staff"], consultation)
    assert SECRET in json.dumps(synthesis.result, ensure_ascii=False)  # it is quoted there
    # Released to everyone before the organisation chose "not at all", decisions published.
    synthesis.released_to, synthesis.released_at = "public", synthesis.finished_at
    synthesis.decisions_published_at = synthesis.finished_at
    db.session.commit()
    close_and_publish(client, auth, consultation)
    values = {
        "slug": consultation.slug, "number": "1", "paragraph": "1", "position": "0",
        "submission_id": str(hidden.id), "question_id": str(consultation.questions[0].id),
        "organisation_id": str(members["hidden"].organisation_id), "user_id": "1",
        "token_id": "1", "message_id": "1", "moderation_id": "1", "public_id": "a" * 32,
        "language": "fr", "token": "no-such-token", "filename": "css/app.css",
        "file_format": "csv", "key": "a" * 40, "attachment_id": "1",
    }  # fmt: skip

    for who in (None, users["visitor"].email):
        if who:
            auth.login(who)
        bodies = public_answers(app, client, values)
        published_page = bodies[f"/consultations/{consultation.slug}/feedback"]
        assert NAMED in published_page  # the crawl reached the published feedback
        leaked = [path for path, body in bodies.items() if SECRET in body]
        assert leaked == [], f"{who or 'anonymous'} read the words at {leaked}"
        assert not [p for p, b in bodies.items() if "Private Water Trust" in b]
        auth.logout()
    # The Council still reads them: they were kept from the public, not lost.
    auth.login("council@example.org")
    url = f"/api/v1/consultations/{consultation.slug}/syntheses/1"
    assert SECRET in client.get(url).get_data(as_text=True)


def test_a_synthesis_naming_organisations_that_did_not_allow_it_is_not_released_to_everyone(
    db, client, auth, users, answered
):
    from tests.factories import computed_synthesis

    consultation, members = answered
    synthesis = computed_synthesis(db, users["staff"], consultation)
    auth.login("staff@example.org")

    response = client.post(
        f"/staff/consultations/{consultation.slug}/syntheses/1/release",
        data={"audience": "public", "confirmed": "yes"},
        follow_redirects=True,
    )

    assert "cannot be published to everyone" in response.get_data(as_text=True)
    db.session.refresh(synthesis)
    assert synthesis.released_to != "public"


def test_a_partner_narrowing_their_choice_takes_a_public_synthesis_back_from_the_public(
    db, client, auth, users
):
    from app.services.synthesis import runs
    from tests.factories import answered_consultation, computed_synthesis

    consultation = answered_consultation(db)  # six organisations, all published by name
    synthesis = computed_synthesis(db, users["staff"], consultation)
    runs.release(users["staff"], synthesis, "public")
    url = f"/api/v1/consultations/{consultation.slug}/syntheses/1"
    assert client.get(url).status_code == 200
    auth.login("m0@org.example.org")

    client.post(
        f"/consultations/{consultation.slug}/respond/publication", data={"publication": "anonymous"}
    )

    auth.logout()
    assert client.get(url).status_code == 404
    assert client.get(f"/council/{consultation.slug}/syntheses/1").status_code == 404
    auth.login("council@example.org")
    assert client.get(url).status_code == 200
    auth.logout()
    auth.login("staff@example.org")
    page = client.get(f"/staff/consultations/{consultation.slug}/syntheses").get_data(as_text=True)
    assert "Never public: it quotes and names organisations" in page


def test_staff_see_each_organisations_choice_on_the_responses_page(
    db, client, auth, users, answered
):
    consultation, _members = answered
    auth.login("staff@example.org")

    page = client.get(f"/staff/consultations/{consultation.slug}/responses").get_data(as_text=True)

    assert page.count("Published without the organisation&#39;s name") == 2
    assert page.count("Published with the organisation&#39;s name") == 1
    assert page.count("<td>Not published</td>") == 1


def test_published_files_are_written_after_the_requests_session_has_ended(
    app, db, client, auth, users, answered
):
    """The files stream after the request's teardown has ended its session (as on a real
    server, where the request has its own application context): what they read of the
    draft must already be loaded."""
    consultation, _ = answered
    close_and_publish(client, auth, consultation)
    slug = consultation.slug
    db.session.expunge_all()
    item = consultations.get_by_slug(slug)
    filters = published.PublicFilters()
    counts = publication.counts(None, item)
    files = [published_files.csv_chunks(item, published.entries(None, item, filters))]
    files.append(
        published_files.json_chunks(item, filters, counts, published.entries(None, item, filters))
    )
    db.session.remove()

    table, document = ("".join(chunks) for chunks in files)

    rows = list(csv.DictReader(io.StringIO(table.lstrip("\ufeff"))))
    assert {r["comment"] for r in rows} >= {NAMED, ANONYMOUS}
    assert all(r["version"] == "1" and r["section"] for r in rows if r["paragraph"])
    entries = json.loads(document)["feedback"]
    assert {e["comment"] for e in entries} >= {NAMED, ANONYMOUS}
