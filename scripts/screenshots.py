"""Regenerate the README screenshots: `PYTHONPATH=. .venv/bin/python scripts/screenshots.py`."""

import tempfile
import threading
from pathlib import Path

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
        french = browser.new_context(locale="fr-FR", viewport={"width": 1100, "height": 800})
        page = french.new_page()
        page.goto(f"{base}/consultations/{SLUG}")
        page.screenshot(path=OUT / "consultation-fr.png")
        spanish = browser.new_context(locale="es-ES", viewport={"width": 1100, "height": 1000})
        page = spanish.new_page()
        page.goto(f"{base}/login")
        page.fill("#email", "partner@unicef.example.org")
        page.fill("#password", demo.DEMO_PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/")
        page.goto(f"{base}/consultations/{SLUG}/respond/sections/0")
        first = page.locator("textarea[name^=comment-]").first
        first.fill("Proponemos nombrar explícitamente a la infancia y a la juventud.")
        page.locator("input[type=radio][value=amend]").first.check()
        amendment = page.locator("textarea[name^=amendment-]").first
        amendment.fill(amendment.input_value().replace("inclusiva", "inclusiva y joven"))
        page.get_by_role("button", name="Guardar esta sección").click()
        page.wait_for_load_state()
        page.screenshot(path=OUT / "section-es.png")
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
