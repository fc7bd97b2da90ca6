"""Uploaded drafts kept between the preview and the save, so nobody uploads twice."""

import secrets
import time
from pathlib import Path

from flask import current_app

MAX_AGE_SECONDS = 24 * 3600


def _folder() -> Path:
    folder = Path(current_app.config["INSTANCE_DIR"]) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stash(data: bytes) -> str:
    """Keep `data` under a random token; uploads older than a day are removed on the way."""
    folder = _folder()
    cutoff = time.time() - MAX_AGE_SECONDS
    for old in folder.glob("*.upload"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    (folder / f"{token}.upload").write_bytes(data)
    return token


def load(token: str) -> bytes | None:
    """The stashed bytes of `token`, or None if it is unknown, malformed or expired."""
    if not token or not all(c in "0123456789abcdef" for c in token) or len(token) != 32:
        return None
    path = _folder() / f"{token}.upload"
    return path.read_bytes() if path.exists() else None


def discard(token: str) -> None:
    if token and len(token) == 32 and all(c in "0123456789abcdef" for c in token):
        (_folder() / f"{token}.upload").unlink(missing_ok=True)
