"""`scheduling rebuild-read-model --facts-from-stream` against a server taking only clients with a
certificate of its authority (a federation's): it connects as every client of the bus does, with the
certificate the environment names."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from jobdating.bus.connection import TLS_CA, TLS_CERT, TLS_KEY
from jobdating.bus.provision import provision_url
from jobdating.bus.relay import Relay
from jobdating.bus.server import free_port
from jobdating.eventstore.base import NewEvent
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.ops import federation_tls
from jobdating.ops.federation_provision import connect
from jobdating.ops.federation_servers import ConfiguredServer
from jobdating.ops.federation_tls import TlsFiles
from jobdating.scheduling.adapters import tables
from jobdating.scheduling.main import rebuild_facts
from jobdating.scheduling.testing import demo_facts

pytestmark = pytest.mark.nats


def tls_server(root: Path) -> tuple[ConfiguredServer, TlsFiles]:
    """A JetStream server asking every client for a certificate of a new authority; a client's files."""
    now = datetime(2026, 12, 1, tzinfo=UTC)
    signer = federation_tls.authority(root, now, [])
    federation_tls.issue(root / "server", ["127.0.0.1"], signer, now, federation_tls.NODE_USAGE)
    federation_tls.issue(root / "client", ["scheduling"], signer, now, federation_tls.CLIENT_USAGE)
    port = free_port()
    text = "\n".join(
        [
            f"listen: 127.0.0.1:{port}",
            f'jetstream {{ store_dir: "{root / "jetstream"}" }}',
            TlsFiles.under(root / "server").block(),
        ]
    )
    return ConfiguredServer(root / "nats", port, text + "\n"), TlsFiles.under(root / "client")


async def test_the_facts_are_rebuilt_from_a_stream_asking_for_a_client_certificate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, client = tls_server(tmp_path)
    server.start()
    try:
        for name, value in {TLS_CA: client.ca, TLS_CERT: client.cert, TLS_KEY: client.key}.items():
            monkeypatch.setenv(name, value)
        await provision_url(server.url)
        published = SqliteEventStore(tmp_path / "registration.db")
        published.migrate()
        facts = [f for f in demo_facts("tls") if f.service in ("registration", "sites")]
        published.append([NewEvent(envelope=f.envelope()) for f in facts])
        nc = await connect(server.url)
        try:
            await Relay(published, nc.jetstream()).publish_pending()
        finally:
            await nc.close()
        scheduling = SqliteEventStore(tmp_path / "scheduling.db")
        scheduling.migrate()
        tables.migrate(scheduling)
        # Without the certificate the server closes every attempt and the client tries again: bounded.
        assert await asyncio.wait_for(rebuild_facts(scheduling, server.url), 30) == len(facts)
        published.close()
        scheduling.close()
    finally:
        server.stop()
