"""A projection over the whole stream counting events by type and stream: the downstream witness
the crash proofs and the audit compare against each service's own log.
"""

from __future__ import annotations

from collections.abc import Sequence

from jobdating.bus.topology import ConsumerSpec
from jobdating.contracts.envelope import RecordedEvent
from jobdating.contracts.subjects import ALL_EVENTS
from jobdating.eventstore.base import EventStore, Transaction

TALLY = ConsumerSpec(
    durable="ops-tally", filter_subjects=(ALL_EVENTS,), description="counts every event once"
)


def create_tables(store: EventStore) -> None:
    # On SQLite the key is the table (WITHOUT ROWID): one B-tree to write per event instead of two.
    clustered = " WITHOUT ROWID" if store.dialect.name == "sqlite" else ""
    with store.transaction() as tx:
        tx.execute(
            "CREATE TABLE IF NOT EXISTS tally_streams ("
            " stream_id TEXT NOT NULL, stream_version INTEGER NOT NULL, event_type TEXT NOT NULL,"
            " times INTEGER NOT NULL, PRIMARY KEY (stream_id, stream_version))" + clustered
        )


_UPSERT = (
    "INSERT INTO tally_streams (stream_id, stream_version, event_type, times) VALUES (?, ?, ?, 1) "
    "ON CONFLICT (stream_id, stream_version) DO UPDATE SET times = tally_streams.times + 1"
)


def apply(tx: Transaction, event: RecordedEvent) -> None:
    """Count one event; `times` above 1 would mean the same event had two effects."""
    tx.execute(_UPSERT, (event.stream_id, event.stream_version, event.event_type))


def apply_many(tx: Transaction, events: Sequence[RecordedEvent]) -> None:
    """Count a batch of events in one statement (rebuilds).

    In key order: a batch spreads over the whole table (consecutive events belong to different streams),
    and walking the B-tree in order finds each next leaf where the last one was (a fifth less time)."""
    keys = [e.key or (e.stream_id, e.stream_version, e.event_type) for e in events]
    keys.sort()
    tx.executemany(_UPSERT, keys)


def counts(store: EventStore) -> dict[str, int]:
    """Events counted per type."""
    rows = store.query("SELECT event_type, SUM(times) FROM tally_streams GROUP BY event_type")
    return {str(r[0]): int(r[1]) for r in rows}


def duplicates(store: EventStore) -> list[tuple[str, int]]:
    """(stream_id, version) pairs counted more than once: should always be empty."""
    rows = store.query("SELECT stream_id, stream_version FROM tally_streams WHERE times > 1")
    return [(str(r[0]), int(r[1])) for r in rows]
