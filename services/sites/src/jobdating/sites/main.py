"""`jobdating-sites`: run a sites instance (`serve`) or rebuild its read model from its log (`rebuild`)."""

from __future__ import annotations

import argparse
from contextlib import closing
from typing import Any

from jobdating.eventstore import open_store
from jobdating.runtime.service_main import Command, run_service
from jobdating.sites.adapters import projections
from jobdating.sites.bootstrap import bootstrap
from jobdating.sites.config import SitesSettings


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `jobdating-sites` command."""
    return run_service(
        "sites",
        SitesSettings,
        bootstrap,
        description="Sites service: premises, rooms and computers lent by partners.",
        serve_help="run the HTTP API and the outbox relay until SIGINT/SIGTERM",
        commands=[
            Command("rebuild", "rebuild the read model from the log (stop the service first)", rebuild),
        ],
        argv=argv,
    )


def rebuild(settings: SitesSettings, _args: argparse.Namespace, log: Any) -> int:
    """Empty the read model and replay the log into it."""
    with closing(open_store(settings.store_url)) as store:
        projections.migrate(store)
        count = projections.rebuild(store)
    log.info("read_model_rebuilt", events=count)
    print(f"read model rebuilt from {count} events")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
