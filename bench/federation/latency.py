"""Latency from a publish to the event stored in the hub's stream, p50 and p99: from a partner's server
(stored by its own stream, then sourced by the hub across the leaf) against a publish into the hub directly,
interleaved in the same run at a steady rate.

Everything is real and local: the hub's three clustered nats-servers (R3, file storage, `sync_interval:
always`) and a partner's leaf, configured and provisioned as `jobdating partner add` does
(jobdating.ops.federation_servers). "Stored in the hub" is when the hub's ordered consumer, reading new
messages of the shared stream, receives the event.

    .venv/bin/python -m bench.federation.latency                 # 50 events/s each way for 20 s
    .venv/bin/python -m bench.federation.latency --rate 20 --seconds 5
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from typing import Any

from nats.aio.msg import Msg
from nats.js.api import DeliverPolicy

from bench.common import int_options, report, scratch_dir
from jobdating.contracts.subjects import STREAM_NAME
from jobdating.ops.federation_provision import connect
from jobdating.ops.federation_servers import Federation
from jobdating.runtime.ids import new_id

PARTNER = "mission-locale"
HUB_ORG = "departement-nord"


def percentiles_ms(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {
        "count": len(ordered),
        "p50_ms": round(1000 * statistics.median(ordered), 1),
        "p99_ms": round(1000 * ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))], 1),
        "max_ms": round(1000 * ordered[-1], 1),
    }


async def measure(fed: Federation, rate: int, seconds: int) -> dict[str, Any]:
    hub = await connect(fed.hub_url)
    partner = await connect(fed.partner_url(PARTNER))
    sent: dict[str, float] = {}
    arrived: dict[str, float] = {}
    everything = asyncio.Event()
    total = 2 * rate * seconds

    async def stored(msg: Msg) -> None:
        event_id = (msg.headers or {}).get("Nats-Msg-Id", "")
        arrived.setdefault(event_id, time.perf_counter())
        if len(arrived) >= total:
            everything.set()

    await hub.jetstream().subscribe(
        "jobdating.>", stream=STREAM_NAME, ordered_consumer=True, deliver_policy=DeliverPolicy.NEW, cb=stored
    )
    ways = {"partner": (partner.jetstream(), PARTNER), "hub": (hub.jetstream(), HUB_ORG)}
    by_way: dict[str, list[str]] = {way: [] for way in ways}
    start = time.perf_counter()
    for n in range(rate * seconds):
        for way, (js, org) in ways.items():
            event_id = new_id()
            sent[event_id] = time.perf_counter()
            by_way[way].append(event_id)
            await js.publish(
                f"jobdating.{org}.sites.site.SiteOpened.{event_id}",
                b"{}",
                stream=STREAM_NAME,
                headers={"Nats-Msg-Id": event_id},
            )
        await asyncio.sleep(max(0.0, start + (n + 1) / rate - time.perf_counter()))
    await asyncio.wait_for(everything.wait(), timeout=60)
    await hub.close()
    await partner.close()
    return {way: percentiles_ms([arrived[i] - sent[i] for i in ids]) for way, ids in by_way.items()}


def main() -> None:
    options = int_options(rate=50, seconds=20)
    fed = Federation(scratch_dir("bench-federation-"), [PARTNER]).start()
    try:
        # Every server takes only clients with a certificate of the federation's authority.
        os.environ.update(fed.tls_env())
        asyncio.run(fed.provision())
        load_before = os.getloadavg()[0]
        result = asyncio.run(measure(fed, options.rate, options.seconds))
        result |= {
            "rate_per_way": options.rate,
            "seconds": options.seconds,
            "load_avg_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        }
    finally:
        fed.stop()
    report("federation_latency", result)


if __name__ == "__main__":
    main()
