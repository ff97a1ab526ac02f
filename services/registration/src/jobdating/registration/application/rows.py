"""Reading with the same code inside a transaction (consistent with its writes) or straight from the store."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jobdating.eventstore.base import EventStore, Transaction

Db = Transaction | EventStore


def fetch_all(db: Db, sql: str, params: Sequence[Any] = ()) -> list[Any]:
    """Rows of a query, in the caller's transaction when given one (`?` placeholders on both backends)."""
    if isinstance(db, Transaction):
        return list(db.execute(sql, params).fetchall())
    return db.query(sql, params)


def fetch_one(db: Db, sql: str, params: Sequence[Any] = ()) -> Any | None:
    """The first row of a query, or None."""
    rows = fetch_all(db, sql, params)
    return rows[0] if rows else None


def placeholders(n: int) -> str:
    """`?, ?, ?` for an IN list of n values."""
    return ", ".join("?" * n)
