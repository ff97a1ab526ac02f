"""The commands that check and repair what the services hold: `audit` and `replay` (`report`, the third
command reading the stream, lives with the reports in `jobdating.ops.reporting.command`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jobdating.ops import operate
from jobdating.ops.commands.terminal import DataDir, OptionalNatsUrl, console


def audit(
    data_dir: DataDir = Path(".data"),
    nats_url: OptionalNatsUrl = None,
    limit: Annotated[int, typer.Option(help="how many differences to list at most")] = 20,
    store: Annotated[
        list[str] | None,
        typer.Option(
            help="SERVICE=URL: that service's store (e.g. PostgreSQL), repeatable; "
            "SERVICE@ORG=URL: a partner's own instance"
        ),
    ] = None,
    stream: Annotated[
        bool,
        typer.Option("--stream/--no-stream", help="also check the stream (--no-stream: the stores alone)"),
    ] = True,
) -> None:
    """Prove that the stream, every service's log and every projection agree (exit 1 on any difference).

    Reads the stores and the stream: `--nats-url`, or the data folder's NATS (started for the time of the
    audit when the stack is stopped). A stream that cannot be read is not a clean audit (exit 2), unless
    `--no-stream` says to audit the stores alone.
    """
    raise typer.Exit(operate.run_audit(console, data_dir, nats_url, limit, store, stream))


def replay(
    service: Annotated[str, typer.Argument(help="registration, sites, scheduling or notifications")],
    from_stream: Annotated[bool, typer.Option(help="replay the stream's events, not the log")] = False,
    data_dir: DataDir = Path(".data"),
    nats_url: OptionalNatsUrl = None,
    store_url: Annotated[
        str | None, typer.Option(help="the service's store URL, instead of the data folder's")
    ] = None,
) -> None:
    """Rebuild a service's projections into fresh tables, then switch the live ones in one transaction."""
    raise typer.Exit(operate.run_replay(console, service, data_dir, from_stream, nats_url, store_url))
