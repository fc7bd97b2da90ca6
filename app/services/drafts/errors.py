"""The one error every draft reader raises for a file it cannot import."""

from __future__ import annotations

from flask_babel.speaklater import LazyString


class ImportFormatError(ValueError):
    """The file cannot be read as a draft; args[0] is a lazy translated message."""

    def __init__(self, message: LazyString | str) -> None:
        super().__init__(message)
        self.message = message
