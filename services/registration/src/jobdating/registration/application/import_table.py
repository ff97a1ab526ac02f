"""A table as an import reads it: headers and numbered rows of text, whatever file or dicts it came from."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

Row = tuple[int, list[str]]
"""A row number as shown in a spreadsheet (the header is row 1) and its cells as text."""


@dataclass
class Table:
    """Headers as written in the file, and its data rows (fully empty rows are skipped)."""

    headers: list[str]
    rows: Iterator[Row]

    @classmethod
    def from_mappings(cls, rows: Iterable[Mapping[str, Any]]) -> Table:
        """A table from dicts keyed by header (the first row's keys are the headers)."""
        iterator = iter(rows)
        first = next(iterator, None)
        if first is None:
            return cls(headers=[], rows=iter(()))
        headers = list(first)

        def generate() -> Iterator[Row]:
            for number, row in enumerate(_chain(first, iterator), start=2):
                cells = [cell_text(row.get(h)) for h in headers]
                if any(cells):
                    yield number, cells

        return cls(headers=headers, rows=generate())


def _chain(first: Mapping[str, Any], rest: Iterator[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    yield first
    yield from rest


def cell_text(value: object) -> str:
    """A cell as a person reads it: whole numbers without `.0`, dates as YYYY-MM-DD, times as HH:MM."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value).strip()
