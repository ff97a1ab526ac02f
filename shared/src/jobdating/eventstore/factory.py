"""Pick a store backend from a URL: `sqlite:///path/to/file.db` or `postgresql://...`."""

from __future__ import annotations

from jobdating.eventstore.base import EventStore


def open_store(url: str) -> EventStore:
    """Open (and migrate) the store a service is configured with."""
    store: EventStore
    if url.startswith("sqlite:///"):
        from jobdating.eventstore.sqlite import SqliteEventStore

        store = SqliteEventStore(url.removeprefix("sqlite:///"))
    elif url.startswith(("postgresql://", "postgres://")):
        from jobdating.eventstore.postgres import PostgresEventStore

        store = PostgresEventStore(url)
    else:
        raise ValueError(f"unsupported store URL {url!r}: use sqlite:///PATH or postgresql://...")
    store.migrate()
    return store
