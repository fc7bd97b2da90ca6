"""Services of one's own for fault tests: a redis-server and a PostgreSQL cluster on spare ports.

Faults (stopping Redis, restarting PostgreSQL) are played on these, never on the shared
servers other tests and people use. Both are thrown away when stopped for good.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from glob import glob
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def worker_env(
    database_url: str, redis_url: str, folder: Path, secret_key: str, **settings: str
) -> dict[str, str]:
    """The environment of a Celery worker process on the test's database, broker and folder."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "AGORA_INSTANCE_DIR": str(folder),
        "MAIL_FILE_DIR": str(folder / "mail"),
        "AGORA_ENV": "development",
        "SECRET_KEY": secret_key,
        **settings,
    }


def start_worker(env: dict[str, str], *arguments: str, log: Path | None = None) -> subprocess.Popen:
    """A real Celery worker process of the app (`arguments`: pool, queues, concurrency).

    Its output goes to `log` when given, for a failing test to show.
    """
    quiet = ("--loglevel", "WARNING", "--without-mingle", "--without-gossip")
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "wsgi.celery_app",
        "worker",
        *quiet,
        *arguments,
    ]
    output = log.open("ab") if log else subprocess.DEVNULL
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)


def stop_worker(worker: subprocess.Popen, timeout: float = 60) -> None:
    """Ask the worker to finish its task and go; kill it if it does not within `timeout`."""
    worker.terminate()
    try:
        worker.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class OwnRedis:
    """redis-server on a spare port, without persistence; stop() and start() keep its port."""

    def __init__(self) -> None:
        self.binary = shutil.which("redis-server")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    @staticmethod
    def available() -> bool:
        return shutil.which("redis-server") is not None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 10
        while not _answers(self.port):
            if time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


def _postgres_bin() -> Path | None:
    found = sorted(glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


class OwnPostgres:
    """A PostgreSQL cluster of its own (initdb) on a spare port, trust authentication.

    PostgreSQL refuses to run as root: as root the cluster runs as the `postgres` account.
    """

    def __init__(self) -> None:
        self.bin = _postgres_bin()
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="agora-own-pg-"))
        self.data = self.folder / "data"
        self.user = "agora"
        self.admin_url = f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/postgres"

    @staticmethod
    def available() -> bool:
        return _postgres_bin() is not None

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        prefix: list[str] = []
        if os.geteuid() == 0:
            prefix = ["runuser", "-u", "postgres", "--"]
        return subprocess.run(
            prefix + list(command), capture_output=True, text=True, check=check, timeout=120
        )

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", self.user, "-A", "trust",
            "-E", "UTF8", "--no-sync",
        )  # fmt: skip
        self.start()

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c max_connections=300"
        )
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-w", "-t", "60",
            "-l", str(self.folder / "log"), "start",
        )  # fmt: skip

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def restart(self) -> None:
        self.stop()
        self.start()

    def destroy(self) -> None:
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop",
            check=False,
        )  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)


def own_postgres_cluster():
    """Yield a started cluster of the test's own, destroyed after; skip (fail in CI) without one."""
    from tests.conftest import needs_service

    if not OwnPostgres.available():
        needs_service("pg_ctl and initdb are not installed: the restart needs a cluster of its own")
    cluster = OwnPostgres()
    try:
        cluster.init()
    except Exception as error:  # noqa: BLE001 - no cluster can be made on this machine
        cluster.destroy()
        needs_service(f"could not start a PostgreSQL cluster of the test's own: {error}")
    yield cluster
    cluster.destroy()
