"""A worker killed in the middle of a synthesis: after a restart it completes, exactly once."""

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from app.models import Consultation, Organisation, OutboxMessage, Synthesis, SynthesisPart
from app.models.common import utcnow
from app.services import demo
from app.services.accounts.access import COMMAND_LINE
from app.services.feedback import saving as feedback
from app.services.feedback import submissions
from app.services.feedback.saving import ParagraphInput
from app.services.synthesis import runs
from config import _redis_celery
from tests.conftest import invite_organisations, make_user

# A process without SECRET_KEY refuses to start; these are the tests' own.
SECRET_KEY = "integration-tests-only"

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
ROOT = Path(__file__).resolve().parents[2]
SLUG = "pact-for-the-future-opportunities"
ORGANISATIONS = 40
PHRASES = [
    "Local governments need stable funding to guarantee decent work for young people in {c}.",
    "La culture doit être reconnue comme quatrième pilier du développement durable à {c}.",
    "Las ciudades como {c} necesitan diálogo intergeneracional para prevenir los conflictos.",
    "Migration is handled first by cities such as {c}, which need support from states.",
]
CITIES = ["Dakar", "Quito", "Lyon", "Seoul", "Tunis", "Bogotá", "Lisbon", "Nairobi"]


def worker_env(database_url: str, redis_url: str, folder: Path) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "AGORA_INSTANCE_DIR": str(folder),
        "AGORA_ENV": "development",
        "SECRET_KEY": SECRET_KEY,
        "SYNTHESIS_STALE_SECONDS": "2",
    }


def start_worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "wsgi.celery_app",
            "worker",
            "--concurrency",
            "1",
            "--loglevel",
            "WARNING",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def wait_for(predicate, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def app_with_feedback(postgres_url, redis_url, tmp_path):
    redis_db = redis_url.rsplit("/", 1)[0] + "/13"
    app = create_app(
        "development",
        SECRET_KEY=SECRET_KEY,
        SQLALCHEMY_DATABASE_URI=postgres_url,
        INSTANCE_DIR=tmp_path,
        SYNTHESIS_STALE_SECONDS=2,
        CELERY={**_redis_celery(redis_db), "task_ignore_result": True},
    )
    with app.app_context():
        upgrade()
        demo.seed()
        consultation = db.session.scalar(sa.select(Consultation).where(Consultation.slug == SLUG))
        paragraphs = consultation.current_version.paragraphs
        for index in range(ORGANISATIONS):
            organisation = Organisation(
                name=f"Network {index}", kind="lrg_network", region="africa"
            )
            db.session.add(organisation)
            db.session.commit()
            invite_organisations(db, consultation, organisation)
            member = make_user(db, f"w{index}@network.example.org", "partner", organisation)
            inputs = [
                ParagraphInput(
                    p.id,
                    ["support", "amend", "oppose"][(index + n) % 3],
                    PHRASES[(index + n) % 4].format(c=CITIES[(index * n) % 8]),
                    "",
                )
                for n, p in enumerate(paragraphs)
            ]
            result = feedback.save_paragraphs(member, consultation, inputs, 0)
            answers = {q.id: "1" for q in consultation.questions if q.kind != "text"}
            result = feedback.save_answers(
                member, consultation, answers, "", result.submission.lock_version
            )
            submissions.submit(member, consultation, result.submission.lock_version)
        # Drop the embedding jobs queued at submit: the sections then embed the comments
        # themselves, which makes them slow enough to be caught in the middle.
        db.session.execute(sa.delete(OutboxMessage))
        db.session.commit()
        redis.Redis.from_url(redis_db).flushdb()
        yield app, consultation.id, worker_env(postgres_url, redis_db, tmp_path)


def test_killed_worker_synthesis_completes_exactly_once(app_with_feedback):
    app, consultation_id, env = app_with_feedback
    # The first worker's first part (the themes, sent first) stops at a known point
    # (app/tasks/hold.py) and waits
    # there for a key this test never sets: it is killed while it holds the task.
    hold = f"agora-test-hold-{uuid.uuid4().hex[:8]}"
    broker = redis.Redis.from_url(env["REDIS_URL"])
    first = start_worker({**env, "AGORA_TASK_HOLD_KEY": hold})
    try:
        with app.app_context():
            consultation = db.session.get(Consultation, consultation_id)
            synthesis_id = runs.request_synthesis(COMMAND_LINE, consultation).id
            parts = len(runs.part_names(db.session.get(Synthesis, synthesis_id)))

            def parts_done() -> int:
                db.session.expire_all()
                return db.session.scalar(
                    sa.select(sa.func.count(SynthesisPart.id)).where(
                        SynthesisPart.synthesis_id == synthesis_id
                    )
                )

            wait_for(lambda: broker.llen(f"{hold}:reached") > 0, 120, "a part's task to start")
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # inside a section task, no warm shutdown
        first.wait()
    [held] = broker.lrange(f"{hold}:reached", 0, -1)
    assert held.decode() == f"synthesize_part:{synthesis_id}:themes"
    with app.app_context():
        assert db.session.get(Synthesis, synthesis_id).status != "done"
        assert parts_done() == 0

    second = start_worker(env)
    try:
        with app.app_context():
            time.sleep(2.5)
            assert runs.sweep(now=utcnow() + timedelta(seconds=5)) == 1
            wait_for(
                lambda: (
                    db.session.expire_all()
                    or db.session.get(Synthesis, synthesis_id).status in ("done", "failed")
                ),
                300,
                "the synthesis to finish",
            )
            synthesis = db.session.get(Synthesis, synthesis_id)
            assert synthesis.status == "done", synthesis.error
            assert parts_done() == parts
            finished_at = synthesis.finished_at
            paragraphs = synthesis.result["paragraphs"]
            assert sum(p["stance_counts"]["support"] for p in paragraphs) > 0
            assert sum(sum(p["stance_counts"].values()) for p in paragraphs) == ORGANISATIONS * len(
                paragraphs
            )
            time.sleep(3)  # a late twin delivery must not write the result again
            db.session.expire_all()
            assert db.session.get(Synthesis, synthesis_id).finished_at == finished_at
            assert db.session.scalar(sa.select(sa.func.count(Synthesis.id))) == 1
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(timeout=60)
