"""How a service's read-side query modules read its tables: inside a transaction or straight on the store,
each row opened as a frozen struct (or dataclass, for a view FastAPI documents) whose fields are its columns,
in order."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence
from typing import Any, TypeVar

import msgspec

from jobdating.eventstore.base import EventStore, Transaction

Source = Transaction | EventStore
R = TypeVar("R")


def rows(source: Source, sql: str, params: Sequence[Any] = ()) -> list[Any]:
    """Rows of a read, inside a transaction (what a decision reads is what it writes against) or alone."""
    if isinstance(source, Transaction):
        return list(source.execute(sql, params).fetchall())
    return source.query(sql, params)


# Keys per `IN (...)` list: under the bound of the oldest SQLite builds (999 parameters) with room for the
# query's other parameters.
_KEYS_PER_READ = 500


def rows_for(source: Source, sql: str, keys: Collection[Any], params: Sequence[Any] = ()) -> list[Any]:
    """Rows of a read for many keys at once: `sql` ends with `IN ({keys})` (its other parameters,
    `params`, come before it). One statement per 500 keys instead of one per key: a read alone on the
    store is a read transaction of its own, and a recruiter's update telling 400 slots read them one by
    one, on the event loop, ahead of every convocation."""
    found: list[Any] = []
    ordered = list(dict.fromkeys(keys))
    for start in range(0, len(ordered), _KEYS_PER_READ):
        chunk = ordered[start : start + _KEYS_PER_READ]
        marks = ", ".join("?" for _ in chunk)
        found += rows(source, sql.format(keys=marks), (*params, *chunk))
    return found


# A struct's fields never change, and every row read asks for them.
_FIELDS: dict[type[Any], tuple[str, ...]] = {}


def _fields(kind: type[Any]) -> tuple[str, ...]:
    found = _FIELDS.get(kind)
    if found is None:
        if dataclasses.is_dataclass(kind):
            found = tuple(f.name for f in dataclasses.fields(kind))
        else:
            found = tuple(kind.__struct_fields__)
        _FIELDS[kind] = found
    return found


def columns(kind: type[Any]) -> str:
    """The SELECT list of a struct read by `struct_of`: its fields, in order."""
    return ", ".join(_fields(kind))


def struct_of(kind: type[R], row: Sequence[Any], *, json: Collection[str] = ()) -> R:
    """A row as `kind`, one column a field in order: stored times (ISO 8601 text) read back, 0/1 as
    booleans, and the `json` columns (lists kept as JSON text) decoded. A row shorter than the struct
    leaves its last fields to their defaults (e.g. what another table holds)."""
    fields = _fields(kind)
    if len(row) > len(fields):
        raise ValueError(f"{len(row)} columns for the {len(fields)} fields of {kind.__name__}")
    values = dict(zip(fields, row, strict=False))
    for name in json:
        values[name] = msgspec.json.decode(values[name])
    return msgspec.convert(values, kind, strict=False)
