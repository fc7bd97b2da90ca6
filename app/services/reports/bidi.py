"""The writing direction of user text, for reports that must say it explicitly."""

import unicodedata


def is_rtl(text: str) -> bool:
    """Whether the first letter with a direction is right-to-left, as HTML's dir="auto"."""
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False
