"""Instants as scheduling's tables store them: ISO 8601 text in UTC, so that text order is time order."""

from __future__ import annotations

from datetime import UTC, datetime


def ts(at: datetime) -> str:
    """An instant as stored: ISO 8601 in UTC."""
    if at.tzinfo is None:
        raise ValueError("naive datetime: every instant carries its time zone")
    return at.astimezone(UTC).isoformat()


def from_ts(text: str) -> datetime:
    """An instant read back from a table."""
    return datetime.fromisoformat(text)


def maybe_ts(text: str | None) -> datetime | None:
    """An optional instant read back from a table."""
    return None if text is None else datetime.fromisoformat(text)
