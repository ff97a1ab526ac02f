"""`jobdating-notifications`: run an instance (`serve`), the embedded mail server (`smtp-sink`), or re-drive
parked events and failed messages (`redrive`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from typing import Any

from jobdating.bus.consumer import redrive as redrive_parked
from jobdating.eventstore import open_store
from jobdating.notifications.adapters import deliveries
from jobdating.notifications.adapters.maildir import serve_sink
from jobdating.notifications.application import queries_deliveries
from jobdating.notifications.application.queries import retry_failed
from jobdating.notifications.bootstrap import NotificationsService, bootstrap, dispatcher
from jobdating.notifications.config import NotificationsSettings
from jobdating.runtime.host import NotProvisioned, ServiceHost
from jobdating.runtime.logging import configure_logging


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="jobdating-notifications",
        description="Notifications service: convocations, reminders, changes, agendas and outcome notices. "
        "Settings come from JOBDATING_NOTIFICATIONS_* environment variables.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run the consumers, the sender, the relay and the HTTP API")
    commands.add_parser(
        "smtp-sink", help="run the local SMTP server that writes the Maildir (embedded run, not production)"
    )
    again = commands.add_parser(
        "redrive", help="re-run parked events; with --failed, queue failed messages again"
    )
    again.add_argument("--failed", action="store_true", help="also send every failed message again")
    args = parser.parse_args(argv)
    settings = NotificationsSettings()
    log = configure_logging("notifications", settings.org)
    if args.command == "serve":
        return serve(settings, log)
    if args.command == "smtp-sink":
        return smtp_sink(settings, log)
    return redrive(settings, log, failed=args.failed)


def serve(settings: NotificationsSettings, log: Any) -> int:
    """Run everything in one event loop; the stream and consumers must already be provisioned."""
    if settings.tokens_file is None or not settings.tokens_file.exists():
        print(
            f"error: tokens file {settings.tokens_file} not found: set JOBDATING_NOTIFICATIONS_TOKENS_FILE",
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
    host.subscriptions = service.subscriptions
    try:
        asyncio.run(_run(host, service))
    except NotProvisioned as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


async def _run(host: ServiceHost, service: NotificationsService) -> None:
    nc = await host.connect()
    sender = dispatcher(service, nc)
    stopping = asyncio.Event()
    hosting = asyncio.create_task(host.run())
    await asyncio.sleep(0)  # host.run installs its signal handlers first; ours replace them
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stopping.set)
    sending = asyncio.create_task(sender.run(stopping))
    # The sender stops first (its sends in flight finish), then the host stops the consumers, flushes the
    # relay and closes the store.
    await asyncio.wait([hosting, sending], return_when=asyncio.FIRST_COMPLETED)
    stopping.set()
    await sending
    host.stop.set()
    await hosting


def smtp_sink(settings: NotificationsSettings, log: Any) -> int:
    """Listen on smtp_host:smtp_port and write every message to the Maildir until SIGINT/SIGTERM."""
    if settings.maildir is None:
        print("error: no Maildir: set JOBDATING_NOTIFICATIONS_MAILDIR", file=sys.stderr)
        return 2

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        assert settings.maildir is not None
        await serve_sink(settings.smtp_host, settings.smtp_port, settings.maildir, stop, log)

    asyncio.run(run())
    return 0


def redrive(settings: NotificationsSettings, log: Any, *, failed: bool) -> int:
    """Re-run parked events through the handlers; the running service sends what they plan."""
    store = open_store(settings.store_url)
    try:
        service = bootstrap(settings, store=store, tokens=_no_tokens(), log=log)
        failing: list[str] = []
        for sub in service.subscriptions:
            done, still = redrive_parked(store, sub.durable, sub.handler, clock=service.clock)
            failing += still
            print(f"{sub.durable}: {done} re-driven, {len(still)} still failing")
        if failed:
            ids = [
                d.notification_id for d in queries_deliveries.listing(store, status="failed", limit=1_000_000)
            ]
            queued = sum(retry_failed(store, deliveries, i, service.clock) for i in ids)
            print(f"{queued} failed messages queued again")
    finally:
        store.close()
    for line in failing:
        print(f"  {line}", file=sys.stderr)
    return 1 if failing else 0


def _no_tokens() -> Any:
    from jobdating.runtime.auth import TokenTable

    return TokenTable({})


if __name__ == "__main__":
    raise SystemExit(main())
