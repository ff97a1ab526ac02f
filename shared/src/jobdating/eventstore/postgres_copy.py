"""Bulk inserts through `COPY` on PostgreSQL: a batch of rows streams into a temporary table of the
connection, then one `INSERT ... SELECT` moves them into their table.

Why: even pipelined, `executemany` costs the server one parse-bind-execute per row; an import batch of
1,000 candidates writes about 6,000 rows (log, candidates, keys, phone, e-mail and import look-ups), and
those statements were 40 % of a PostgreSQL import's time (SQLite runs them in-process). `COPY` takes the
rows as one stream. The final `INSERT ... SELECT` keeps the statement's own `ON CONFLICT ... DO NOTHING`
and raises the same unique violation a row-by-row insert would, so callers see no difference.

Only plain `INSERT INTO t (a, b) VALUES (?, ?) [ON CONFLICT (a) DO NOTHING]` statements of at least
`COPY_FROM_ROWS` rows go this way; anything else runs as it is written.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from typing import Any, Final

import psycopg
from psycopg import sql

COPY_FROM_ROWS: Final = 64
"""Below this many rows the temporary table's extra round trips cost more than the rows themselves."""

_PLAIN_INSERT: Final = re.compile(
    r"INSERT INTO (?P<table>\w+) \((?P<columns>\w+(?:, \w+)*)\) VALUES \((?P<marks>\?(?:, \?)*)\)"
    r"(?P<conflict> ON CONFLICT \(\w+(?:, \w+)*\) DO NOTHING)?"
)


def copy_insert(cur: psycopg.Cursor[Any], statement: str, rows: Sequence[Sequence[Any]]) -> bool:
    """Insert `rows` through COPY when `statement` is a plain insert and the batch is large enough;
    False (nothing done) otherwise, for the caller to run the statement as written."""
    if len(rows) < COPY_FROM_ROWS:
        return False
    match = _PLAIN_INSERT.fullmatch(" ".join(statement.split()))
    if match is None:
        return False
    columns = match["columns"].split(", ")
    if len(columns) != match["marks"].count("?"):
        return False
    copy_rows(cur, match["table"], columns, rows, tail=match["conflict"] or "")
    return True


def copy_rows(
    cur: psycopg.Cursor[Any],
    table: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    tail: str = "",
    returning: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """COPY `rows` into a temporary table shaped like `table`'s `columns`, then insert them into `table`
    in the order given (an identity column numbers them in that order), with `tail` (an ON CONFLICT
    clause of our own SQL) and the `returning` columns of each inserted row."""
    # One staging table per table and column list, kept for the connection's life and emptied at each
    # commit; `copy_order` keeps the rows' order through the INSERT ... SELECT.
    staging = sql.Identifier(f"copy_{table}_{zlib.crc32(','.join(columns).encode()):08x}")
    target = sql.Identifier(table)
    names = sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    cur.execute(
        sql.SQL(
            "CREATE TEMP TABLE IF NOT EXISTS {staging} ON COMMIT DELETE ROWS AS "
            "SELECT 0::bigint AS copy_order, {names} FROM {target} WITH NO DATA"
        ).format(staging=staging, names=names, target=target)
    )
    with cur.copy(
        sql.SQL("COPY {staging} (copy_order, {names}) FROM STDIN").format(staging=staging, names=names)
    ) as copy:
        for order, row in enumerate(rows):
            copy.write_row((order, *row))
    insert = sql.SQL(
        "INSERT INTO {target} ({names}) SELECT {names} FROM {staging} ORDER BY copy_order"
    ).format(target=target, names=names, staging=staging)
    if tail:
        insert = sql.Composed([insert, sql.SQL(tail)])
    if returning:
        insert = sql.Composed(
            [insert, sql.SQL(" RETURNING "), sql.SQL(", ").join(sql.Identifier(c) for c in returning)]
        )
    cur.execute(insert)
    inserted = [tuple(r) for r in cur.fetchall()] if returning else []
    # Emptied now, not only at commit: a second batch in the same transaction must not insert these again.
    cur.execute(sql.SQL("TRUNCATE {staging}").format(staging=staging))
    return inserted
