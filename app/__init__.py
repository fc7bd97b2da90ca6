"""Application factory: each register_* step binds one concern to the app."""

import os
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask

from config import CONFIGS, DEVELOPMENT_KEY_FILE


def create_app(config_name: str | None = None, **overrides) -> Flask:
    """Build the app for `config_name` (default: $AGORA_ENV, else development)."""
    app = Flask(__name__)
    config_name = config_name or os.environ.get("AGORA_ENV", "development")
    app.config.from_object(CONFIGS[config_name])
    app.config.update(overrides)
    load_secret_key(app, config_name)
    if config_name == "production":
        trust_only_the_public_host(app)
    os.makedirs(app.config["INSTANCE_DIR"], exist_ok=True)
    if app.config["PROXY_COUNT"]:
        # Behind N reverse proxies the client's address is in X-Forwarded-For; sign-in
        # throttling and the audit trail need it, not the proxy's. X-Forwarded-Host is not
        # trusted: the host comes from the request line and must be one of TRUSTED_HOSTS.
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=0)

    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def load_secret_key(app: Flask, config_name: str) -> None:
    """Refuse to start without SECRET_KEY, except in development with the key `make run` wrote."""
    if app.config.get("SECRET_KEY"):
        return
    key_file = Path(app.config["INSTANCE_DIR"]) / DEVELOPMENT_KEY_FILE
    if config_name == "development" and key_file.is_file():
        app.config["SECRET_KEY"] = key_file.read_text().strip()
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError(
            "Set SECRET_KEY: the app has no default key "
            "(in development, `make run` creates one in instance/)."
        )


def trust_only_the_public_host(app: Flask) -> None:
    """Require AGORA_BASE_URL and answer only requests for its host (and AGORA_TRUSTED_HOSTS)."""
    base_url = urlsplit(app.config.get("BASE_URL") or "")
    if base_url.scheme not in ("http", "https") or not base_url.hostname:
        raise RuntimeError(
            "Set AGORA_BASE_URL to the site's public address (https://consult.example.org): "
            "links in emails are built from it."
        )
    hosts = [base_url.hostname, *app.config.get("EXTRA_TRUSTED_HOSTS", [])]
    app.config["TRUSTED_HOSTS"] = app.config.get("TRUSTED_HOSTS") or hosts


def register_extensions(app: Flask) -> None:
    from app import database, i18n, security, templating
    from app.celery_app import celery_init_app
    from app.extensions import csrf, db, limiter, migrate

    database.configure(app)
    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(app.root_path, "..", "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    celery_init_app(app)


def register_blueprints(app: Flask) -> None:
    from app import converters

    converters.init_app(app)  # before the first route, so every `<int:…>` is bounded
    from app.account import bp as account_bp
    from app.api import bp as api_bp
    from app.auth import bp as auth_bp
    from app.council import bp as council_bp
    from app.exports import bp as exports_bp
    from app.feedback import bp as feedback_bp
    from app.public import bp as public_bp
    from app.staff import bp as staff_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(feedback_bp)
    app.register_blueprint(account_bp, url_prefix="/account")
    app.register_blueprint(staff_bp, url_prefix="/staff")
    app.register_blueprint(council_bp, url_prefix="/council")
    app.register_blueprint(exports_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")


def register_errorhandlers(app: Flask) -> None:
    from app import errors

    errors.init_app(app)


def register_commands(app: Flask) -> None:
    from app import cli

    cli.init_app(app)
