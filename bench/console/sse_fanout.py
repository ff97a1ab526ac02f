"""Server-sent events fan-out of the coordinator's live page: C clients connected to
`/coordination/direct/flux` (each its own streaming connection with the coordinator's session), then N
computers put out of order one after the other through the sites service's HTTP API. For each event: from
the sites service's answer (the event is committed in its store; its relay then publishes it to JetStream,
the console's ordered consumer reads it and each client's stream renders the site's new section) to the
moment the **last** client received that site's section; p50 and p99 over the N events (goal: p99 < 1 s).
The next computer breaks once every client got the previous one (or after 30 s); late events count
with their real latency (the streams get up to 3 minutes after the last event to catch up).

With `--publish-with-clients`, the plan is published just before the page is loaded and the clients
connect (the live page needs a published plan): scheduling's thousands of `SlotAssigned` then reach the
console while the clients connect and the first computers break (a section of every site for every page),
the day's worst moment. Without it, they may or may not be over by then (it depends on how long the
clients take to connect).

Everything is real (see `bench.console.fair`); the clients are httpx streams in this process.

    .venv/bin/python -m bench.console.sse_fanout                     # reduced fair, 300 clients, 20 events
    .venv/bin/python -m bench.console.sse_fanout --candidates 5000 --sites 200 --companies 500
    .venv/bin/python -m bench.console.sse_fanout --candidates 5000 --sites 200 --companies 500 \\
        --publish-with-clients
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import time
from pathlib import Path
from typing import Any

import httpx

from bench.common import report
from bench.console.fair import JOB_DATING_ID, Fair, described, options, regional_fair, size_of
from bench.console.live_page import percentiles
from bench.console.steps import kept, steps_of, trace_file
from bench.planning.quality import load

WAIT_SECONDS = 30.0  # the next event goes once every client got this one, or after this long
DRAIN_SECONDS = 180.0  # after the last event, how long the late ones may still arrive


class Client:
    """One live page's event stream: when each site's section arrived."""

    def __init__(self) -> None:
        self.ready = asyncio.Event()
        # Per site, when its sections arrived (in order): a plan's publication sends every site to every
        # client, and the bench asks every 10 ms whether each client got the last event's site; a scan of
        # every arrival took the CPU the console was being measured with.
        self.arrivals: dict[str, list[float]] = {}

    async def run(self, http: httpx.AsyncClient) -> None:
        async with http.stream("GET", "/coordination/direct/flux", params={"jd": JOB_DATING_ID}) as stream:
            async for line in stream.aiter_lines():
                if line.startswith("retry:"):
                    self.ready.set()  # the console registered this stream's queue before it says retry
                elif line.startswith("event: site-"):
                    self.arrivals.setdefault(line.removeprefix("event: "), []).append(time.perf_counter())

    def first_after(self, since: float, site: str) -> float | None:
        times = self.arrivals.get(site, [])
        at = bisect.bisect_left(times, since)
        return times[at] if at < len(times) else None


async def _all_received(readers: list[Client], sent: list[tuple[str, float, float]], wait: float) -> None:
    deadline = time.perf_counter() + wait
    while time.perf_counter() < deadline:
        if all(c.first_after(at, site) is not None for c in readers for site, at, _ in sent):
            return
        await asyncio.sleep(0.01)


async def fan_out(fair: Fair, clients: int, events: int, trace: Path | None = None) -> dict[str, Any]:
    published_seconds = None
    if fair.unpublished is not None:
        start = time.perf_counter()
        fair.publish()
        published_seconds = round(time.perf_counter() - start, 2)
    # The page first: the console learns there which site each computer stands at.
    fair.console.get("/coordination/direct").raise_for_status()
    cookies = dict(fair.console.cookies)
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=None)
    timeout = httpx.Timeout(30.0, read=None)
    readers = [Client() for _ in range(clients)]
    async with httpx.AsyncClient(
        base_url=fair.stack.url("console"), cookies=cookies, limits=limits, timeout=timeout
    ) as http:
        tasks = [asyncio.create_task(c.run(http)) for c in readers]
        start = time.perf_counter()
        await asyncio.wait_for(asyncio.gather(*(c.ready.wait() for c in readers)), 120)
        connect_seconds = time.perf_counter() - start
        sent_events: list[tuple[str, float, float]] = []  # (site, sent, committed)
        committed_at: list[tuple[str, float]] = []  # (site, wall-clock commit): the console's trace
        sites_token = {"Authorization": f"Bearer {fair.token('site_manager')}"}
        async with httpx.AsyncClient(base_url=fair.stack.url("sites"), headers=sites_token) as sites:
            for n in range(events):
                site_index = n % fair.size.sites
                site = f"site-site-{site_index:03d}"
                computer = f"pc-site-{site_index:03d}-{1 + (n // fair.size.sites) % 4}"
                sent = time.perf_counter()
                answer = await sites.post(f"/computers/{computer}/out-of-order", json={"reason": "en panne"})
                assert answer.status_code == 200, answer.text[:300]
                sent_events.append((site, sent, time.perf_counter()))
                committed_at.append((site, time.time()))
                await _all_received(readers, sent_events[-1:], WAIT_SECONDS)
                await asyncio.sleep(0.5)  # the reactions (scheduling's repair) drain before the next
        # Late ones still count, with their real latency: wait for the streams to catch up.
        await _all_received(readers, sent_events, DRAIN_SECONDS)
        latencies: list[float] = []
        firsts: list[float] = []
        for site, sent, committed in sent_events:
            got = [c.first_after(sent, site) for c in readers]
            arrived = [at for at in got if at is not None]
            if len(arrived) == len(got):
                latencies.append(max(0.0, max(arrived) - committed))
                firsts.append(max(0.0, min(arrived) - committed))
        missed = len(sent_events) - len(latencies)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return {
        "clients": clients,
        "events": events,
        "events_not_received_by_every_client": missed,
        "connect_all_seconds": round(connect_seconds, 2),
        "published_before_connecting_seconds": published_seconds,
        "commit_to_last_client": percentiles(latencies) if latencies else None,
        # The first client: the relay, the console's consumer and one section's rendering; the rest of the
        # spread is the console rendering the section once per connected client.
        "commit_to_first_client": percentiles(firsts) if firsts else None,
        "goal_p99_under_1_s": bool(latencies) and percentiles(latencies)["p99_ms"] < 1000,
        **({"steps_ms_after_commit": steps_of(trace, committed_at)} if trace is not None else {}),
        **({"trace_file": str(kept(trace))} if trace is not None else {}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    options(parser, candidates=1000, sites=40, companies=100)
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument(
        "--publish-with-clients", action="store_true", help="publish the plan just before the clients connect"
    )
    args = parser.parse_args()
    before = load()
    trace = trace_file()
    with regional_fair(size_of(args), publish=not args.publish_with_clients) as fair:
        result = asyncio.run(fan_out(fair, args.clients, args.events, trace))
        result |= {"benchmark": "console.sse_fanout", **described(fair, before)}
    report("console_sse_fanout", result)


if __name__ == "__main__":
    main()
