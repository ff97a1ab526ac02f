"""Shared pytest fixtures (loaded as a plugin by the root conftest)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import nats
import pytest
from nats.aio.client import Client
from nats.js import JetStreamContext

from jobdating.bus.provision import provision
from jobdating.bus.server import NatsServer
from jobdating.eventstore.base import EventStore
from jobdating.eventstore.factory import open_store
from jobdating.testing.postgres import NoPostgres, fresh_database, server_dsn

# Every identity the tests start (in process or as a child of `jobdating up`, which passes its environment
# on) hashes passwords at the settings' floor, OWASP's argon2id minimum, instead of RFC 9106's 64 MiB x 3:
# the demo's 30 accounts are activated and signed in on each of the suite's dozen stacks.
for _name, _value in {"TIME_COST": "2", "MEMORY_KIB": str(19 * 1024), "LANES": "1"}.items():
    os.environ.setdefault(f"JOBDATING_IDENTITY_PASSWORD_{_name}", _value)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    try:
        with server_dsn() as dsn:
            yield dsn
    except NoPostgres as exc:
        pytest.skip(str(exc))


@pytest.fixture
def pg_dsn(pg_server: str) -> Iterator[str]:
    with fresh_database(pg_server) as dsn:
        yield dsn


def _opened(url: str) -> Iterator[EventStore]:
    # As a service opens its store (migrated), closed after the test.
    store = open_store(url)
    yield store
    store.close()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[EventStore]:
    yield from _opened(f"sqlite:///{tmp_path / 'events.db'}")


@pytest.fixture
def pg_store(pg_dsn: str) -> Iterator[EventStore]:
    yield from _opened(pg_dsn)


@pytest.fixture(params=["sqlite", "postgres"])
def any_store(request: pytest.FixtureRequest) -> EventStore:
    """The same test against both backends."""
    name = "sqlite_store" if request.param == "sqlite" else "pg_store"
    store: EventStore = request.getfixturevalue(name)
    return store


@pytest.fixture
def nats_server(tmp_path: Path) -> Iterator[NatsServer]:
    """A real nats-server 2.15 on a random port with its own JetStream folder."""
    server = NatsServer(tmp_path / "nats")
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def nc(nats_server: NatsServer) -> AsyncIterator[Client]:
    client = await nats.connect(nats_server.url, connect_timeout=5)
    yield client
    await client.close()


@pytest.fixture
async def js(nc: Client) -> JetStreamContext:
    """JetStream with the project's stream and consumers provisioned."""
    context = nc.jetstream()
    await provision(context)
    return context
