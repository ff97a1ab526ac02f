"""The values the event store takes and gives back: what to append, what the log holds, what is parked."""

from __future__ import annotations

from datetime import datetime

import msgspec

from jobdating.contracts.envelope import Envelope


class ConcurrencyConflict(Exception):
    """Another writer appended to the stream first: reload, decide again, or report the conflict."""

    def __init__(self, stream_id: str, expected_version: int) -> None:
        super().__init__(f"stream {stream_id} moved past version {expected_version}")
        self.stream_id = stream_id
        self.expected_version = expected_version


class NewEvent(msgspec.Struct, frozen=True, kw_only=True):
    """An envelope ready to append (its stream_version already set by the caller)."""

    envelope: Envelope


class StoredEvent(msgspec.Struct, frozen=True, kw_only=True):
    """One row of the log: position, routing columns and the envelope bytes exactly as published."""

    position: int
    event_id: str
    stream_type: str
    stream_id: str
    stream_version: int
    event_type: str
    body: bytes


class ParkedEvent(msgspec.Struct, frozen=True, kw_only=True):
    """An event a consumer could not handle after its bounded retries."""

    consumer: str
    event_id: str
    subject: str
    body: bytes
    error: str
    deliveries: int
    parked_at: datetime
