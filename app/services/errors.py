"""Domain errors that routes map onto forms, flashes and HTTP status codes."""


class DomainError(Exception):
    """A rule was broken; `message` is a translated (lazy) string fit to show the user."""

    def __init__(self, message: object, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


class NotFound(DomainError):
    """The object does not exist, or the user may not know that it does."""


class Forbidden(DomainError):
    """The user may not do this."""


class Conflict(DomainError):
    """The change clashes with the current state (a taken slug, a closed consultation...)."""


class Unavailable(DomainError):
    """Something the action needs (a file store…) does not answer just now; it may later."""
