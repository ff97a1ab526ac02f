"""Time-ordered identifiers (UUIDv7) for events and entities."""

from __future__ import annotations

import uuid_utils


def new_id() -> str:
    """A new UUIDv7 as text."""
    return str(uuid_utils.uuid7())
