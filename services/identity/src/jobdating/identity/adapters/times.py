"""Instants as identity's tables store them: UTC text of one fixed width, so that SQL compares them in order
on both backends."""

from __future__ import annotations

from datetime import UTC, datetime

_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def stored(at: datetime) -> str:
    return at.astimezone(UTC).strftime(_FORMAT)


def loaded(text: str) -> datetime:
    return datetime.strptime(text, _FORMAT).replace(tzinfo=UTC)
