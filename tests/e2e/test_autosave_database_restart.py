"""What a partner types while PostgreSQL restarts survives in the browser and is saved after.

The server runs on a PostgreSQL cluster of the test's own, stopped under the partner.
"""

import threading
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from app.models import ParagraphFeedback
from app.services import demo
from tests.services import own_postgres_cluster

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]
SLUG = "pact-for-the-future-opportunities"
FIRST = "First words."
MORE = " More words, typed while the database restarts."


@pytest.fixture
def own_postgres():
    yield from own_postgres_cluster()


@pytest.fixture
def served(own_postgres, tmp_path):
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=own_postgres.admin_url,
        INSTANCE_DIR=tmp_path,
        MAIL_FILE_DIR=str(tmp_path / "mail"),
        WTF_CSRF_ENABLED=True,
    )
    with app.app_context():
        upgrade()
        demo.seed()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        with app.app_context():
            db.engine.dispose()


def test_text_typed_during_a_restart_is_kept_in_the_browser_and_saved_after(
    browser, served, own_postgres
):
    app, url = served
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(f"{url}/login")
    page.fill("#email", "partner@righttothecity.example.org")
    page.fill("#password", demo.DEMO_PASSWORD)
    page.click("main form [type=submit]")
    section = f"{url}/consultations/{SLUG}/respond/sections/0"
    page.goto(section)
    pid = page.eval_on_selector("textarea[name^=comment-]", "n => n.name.split('-')[1]")
    status = page.locator("[data-autosave-status]")
    page.check(f"#stance-{pid}-support")
    page.fill(f"#comment-{pid}", FIRST)
    status.filter(has_text="Saved at").wait_for(timeout=15_000)

    own_postgres.stop()
    try:
        page.type(f"#comment-{pid}", MORE)
        status.filter(has_text="your text is kept in this browser").wait_for(timeout=15_000)
        page.reload()  # the partner reloads: the server answers its 503 page
        assert "The service is briefly unavailable" in page.content()
        assert "Incident reference:" in page.content()
    finally:
        own_postgres.start()

    page.goto(section)  # the server answers again: the kept text is put back and saved
    assert page.input_value(f"#comment-{pid}") == FIRST + MORE
    status.filter(has_text="Saved at").wait_for(timeout=15_000)
    with app.app_context():
        stored = db.session.scalar(
            sa.select(ParagraphFeedback.comment).where(ParagraphFeedback.paragraph_id == int(pid))
        )
        db.session.remove()
    assert stored == FIRST + MORE
    assert page.evaluate("Object.keys(localStorage).length") == 0
    context.close()


def test_signing_out_forgets_the_text_kept_in_the_browser(browser, tmp_path):
    from tests.e2e.conftest import serving

    with serving(tmp_path) as (_app, url):
        page = browser.new_context(locale="en-GB").new_page()
        page.goto(f"{url}/login")
        page.fill("#email", "partner@righttothecity.example.org")
        page.fill("#password", demo.DEMO_PASSWORD)
        page.click("main form [type=submit]")
        page.goto(f"{url}/consultations/{SLUG}/respond/sections/0")
        pid = page.eval_on_selector("textarea[name^=comment-]", "n => n.name.split('-')[1]")
        with server_unreachable(page, url):
            page.type(f"#comment-{pid}", "Not saved yet.")
            page.wait_for_function("Object.keys(localStorage).length === 1")
        page.click("nav form[action$='/logout'] [type=submit]")
        page.wait_for_url(f"{url}/**")
        assert page.evaluate("Object.keys(localStorage).length") == 0


@contextmanager
def server_unreachable(page, url: str):
    """Autosave posts answer as if the server could not be reached, for the block."""
    page.route(f"{url}/consultations/**", lambda route: route.abort())
    try:
        yield
    finally:
        page.unroute(f"{url}/consultations/**")
