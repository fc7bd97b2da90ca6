"""URL converters: an `<int:...>` in a path is an id the database can look up, or a 404."""

from flask import Flask
from werkzeug.routing import IntegerConverter, ValidationError

from app.services.ids import MAX_ID


class BoundedIntegerConverter(IntegerConverter):
    """ASCII digits up to a 64-bit signed integer; anything else (`²`, `٣`, 2**64) is no match."""

    regex = r"[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValidationError()
        return number


def init_app(app: Flask) -> None:
    """Replace Werkzeug's `int` converter before any route is added."""
    app.url_map.converters["int"] = BoundedIntegerConverter
