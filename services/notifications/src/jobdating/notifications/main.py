"""`jobdating-notifications`: run an instance (`serve`), the embedded mail server (`smtp-sink`), or re-drive
parked events and failed messages (`redrive`).
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from typing import Any

from jobdating.bus.consumer import redrive as redrive_parked
from jobdating.eventstore import open_store
from jobdating.notifications.adapters import deliveries
from jobdating.notifications.adapters.customization import SetupProblem
from jobdating.notifications.adapters.maildir import serve_sink
from jobdating.notifications.application import queries_deliveries
from jobdating.notifications.application.queries import retry_failed
from jobdating.notifications.bootstrap import NotificationsService, bootstrap
from jobdating.notifications.config import NotificationsSettings
from jobdating.notifications.serving import run
from jobdating.runtime.service_main import Command, service_main


def _failed(again: argparse.ArgumentParser) -> None:
    again.add_argument("--failed", action="store_true", help="renvoyer aussi chaque message en échec")


def smtp_sink(settings: NotificationsSettings, _args: argparse.Namespace, log: Any) -> int:
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


def redrive(settings: NotificationsSettings, args: argparse.Namespace, log: Any) -> int:
    """Re-run parked events through the handlers; the running service sends what they plan."""
    store = open_store(settings.store_url)
    try:
        service = checked_bootstrap(settings, store=store, tokens=_no_tokens(), log=log)
        failing: list[str] = []
        for sub in service.subscriptions():
            done, still = redrive_parked(
                store, sub.durable, sub.handler, clock=service.clock, coordinator=settings.org
            )
            failing += still
            print(f"{sub.durable}: {done} re-driven, {len(still)} still failing")
        if args.failed:
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


def checked_bootstrap(settings: NotificationsSettings, /, **parts: Any) -> NotificationsService:
    """`bootstrap`, stopping with the operator's one French sentence when their wording file or templates
    are wrong (no traceback: the sentence says the file and what to change)."""
    try:
        return bootstrap(settings, **parts)
    except SetupProblem as exc:
        raise SystemExit(str(exc)) from None


def _no_tokens() -> Any:
    from jobdating.runtime.auth import TokenTable

    return TokenTable({})


main = service_main(
    "notifications",
    NotificationsSettings,
    checked_bootstrap,
    description="Service des messages : convocations, rappels, changements, agendas et résultats.",
    serve_help="lancer les lecteurs, l'envoi des messages, le relais et l'API HTTP",
    run=run,
    commands=[
        Command(
            "smtp-sink",
            "lancer le serveur SMTP local qui écrit le Maildir (démonstration, pas en production)",
            smtp_sink,
        ),
        Command(
            "redrive",
            "rejouer les événements mis de côté ; avec --failed, renvoyer les messages en échec",
            redrive,
            _failed,
        ),
    ],
)


if __name__ == "__main__":
    raise SystemExit(main())
