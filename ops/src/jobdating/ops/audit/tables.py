"""Live tables against the same tables rebuilt: a difference per table, then its first differing rows."""

from __future__ import annotations

from collections import Counter
from typing import Any

from jobdating.eventstore.base import EventStore
from jobdating.eventstore.readmodel import Rows
from jobdating.ops.audit.report import Difference
from jobdating.ops.readmodels import table_hash


def compare_tables(
    service: str,
    check: str,
    tables: tuple[str, ...],
    live_rows: Rows,
    rebuilt: Rows,
    scratch: EventStore,
    out: list[Difference],
) -> None:
    """A difference per table whose live rows are not the rebuilt ones, then its first differing rows."""
    for table in tables:
        if table_hash(live_rows[table]) == table_hash(rebuilt[table]):
            continue
        live_only = list((Counter(live_rows[table]) - Counter(rebuilt[table])).elements())
        rebuilt_only = list((Counter(rebuilt[table]) - Counter(live_rows[table])).elements())
        detail = f"table {table} : {len(live_only)} ligne(s) seulement en service"
        detail += f", {len(rebuilt_only)} seulement dans la reconstruction"
        out.append(Difference(service, check, detail))
        lines = _row_lines(scratch, table, live_only, rebuilt_only)
        out.extend(Difference(service, "  ligne", line) for line in lines)


def _row_lines(
    scratch: EventStore, table: str, live_only: list[tuple[Any, ...]], rebuilt_only: list[tuple[Any, ...]]
) -> list[str]:
    """The first differing rows, named by their id columns only (other columns may hold personal data)."""
    columns = [str(r[0]) for r in scratch.query("SELECT name FROM pragma_table_info(?)", (table,))]
    ids = [i for i, name in enumerate(columns) if name.endswith("_id")] or [0]

    def key(row: tuple[Any, ...]) -> str:
        return ", ".join(f"{columns[i] if i < len(columns) else i}={row[i]}" for i in ids)

    rebuilt_by_key = {key(r): r for r in rebuilt_only}
    lines = []
    for row in live_only[:3]:
        twin = rebuilt_by_key.pop(key(row), None)
        if twin is None:
            lines.append(f"{table} ({key(row)}) : seulement en service")
        else:
            changed = [columns[i] for i, (a, b) in enumerate(zip(row, twin, strict=False)) if a != b]
            lines.append(f"{table} ({key(row)}) : colonnes différentes : {', '.join(changed)}")
    lines += [f"{table} ({k}) : seulement dans la reconstruction" for k in list(rebuilt_by_key)[:3]]
    return lines
