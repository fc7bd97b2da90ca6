"""Column types and helpers shared by the models."""

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.mutable import MutableDict, MutableList


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (the only zone stored)."""
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware, SQLite included."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store times in UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _json_type() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(JSONB(), "postgresql")


JSONType = _json_type()

# One text per language code, e.g. {"en": "...", "fr": "..."}; a missing key = not translated.
# Each mutable wrapper needs its own type instance: as_mutable() registers by instance.
TranslatedText = MutableDict.as_mutable(_json_type())
JSONList = MutableList.as_mutable(_json_type())
