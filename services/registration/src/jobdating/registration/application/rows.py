"""Reading with the same code inside a transaction (consistent with its writes) or straight from the store."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jobdating.eventstore import reading

Db = reading.Source
# Rows of a query, in the caller's transaction when given one (`?` placeholders on both backends).
fetch_all = reading.rows


def fetch_one(db: Db, sql: str, params: Sequence[Any] = ()) -> Any | None:
    """The first row of a query, or None."""
    rows = fetch_all(db, sql, params)
    return rows[0] if rows else None


def placeholders(n: int) -> str:
    """`?, ?, ?` for an IN list of n values."""
    return ", ".join("?" * n)
