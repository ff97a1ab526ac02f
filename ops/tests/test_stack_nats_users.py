"""`jobdating up`'s NATS has compose's shape: one user per service instance (same generator), passwords
kept in the data folder across restarts, the operators' commands as `ops`, and no anonymous client."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import nats
import pytest

from jobdating.bus.connection import connect_options
from jobdating.bus.server import free_port
from jobdating.ops.demo import ROLES
from jobdating.ops.operate import embedded_url
from jobdating.ops.reporting.source import nats_of
from jobdating.ops.stack import Stack, free_base_port

pytestmark = pytest.mark.nats

SERVICE_USERS = (
    "registration-departement-nord",
    "sites-departement-nord",
    "scheduling",
    "notifications",
    "identity",
)


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    s = Stack(tmp_path / "data", nats_port=free_port(), base_port=free_base_port())
    s.prepare(ROLES)
    s.nats.start()
    yield s
    s.stop()


async def _refused(url: str) -> bool:
    try:
        nc = await nats.connect(url, connect_timeout=2, allow_reconnect=False, max_reconnect_attempts=0)
    except Exception as exc:  # nats-py raises the server's authorization error or NoServers
        return "authorization" in str(exc).lower() or isinstance(exc, nats.errors.NoServersError)
    await nc.close()
    return False


def test_an_anonymous_client_is_refused_and_the_ops_user_is_not(stack: Stack) -> None:
    assert asyncio.run(_refused(stack.nats.url))
    assert asyncio.run(_refused(stack.nats.url.replace("nats://", "nats://ops:wrong@")))
    assert not asyncio.run(_refused(stack.nats_url()))
    # The ops commands on the folder find the same user.
    assert embedded_url(stack.data_dir) == stack.nats_url()


def test_each_service_gets_its_own_user_and_may_publish_only_its_own_events(stack: Stack) -> None:
    passwords = json.loads(stack.nats_users_file.read_text())
    assert set(passwords) == {"ops", "console", *SERVICE_USERS}
    assert stack.nats_users_file.stat().st_mode & 0o077 == 0

    async def publish_as(user: str, subject: str) -> list[str]:
        errors: list[str] = []

        async def on_error(exc: Exception) -> None:
            errors.append(str(exc))

        url = stack.nats_url(user)
        nc = await nats.connect(url, error_cb=on_error, max_reconnect_attempts=0, **connect_options(url))
        await nc.publish(subject, b"{}")
        await nc.flush()
        await asyncio.sleep(0.2)
        await nc.close()
        return errors

    forged = asyncio.run(
        publish_as("registration-departement-nord", "jobdating.departement-nord.scheduling.x")
    )
    assert any("permissions violation" in e.lower() for e in forged), forged
    assert asyncio.run(publish_as("scheduling", "jobdating.departement-nord.scheduling.x")) == []
    # The console reads the stream and publishes no event.
    refused = asyncio.run(publish_as("console", "jobdating.departement-nord.sites.x"))
    assert any("permissions violation" in e.lower() for e in refused), refused


def test_a_resumed_stack_keeps_its_passwords(stack: Stack, tmp_path: Path) -> None:
    before = stack.nats_users_file.read_text()
    url = stack.nats_url("scheduling")
    stack.stop()
    again = Stack(stack.data_dir, nats_port=stack.nats.port, base_port=free_base_port())
    again.prepare(ROLES)
    try:
        assert again.nats_users_file.read_text() == before
        assert again.nats_url("scheduling") == url
    finally:
        again.release()


def test_a_report_on_a_stopped_stack_reads_its_stream_as_ops(stack: Stack) -> None:
    stack.stop()
    with nats_of(stack.data_dir) as url:
        assert url.startswith("nats://ops:")
        assert not asyncio.run(_refused(url))
        assert asyncio.run(_refused(url.split("@")[0].split("//")[0] + "//" + url.split("@")[1]))
