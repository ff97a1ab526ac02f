"""`jobdating-ops`: provisioning and operator tools that are not a service's own."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

import nats

from jobdating.bus.consumer import ConsumerRunner
from jobdating.bus.provision import provision_url
from jobdating.bus.server import NatsServer, NatsServerError
from jobdating.bus.topology import CONSUMERS
from jobdating.eventstore import open_store
from jobdating.ops import tally
from jobdating.runtime.logging import configure_logging


async def _tally(nats_url: str, store_url: str) -> None:
    log = configure_logging("ops-tally", "-")
    store = open_store(store_url)
    tally.create_tables(store)
    nc = await nats.connect(nats_url, max_reconnect_attempts=-1)
    runner = ConsumerRunner(store, nc.jetstream(), tally.TALLY.durable, tally.apply, log=log)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    import signal

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await runner.run(stop)
    await nc.drain()
    store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="jobdating-ops", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("provision", help="create or update the stream and every durable consumer")
    p.add_argument("--nats-url", required=True)
    p.add_argument("--with-tally", action="store_true", help="also the ops-tally consumer")
    n = sub.add_parser("nats", help="run nats-server with JetStream in a data folder (foreground)")
    n.add_argument("--data-dir", type=Path, required=True)
    n.add_argument("--port", type=int, default=4222)
    t = sub.add_parser("tally", help="run the tally projection over the whole stream")
    t.add_argument("--nats-url", required=True)
    t.add_argument("--store", required=True, help="sqlite:///PATH or postgresql://...")
    args = parser.parse_args(argv)

    if args.command == "provision":
        consumers = [*CONSUMERS, tally.TALLY] if args.with_tally else list(CONSUMERS)
        try:
            for line in asyncio.run(provision_url(args.nats_url, consumers)):
                print(line)
        except (OSError, nats.errors.NoServersError) as exc:
            print(f"error: cannot reach NATS at {args.nats_url}: {exc}", file=sys.stderr)
            return 2
        return 0
    if args.command == "nats":
        server = NatsServer(args.data_dir, port=args.port)
        try:
            server.start()
        except NatsServerError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(f"NATS listening on {server.url}, JetStream in {args.data_dir}")
        try:
            assert server.process is not None
            server.process.wait()
        except KeyboardInterrupt:
            server.stop()
        return 0
    if args.command == "tally":
        asyncio.run(_tally(args.nats_url, args.store))
        return 0
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
