"""Relay and consumer runner against a real nats-server."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import psycopg
import pytest
from nats.aio.client import Client
from nats.js import JetStreamContext

from jobdating.bus.consumer import ConsumerRunner, NotYet, redrive
from jobdating.bus.provision import provision
from jobdating.bus.relay import Relay
from jobdating.bus.topology import ConsumerSpec
from jobdating.contracts.envelope import RecordedEvent
from jobdating.contracts.subjects import STREAM_NAME
from jobdating.eventstore.base import EventStore, Transaction
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.runtime.ids import new_id
from jobdating.testing.consumers import run_until
from jobdating.testing.events import new_event

pytestmark = pytest.mark.nats


class Counter:
    """A projection counting events per stream, refusing to skip a stream version."""

    def __init__(self, store: EventStore, fail_on: set[str] | None = None) -> None:
        self.fail_on = fail_on or set()
        self.threads: set[int] = set()  # where it ran
        with store.transaction() as tx:
            tx.execute(
                "CREATE TABLE IF NOT EXISTS seen_versions (stream_id TEXT PRIMARY KEY, version INTEGER)"
            )
            tx.execute("CREATE TABLE IF NOT EXISTS applied (event_id TEXT, n INTEGER)")

    def __call__(self, tx: Transaction, event: RecordedEvent) -> None:
        env = event.envelope
        self.threads.add(threading.get_ident())
        if env.event_id in self.fail_on:
            raise ValueError("poison")
        row = tx.execute("SELECT version FROM seen_versions WHERE stream_id = ?", (env.stream_id,)).fetchone()
        last = row[0] if row else 0
        if env.stream_version > last + 1:
            raise NotYet(env.stream_id)
        tx.execute(
            "INSERT INTO seen_versions (stream_id, version) VALUES (?, ?) "
            "ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version",
            (env.stream_id, env.stream_version),
        )
        tx.execute("INSERT INTO applied (event_id, n) VALUES (?, 1)", (env.event_id,))


@pytest.fixture(params=[False, True], ids=["own-transaction", "grouped"])
def grouped(request: pytest.FixtureRequest) -> bool:
    """A runner in transactions of its own on the loop, or through a group committer led in its thread."""
    return bool(request.param)


def sink_store(path: Path, grouped: bool) -> SqliteEventStore:
    sink = SqliteEventStore(path)
    sink.migrate()
    if grouped:
        sink.group_commit.lead_in_thread()
    return sink


def consumer_spec() -> ConsumerSpec:
    return ConsumerSpec(
        durable=f"test-{new_id()[-12:]}", filter_subjects=("jobdating.>",), description="test"
    )


async def test_relay_publishes_in_order_once_even_when_restarted_before_its_checkpoint(
    tmp_path: Path, js: JetStreamContext
) -> None:
    store = SqliteEventStore(tmp_path / "a.db")
    store.migrate()
    sid = new_id()
    store.append([new_event(sid, v) for v in range(1, 11)])
    relay = Relay(store, js)
    assert await relay.publish_pending() == 10
    # A crash between publishing and saving the position: the restarted relay publishes again.
    with store.transaction() as tx:
        tx.set_relay_position("jetstream", 0)
    assert await Relay(store, js).publish_pending() == 10
    info = await js.stream_info(STREAM_NAME)
    assert info.state.messages == 10
    msgs = []
    sub = await js.subscribe("jobdating.>", ordered_consumer=True)
    for _ in range(10):
        msgs.append(await sub.next_msg(timeout=2))
    assert [m.headers["Nats-Msg-Id"] for m in msgs if m.headers] == [
        e.event_id for e in store.read_stream(sid)
    ]
    assert msgs[0].subject == f"jobdating.mel.sites.site.SiteOpened.{sid}"


async def test_duplicate_and_out_of_order_deliveries_have_one_effect(
    tmp_path: Path, nc: Client, js: JetStreamContext, grouped: bool
) -> None:
    spec = consumer_spec()
    await provision(js, consumers=[spec])
    source = SqliteEventStore(tmp_path / "source.db")
    source.migrate()
    sid = new_id()
    events = source.append([new_event(sid, v) for v in range(1, 6)])
    # Publish out of order and twice, bypassing the relay's ordering and JetStream's dedupe.
    for e in [events[2], events[0], events[1], events[0], events[4], events[3], events[2]]:
        subject = f"jobdating.mel.sites.site.SiteOpened.{sid}"
        await js.publish(subject, e.body)
    sink = sink_store(tmp_path / "sink.db", grouped)
    counter = Counter(sink)
    runner = ConsumerRunner(sink, js, spec.durable, counter, backoff=(0.05, 0.1), grouped=grouped)

    def done() -> bool:
        return bool(sink.query("SELECT COUNT(*) FROM applied")[0][0] == 5)

    await run_until(runner, done)
    await asyncio.sleep(0.3)
    rows = sink.query("SELECT event_id, COUNT(*) FROM applied GROUP BY event_id")
    assert sorted(r[0] for r in rows) == sorted(e.event_id for e in events)
    assert all(r[1] == 1 for r in rows)
    assert sink.query("SELECT version FROM seen_versions")[0][0] == 5
    # Grouped, the handler ran in the committer's thread, not on the loop's.
    assert (threading.get_ident() in counter.threads) is not grouped


async def test_a_poison_message_is_parked_after_bounded_retries_and_can_be_redriven(
    tmp_path: Path, js: JetStreamContext, grouped: bool
) -> None:
    spec = consumer_spec()
    await provision(js, consumers=[spec])
    source = SqliteEventStore(tmp_path / "source.db")
    source.migrate()
    good = source.append([new_event(new_id(), 1)])[0]
    bad = source.append([new_event(new_id(), 1)])[0]
    await Relay(source, js).publish_pending()
    sink = sink_store(tmp_path / "sink.db", grouped)
    counter = Counter(sink, fail_on={bad.event_id})
    runner = ConsumerRunner(
        sink, js, spec.durable, counter, max_attempts=3, backoff=(0.05, 0.05, 0.05), grouped=grouped
    )
    await run_until(runner, lambda: runner.parked == 1)
    parked = sink.parked(spec.durable)
    assert [p.event_id for p in parked] == [bad.event_id]
    assert parked[0].deliveries == 3
    assert "poison" in parked[0].error
    assert sink.query("SELECT event_id FROM applied") == [(good.event_id,)]
    # The operator fixes the cause and re-drives: applied once, no longer parked.
    counter.fail_on.clear()
    assert redrive(sink, spec.durable, counter) == (1, [])
    assert redrive(sink, spec.durable, counter) == (0, [])
    assert sink.parked() == []
    assert sorted(r[0] for r in sink.query("SELECT event_id FROM applied")) == sorted(
        [good.event_id, bad.event_id]
    )


async def test_the_relay_saves_its_position_on_one_thread_of_its_own(
    pg_store: EventStore, pg_dsn: str, js: JetStreamContext
) -> None:
    """The PostgreSQL store keeps a connection per thread: saving from the loop's default executor, which
    mail and contact requests also use, opened one on each of its threads the relay landed on."""
    sid = new_id()
    pg_store.append([new_event(sid, v) for v in range(1, 41)])
    relay = Relay(pg_store, js, batch=1)  # a save after every event
    stop = asyncio.Event()

    async def others_on_the_default_executor() -> None:
        while not stop.is_set():
            await asyncio.gather(*(asyncio.to_thread(time.sleep, 0.002) for _ in range(4)))

    others = asyncio.create_task(others_on_the_default_executor())
    assert await relay.publish_pending() == 40
    stop.set()
    await others
    with psycopg.connect(pg_dsn) as probe:
        row = probe.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        ).fetchone()
    assert row is not None
    assert row[0] == 2, "the event loop's thread (reads) and the relay's own thread (saves), no more"
    relay.close()
    assert pg_store.relay_position("jetstream") == pg_store.head()
