"""Replay 1,000,000 events into a projection, from the service's own log and from the stream, each as a
ratio to a raw read measured in the same run: SQLite SELECT + decode of each event (envelope and typed
payload), and a nats-py ordered push consumer + the same decode. The projection is the ops tally
(one upsert per event, batched in transactions of 5,000).

The tally reads only each event's key, so it decodes no payload while the raw read decodes every one: the
log is also replayed into the tally with every payload read (`ratio_log_equal_work`, the same decoding as
the raw read). The raw read runs on a settled file: the fill's WAL checkpointed first, as a store is
once it has been idle.

    .venv/bin/python -m bench.replay --events 1000000
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import nats
from nats.aio.msg import Msg

from bench.common import Timer, int_options, peak_rss_mb, report, scratch_dir
from jobdating.bus.provision import provision
from jobdating.bus.relay import Relay
from jobdating.bus.replay import replay_stream, stream_head, subscribe_ordered
from jobdating.bus.server import NatsServer
from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import RecordedEvent, decode_envelope
from jobdating.eventstore.base import EventStore, NewEvent
from jobdating.eventstore.rebuild import replay_log
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.ops import tally
from jobdating.runtime.ids import new_id
from jobdating.testing.events import envelope
from jobdating.testing.samples import SAMPLES

KINDS = [
    ("CandidateRegistered", 2, "registration"),
    ("CandidateUpdated", 1, "registration"),
    ("CompanyRegistered", 1, "registration"),
    ("SiteOpened", 1, "sites"),
]


def fill(store: EventStore, n: int, streams: int) -> None:
    """n events over `streams` streams, a realistic mix of payloads (sealed personal data included)."""
    ids = [new_id() for _ in range(streams)]
    versions = [0] * streams
    batch: list[NewEvent] = []
    for i in range(n):
        s = i % streams
        versions[s] += 1
        kind, version, service = KINDS[i % len(KINDS)]
        event = SAMPLES[(kind, version)]
        batch.append(NewEvent(envelope=envelope(event, ids[s], versions[s], service=service)))
        if len(batch) == 20_000:
            store.append(batch)
            batch = []
    if batch:
        store.append(batch)


def raw_log_read(path: Path) -> int:
    conn = sqlite3.connect(path)
    count, after = 0, 0
    while True:
        rows = conn.execute(
            "SELECT position, body FROM events WHERE position > ? ORDER BY position LIMIT 5000", (after,)
        ).fetchall()
        if not rows:
            break
        for _, body in rows:
            REGISTRY.payload(decode_envelope(body))
        count += len(rows)
        after = rows[-1][0]
    conn.close()
    return count


def projection(path: Path, read_payloads: bool = False) -> tuple[EventStore, object]:
    """The tally in its own file; with `read_payloads`, it also decodes each event's payload (as a
    projection that reads its events' fields does)."""
    store = SqliteEventStore(path)
    store.migrate()
    tally.create_tables(store)

    def apply_batch(events: Sequence[RecordedEvent]) -> None:
        if read_payloads:
            for event in events:
                _ = event.data
        with store.transaction() as tx:
            tally.apply_many(tx, events)

    return store, apply_batch


async def raw_stream_read(js: nats.js.JetStreamContext, last: int) -> int:
    count = 0
    finished = asyncio.Event()

    async def on_message(msg: Msg) -> None:
        nonlocal count
        REGISTRY.payload(decode_envelope(msg.data))
        count += 1
        if msg.metadata.sequence.stream >= last:
            finished.set()

    sub = await subscribe_ordered(js, on_message)
    await finished.wait()
    await sub.unsubscribe()
    return count


async def main(events: int, streams: int) -> dict[str, object]:
    work = scratch_dir("jd-bench-replay-")
    source = SqliteEventStore(work / "source.db")
    source.migrate()
    t = Timer()
    with t.measure():
        fill(source, events, streams)
    fill_s = t.seconds
    result: dict[str, object] = {"events": events, "streams": streams, "fill_seconds": round(fill_s, 2)}

    source.scrub([])  # a TRUNCATE checkpoint: the raw read reads the settled file, not the fill's WAL
    with t.measure():
        assert raw_log_read(source.path) == events
    raw_log = events / t.seconds
    store, apply_batch = projection(work / "from-log.db")
    # As the services' rebuilds do: batches without an fsync each, durable when the block ends (measured).
    with t.measure(), store.rebuilding():
        assert replay_log(source, apply_batch) == events  # type: ignore[arg-type]
    from_log = events / t.seconds
    assert sum(tally.counts(store).values()) == events
    decoding, apply_decoding = projection(work / "from-log-payloads.db", read_payloads=True)
    with t.measure(), decoding.rebuilding():
        assert replay_log(source, apply_decoding) == events  # type: ignore[arg-type]
    from_log_decoding = events / t.seconds
    result |= {
        "raw_log_read_per_s": round(raw_log),
        "replay_from_log_per_s": round(from_log),
        "ratio_log": round(from_log / raw_log, 3),
        "replay_from_log_reading_payloads_per_s": round(from_log_decoding),
        "ratio_log_equal_work": round(from_log_decoding / raw_log, 3),
    }

    with NatsServer(work / "nats") as server:
        nc = await nats.connect(server.url)
        js = nc.jetstream()
        await provision(js, consumers=[])
        with t.measure():
            await Relay(source, js, batch=2000).publish_pending()
        result["relay_per_s"] = round(events / t.seconds)
        last = await stream_head(js)
        assert last == events
        with t.measure():
            assert await raw_stream_read(js, last) == events
        raw_stream = events / t.seconds
        store2, apply2 = projection(work / "from-stream.db")
        with t.measure(), store2.rebuilding():
            assert await replay_stream(js, apply2, upto=last) == events  # type: ignore[arg-type]
        from_stream = events / t.seconds
        assert sum(tally.counts(store2).values()) == events
        await nc.close()
    result |= {
        "raw_stream_read_per_s": round(raw_stream),
        "replay_from_stream_per_s": round(from_stream),
        "ratio_stream": round(from_stream / raw_stream, 3),
        "peak_rss_mb": round(peak_rss_mb()),
    }
    return result


if __name__ == "__main__":
    args = int_options(events=1_000_000, streams=50_000)
    report("replay", asyncio.run(main(args.events, args.streams)))
