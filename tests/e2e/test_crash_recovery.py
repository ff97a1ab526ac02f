"""kill -9 a service between commit and publish, and between publish and saving the relay position:
after a restart every event is in the stream exactly once and a projection in another process counts
each once."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest

from jobdating.bus.provision import provision_url
from jobdating.bus.server import free_port
from jobdating.contracts.envelope import decode_envelope
from jobdating.contracts.subjects import STREAM_NAME
from jobdating.eventstore.sqlite import SqliteEventStore
from jobdating.ops import tally
from jobdating.ops.stack import Stack, free_base_port

pytestmark = [pytest.mark.nats, pytest.mark.slow]
ORG = "departement-nord"


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    # The two services whose events the proof follows (sites' reach registration); the others would only
    # lengthen the start on a loaded machine.
    s = Stack(
        tmp_path / "data",
        nats_port=free_port(),
        base_port=free_base_port(),
        services=("registration", "sites"),
        console=False,
    )
    s.prepare({ORG: ["coordinator", "counsellor"]})
    s.start()
    asyncio.run(provision_url(s.nats_url(), [tally.TALLY]))
    yield s
    s.stop()


def site_body(n: int) -> dict[str, Any]:
    return {
        "name": f"Site de test {n}",
        "address": f"{n} rue de la Gare",
        "commune": "Seclin",
        "postcode": "59113",
        "location": {"lat": 50.55, "lon": 3.03},
        "hours": [{"day": "2026-12-03", "start": "08:30", "end": "12:30"}],
    }


def candidate_body(n: int) -> dict[str, Any]:
    return {
        "first_name": "Inès",
        "last_name": f"Candidate {n}",
        "phone": f"06 39 98 {n // 100:02d} {n % 100:02d}",
        "postcode": "59113",
        "commune": "Seclin",
        "site_id": "site-crash",
        "consent_data": True,
    }


COMMANDS: dict[str, tuple[str, Callable[[int], dict[str, Any]]]] = {
    "sites": ("/sites", site_body),
    "registration": ("/candidates", candidate_body),
}


def post_until_it_dies(client: httpx.Client, stack: Stack, service: str) -> int:
    """Send commands until the failpoint kills the service; returns how many were answered 201."""
    path, make = COMMANDS[service]
    ok = 0
    for n in range(100):
        try:
            response = client.post(path, json=make(n))
        except httpx.TransportError:
            break
        assert response.status_code == 201, response.text
        ok += 1
    deadline = time.monotonic() + 10
    while stack.exited(service) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert stack.exited(service) == -9, "the failpoint should have killed the service"
    return ok


def wait_dead(stack: Stack, service: str) -> None:
    deadline = time.monotonic() + 15
    while stack.exited(service) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert stack.exited(service) == -9


def wait_until_registration_knows_the_site(stack: Stack, headers: dict[str, str]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        known = httpx.get(f"{stack.url('registration')}/sites", headers=headers).json()
        if any(site["site_id"] == "site-crash" for site in known):
            return
        time.sleep(0.1)
    raise AssertionError("registration never learnt the site from the stream")


async def stream_ids(url: str) -> list[str]:
    nc = await nats.connect(url)
    js = nc.jetstream()
    info = await js.stream_info(STREAM_NAME)
    ids: list[str] = []
    sub = await js.subscribe("jobdating.>", ordered_consumer=True)
    for _ in range(info.state.messages):
        msg = await sub.next_msg(timeout=5)
        ids.append(decode_envelope(msg.data).event_id)
    await nc.close()
    return ids


@pytest.mark.parametrize("service", ["registration", "sites"])
def test_kill_9_around_the_relay_loses_nothing_and_duplicates_nothing(
    service: str, stack: Stack, tmp_path: Path
) -> None:
    tally_db = tmp_path / "tally.db"
    witness = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "jobdating"),
            "tally",
            "--nats-url",
            stack.nats_url(),
            "--store",
            f"sqlite:///{tally_db}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "tally.log", "wb"),  # noqa: SIM115
    )
    try:
        coordinator = {"Authorization": f"Bearer {stack.token_for(ORG, 'coordinator')}"}
        sites = httpx.Client(base_url=stack.url("sites"), headers=coordinator, timeout=10)
        assert sites.post("/sites", json={**site_body(1000), "site_id": "site-crash"}).status_code == 201
        headers = {"Authorization": f"Bearer {stack.token_for(ORG, 'counsellor')}"}
        client = httpx.Client(
            base_url=stack.url(service), headers=coordinator if service == "sites" else headers
        )
        wait_until_registration_knows_the_site(stack, headers)
        path, make = COMMANDS[service]

        # 1. Killed right after committing its third command, before the relay could publish it.
        stack.kill(service)
        stack.restart(service, {"JOBDATING_FAILPOINTS": "command.after_commit:3"})
        answered = post_until_it_dies(client, stack, service)
        assert answered == 2

        # 2. Killed after publishing a batch, before saving its position: the next start republishes it.
        stack.restart(service, {"JOBDATING_FAILPOINTS": "relay.after_publish:1"}, wait=False)
        wait_dead(stack, service)

        stack.restart(service)
        for n in range(3):
            assert client.post(path, json=make(2000 + n)).status_code == 201

        stores = [SqliteEventStore(stack.data_dir / f"{name}.db") for name in ("sites", "registration")]
        expected = [e.event_id for store in stores for e in store.iter_all()]
        mine = SqliteEventStore(stack.data_dir / f"{service}.db").count()
        assert mine == 3 + 3 + (1 if service == "sites" else 0)  # the killed command had committed: it counts
        deadline = time.monotonic() + 30
        tally_store = SqliteEventStore(tally_db)
        while time.monotonic() < deadline:
            if tally_db.exists() and sum(tally.counts(tally_store).values()) >= len(expected):
                break
            time.sleep(0.2)
        published = asyncio.run(stream_ids(stack.nats_url()))
        assert sorted(published) == sorted(expected)  # every event in the stream, exactly once
        log = (tmp_path / "tally.log").read_text()
        assert sum(tally.counts(tally_store).values()) == len(expected), (tally_store.parked(), log[-3000:])
        assert tally.duplicates(tally_store) == []
        for store in stores:
            store.close()
        tally_store.close()
    finally:
        witness.terminate()
        witness.wait(timeout=10)
