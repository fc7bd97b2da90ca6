"""Database ids as users may type them: only ASCII digits within a 64-bit signed integer."""

MAX_ID = 2**63 - 1


def is_valid_id(value: object) -> bool:
    """Whether `value` can be looked up as an id without the database refusing it."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return 0 < value <= MAX_ID
    if isinstance(value, str):
        return value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID
    return False


def parse_id(value: object) -> int | None:
    """The id `value` stands for, or None when it cannot be one (query strings, form fields)."""
    if isinstance(value, str):
        value = value.strip()
    if not is_valid_id(value):
        return None
    return int(value)
