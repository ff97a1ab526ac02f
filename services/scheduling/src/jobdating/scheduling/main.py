"""`jobdating-scheduling serve | rebuild | redrive | export`; settings come from JOBDATING_SCHEDULING_*."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

import nats

from jobdating.bus.connection import connect_options
from jobdating.bus.consumer import redrive
from jobdating.bus.replay import replay_stream
from jobdating.contracts.envelope import RecordedEvent, service_of
from jobdating.eventstore import open_store
from jobdating.eventstore.base import EventStore
from jobdating.runtime.auth import TokenTable
from jobdating.runtime.service_main import Command, redriven, service_main
from jobdating.scheduling.adapters import accounts, export, projections, tables
from jobdating.scheduling.adapters import facts as known
from jobdating.scheduling.adapters.candidate_names import ask_candidate_names
from jobdating.scheduling.application.policies import (
    IDENTITY_CONSUMER,
    REGISTRATION_CONSUMER,
    SITES_CONSUMER,
)
from jobdating.scheduling.bootstrap import bootstrap, open_queries
from jobdating.scheduling.config import SchedulingSettings
from jobdating.scheduling.domain.errors import SchedulingRefusal


def _rebuild_arguments(rebuild: argparse.ArgumentParser) -> None:
    rebuild.add_argument(
        "--facts-from-stream",
        action="store_true",
        help="reconstruire aussi les candidats, entreprises, sites et ordinateurs depuis le flux NATS",
    )


def _redrive_arguments(again: argparse.ArgumentParser) -> None:
    again.add_argument(
        "--consumer",
        choices=[REGISTRATION_CONSUMER, SITES_CONSUMER, IDENTITY_CONSUMER],
        required=True,
        help="le lecteur dont rejouer les événements mis de côté",
    )
    again.add_argument("--event-id", help="seulement cet événement mis de côté")


def _export_arguments(out: argparse.ArgumentParser) -> None:
    out.add_argument("--job-dating", required=True, help="l'identifiant du job dating")
    out.add_argument(
        "--by",
        choices=["site", "computer", "company", "candidate"],
        default="site",
        help="par site, ordinateur, entreprise ou candidat (par défaut : site)",
    )
    out.add_argument(
        "--format", choices=["text", "csv"], default="text", help="texte ou CSV (par défaut : texte)"
    )
    out.add_argument(
        "--provisional", action="store_true", help="le dernier planning provisoire, pas le publié"
    )
    out.add_argument("--key", help="seulement ce site, cet ordinateur, cette entreprise ou ce candidat")
    out.add_argument("--output", type=Path, help="écrire dans ce fichier plutôt qu'à l'écran")
    out.add_argument(
        "--registration-url",
        default=os.environ.get("JOBDATING_REGISTRATION_URL"),
        help="l'adresse du service des inscriptions, pour afficher les noms des candidats "
        "(par défaut : JOBDATING_REGISTRATION_URL)",
    )
    out.add_argument(
        "--token",
        default=os.environ.get("JOBDATING_TOKEN"),
        help="votre jeton d'accès (responsable de site) : les noms des candidats attendus sur vos sites "
        "(par défaut : JOBDATING_TOKEN)",
    )
    where = out.add_mutually_exclusive_group()
    where.add_argument(
        "--store", help="l'adresse de la base du planning (sqlite:///CHEMIN ou postgresql://...)"
    )
    where.add_argument(
        "--data-dir", type=Path, help="le dossier de données de `jobdating up` : sa base scheduling.db"
    )


def rebuild_read_model(settings: SchedulingSettings, args: argparse.Namespace, log: Any) -> int:
    """Empty the read model and replay the log into it; with `--facts-from-stream`, refill the facts from
    the stream."""
    with closing(open_store(settings.store_url)) as store:
        tables.migrate(store)
        count = projections.rebuild(store)
        log.info("read_model_rebuilt", events=count)
        print(f"read model rebuilt from {count} events")
        if args.facts_from_stream:
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
                service = service_of(event.envelope)
                if service in ("registration", "sites"):
                    applied += known.apply_fact(tx, event)
                elif service == "identity":
                    applied += accounts.apply_account(tx, event)

    # As every client of the bus: its user's inbox, and the certificate the environment names (a federation's
    # servers take no client without one).
    nc = await nats.connect(nats_url, connect_timeout=5, **connect_options(nats_url))
    try:
        await replay_stream(nc.jetstream(), apply_batch)
    finally:
        await nc.close()
    return applied


def redrive_parked(settings: SchedulingSettings, args: argparse.Namespace, log: Any) -> int:
    """Re-run a consumer's parked events through its handler (once the cause is fixed)."""
    with closing(open_store(settings.store_url)) as store:
        service = bootstrap(settings, store=store, tokens=TokenTable({}), log=log)
        policies = service.policies
        handler = {
            REGISTRATION_CONSUMER: policies.on_registration,
            SITES_CONSUMER: policies.on_sites,
            IDENTITY_CONSUMER: policies.on_identity,
        }[args.consumer]
        done, failing = redrive(
            store,
            args.consumer,
            handler,
            clock=service.clock,
            event_id=args.event_id,
            coordinator=settings.org,
        )
    return redriven(done, failing)


def export_plan(settings: SchedulingSettings, args: argparse.Namespace, _log: Any) -> int:
    """Print (or write) a plan as text or CSV; nothing is written, not even an empty store, when the store,
    the job dating or the `--key` is not found (the message says where it looked)."""
    url = export.store_url(settings.store_url, args.store, args.data_dir)
    where = export.where(url)
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        print(f"erreur : pas de base de planification {where} (--data-dir ou --store)", file=sys.stderr)
        return 1
    with closing(open_store(url)) as store:
        queries = open_queries(settings, store)
        try:
            plan = queries.plan(
                args.job_dating,
                by=args.by,
                key=args.key,
                kind="provisional" if args.provisional else "published",
            )
        except SchedulingRefusal as exc:
            reason = exc.problems[0].reason
            print(f"erreur : {reason} : {args.job_dating}, cherché {where}", file=sys.stderr)
            return 1
    if args.key is not None and not plan.groups:
        print(
            f"erreur : --key {args.key} : aucun entretien de ce plan pour ce {export.BY_NOUN[args.by]} "
            f"(--by {args.by} attend l'identifiant d'un {export.BY_NOUN[args.by]})",
            file=sys.stderr,
        )
        return 1
    named = ask_candidate_names(export.wanted_names(plan), args.registration_url, args.token)
    for note in named.notes:
        print(f"note : {note}", file=sys.stderr)
    plan = export.with_candidate_names(plan, named.names)
    text = export.as_csv(plan) if args.format == "csv" else export.as_text(plan, key=args.key)
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


main = service_main(
    "scheduling",
    SchedulingSettings,
    bootstrap,
    description="Service de planification : job datings, plannings, la journée, ateliers.",
    serve_help="lancer l'API HTTP, le relais et la lecture des inscriptions et des sites",
    commands=[
        Command(
            "rebuild",
            "reconstruire les vues depuis le journal (arrêter le service avant)",
            rebuild_read_model,
            _rebuild_arguments,
        ),
        Command(
            "redrive",
            "rejouer les événements qu'un lecteur a mis de côté",
            redrive_parked,
            _redrive_arguments,
        ),
        Command(
            "export",
            "afficher un planning par site, ordinateur, entreprise ou candidat",
            export_plan,
            _export_arguments,
        ),
    ],
)


if __name__ == "__main__":
    raise SystemExit(main())
