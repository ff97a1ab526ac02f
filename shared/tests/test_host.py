"""Provisioning is the ops command's job; a service host checks it and runs relay and consumers."""

from __future__ import annotations

import asyncio
from pathlib import Path

import nats
import pytest
from nats.js.api import StorageType

from jobdating.bus.provision import provision
from jobdating.bus.server import NatsServer
from jobdating.bus.topology import DUPLICATE_WINDOW
from jobdating.contracts.envelope import RecordedEvent
from jobdating.contracts.subjects import STREAM_NAME
from jobdating.eventstore.base import Transaction
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.runtime.host import NotProvisioned, ServiceHost, Subscription
from jobdating.runtime.ids import new_id
from jobdating.testing.events import new_event

pytestmark = pytest.mark.nats


async def test_provisioning_declares_a_file_stream_with_the_relay_dedupe_window(
    nats_server: NatsServer,
) -> None:
    nc = await nats.connect(nats_server.url)
    js = nc.jetstream()
    await provision(js)
    await provision(js)  # idempotent
    info = await js.stream_info(STREAM_NAME)
    assert info.config.storage == StorageType.FILE
    assert info.config.duplicate_window == DUPLICATE_WINDOW.total_seconds()
    consumer = await js.consumer_info(STREAM_NAME, "registration-sites")
    assert consumer.config.max_deliver == -1
    await nc.close()


async def test_a_service_refuses_to_start_on_an_unprovisioned_server(
    tmp_path: Path, nats_server: NatsServer
) -> None:
    store = SqliteEventStore(tmp_path / "s.db")
    store.migrate()
    host = ServiceHost(store=store, nats_url=nats_server.url, app=None)
    with pytest.raises(NotProvisioned):
        await host.connect()
    assert host.nc is not None
    await host.nc.close()


async def test_a_host_relays_commits_and_flushes_on_stop(tmp_path: Path, nats_server: NatsServer) -> None:
    nc = await nats.connect(nats_server.url)
    js = nc.jetstream()
    await provision(js)
    store = SqliteEventStore(tmp_path / "s.db")
    store.migrate()
    received: list[str] = []

    def on_site(tx: Transaction, event: RecordedEvent) -> None:
        received.append(event.envelope.event_id)

    host = ServiceHost(
        store=store,
        nats_url=nats_server.url,
        app=None,
        subscriptions=[Subscription("registration-sites", on_site)],
    )
    await host.connect()
    task = asyncio.create_task(host.run())
    stored = store.append([new_event(new_id(), 1), new_event(new_id(), 1)])
    host.notify_commit()
    async with asyncio.timeout(10):
        while len(received) < 2:  # noqa: ASYNC110 - the consumer fills a list
            await asyncio.sleep(0.05)
    host.stop.set()
    await task
    assert received == [e.event_id for e in stored]
    assert (await js.stream_info(STREAM_NAME)).state.messages == 2
    await nc.close()
