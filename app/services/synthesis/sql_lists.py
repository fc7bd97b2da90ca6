"""Long lists in SQL statements: ids matched against one array, rows stored many at a time."""

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db

# Rows per INSERT … ON CONFLICT: at 5 parameters a row, far below PostgreSQL's 65,535.
UPSERT_SLICE = 2_000


def among(column: sa.ColumnElement, values: list) -> sa.ColumnElement[bool]:
    """`column IN (values)`, sent as one array parameter to PostgreSQL: psycopg spent about
    40 ms rewriting each statement of 10,000 parameters, and a synthesis sends dozens."""
    if db.engine.dialect.name == "postgresql":
        array = postgresql.ARRAY(column.type)
        return column == sa.any_(sa.bindparam(None, list(values), type_=array))
    return column.in_(values)


def upsert(model: type, rows: list[dict], keys: list[str], replaced: tuple[str, ...]) -> None:
    """Insert rows, replacing the `replaced` columns of any row with the same `keys`.

    One statement per slice of rows, not one per row; safe when two workers store the same
    row at once (the later write wins).
    """
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    for start in range(0, len(rows), UPSERT_SLICE):
        statement = insert(model).values(rows[start : start + UPSERT_SLICE])
        db.session.execute(
            statement.on_conflict_do_update(
                index_elements=keys, set_={name: statement.excluded[name] for name in replaced}
            )
        )
