"""Small request helpers shared by the blueprints."""

from urllib.parse import urlsplit

from flask import request


def safe_next_url(target: str | None) -> str | None:
    """`target` if it is a path on this site; None for anything that could leave it."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or "\\" in target:
        return None
    if target.startswith("//"):
        return None
    return target


def client_ip() -> str | None:
    return request.remote_addr


def attach_error(form, error) -> None:
    """Show a domain error next to the field it names, or at the top of the form."""
    target = getattr(form, error.field, None) if error.field else None
    if target is not None and hasattr(target, "errors"):
        if not isinstance(target.errors, list):
            target.errors = list(target.errors)
        target.errors.append(error.message)
    else:
        form.form_errors.append(error.message)


def zone_to_utc(value, zone_name: str):
    """A naive datetime typed in `zone_name` as an aware UTC datetime."""
    from datetime import UTC
    from zoneinfo import ZoneInfo

    if value is None:
        return None
    return value.replace(tzinfo=ZoneInfo(zone_name)).astimezone(UTC)
