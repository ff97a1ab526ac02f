"""`jobdating-console serve`: run the web console (server-rendered pages on top of the other services)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import uvicorn

from jobdating.console.bootstrap import bootstrap
from jobdating.console.config import ConsoleSettings


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="jobdating-console", description="The web console.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="serve the console's pages")
    parser.parse_args(argv)
    settings = ConsoleSettings()
    service = bootstrap(settings)
    # No stream to read yet: plain uvicorn, stopped cleanly by SIGTERM/SIGINT.
    uvicorn.run(service.app, host=settings.host, port=settings.port, log_level=settings.log_level.lower())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
