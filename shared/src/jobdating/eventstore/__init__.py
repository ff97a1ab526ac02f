"""The append-only event store every service keeps as its system of record (SQLite or PostgreSQL)."""

from jobdating.eventstore.base import EventStore
from jobdating.eventstore.factory import open_store
from jobdating.eventstore.records import ConcurrencyConflict, NewEvent, ParkedEvent, StoredEvent
from jobdating.eventstore.transaction import Transaction

__all__ = [
    "ConcurrencyConflict",
    "EventStore",
    "NewEvent",
    "ParkedEvent",
    "StoredEvent",
    "Transaction",
    "open_store",
]
