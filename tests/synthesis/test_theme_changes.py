"""Staff rename, merge and split themes; themes keep their numbers and names across syntheses."""

import sqlalchemy as sa

from app.models import AuditEvent, ConsultationTheme, Synthesis
from app.services.synthesis import schema, theme_register
from tests.factories import answered_consultation, computed_synthesis
from tests.helpers import make_consultation


def themes_of(db, synthesis_id: int) -> list[schema.Theme]:
    db.session.expire_all()
    return schema.result_of(db.session.get(Synthesis, synthesis_id)).themes


def actions(db) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def url(consultation, synthesis, theme: int, action: str) -> str:
    base = f"/council/{consultation.slug}/syntheses/{synthesis.number}/themes"
    return f"{base}/{theme}/{action}"


def test_staff_split_merge_and_rename_a_theme_and_each_change_is_audited(client, auth, users, db):
    consultation = answered_consultation(db)
    synthesis = computed_synthesis(db, users["staff"], consultation)
    found = themes_of(db, synthesis.id)
    assert found and all(t.number is not None for t in found)
    biggest = found[0]
    auth.login(users["staff"].email)
    page = client.get(f"/council/{consultation.slug}/syntheses/1/themes").get_data(as_text=True)
    assert f"Change theme {biggest.number}" in page and 'id="theme-counts"' in page

    response = client.post(url(consultation, synthesis, biggest.number, "split"), data={})
    assert response.status_code == 302
    after_split = themes_of(db, synthesis.id)
    assert len(after_split) == len(found) + 1
    new = max(t.number for t in after_split)
    assert {t.number for t in after_split if t.origin == "split"} == {biggest.number, new}

    response = client.post(
        url(consultation, synthesis, new, "merge"), data={f"t{new}-merge-into": biggest.number}
    )
    assert response.status_code == 302
    merged = themes_of(db, synthesis.id)
    assert len(merged) == len(found)
    whole = next(t for t in merged if t.number == biggest.number)
    assert sorted(whole.feedback_ids) == sorted(biggest.feedback_ids)

    prefix = f"t{biggest.number}-rename"
    response = client.post(
        url(consultation, synthesis, biggest.number, "rename"),
        data={f"{prefix}-name_en": "Culture budgets", f"{prefix}-name_fr": "Budgets culturels"},
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Culture budgets" in page and "Named by the secretariat." in page
    renamed = next(t for t in themes_of(db, synthesis.id) if t.number == biggest.number)
    assert renamed.label == {"en": "Culture budgets", "fr": "Budgets culturels",
                             "es": "Culture budgets"}  # fmt: skip
    assert actions(db)[-3:] == ["theme.split", "theme.merged", "theme.renamed"]

    # Compiled again: the same comments, the same number and the name staff gave.
    again = computed_synthesis(db, users["staff"], consultation)
    kept = [t for t in themes_of(db, again.id) if t.number == biggest.number]
    assert kept and kept[0].label["en"] == "Culture budgets" and kept[0].named_by_staff


def test_a_rename_without_any_name_is_refused_and_keeps_the_page(client, auth, users, db):
    consultation = answered_consultation(db)
    synthesis = computed_synthesis(db, users["staff"], consultation)
    number = themes_of(db, synthesis.id)[0].number
    auth.login(users["staff"].email)
    prefix = f"t{number}-rename"
    response = client.post(
        url(consultation, synthesis, number, "rename"),
        data={f"{prefix}-name_en": "   ", f"{prefix}-name_fr": "", f"{prefix}-name_es": ""},
    )
    assert response.status_code == 422
    assert "at least one language" in response.get_data(as_text=True)
    assert "theme.renamed" not in actions(db)


def test_only_staff_change_themes_and_never_without_the_form_token(client, auth, users, db, app):
    consultation = answered_consultation(db)
    synthesis = computed_synthesis(db, users["staff"], consultation)
    synthesis.released_to = "council"
    db.session.commit()
    number = themes_of(db, synthesis.id)[0].number
    target = url(consultation, synthesis, number, "split")
    for role in ("council", "partner"):
        auth.login(users[role].email)
        assert client.post(target, data={}).status_code in (403, 404)
        page = client.get(f"/council/{consultation.slug}/syntheses/1/themes")
        assert "Change theme" not in page.get_data(as_text=True)
        auth.logout()
    app.config["WTF_CSRF_ENABLED"] = True
    auth.login(users["staff"].email)
    assert client.post(target, data={}).status_code == 400  # the form token is missing
    assert not {"theme.split", "theme.merged", "theme.renamed"} & set(actions(db))


def theme(number, ids, label="found") -> schema.Theme:
    return schema.Theme(
        label={"en": label}, size=len(ids), feedback_ids=ids, organisations=[], quotes=[],
        number=number,
    )  # fmt: skip


def test_themes_compiled_again_with_more_feedback_keep_numbers_names_and_staff_merges(db):
    consultation = make_consultation()
    first = theme_register.carry_over(
        consultation, [theme(None, [1, 2, 3, 4]), theme(None, [5, 6, 7]), theme(None, [8, 9])],
        [], None,
    )  # fmt: skip
    numbers = {tuple(t.feedback_ids): t.number for t in first}
    assert sorted(numbers.values()) == [1, 2, 3]
    # Staff renamed the first and merged the third into the second.
    entries = {e.number: e for e in theme_register.entries(consultation.id)}
    entries[numbers[(1, 2, 3, 4)]].name = {"en": "Youth jobs"}
    entries[numbers[(1, 2, 3, 4)]].named_by_staff = True
    second, third = entries[numbers[(5, 6, 7)]], entries[numbers[(8, 9)]]
    second.feedback_ids, second.origin, third.retired = [5, 6, 7, 8, 9], "merged", True
    db.session.commit()

    # More feedback (10-14); the clustering finds the merged themes apart again.
    again = theme_register.carry_over(
        consultation,
        [theme(None, [1, 2, 3, 4, 10]), theme(None, [5, 6, 11]), theme(None, [7, 8, 9, 12]),
         theme(None, [13, 14])],
        [], None,
    )  # fmt: skip
    by_number = {t.number: t for t in again}
    youth = by_number[numbers[(1, 2, 3, 4)]]
    assert youth.label == {"en": "Youth jobs"} and youth.named_by_staff
    assert sorted(by_number[second.number].feedback_ids) == [5, 6, 7, 8, 9, 11, 12]
    assert by_number[second.number].origin == "merged"
    assert sorted(by_number) == [1, 2, 4]  # the new theme takes a new number
    assert db.session.scalar(sa.select(sa.func.count(ConsultationTheme.id))) == 4


def test_a_theme_staff_split_is_split_again_by_the_next_synthesis(client, auth, users, db):
    consultation = answered_consultation(db)
    synthesis = computed_synthesis(db, users["staff"], consultation)
    biggest = themes_of(db, synthesis.id)[0]
    auth.login(users["staff"].email)
    client.post(url(consultation, synthesis, biggest.number, "split"), data={})
    parts = {t.number: sorted(t.feedback_ids) for t in themes_of(db, synthesis.id)}

    # The register splits the same theme, found again, along the staff's parts (the comments'
    # vectors are read then, for the parts' centres).
    again = computed_synthesis(db, users["staff"], consultation)
    found = {t.number: t for t in themes_of(db, again.id)}
    assert {n for n, t in found.items() if t.origin == "split"} == {
        biggest.number,
        max(parts),
    }
    assert {n: sorted(t.feedback_ids) for n, t in found.items()} == parts
