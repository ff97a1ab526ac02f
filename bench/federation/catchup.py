"""Catch-up after a whole-hub outage with a partner writing at its steady rate: how long after the hub's
servers are back its stream holds everything the partner stored, and the rate it took the backlog at,
against raw sourcing of the same number of messages (a fresh R3 stream at the hub sourcing them from the
partner's domain, nobody writing, the hub up throughout).

The topology is `bench.federation.latency`'s: the hub's three clustered nats-servers (R3, file storage,
`sync_interval: always`) and a partner leaf, configured and provisioned as `jobdating partner add` does.
The partner publishes into its own stream, each publish awaiting its acknowledgement, at `--rate` events/s:
`--before` seconds with the hub up, `--outage` seconds with every hub server killed (kill -9), then on
while the hub restarts and catches up. "Converged": the hub's stream holds as many messages as the partner
had stored when the hub's count was read; the time runs from the hub's servers restarted (so it includes
their leader elections: `hub_first_answer_s` is when the hub's stream first answered), and the catch-up
rate is every message the hub sourced since the outage began over that time. The raw sourcing takes the
same messages (from the first one the hub lacked when it went down).

    .venv/bin/python -m bench.federation.catchup                  # 50 events/s, a 60 s outage
    .venv/bin/python -m bench.federation.catchup --outage 10      # a quick run
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable
from typing import Any

from nats.js import JetStreamContext
from nats.js.api import ExternalStream, StreamSource

from bench.common import int_options, report, scratch_dir
from jobdating.bus.provision import stream_config
from jobdating.bus.topology import StreamSpec
from jobdating.contracts.subjects import STREAM_NAME
from jobdating.ops import federation, federation_leaf
from jobdating.ops.federation_provision import connect, ensure_stream
from jobdating.ops.federation_servers import Federation
from jobdating.runtime.ids import new_id

PARTNER = "mission-locale"
RAW = "RAW_SOURCING"
LIMIT = 600.0  # seconds a convergence may take before the run gives up


class Writer:
    """The partner's instances: acknowledged publishes into its own stream at a steady rate."""

    def __init__(self, js: JetStreamContext, rate: int) -> None:
        self.js = js
        self.rate = rate
        self.stored = 0
        self.stop = asyncio.Event()

    async def run(self) -> None:
        start = time.perf_counter()
        while not self.stop.is_set():
            event_id = new_id()
            await self.js.publish(
                f"jobdating.{PARTNER}.sites.site.SiteOpened.{event_id}",
                b"{}",
                stream=STREAM_NAME,
                headers={"Nats-Msg-Id": event_id},
            )
            self.stored += 1
            await asyncio.sleep(max(0.0, start + self.stored / self.rate - time.perf_counter()))


async def count(js: JetStreamContext, stream: str = STREAM_NAME) -> int:
    try:
        return int((await js.stream_info(stream)).state.messages)
    except Exception:
        return -1


async def until(done: Callable[[], Awaitable[bool]], limit: float = LIMIT) -> float:
    """Poll `done()` (async) every 50 ms; the seconds it took."""
    start = time.perf_counter()
    while not await done():
        if time.perf_counter() - start > limit:
            raise TimeoutError(f"not converged after {limit} s")
        await asyncio.sleep(0.05)
    return time.perf_counter() - start


async def outage_and_catch_up(fed: Federation, rate: int, before: int, outage: int) -> dict[str, Any]:
    partner = await connect(fed.partner_url(PARTNER))
    writer = Writer(partner.jetstream(timeout=5), rate)
    writing = asyncio.create_task(writer.run())
    await asyncio.sleep(before)
    hub = await connect(fed.hub_url)
    at_hub_before = await count(hub.jetstream(timeout=2))
    await hub.close()
    for index in range(federation.HUB_REPLICAS):
        fed.kill_hub_server(index)
    await asyncio.sleep(outage)
    stored_at_restart = writer.stored
    for index in range(federation.HUB_REPLICAS):
        fed.restart_hub_server(index)
    back = time.perf_counter()
    hub = await connect(fed.hub_url)
    hub_js = hub.jetstream(timeout=2)
    answering: float | None = None

    async def converged() -> bool:
        nonlocal answering
        stored = writer.stored
        seen = await count(hub_js)
        if seen >= 0 and answering is None:
            answering = time.perf_counter() - back
        return seen >= stored

    await until(converged)
    seconds, at_convergence = time.perf_counter() - back, writer.stored
    writer.stop.set()
    await writing
    await hub.close()
    await partner.close()
    taken = at_convergence - at_hub_before
    return {
        "at_hub_before_outage": at_hub_before,
        "stored_by_partner_at_restart": stored_at_restart,
        "stored_by_partner_at_convergence": at_convergence,
        "stored_by_partner_at_end": writer.stored,
        "hub_first_answer_s": round(answering or 0.0, 2),
        "converge_s": round(seconds, 2),
        "sourced_since_outage": taken,
        "catch_up_rate_per_s": round(taken / seconds, 1),
    }


async def raw_sourcing(fed: Federation, after: int, stored: int) -> dict[str, Any]:
    """A fresh stream at the hub sourcing the partner's messages after sequence `after` up to `stored`, the
    hub up and nobody writing (the partner's stream holds its own messages only: its sequences count them)."""
    messages = stored - after
    hub = await connect(fed.hub_url)
    js = hub.jetstream(timeout=5)
    config = stream_config(StreamSpec(name=RAW, subjects=(), replicas=federation.HUB_REPLICAS))
    config.subjects = None
    config.sources = [
        StreamSource(
            name=STREAM_NAME,
            opt_start_seq=after + 1,
            filter_subject=federation_leaf.own_subjects(PARTNER),
            external=ExternalStream(api=federation_leaf.api_prefix(PARTNER)),
        )
    ]
    start = time.perf_counter()
    await ensure_stream(js, config, ready_within=30)

    async def done() -> bool:
        return await count(js, RAW) >= messages

    await until(done)
    seconds = time.perf_counter() - start
    await hub.close()
    return {"messages": messages, "seconds": round(seconds, 2), "rate_per_s": round(messages / seconds, 1)}


def main() -> None:
    options = int_options(rate=50, before=5, outage=60)
    fed = Federation(scratch_dir("bench-federation-catchup-"), [PARTNER]).start()
    try:
        # Every server takes only clients with a certificate of the federation's authority.
        os.environ.update(fed.tls_env())
        asyncio.run(fed.provision())
        load_before = os.getloadavg()[0]
        catch_up = asyncio.run(outage_and_catch_up(fed, options.rate, options.before, options.outage))
        load_between = os.getloadavg()[0]
        after, stored = catch_up["at_hub_before_outage"], catch_up["stored_by_partner_at_end"]
        raw = asyncio.run(raw_sourcing(fed, after, stored))
        result = {
            "rate_per_s": options.rate,
            "before_s": options.before,
            "outage_s": options.outage,
            "catch_up": catch_up,
            "raw_sourcing_same_count": raw,
            "load_avg_before_between_after": [
                round(load_before, 2),
                round(load_between, 2),
                round(os.getloadavg()[0], 2),
            ],
        }
    finally:
        fed.stop()
    report("federation_catchup", result)


if __name__ == "__main__":
    main()
