"""Staff export the feedback as a workbook, follow the job's progress and download the file.

The job runs in a real Celery worker process (`--pool solo`) on the server's SQLite file,
through the server-less filesystem broker of the embedded default; the worker starts only
once the progress page is shown, so the page is seen waiting, then following the job.
"""

import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from app import create_app
from app.extensions import db
from app.models import Consultation
from config import _embedded_celery
from tests.e2e.conftest import serving
from tests.e2e.keyboard import press_enter_and_wait, tab_to, type_second_factor
from tests.exports.test_export_jobs import add_many_feedback

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SLUG = "pact-for-the-future-opportunities"
NETWORKS = 300  # × 17 paragraphs: enough rows for the worker to take a few seconds


def celery_settings(folder: Path) -> dict:
    """The embedded default's broker in `folder`, tasks sent to the worker, polled briskly."""
    settings = _embedded_celery(folder)
    settings["broker_transport_options"]["polling_interval"] = 0.2
    return {**settings, "task_ignore_result": True}


def work(folder: str) -> None:
    """The worker process: the server's app, on the server's database file."""
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{Path(folder) / 'e2e.sqlite'}",
        INSTANCE_DIR=Path(folder),
        CELERY=celery_settings(Path(folder)),
    )
    app.extensions["celery"].worker_main(
        ["worker", "--pool=solo", "--loglevel=WARNING", "--without-gossip", "--without-mingle"]
    )


@pytest.fixture
def export_server(tmp_path):
    """The live server (sending tasks to the broker), its folder, and the rows to export."""
    folder = tmp_path / "live"
    folder.mkdir()
    rows: list[int] = []

    def seed() -> None:
        demo = db.session.scalar(sa.select(Consultation).where(Consultation.slug == SLUG))
        rows.append(add_many_feedback(demo, NETWORKS))

    with serving(folder, seed=seed, CELERY=celery_settings(folder)) as (_app, url):
        yield folder, url, rows[0]


@pytest.fixture
def start_worker(export_server):
    """Starts the worker process when called; it is stopped after the test."""
    folder = export_server[0]
    script = f"from tests.e2e.test_staff_export import work; work({str(folder)!r})"
    with (folder / "worker.log").open("w") as log:
        workers: list[subprocess.Popen] = []
        yield lambda: workers.append(
            subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=log, stderr=log)
        )
        for worker in workers:
            # Its work is checked by now, and a warm shutdown of the worker takes seconds.
            worker.kill()
            worker.wait()


def follow_until_ready(page, polls: int = 600) -> list[tuple[str, int | None]]:
    """The (status, progress) the page shows, each time it changes, until the file is ready."""
    read = """() => [document.querySelector('[data-export-label]').textContent.trim(),
                   document.querySelector('progress')?.value ?? null]"""
    seen: list[tuple[str, int | None]] = []
    for _ in range(polls):
        try:
            status, value = page.evaluate(read)
        except PlaywrightError:  # the page is reloading to show the result
            status, value = "", None
        if status and (not seen or seen[-1] != (status, value)):
            seen.append((status, value))
        if status == "Ready to download":
            return seen
        page.wait_for_timeout(100)
    raise AssertionError(f"the export did not finish; the page showed {seen}")


def test_staff_export_a_workbook_follow_its_progress_and_download_it(
    export_server, start_worker, page, assert_accessible
):
    folder, live, total = export_server
    page.goto(f"{live}/login")
    page.fill("#email", "staff@example.org")
    page.fill("#password", "demo-password-2026")
    press_enter_and_wait(page)
    type_second_factor(page)

    page.goto(f"{live}/staff/consultations/{SLUG}")
    tab_to(page, f"main a[href='/exports/consultations/{SLUG}/feedback']")
    press_enter_and_wait(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Export feedback")
    assert_accessible(page)
    page.get_by_label("Format").select_option("xlsx")
    tab_to(page, "main form input[type=submit]")
    press_enter_and_wait(page)

    # No worker yet: the page shows the job waiting, with its progress bar.
    expect(page.get_by_role("heading", level=1)).to_have_text("Your export")
    expect(page.locator("[data-export-label]")).to_have_text("Waiting for a worker")
    expect(page.get_by_role("progressbar", name="Status")).to_have_attribute("value", "0")
    assert_accessible(page)

    page.evaluate("window.samePage = true")  # gone if the page reloads
    start_worker()
    seen = follow_until_ready(page)
    assert seen[0] == ("Waiting for a worker", 0) and seen[-1][0] == "Ready to download"
    written = [value for status, value in seen if status == "Being written"]
    assert written == sorted(written)  # typically 0, 39, 78, 99 %: how far is up to the worker
    expect(page.get_by_role("link", name=f"Download {SLUG}-feedback.xlsx")).to_be_visible()
    # The result replaces the bar in place and takes the focus; the download is one Tab away.
    assert page.evaluate("document.activeElement.id") == "export-result"
    assert page.evaluate("window.samePage === true")
    assert_accessible(page)
    page.keyboard.press("Tab")
    with page.expect_download() as started:
        page.keyboard.press("Enter")
    download = started.value
    assert download.suggested_filename == f"{SLUG}-feedback.xlsx"
    target = folder / download.suggested_filename
    download.save_as(target)
    workbook = load_workbook(target, read_only=True)
    assert workbook.sheetnames[0] == "Feedback" and workbook.sheetnames[-1] == "Summary"
    rows = sum(1 for _ in workbook["Feedback"].iter_rows(values_only=True))
    assert rows == total + 1
    workbook.close()
