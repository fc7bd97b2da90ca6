"""A partner, in Spanish and with the keyboard only, comments on three paragraphs and submits."""

import pytest

from tests.e2e.keyboard import press_enter_and_wait, tab_to

pytestmark = pytest.mark.e2e

SLUG = "pact-for-the-future-opportunities"


def test_partner_answers_in_spanish_with_the_keyboard(live_server, browser, assert_accessible):
    context = browser.new_context(locale="es-ES")
    page = context.new_page()
    page.goto(f"{live_server}/login")
    assert page.locator("html").get_attribute("lang") == "es"
    assert_accessible(page)

    tab_to(page, "#email")
    page.keyboard.type("partner@righttothecity.example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("demo-password-2026")
    press_enter_and_wait(page)

    tab_to(page, "a[href='/my-consultations']")
    press_enter_and_wait(page)
    assert_accessible(page)
    tab_to(page, f"a[href='/consultations/{SLUG}/respond']")
    press_enter_and_wait(page)
    assert_accessible(page)
    tab_to(page, f"a[href='/consultations/{SLUG}/respond/sections/0']")
    press_enter_and_wait(page)
    assert_accessible(page)

    paragraph_ids = page.eval_on_selector_all(
        "fieldset.paragraph-feedback textarea[name^=comment-]",
        "nodes => nodes.map(n => n.name.split('-')[1])",
    )[:3]
    comments = [
        "Apoyamos este párrafo sin reservas.",
        "Proponemos mencionar a la infancia de forma explícita.",
        "No compartimos este enfoque, que olvida a las zonas rurales.",
    ]
    for pid, comment, arrows in zip(paragraph_ids, comments, [0, 1, 2], strict=True):
        tab_to(page, f"#stance-{pid}-support")
        page.keyboard.press("Space")
        for _ in range(arrows):  # support → amend → oppose
            page.keyboard.press("ArrowRight")
        tab_to(page, f"#comment-{pid}")
        page.keyboard.type(comment)
    tab_to(page, f"#amendment-{paragraph_ids[1]}")
    page.keyboard.press("Control+End")
    page.keyboard.type(" Incluida la infancia.")
    tab_to(page, "button[name=next][value='0']")
    press_enter_and_wait(page)
    assert page.locator(".alert-success").count() == 1
    assert page.locator(f"#stance-{paragraph_ids[2]}-oppose").is_checked()
    assert "Incluida la infancia." in page.locator(".word-diff ins").first.inner_text()
    assert_accessible(page)

    tab_to(page, f"main a[href='/consultations/{SLUG}/respond']")
    press_enter_and_wait(page)
    tab_to(page, f"a[href='/consultations/{SLUG}/respond/questions']")
    press_enter_and_wait(page)
    radios = page.eval_on_selector_all("fieldset[id^=question-]", "n => n.map(f => f.id)")
    tab_to(page, f"#{radios[0]}-1")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")  # 2 out of 5
    tab_to(page, f"#{radios[1]}-0")
    page.keyboard.press("Space")
    tab_to(page, "form[data-autosave] button[type=submit]")
    press_enter_and_wait(page)
    assert_accessible(page)

    tab_to(page, f"a[href='/consultations/{SLUG}/respond/review']")
    press_enter_and_wait(page)
    assert "Apoyamos este párrafo sin reservas." in page.content()
    assert_accessible(page)
    tab_to(page, "form[action$='/respond/submit'] button[type=submit]")
    press_enter_and_wait(page)
    assert page.url.endswith("/respond/receipt")
    assert page.locator("html").get_attribute("lang") == "es"
    assert "No compartimos este enfoque" in page.content()
    assert_accessible(page)
    context.close()
