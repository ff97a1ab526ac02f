"""`jobdating-registration serve | rebuild | redrive [--event-id ID]`; settings come from the environment."""

from __future__ import annotations

import argparse
import asyncio
import sys

from pydantic import ValidationError

from jobdating.bus.consumer import redrive
from jobdating.eventstore import open_store
from jobdating.registration.adapters import projections
from jobdating.registration.application.policies import policy_for
from jobdating.registration.bootstrap import build, build_service, run
from jobdating.registration.config import RegistrationSettings


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `jobdating-registration` command."""
    parser = argparse.ArgumentParser(
        prog="jobdating-registration",
        description="Registration service of jobdating (settings: JOBDATING_REGISTRATION_* variables).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run the HTTP API, the relay, the sites consumer and contact answers")
    commands.add_parser("rebuild", help="rebuild the projections from the service's log")
    again = commands.add_parser("redrive", help="re-run events parked by the sites consumer")
    again.add_argument("--event-id", help="only this parked event")
    args = parser.parse_args(argv)
    try:
        settings = RegistrationSettings()
    except ValidationError as exc:
        missing = ", ".join("JOBDATING_REGISTRATION_" + str(e["loc"][0]).upper() for e in exc.errors())
        print(f"invalid or missing settings: {missing}", file=sys.stderr)
        return 2
    if args.command == "serve":
        asyncio.run(run(build(settings)))
        return 0
    store = open_store(settings.store_url)
    try:
        if args.command == "rebuild":
            service = build_service(org=settings.org, store=store)
            replayed = projections.rebuild(store, service.keyring)
            print(f"projections rebuilt from {replayed} events")
            return 0
        done, failing = redrive(
            store, settings.sites_consumer, policy_for(settings.org, projections), event_id=args.event_id
        )
        print(f"re-driven: {done}, still failing: {len(failing)}")
        for line in failing:
            print(f"  {line}", file=sys.stderr)
        return 1 if failing else 0
    finally:
        store.close()


if __name__ == "__main__":
    raise SystemExit(main())
