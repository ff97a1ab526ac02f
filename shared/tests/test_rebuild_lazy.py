"""Rebuilds decode each payload only when a projection reads it, and then exactly as a consumer would."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import msgspec
import pytest

from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import RecordedEvent, decode_envelope, encode_envelope
from jobdating.eventstore.base import NewEvent
from jobdating.eventstore.rebuild import recorded, replay_log
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.testing.events import envelope
from jobdating.testing.samples import SAMPLES

GOLDEN = Path(__file__).parent / "golden"


def test_a_lazily_decoded_event_equals_the_eagerly_decoded_one() -> None:
    rows = [
        (i + 1, encode_envelope(envelope(SAMPLES[key], f"s-{i}", 1))) for i, key in enumerate(sorted(SAMPLES))
    ]
    for (position, body), lazy in zip(rows, recorded(rows), strict=True):
        eager = REGISTRY.decode(decode_envelope(body), position)
        assert lazy.payload is None
        assert lazy == eager
        assert lazy.data is lazy.data  # decoded once, then kept
        assert type(lazy.data) is type(eager.data)


def test_a_lazy_payload_is_upcast_like_an_eager_one() -> None:
    body = (GOLDEN / "CandidateRegistered.v1.json").read_bytes()
    (lazy,) = recorded([(7, body)])
    assert lazy.data == REGISTRY.decode(decode_envelope(body)).data
    assert lazy.position == 7


def test_a_projection_that_reads_only_envelopes_never_decodes_a_payload(tmp_path: Path) -> None:
    store = SqliteEventStore(tmp_path / "log.db")
    store.migrate()
    store.append([NewEvent(envelope=envelope(SAMPLES[key], f"s-{i}", 1)) for i, key in enumerate(SAMPLES)])
    seen: list[RecordedEvent] = []

    def apply_batch(events: Sequence[RecordedEvent]) -> None:
        seen.extend(events)

    assert replay_log(store, apply_batch, batch=3) == len(SAMPLES)
    assert [e.position for e in seen] == list(range(1, len(SAMPLES) + 1))
    assert all(e.payload is None for e in seen)
    assert all(e.data == REGISTRY.payload(e.envelope) for e in seen)
    store.close()


def test_an_undecodable_payload_still_fails_when_read() -> None:
    env = envelope(SAMPLES[("CandidateErased", 1)], "s-1", 1)
    broken = msgspec.structs.replace(env, data=msgspec.Raw(b'{"candidate_id": 3}'))
    (event,) = recorded([(1, encode_envelope(broken))])
    with pytest.raises(msgspec.ValidationError):
        _ = event.data


def test_a_projection_that_reads_only_keys_decodes_nothing(tmp_path: Path) -> None:
    # The tally's case: stream id, version and type come from the log's columns, not from the envelope.
    store = SqliteEventStore(tmp_path / "log.db")
    store.migrate()
    store.append(
        [NewEvent(envelope=envelope(SAMPLES[key], f"s-{i}", i + 1)) for i, key in enumerate(SAMPLES)]
    )
    seen: list[RecordedEvent] = []
    replay_log(store, seen.extend, batch=4)
    keys = [(e.stream_id, e.stream_version, e.event_type) for e in seen]
    assert all(e.head is None and e.payload is None for e in seen)
    # Read from the envelopes, the same keys.
    assert keys == [(e.envelope.stream_id, e.envelope.stream_version, e.envelope.event_type) for e in seen]
    assert keys == [(f"s-{i}", i + 1, key[0]) for i, key in enumerate(SAMPLES)]
    store.close()


def test_a_rebuild_block_commits_without_fsync_and_leaves_everything_durable(tmp_path: Path) -> None:
    store = SqliteEventStore(tmp_path / "projection.db")
    store.migrate()
    conn = store._connection()  # the calling thread's connection: the one a rebuild writes with
    with store.rebuilding():
        assert conn.execute("PRAGMA synchronous").fetchone() == (1,)  # NORMAL
        with store.transaction() as tx:
            tx.set_checkpoint("p", 42)
        assert (tmp_path / "projection.db-wal").stat().st_size > 0
    assert conn.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL again
    assert conn.execute("PRAGMA wal_autocheckpoint").fetchone() == (1000,)
    # Checkpointed into the database file, the WAL given back: durable without the WAL.
    assert (tmp_path / "projection.db-wal").stat().st_size == 0
    other = SqliteEventStore(tmp_path / "projection.db")
    assert other.checkpoint("p") == 42
    other.close()
    store.close()
