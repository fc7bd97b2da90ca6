"""Rows read by Core made into the session's persistent objects, for the busiest requests.

An ORM query builds its objects through steps (compiling the loading plan, the identity
look-up per row, the events) that on a request of three statements cost about as much as
the round trips. These statements read the columns themselves; the object is then made as
Session.get would have made it: clean, in the identity map, its other attributes loading
when first read.
"""

from collections.abc import Mapping
from typing import TypeVar

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db

Model = TypeVar("Model")


def columns_of(model: type, prefix: str = "", leave_out: tuple[str, ...] = ()) -> list[sa.Label]:
    """The model's columns labelled `prefix` + attribute name, those in `leave_out` left
    out (they load when first read)."""
    return [
        attribute.columns[0].label(prefix + attribute.key)
        for attribute in model.__mapper__.column_attrs
        if attribute.key not in leave_out
    ]


def as_loaded(model: type[Model], row: Mapping, prefix: str = "") -> Model:
    """The session's `model` object for a row read with `columns_of(model, prefix, ...)`:
    the one already in the session if there is one, as Session.get would return it."""
    session = db.session()
    values = {
        attribute.key: row[prefix + attribute.key]
        for attribute in model.__mapper__.column_attrs
        if prefix + attribute.key in row
    }
    key = so.util.identity_key(model, values[model.__mapper__.primary_key[0].key])
    known = session.identity_map.get(key)
    if known is not None:
        return known
    loaded = model(**values)
    so.make_transient_to_detached(loaded)  # as if loaded: no history, nothing to write
    session.add(loaded)
    return loaded
