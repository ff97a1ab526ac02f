"""What the commands share on the operator's terminal: the console, common options, and how a command
starts the embedded stack and stops it (Ctrl-C, `kill`, an error in one sentence)."""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console

from jobdating.ops.demo import PEOPLE, ROLES
from jobdating.ops.demo_report import DemoError
from jobdating.ops.stack import Stack, StackError

console = Console(stderr=True)

NatsUrl = Annotated[
    str, typer.Option("--nats-url", envvar="JOBDATING_NATS_URL", help="l'adresse du serveur NATS")
]
DataDir = Annotated[
    Path, typer.Option(help="le dossier de données de `jobdating up` (ses bases <service>.db)")
]
OptionalNatsUrl = Annotated[
    str | None,
    typer.Option(
        "--nats-url",
        envvar="JOBDATING_NATS_URL",
        help="l'adresse du serveur NATS (par défaut : celui de `jobdating up`)",
    ),
]

StackDataDir = Annotated[
    Path,
    typer.Option("--data-dir", help="le dossier de `jobdating up` dont utiliser le NATS, sans --nats-url"),
]

T = TypeVar("T")


def done(line: str) -> None:
    """A step done, ticked (a long line left whole: the operator copies addresses from it)."""
    console.print(f"  [green]✓[/] {line}", soft_wrap=True)


def stop_cleanly_on_termination() -> None:
    """`kill`, a service manager's stop or a closed terminal stop the stack as Ctrl-C does: the services
    run in sessions of their own, so a supervisor dying on SIGTERM would leave them and NATS running."""
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.default_int_handler)


def start(stack: Stack, ready: Callable[[], T]) -> T:
    """Check the folder and ports, `ready` the stack (its clock, the staff directory), start it; returns
    what `ready` returned. A StackError is shown in one sentence and the command exits 2."""
    try:
        stack.prepare(ROLES, PEOPLE)
        readied = ready()
        with console.status("Démarrage de NATS et des services..."):
            stack.start()
    except StackError as exc:
        console.print(f"[red]Erreur :[/] {exc}")
        stack.stop()
        raise typer.Exit(2) from exc
    return readied


@contextmanager
def running(stack: Stack) -> Iterator[None]:
    """While a started stack runs: Ctrl-C stops cleanly, a StackError or DemoError is one sentence and exit
    code 2, and the stack is stopped whatever happens."""
    try:
        yield
    except KeyboardInterrupt:
        console.print("Arrêt en cours...")
    except (StackError, DemoError) as exc:
        console.print(f"[red]Erreur :[/] {exc}")
        raise typer.Exit(2) from exc
    finally:
        stack.stop()
        console.print("Tout est arrêté. Les données restent dans " + str(stack.data_dir))
