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


def binary_rows(statement: sa.Select) -> list[tuple]:
    """The rows of a SELECT as plain tuples; on PostgreSQL sent in the binary protocol.

    Stored vectors are bytea: in the text protocol the server writes each as hex, twice its
    size, and the client decodes it again. At 100,000 comments and 230,000 sentences a
    synthesis reads 330 MB of vectors, and the binary rows took half the time of the text
    ones on both sides. The statement runs on the session's connection, in its transaction.
    """
    if db.engine.dialect.name != "postgresql":
        return [tuple(row) for row in db.session.execute(statement)]
    compiled = statement.compile(
        dialect=db.engine.dialect, compile_kwargs={"render_postcompile": True}
    )
    driver = db.session.connection().connection.driver_connection
    with driver.cursor(binary=True) as cursor:
        cursor.execute(str(compiled), compiled.params)
        return cursor.fetchall()


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
