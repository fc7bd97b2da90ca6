"""What every benchmark needs and none of them measures: throw-away databases, the app built
against them, processes started and stopped, a port, a key, and the timing of one call.

Each benchmark keeps only what it measures. PostgreSQL databases are made on
BENCH_POSTGRES_ADMIN_URL (default: the test suite's server) and always dropped.
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the benchmarks run as scripts from any folder
    sys.path.insert(0, str(ROOT))

ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_ADMIN_URL",
    os.environ.get("TEST_POSTGRES_ADMIN_URL", "postgresql+psycopg://root@127.0.0.1:5432/test"),
)


def create_postgres(label: str, server_url: str = ADMIN_URL) -> str:
    """A new, empty database on the PostgreSQL server; its URL."""
    import sqlalchemy as sa

    name = f"bench_{label}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return sa.make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_postgres(url: str, server_url: str = ADMIN_URL) -> None:
    """Drop a database made by `create_postgres`, whoever is still connected to it."""
    import sqlalchemy as sa

    name = sa.make_url(url).database
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@contextmanager
def throwaway_postgres(label: str, server_url: str = ADMIN_URL) -> Iterator[str]:
    """A new database for the `with` block, dropped on the way out."""
    url = create_postgres(label, server_url)
    try:
        yield url
    finally:
        drop_postgres(url, server_url)


def throwaway_secret_key() -> str:
    """The app refuses to start without a key: one for this run, shared with its processes."""
    return os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))


def make_app(database_url: str, instance_dir: Path, config_name: str = "development", **settings):
    """The Agora app on `database_url`, its files and emails under `instance_dir`."""
    from app import create_app

    return create_app(
        config_name,
        SECRET_KEY=throwaway_secret_key(),
        SQLALCHEMY_DATABASE_URI=database_url,
        INSTANCE_DIR=instance_dir,
        MAIL_FILE_DIR=str(instance_dir / "mail"),
        **settings,
    )


def sqlite_app(database: Path, **settings):
    """The app in its test configuration on a SQLite file; files and emails beside the file."""
    return make_app(f"sqlite:///{database}", database.parent, "testing", **settings)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(
    process: subprocess.Popen, group: bool = False, grace: float = 30.0, sig: int = signal.SIGTERM
) -> None:
    """`sig` (SIGTERM), then SIGKILL after `grace` seconds; the whole process group when `group`."""
    if process.poll() is not None:
        return

    def send(sig: int) -> None:
        with suppress(ProcessLookupError):
            if group:
                os.killpg(process.pid, sig)
            else:
                process.send_signal(sig)

    send(sig)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        send(signal.SIGKILL)
        process.wait(timeout=10)


def start_celery(env: dict, log: Path, *arguments: str) -> subprocess.Popen:
    """A Celery process (worker or beat) of the app, in a process group of its own.

    Stop it with `stop(process, group=True)`: a worker's pool processes go with it.
    """
    command = [sys.executable, "-m", "celery", "-A", "wsgi.celery_app", *arguments]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def timed(action: Callable[[], object]) -> tuple[float, object]:
    """Wall-clock seconds of one call, and what it returned."""
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def timed_cpu(action: Callable[[], object]) -> tuple[float, float, object]:
    """Wall-clock and CPU seconds of one call, and what it returned.

    On a shared machine the wall clock also counts other programs' time; the CPU time of
    this process varies less, so benchmarks print both.
    """
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def peak_python_memory(action: Callable[[], object]) -> float:
    """The most Python memory allocated at once while `action` runs, in MB (tracemalloc)."""
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def resident_bytes(field: str = "VmRSS") -> int:
    """A size of this process from /proc/self/status (`VmRSS` now, `VmHWM` its peak), bytes."""
    with open("/proc/self/status") as handle:
        line = next(line for line in handle if line.startswith(field + ":"))
    return int(line.split()[1]) * 1024


def load_average() -> str:
    """The one-minute load and the CPU count, printed beside figures from a shared machine."""
    return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"


def print_table(headers: list[str], rows: list[list[object]]) -> None:
    """A plain-text table, columns as wide as their widest cell."""
    cells = [headers, *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if n == 0:
            print("  ".join("-" * width for width in widths))
