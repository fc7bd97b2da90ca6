"""Configuration classes; every value that differs between machines comes from the environment."""

import os
from pathlib import Path

from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent
# `make run` writes a random key here once; only the development settings read it.
DEVELOPMENT_KEY_FILE = "secret_key"
INSTANCE_DIR = Path(os.environ.get("AGORA_INSTANCE_DIR", BASE_DIR / "instance"))


def _embedded_celery(instance_dir: Path) -> dict:
    """A broker and result backend that need no server: files and SQLite in the instance folder."""
    queue_dir = instance_dir / "celery-queue"
    return {
        "broker_url": "filesystem://",
        "broker_transport_options": {
            "data_folder_in": str(queue_dir),
            "data_folder_out": str(queue_dir),
            "control_folder": str(instance_dir / "celery-control"),
            "store_processed": False,
        },
        "result_backend": f"db+sqlite:///{instance_dir / 'celery-results.sqlite'}",
    }


def _redis_celery(redis_url: str) -> dict:
    """Redis as broker and result backend, tuned so a lost worker never loses a task."""
    return {
        "broker_url": redis_url,
        "result_backend": redis_url,
        "broker_transport_options": {
            # Longer than the longest task's hard time limit (35 min) and retry wait, or Redis
            # hands an unacknowledged task to another worker while the first still runs it.
            "visibility_timeout": 2 * 3600,
            # Publishing gives up fast when Redis is down: the outbox row waits for the sweeper,
            # and the user's request is not held up.
            "socket_connect_timeout": 2,
            "max_retries": 1,
            "interval_start": 0,
            "interval_step": 0.2,
            "interval_max": 0.5,
        },
        "result_backend_transport_options": {"socket_connect_timeout": 3},
    }


