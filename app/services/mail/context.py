"""An email's template context kept as plain JSON in the outbox, and read back at send time.

Records are kept as a reference (class name and id) and read again when the email is
rendered; translatable text as its message and values, so it is translated into the
reader's language then; dataclasses of the app by their fields. Anything else is refused
when the email is queued, not when a worker sends it.
"""

import dataclasses
import importlib
from collections import defaultdict
from datetime import date, datetime

import flask_babel
import sqlalchemy as sa
from flask_babel.speaklater import LazyString

from app.extensions import db

MODEL, TEXT, DATACLASS, DATETIME, DATE = "$model", "$text", "$dataclass", "$datetime", "$date"
TRANSLATORS = ("gettext", "ngettext", "pgettext", "npgettext")


def to_plain(value: object) -> object:
    """`value` as JSON-compatible data that `from_plain` turns back into what a template reads."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, LazyString):
        return _lazy_to_plain(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, db.Model):
        if value.id is None:
            db.session.flush()
        # __class__, not type(): a proxy such as current_user stands for its record.
        return {MODEL: value.__class__.__name__, "id": value.id}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        cls = value.__class__
        fields = {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {DATACLASS: f"{cls.__module__}:{cls.__qualname__}", "fields": fields}
    if isinstance(value, datetime):
        return {DATETIME: value.isoformat()}
    if isinstance(value, date):
        return {DATE: value.isoformat()}
    if isinstance(value, list | tuple):
        return [to_plain(item) for item in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {key: to_plain(item) for key, item in value.items()}
    raise TypeError(f"an email context cannot keep a {type(value).__name__}")


def _lazy_to_plain(text: LazyString) -> dict:
    name = getattr(text._func, "__name__", "")
    if name not in TRANSLATORS:
        return str(text)  # type: ignore[return-value]
    return {
        TEXT: name,
        "args": [to_plain(arg) for arg in text._args],
        "vars": {key: to_plain(item) for key, item in text._kwargs.items()},
    }


def from_plain(value: object) -> object:
    """What `to_plain` kept, read back; records are loaded together, a query per class."""
    loaded = _preload(value)  # held: the session's identity map keeps records only weakly
    result = _read(value)
    del loaded
    return result


def _read(value: object) -> object:
    if isinstance(value, list):
        return [_read(item) for item in value]
    if not isinstance(value, dict):
        return value
    if MODEL in value:
        return db.session.get(_model_class(value[MODEL]), value["id"])
    if TEXT in value:
        translate = getattr(flask_babel, value[TEXT])
        variables = {key: _read(item) for key, item in value["vars"].items()}
        return translate(*[_read(arg) for arg in value["args"]], **variables)
    if DATACLASS in value:
        module_name, _, qualname = value[DATACLASS].partition(":")
        if not module_name.startswith("app."):
            raise TypeError(f"not an app dataclass: {value[DATACLASS]}")
        cls = getattr(importlib.import_module(module_name), qualname)
        return cls(**{key: _read(item) for key, item in value["fields"].items()})
    if DATETIME in value:
        return datetime.fromisoformat(value[DATETIME])
    if DATE in value:
        return date.fromisoformat(value[DATE])
    return {key: _read(item) for key, item in value.items()}


def _preload(value: object) -> list:
    """Load every referenced record with one query per class, so reading them back is free."""
    wanted: dict[str, set[int]] = defaultdict(set)
    _collect(value, wanted)
    loaded: list = []
    for name, ids in wanted.items():
        cls = _model_class(name)
        ids_left = sorted(ids)
        for start in range(0, len(ids_left), 1000):
            loaded += db.session.scalars(
                sa.select(cls).where(cls.id.in_(ids_left[start : start + 1000]))
            ).all()
    return loaded


def _collect(value: object, wanted: dict[str, set[int]]) -> None:
    if isinstance(value, list):
        for item in value:
            _collect(item, wanted)
    elif isinstance(value, dict):
        if MODEL in value:
            wanted[value[MODEL]].add(value["id"])
        else:
            for item in value.values():
                _collect(item, wanted)


def _model_class(name: str) -> type:
    cls = db.Model.registry._class_registry.get(name)
    if not isinstance(cls, type) or not issubclass(cls, db.Model):
        raise TypeError(f"not a model: {name}")
    return cls
