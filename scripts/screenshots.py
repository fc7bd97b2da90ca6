"""Regenerate the README screenshots: `PYTHONPATH=. .venv/bin/python scripts/screenshots.py`.

The main pages in English, French and Spanish, each person signed in as the demo accounts
are; the synthesis report's page (synthesis-report-fr.png) is made with the report tests.
"""

import tempfile
import threading
from pathlib import Path

import pyotp
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from app.services import demo

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
SLUG = "pact-for-the-future-opportunities"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCALES = {"en": "en-GB", "fr": "fr-FR", "es": "es-ES"}


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", demo.DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    if page.url.endswith("/login/second-factor"):
        page.fill("#code", pyotp.TOTP(demo.DEMO_TOTP_SECRET).now())
        with page.expect_navigation():
            page.keyboard.press("Enter")


def shoot(browser, base: str, language: str) -> None:
    """The public page, then the partner's, the Council's and the secretariat's first pages."""
    context = browser.new_context(locale=LOCALES[language], viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/consultations/{SLUG}")
    page.screenshot(path=OUT / f"consultation-{language}.png")
    people = {
        "en": ("staff@example.org", "dashboard"),
        "fr": ("council@example.org", "syntheses"),
        "es": ("partner@unicef.example.org", "my-consultations"),
    }
    email, name = people[language]
    sign_in(page, base, email)
    page.screenshot(path=OUT / f"{name}-{language}.png")
    if language == "es":
        page.goto(f"{base}/consultations/{SLUG}/respond/sections/0")
        page.locator("textarea[name^=comment-]").first.fill(
            "Proponemos nombrar explícitamente a la infancia y a la juventud."
        )
        page.locator("input[type=radio][value=amend]").first.check()
        amendment = page.locator("textarea[name^=amendment-]").first
        amendment.fill(amendment.input_value().replace("inclusiva", "inclusiva y joven"))
        with page.expect_navigation():
            page.locator("form[data-autosave] button[name=next][value='0']").click()
        page.screenshot(path=OUT / "section-es.png")
        page.set_viewport_size({"width": 320, "height": 640})
        page.screenshot(path=OUT / "section-es-320.png")
    context.close()


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'shots.sqlite'}",
        INSTANCE_DIR=folder,
        MAIL_FILE_DIR=str(folder / "mail"),
    )
    with app.app_context():
        db.create_all()
        demo.seed()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        for language in LOCALES:
            shoot(browser, base, language)
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
