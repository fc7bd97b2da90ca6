"""Small request helpers shared by the blueprints."""

from urllib.parse import urlsplit

from flask import request

from app.services.ids import parse_id


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


def query_int(value: str) -> int:
    """`type=` for `request.args.get`: 0 or more in ASCII digits within 64 bits, else
    ValueError (so the default is used): `²`, `٣` and 2**64 never reach a query."""
    value = value.strip()
    if value == "0":
        return 0
    number = parse_id(value)
    if number is None:
        raise ValueError(value)
    return number


def page_number(value: str) -> int:
    """`type=` for a page number: 1 to 1,000,000, else ValueError (the default page)."""
    number = query_int(value)
    if number > 1_000_000:
        raise ValueError(value)
    return number
