"""`jobdating-scheduling serve | rebuild | redrive | export`; settings come from JOBDATING_SCHEDULING_*."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import nats
from pydantic import ValidationError

from jobdating.bus.consumer import redrive
from jobdating.bus.replay import replay_stream
from jobdating.contracts.envelope import RecordedEvent, service_of
from jobdating.eventstore import open_store
from jobdating.eventstore.base import EventStore
from jobdating.runtime.auth import TokenTable
from jobdating.runtime.host import NotProvisioned, ServiceHost
from jobdating.runtime.logging import configure_logging
from jobdating.scheduling.adapters import export, projections, tables
from jobdating.scheduling.adapters import facts as known
from jobdating.scheduling.application.policies import REGISTRATION_CONSUMER, SITES_CONSUMER
from jobdating.scheduling.bootstrap import bootstrap, open_queries
from jobdating.scheduling.config import SchedulingSettings
from jobdating.scheduling.domain.errors import SchedulingRefusal


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `jobdating-scheduling` command."""
    parser = argparse.ArgumentParser(
        prog="jobdating-scheduling",
        description="Scheduling service of jobdating (settings: JOBDATING_SCHEDULING_* variables).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run the HTTP API, the relay and the registration and sites consumers")
    rebuild = commands.add_parser(
        "rebuild", help="rebuild the read model from the log (stop the service first)"
    )
    rebuild.add_argument(
        "--facts-from-stream",
        action="store_true",
        help="also rebuild the candidates, companies, sites and computers from the NATS stream",
    )
    again = commands.add_parser("redrive", help="re-run events a consumer parked")
    again.add_argument("--consumer", choices=[REGISTRATION_CONSUMER, SITES_CONSUMER], required=True)
    again.add_argument("--event-id", help="only this parked event")
    out = commands.add_parser("export", help="print a plan per site, computer, company or candidate")
    out.add_argument("--job-dating", required=True, help="the job dating's id")
    out.add_argument("--by", choices=["site", "computer", "company", "candidate"], default="site")
    out.add_argument("--format", choices=["text", "csv"], default="text")
    out.add_argument(
        "--provisional", action="store_true", help="the latest provisional plan, not the published"
    )
    out.add_argument("--key", help="only this site, computer, company or candidate")
    out.add_argument("--output", type=Path, help="write to this file instead of the standard output")
    args = parser.parse_args(argv)
    try:
        settings = SchedulingSettings()
    except ValidationError as exc:
        wrong = ", ".join("JOBDATING_SCHEDULING_" + str(e["loc"][0]).upper() for e in exc.errors())
        print(f"invalid settings: {wrong}", file=sys.stderr)
        return 2
    log = configure_logging("scheduling", settings.org)
    if args.command == "serve":
        return serve(settings, log)
    store = open_store(settings.store_url)
    try:
        if args.command == "rebuild":
            return rebuild_read_model(settings, store, log, args.facts_from_stream)
        if args.command == "redrive":
            return redrive_parked(settings, store, args.consumer, args.event_id, log)
        return export_plan(settings, store, args)
    finally:
        store.close()


def serve(settings: SchedulingSettings, log: Any) -> int:
    """Run the relay, both consumers and the HTTP API in one event loop (the stream must be provisioned)."""
    if settings.tokens_file is None or not settings.tokens_file.exists():
        print(
            f"error: tokens file {settings.tokens_file} not found: set JOBDATING_SCHEDULING_TOKENS_FILE",
            file=sys.stderr,
        )
        return 2
    store = open_store(settings.store_url)
    host = ServiceHost(
        store=store, nats_url=settings.nats_url, app=None, host=settings.host, port=settings.port, log=log
    )
    # The bus wakes the relay after each commit, so the host exists before the service it runs.
    service = bootstrap(settings, store=store, on_commit=host.notify_commit, log=log)
    host.app = service.app
    host.subscriptions = service.subscriptions()
    try:
        asyncio.run(host.run())
    except NotProvisioned as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def rebuild_read_model(settings: SchedulingSettings, store: EventStore, log: Any, facts: bool) -> int:
    """Empty the read model and replay the log into it; with `facts`, refill the facts from the stream."""
    tables.migrate(store)
    count = projections.rebuild(store)
    log.info("read_model_rebuilt", events=count)
    print(f"read model rebuilt from {count} events")
    if facts:
        replayed = asyncio.run(rebuild_facts(store, settings.nats_url))
        log.info("facts_rebuilt", events=replayed)
        print(f"facts rebuilt from {replayed} events of the stream")
    return 0


async def rebuild_facts(store: EventStore, nats_url: str) -> int:
    """Empty the facts and replay the stream into them; returns how many registration and sites events
    changed them. One replay of the whole stream: a filtered one cannot tell when it reached the end."""
    with store.transaction() as tx:
        for table in tables.FACT_TABLES:
            tx.execute(f"DELETE FROM {table}")
    applied = 0

    def apply_batch(events: Sequence[RecordedEvent]) -> None:
        nonlocal applied
        with store.transaction() as tx:
            for event in events:
                if service_of(event.envelope) in ("registration", "sites"):
                    applied += known.apply_fact(tx, event)

    nc = await nats.connect(nats_url, connect_timeout=5)
    try:
        await replay_stream(nc.jetstream(), apply_batch)
    finally:
        await nc.close()
    return applied


def redrive_parked(
    settings: SchedulingSettings, store: EventStore, consumer: str, event_id: str | None, log: Any
) -> int:
    """Re-run a consumer's parked events through its handler (once the cause is fixed)."""
    service = bootstrap(settings, store=store, tokens=TokenTable({}), log=log)
    handler = (
        service.policies.on_registration if consumer == REGISTRATION_CONSUMER else service.policies.on_sites
    )
    done, failing = redrive(store, consumer, handler, clock=service.clock, event_id=event_id)
    print(f"re-driven: {done}, still failing: {len(failing)}")
    for line in failing:
        print(f"  {line}", file=sys.stderr)
    return 1 if failing else 0


def export_plan(settings: SchedulingSettings, store: EventStore, args: argparse.Namespace) -> int:
    """Print (or write) a plan as text or CSV."""
    queries = open_queries(settings, store)
    try:
        plan = queries.plan(
            args.job_dating, by=args.by, key=args.key, kind="provisional" if args.provisional else "published"
        )
    except SchedulingRefusal as exc:
        print(f"erreur : {exc.problems[0].reason}", file=sys.stderr)
        return 1
    text = export.as_csv(plan) if args.format == "csv" else export.as_text(plan)
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
