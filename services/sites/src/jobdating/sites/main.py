"""`jobdating-sites`: run a sites instance (`serve`) or rebuild its read model from its log (`rebuild`)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from jobdating.eventstore import open_store
from jobdating.runtime.host import NotProvisioned, ServiceHost
from jobdating.runtime.logging import configure_logging
from jobdating.sites.adapters import projections
from jobdating.sites.bootstrap import bootstrap
from jobdating.sites.config import SitesSettings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="jobdating-sites",
        description="Sites service: premises, rooms and computers lent by partners. "
        "Settings come from JOBDATING_SITES_* environment variables.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run the HTTP API and the outbox relay until SIGINT/SIGTERM")
    commands.add_parser("rebuild", help="rebuild the read model from the log (stop the service first)")
    args = parser.parse_args(argv)
    settings = SitesSettings()
    log = configure_logging("sites", settings.org)
    if args.command == "serve":
        return serve(settings, log)
    return rebuild(settings, log)


def serve(settings: SitesSettings, log: Any) -> int:
    """Run the relay and the HTTP API in one event loop; the stream must already be provisioned."""
    if settings.tokens_file is None or not settings.tokens_file.exists():
        print(
            f"error: tokens file {settings.tokens_file} not found: set JOBDATING_SITES_TOKENS_FILE",
            file=sys.stderr,
        )
        return 2
    store = open_store(settings.store_url)
    host = ServiceHost(
        store=store, nats_url=settings.nats_url, app=None, host=settings.host, port=settings.port, log=log
    )
    # The bus wakes the relay after each commit, so the host exists before the service it runs.
    host.app = bootstrap(settings, store=store, on_commit=host.notify_commit, log=log).app
    try:
        asyncio.run(host.run())
    except NotProvisioned as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def rebuild(settings: SitesSettings, log: Any) -> int:
    """Empty the read model and replay the log into it."""
    store = open_store(settings.store_url)
    try:
        projections.migrate(store)
        count = projections.rebuild(store)
    finally:
        store.close()
    log.info("read_model_rebuilt", events=count)
    print(f"read model rebuilt from {count} events")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
