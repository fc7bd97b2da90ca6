"""Staff changing the themes of one synthesis at the same moment on PostgreSQL: every change
is kept, none overwrites another."""

import threading

import pytest

from app.extensions import db
from app.models import Synthesis, User
from app.services.synthesis import schema, theme_edits
from tests.conftest import make_user
from tests.factories import answered_consultation, computed_synthesis
from tests.integration.conftest import migrated_postgres_app

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg_app(postgres_url, tmp_path_factory):
    return migrated_postgres_app(postgres_url, tmp_path_factory.mktemp("theme-edits"))


def test_two_renames_at_once_both_stay(pg_app):
    with pg_app.app_context():
        staff = make_user(db, "staff@themes.example.org", "staff")
        consultation = answered_consultation(db)
        synthesis = computed_synthesis(db, staff, consultation)
        numbers = [t.number for t in schema.result_of(synthesis).themes][:2]
        assert len(numbers) == 2
        ids = staff.id, synthesis.id
        db.session.remove()
    barrier, errors = threading.Barrier(2), []

    def rename(number: int) -> None:
        with pg_app.app_context():
            user, found = db.session.get(User, ids[0]), db.session.get(Synthesis, ids[1])
            schema.result_of(found)  # both pages were loaded before either was saved
            barrier.wait()
            try:
                theme_edits.rename(user, found, number, {"en": f"Name {number}"})
            except Exception as error:  # noqa: BLE001 - collected and asserted below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=rename, args=(n,)) for n in numbers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with pg_app.app_context():
        themes = schema.result_of(db.session.get(Synthesis, ids[1])).themes
        labels = {t.number: t.label["en"] for t in themes}
        assert [labels[n] for n in numbers] == [f"Name {n}" for n in numbers]
