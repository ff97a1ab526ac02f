"""The host's relay publishes what the API recorded on `jobdating.<org>.sites.<stream_type>.<Type>.<id>`."""

from __future__ import annotations

from pathlib import Path

import pytest
from nats.js import JetStreamContext

from jobdating.bus.server import NatsServer
from jobdating.contracts.envelope import decode_envelope
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.runtime.host import ServiceHost
from jobdating.runtime.ids import new_id
from jobdating.testing.relaying import published, relaying

from .conftest import api_of, service_on

pytestmark = pytest.mark.nats


async def test_events_reach_jetstream_on_the_sites_subjects(
    nats_server: NatsServer, js: JetStreamContext, tmp_path: Path
) -> None:
    org = f"org-{new_id()[-8:]}"
    store = SqliteEventStore(tmp_path / "sites.db")
    store.migrate()
    # No HTTP server: the host runs the relay, the API is driven in-process through its ASGI app.
    host = ServiceHost(store=store, nats_url=nats_server.url, app=None)
    service = service_on(store, org, on_commit=host.notify_commit)
    async with relaying(host):
        async with api_of(service) as api:
            site = await api.open_site()
            computer = await api.add_computer(site["site_id"], "PC 1")
            broken = await api.call(
                "POST", f"/computers/{computer['computer_id']}/out-of-order", json={"reason": "panne"}
            )
            assert broken.status_code == 200
        messages = await published(js, f"jobdating.{org}.sites.>", 3)
    assert [m.subject for m in messages] == [
        f"jobdating.{org}.sites.site.SiteOpened.{site['site_id']}",
        f"jobdating.{org}.sites.computer.ComputerAdded.{computer['computer_id']}",
        f"jobdating.{org}.sites.computer.ComputerOutOfOrder.{computer['computer_id']}",
    ]
    for message in messages:
        assert message.header is not None
        assert message.header["Nats-Msg-Id"] == decode_envelope(message.data).event_id
