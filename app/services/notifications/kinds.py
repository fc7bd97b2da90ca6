"""The kinds of event a person may be told of, who may choose them, and their defaults."""

from dataclasses import dataclass

from app.lazy_text import lazy_gettext as _l

NOW, DIGEST, NONE = "now", "digest", "none"

DELIVERIES = {
    NOW: _l("An email at once"),
    DIGEST: _l("In a daily digest"),
    NONE: _l("Nothing"),
}


@dataclass(frozen=True)
class Kind:
    """A kind of event: how it reads on *My account*, its default, the roles it concerns."""

    label: object
    default: str
    roles: tuple[str, ...]


KINDS = {
    "opened": Kind(_l("A consultation opens to my organisation"), NOW, ("partner",)),
    "deadline": Kind(
        _l("A deadline is a week and a day away (until my organisation has submitted)"),
        NOW,
        ("partner",),
    ),
    # Co-editing makes many small changes: a digest by default, not an email per change.
    "change": Kind(_l("A colleague changes my organisation's submission"), DIGEST, ("partner",)),
    "synthesis": Kind(_l("A synthesis is released to me"), NOW, ("partner", "council")),
    "decisions": Kind(_l("The Council publishes its decisions"), NOW, ("partner",)),
}

# The unsubscribe link of the digest itself turns off every kind that went into it.
DIGEST_KIND = "digest"


def kinds_for(role: str | None) -> list[str]:
    """The kinds of event that concern people of this role, in the order they are shown."""
    return [name for name, kind in KINDS.items() if role in kind.roles]
