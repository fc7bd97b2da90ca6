"""One synthesis over two worker processes on separate queues, as on several machines.

One process takes the vector batches and the sections (`-Q vectors,sections`), the other
the merge (`-Q merge`), on PostgreSQL and Redis. The synthesis is requested before any
worker runs, while its feedback's vector batches wait in Redis: it waits for them, the last
batch sends it on, and no text is encoded twice.
"""

import pytest
import redis
import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from app.models import CommentVector, Synthesis
from app.services.accounts.access import COMMAND_LINE
from app.services.synthesis import runs, vector_jobs
from config import _redis_celery
from tests.factories import COMMENTS, answered_consultation
from tests.helpers import make_consultation
from tests.integration.test_synthesis_worker import SECRET_KEY, wait_for
from tests.services import start_worker, stop_worker, worker_env

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def app(postgres_url, redis_url, tmp_path):
    redis_db = redis_url.rsplit("/", 1)[0] + "/10"
    redis.Redis.from_url(redis_db).flushdb()
    app = create_app(
        "development",
        SECRET_KEY=SECRET_KEY,
        SQLALCHEMY_DATABASE_URI=postgres_url,
        INSTANCE_DIR=tmp_path,
        CELERY={**_redis_celery(redis_db), "task_ignore_result": True},
    )
    with app.app_context():
        upgrade()
        yield app, worker_env(postgres_url, redis_db, tmp_path, SECRET_KEY)
    redis.Redis.from_url(redis_db).flushdb()


def succeeded(log_text: str, task: str) -> int:
    return sum(1 for line in log_text.splitlines() if task in line and "succeeded" in line)


def test_vectors_sections_and_merge_run_on_the_workers_of_their_queues(app, tmp_path):
    app, env = app
    consultation = answered_consultation(db, make_consultation())
    # Each submission published its vector batch to Redis; no worker has taken any yet.
    assert vector_jobs.pending(consultation.id) == 6
    synthesis_id = runs.request_synthesis(COMMAND_LINE, consultation).id
    assert db.session.get(Synthesis, synthesis_id).dispatches == 0  # waiting for its vectors

    logs = {name: tmp_path / f"{name}.log" for name in ("vectors-sections", "merge")}
    # INFO: each task's "succeeded" line says which worker ran it.
    options = ("--concurrency", "1", "--loglevel", "INFO")
    workers = [
        start_worker(env, *options, "-Q", "vectors,sections", log=logs["vectors-sections"]),
        start_worker(env, *options, "-Q", "merge", log=logs["merge"]),
    ]
    try:

        def finished() -> bool:
            db.session.expire_all()
            return db.session.get(Synthesis, synthesis_id).status in ("done", "failed")

        wait_for(finished, 300, "the synthesis to finish")
    finally:
        for worker in workers:
            stop_worker(worker)
    synthesis = db.session.get(Synthesis, synthesis_id)
    assert synthesis.status == "done", synthesis.error
    assert synthesis.dispatches == 1  # sent once, by the last batch
    assert synthesis.result["participation"]["submissions"] == 6
    assert sum(p["feedback_count"] for p in synthesis.result["paragraphs"]) == 8

    # Every comment has its vector, made by a batch; "No." (twice) shares one vector.
    stored = db.session.execute(sa.select(CommentVector.source_id, CommentVector.vector)).all()
    assert len(stored) == 8 and len({vector for _, vector in stored}) == len(set(COMMENTS)) + 1
    assert vector_jobs.progress(consultation.id) == (8, 8)

    first, second = (path.read_text(errors="replace") for path in logs.values())
    sections = len(consultation.current_version.sections)
    assert succeeded(first, "app.tasks.synthesis.embed_batch") == 6
    assert succeeded(first, "app.tasks.synthesis.synthesize_section") == sections
    # The whole consultation's themes and questions go with the sections.
    assert succeeded(first, "app.tasks.synthesis.synthesize_part") == 2
    assert succeeded(first, "app.tasks.synthesis.merge_synthesis") == 0
    assert succeeded(second, "app.tasks.synthesis.merge_synthesis") == 1
    assert succeeded(second, "synthesize_section") + succeeded(second, "embed_batch") == 0
    assert succeeded(second, "synthesize_part") == 0
