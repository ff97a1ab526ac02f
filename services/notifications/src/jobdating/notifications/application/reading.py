"""How the read-side query modules read the service's tables: inside a transaction or straight on the store,
each row opened as a frozen struct whose fields are its columns, in order."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, TypeVar

import msgspec

from jobdating.eventstore.base import EventStore, Transaction

Source = Transaction | EventStore
S = TypeVar("S", bound=msgspec.Struct)


def rows(source: Source, sql: str, params: Sequence[Any] = ()) -> list[Any]:
    """Rows of a read, inside a transaction (what a decision reads is what it writes against) or alone."""
    if isinstance(source, Transaction):
        return list(source.execute(sql, params).fetchall())
    return source.query(sql, params)


def columns(kind: type[msgspec.Struct]) -> str:
    """The SELECT list of a struct read by `struct_of`: its fields, in order."""
    return ", ".join(kind.__struct_fields__)


def struct_of(kind: type[S], row: Sequence[Any], *, json: Collection[str] = ()) -> S:
    """A row as `kind`, one column a field in order: stored times (`ts`) read back, 0/1 as booleans, and
    the `json` columns (lists kept as JSON text) decoded."""
    values = dict(zip(kind.__struct_fields__, row, strict=True))
    for name in json:
        values[name] = msgspec.json.decode(values[name])
    return msgspec.convert(values, kind, strict=False)
