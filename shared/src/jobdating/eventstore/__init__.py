"""The append-only event store every service keeps as its system of record (SQLite or PostgreSQL)."""

from jobdating.eventstore.base import (
    ConcurrencyConflict,
    EventStore,
    NewEvent,
    ParkedEvent,
    StoredEvent,
    Transaction,
)
from jobdating.eventstore.factory import open_store

__all__ = [
    "ConcurrencyConflict",
    "EventStore",
    "NewEvent",
    "ParkedEvent",
    "StoredEvent",
    "Transaction",
    "open_store",
]
