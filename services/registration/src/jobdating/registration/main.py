"""`jobdating-registration serve | rebuild | redrive [--event-id ID] | retention [--dry-run]`; settings come
from the environment."""

from __future__ import annotations

import argparse
from contextlib import closing
from typing import Any

from jobdating.bus.consumer import redrive
from jobdating.eventstore import open_store
from jobdating.registration.adapters import fed_tables, projections
from jobdating.registration.application.policies import policy_for
from jobdating.registration.application.retention import describe
from jobdating.registration.bootstrap import bootstrap, build_service, retention_job, run
from jobdating.registration.config import RegistrationSettings
from jobdating.runtime.service_main import Command, redriven, run_service


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `jobdating-registration` command."""
    return run_service(
        "registration",
        RegistrationSettings,
        bootstrap,
        description="Service des inscriptions : candidats, entreprises, imports.",
        serve_help="lancer l'API HTTP, le relais, la lecture des sites et les réponses de coordonnées",
        run=run,
        commands=[
            Command("rebuild", "reconstruire les vues depuis le journal du service", rebuild),
            Command("redrive", "rejouer les événements des sites mis de côté", redrive_parked, _event_id),
            Command(
                "retention",
                "effacer les candidats dont la durée de conservation est passée",
                retention,
                _dry_run,
            ),
        ],
        argv=argv,
    )


def _event_id(again: argparse.ArgumentParser) -> None:
    again.add_argument("--event-id", help="seulement cet événement mis de côté")


def _dry_run(again: argparse.ArgumentParser) -> None:
    again.add_argument("--dry-run", action="store_true", help="seulement les compter, par organisation")


def retention(settings: RegistrationSettings, args: argparse.Namespace, log: Any) -> int:
    """What `serve` does daily, once: erase (or with --dry-run count) the expired candidates."""
    with closing(open_store(settings.store_url)) as store:
        clock = settings.clock()
        service = build_service(org=settings.org, store=store, clock=clock, log=log)
        job = retention_job(service, settings, clock)
        report = job.run_once(dry_run=args.dry_run)
    print("\n".join(describe(report, job.policy, dry_run=args.dry_run)))
    return 0


def rebuild(settings: RegistrationSettings, _args: argparse.Namespace, _log: Any) -> int:
    """Empty the projections and replay the log into them."""
    with closing(open_store(settings.store_url)) as store:
        service = build_service(org=settings.org, store=store)
        replayed = projections.rebuild(store, service.keyring)
    print(f"projections rebuilt from {replayed} events")
    return 0


def redrive_parked(settings: RegistrationSettings, args: argparse.Namespace, _log: Any) -> int:
    """Re-run the sites consumer's parked events (once the cause is fixed)."""
    with closing(open_store(settings.store_url)) as store:
        handler = policy_for(settings.org, fed_tables)
        done, failing = redrive(
            store, settings.sites_consumer, handler, event_id=args.event_id, coordinator=settings.org
        )
    return redriven(done, failing)


if __name__ == "__main__":
    raise SystemExit(main())