class Config:
    """Settings shared by every environment."""

    # No default: create_app refuses to start without one (development reads instance/secret_key).
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'agora.sqlite'}"
    )
    REDIS_URL = os.environ.get("REDIS_URL")
    INSTANCE_DIR = INSTANCE_DIR

    LANGUAGES = ("en", "fr", "es")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # a partner may keep a form open all afternoon

    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    # Said explicitly: Flask-Limiter's one shared object otherwise keeps what the last app it
    # was set up for said.
    RATELIMIT_ENABLED = True
    # Redis down: each web worker counts in its own memory until it is back, rather than
    # refusing saves and sign-ins.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    # No X-RateLimit-* headers on every answer: reading the window back costs two Redis round
    # trips per autosave. A refusal (429) still says when to try again (Retry-After).
    RATELIMIT_HEADERS_ENABLED = False
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    # Per person, shared by a submission's pages; the save button is never throttled.
    AUTOSAVE_RATE_LIMIT = os.environ.get("AUTOSAVE_RATE_LIMIT", "30 per minute")
    # Failed sign-ins per account (normalised email), whatever the source address.
    ACCOUNT_FAILURE_LIMIT = os.environ.get("ACCOUNT_FAILURE_LIMIT", "10 per 15 minutes")
    # Wrong second-factor codes per account before it has to wait.
    SECOND_FACTOR_FAILURE_LIMIT = os.environ.get("SECOND_FACTOR_FAILURE_LIMIT", "5 per 15 minutes")
    # Sessions end after this long without a request, and this long after sign-in in any case.
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
    SESSION_ABSOLUTE_HOURS = int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12"))
    # How long a "confirm it's you" (password and second factor) opens the sensitive actions.
    REAUTHENTICATION_MINUTES = int(os.environ.get("REAUTHENTICATION_MINUTES", "5"))
    # Roles that must sign in with a second factor; everyone else may choose to.
    SECOND_FACTOR_ROLES = ("staff", "admin")
    PERMISSIONS_POLICY = (
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
    )
    HSTS = ""

    # Argon2id parameters (OWASP's second recommended set).
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_COST = 19 * 1024

    BASE_URL = os.environ.get("AGORA_BASE_URL", "http://127.0.0.1:5000")
    # Host names the site answers to besides BASE_URL's (production only; comma-separated).
    EXTRA_TRUSTED_HOSTS = [
        h.strip() for h in os.environ.get("AGORA_TRUSTED_HOSTS", "").split(",") if h.strip()
    ]
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "file")  # file | smtp
    MAIL_FILE_DIR = os.environ.get("MAIL_FILE_DIR", str(INSTANCE_DIR / "mail"))
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "Agora <no-reply@agora.example.org>")
    # Where organisations that are not invited to a consultation ask for an invitation.
    SECRETARIAT_EMAIL = os.environ.get("SECRETARIAT_EMAIL", "secretariat@agora.example.org")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "") == "1"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")

    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
    SYNTHESIS_STALE_SECONDS = int(os.environ.get("SYNTHESIS_STALE_SECONDS", "600"))
    # A synthesis requested while new feedback's vector batches are pending waits for them
    # at most this long, then computes the missing vectors itself.
    SYNTHESIS_VECTOR_WAIT_SECONDS = int(os.environ.get("SYNTHESIS_VECTOR_WAIT_SECONDS", "900"))
    # Test-only: a section task waits on this Redis key (app/tasks/hold.py); never set it.
    TASK_HOLD_KEY = os.environ.get("AGORA_TASK_HOLD_KEY", "")
    # PostgreSQL: a page answers within seconds when the database is gone or stuck, never
    # hangs. Connecting gives up after this; a statement is cancelled after the second one.
    DATABASE_CONNECT_TIMEOUT = int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "2"))
    DATABASE_STATEMENT_TIMEOUT_MS = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT_MS", "30000"))
    # Organisations taking a stance below which a synthesis says "too few answers to tell".
    SYNTHESIS_CONSENSUS_MINIMUM = int(os.environ.get("SYNTHESIS_CONSENSUS_MINIMUM", "3"))
    # Feedback published without the organisation's name shows its kind and region only where
    # at least this many organisations not named in the publication share them.
    PUBLICATION_ANONYMITY_MINIMUM = int(os.environ.get("PUBLICATION_ANONYMITY_MINIMUM", "3"))
    # Where export jobs leave their files; empty means "exports" in the instance folder. With
    # several machines it must be storage that the web servers and the workers share.
    # Feedback items a synthesis PDF lists in its annex; past this the annex is left to the
    # Word report and the feedback export (Typst holds the tagged document while it sets it:
    # about 75 MB per 1,000 items, 7.5 GB for 100,000).
    REPORT_PDF_ANNEX_LIMIT = int(os.environ.get("REPORT_PDF_ANNEX_LIMIT", "10000"))
    EXPORT_FOLDER = os.environ.get("EXPORT_FOLDER", "")
    EXPORT_TTL_HOURS = int(os.environ.get("EXPORT_TTL_HOURS", "24"))
    # CSV and JSON up to this many rows are streamed to the browser; more, or XLSX, is a job.
    EXPORT_STREAM_LIMIT = int(os.environ.get("EXPORT_STREAM_LIMIT", "20000"))
    # A job "running" this long lost its worker: the next delivery of its message runs it again.
    EXPORT_STALE_SECONDS = int(os.environ.get("EXPORT_STALE_SECONDS", "1800"))
    # Files a submission may carry (PDF, DOCX, ODT): how many, and how large each may be.
    ATTACHMENT_MAX_FILES = int(os.environ.get("ATTACHMENT_MAX_FILES", "5"))
    ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_MB", "20")) * 1024 * 1024
    # Where attached files are kept: a folder (empty: "attachments" in the instance folder;
    # with several machines, storage the web servers and workers share), or an S3-compatible
    # bucket when ATTACHMENT_S3_BUCKET is set (credentials as boto3 reads them: AWS_* variables).
    ATTACHMENT_FOLDER = os.environ.get("ATTACHMENT_FOLDER", "")
    ATTACHMENT_S3_BUCKET = os.environ.get("ATTACHMENT_S3_BUCKET", "")
    ATTACHMENT_S3_PREFIX = os.environ.get("ATTACHMENT_S3_PREFIX", "attachments/")
    ATTACHMENT_S3_ENDPOINT = os.environ.get("ATTACHMENT_S3_ENDPOINT", "")  # MinIO, Ceph…
    ATTACHMENT_S3_REGION = os.environ.get("ATTACHMENT_S3_REGION", "")
    UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024
    DEMO_DATA_ALLOWED = True

    # The outbox publishes a message at most this many times (waiting 2, 4, 8… minutes
    # between), then marks it failed for staff to retry; done messages are kept this long.
    OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "8"))
    OUTBOX_RETENTION_DAYS = int(os.environ.get("OUTBOX_RETENTION_DAYS", "14"))
    # How long personal data is kept, in days (0 keeps it for ever); purged every night and
    # shown by `flask retention run --dry-run`. See app/services/retention.py.
    RETENTION_INVITATION_DAYS = int(os.environ.get("RETENTION_INVITATION_DAYS", "30"))
    RETENTION_EXPORT_DAYS = int(os.environ.get("RETENTION_EXPORT_DAYS", "90"))
    # Browser sessions are signed cookies that end by themselves (SESSION_IDLE_MINUTES,
    # SESSION_ABSOLUTE_HOURS); this is how long API tokens, emailed links and recovery codes
    # are kept once revoked, expired or used.
    RETENTION_SESSION_DAYS = int(os.environ.get("RETENTION_SESSION_DAYS", "30"))
    RETENTION_AUDIT_DAYS = int(os.environ.get("RETENTION_AUDIT_DAYS", "1095"))
    RETENTION_ARCHIVED_DAYS = int(os.environ.get("RETENTION_ARCHIVED_DAYS", "365"))
    # Notices told to people (ids only) are kept this long, so none is told twice; 0: for ever.
    NOTIFICATION_RETENTION_DAYS = int(os.environ.get("NOTIFICATION_RETENTION_DAYS", "90"))
    # Queues (mail, default, heavy), routes and each task's time limits: app/celery_app.py
    # and app/tasks/.
    CELERY = {
        **(_redis_celery(REDIS_URL) if REDIS_URL else _embedded_celery(INSTANCE_DIR)),
        "task_ignore_result": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "broker_connection_retry_on_startup": True,
        "beat_schedule": {
            "relay-outbox": {"task": "app.tasks.outbox.relay_outbox", "schedule": 60.0},
            "sweep-syntheses": {"task": "app.tasks.synthesis.sweep", "schedule": 60.0},
            "purge-exports": {"task": "app.tasks.exports.purge_expired", "schedule": 3600.0},
            "purge-outbox": {"task": "app.tasks.outbox.purge_outbox", "schedule": 3600.0},
            "refresh-vectors": {"task": "app.tasks.synthesis.refresh_vectors", "schedule": 300.0},
            "purge-orphan-vectors": {
                "task": "app.tasks.synthesis.purge_orphan_vectors",
                "schedule": 86400.0,
            },
            "deadline-reminders": {
                "task": "app.tasks.reminders.send_deadline_reminders",
                "schedule": 3600.0,
            },
            "retention-purge": {"task": "app.tasks.retention.purge", "schedule": 86400.0},
            "notification-sweep": {"task": "app.tasks.notifications.sweep", "schedule": 300.0},
            # Every morning at DIGEST_HOUR (UTC): a day's events in one email per person.
            "notification-digest": {
                "task": "app.tasks.notifications.send_digests",
                "schedule": crontab(minute=0, hour=int(os.environ.get("DIGEST_HOUR", "6"))),
            },
        },
    }


class DevelopmentConfig(Config):
    """`make run` on a developer's machine."""


class TestingConfig(Config):
    """The test suite: fast hashing, eager tasks, its own database."""

    TESTING = True
    SECRET_KEY = "testing-only-key"  # noqa: S105 - the test suite's own key, never deployed
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 64
    CELERY = {
        "broker_url": "memory://",
        "task_always_eager": True,
        "task_eager_propagates": True,
        "task_ignore_result": True,
    }


class ProductionConfig(Config):
    """gunicorn behind a TLS proxy, PostgreSQL, Redis."""

    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "1"))
    # Required: every link in every email is built from it, and it names the trusted host.
    BASE_URL = os.environ.get("AGORA_BASE_URL", "")
    # A __Host- cookie is only sent back to this exact host, over HTTPS, for the whole site.
    SESSION_COOKIE_NAME = "__Host-session"
    SESSION_COOKIE_SECURE = True
    HSTS = "max-age=31536000; includeSubDomains"
    REMEMBER_COOKIE_SECURE = True
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    DEMO_DATA_ALLOWED = False


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
