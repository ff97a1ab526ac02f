"""Timestamps as the service's tables store them: fixed-width UTC text, so that text order is time order."""

from __future__ import annotations

from datetime import UTC, datetime


def ts(at: datetime) -> str:
    """A timestamp as fixed-width UTC text (microseconds, `Z`)."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_ts(text: str) -> datetime:
    """Read back a `ts` timestamp (timezone-aware, UTC)."""
    return datetime.fromisoformat(text)
