"""The command line every service shares: `jobdating-<service> serve`, and the commands a service adds.

A service's `main.py` names its settings type, its `bootstrap` and its own commands (`rebuild`,
`redrive`, ...) in `main = service_main(...)`; `serve` is the same for all: settings, logging, store, the
service, the host, run.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Coroutine, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Protocol, TypedDict, TypeVar

from fastapi import FastAPI
from pydantic import ValidationError

from jobdating.eventstore import open_store
from jobdating.eventstore.base import EventStore, StoredEvent
from jobdating.runtime.auth import TokenTable
from jobdating.runtime.cli import FrenchArgumentParser
from jobdating.runtime.clock import Clock
from jobdating.runtime.commands import CommandBus
from jobdating.runtime.host import CommitNotifier, NotProvisioned, ServiceHost, Subscription
from jobdating.runtime.http_inputs import french_validation_error
from jobdating.runtime.logging import configure_logging
from jobdating.runtime.settings import ServiceSettings

S = TypeVar("S", bound=ServiceSettings)
S_contra = TypeVar("S_contra", bound=ServiceSettings, contravariant=True)
V = TypeVar("V", bound="Hosted")
V_co = TypeVar("V_co", bound="Hosted", covariant=True)


class Given(TypedDict, total=False):
    """What a caller of a service's `bootstrap` (tests, the demo, the host) may give instead of what the
    settings name: the store, the token table, the clock."""

    store: EventStore | None
    tokens: TokenTable | None
    clock: Clock | None


def configured(
    settings: ServiceSettings,
    given: Given,
    migrate: Callable[[EventStore], None] | None = None,
) -> tuple[EventStore, TokenTable, Clock]:
    """What a service's `bootstrap` was given (tests, the demo), the rest from its settings: the store (its
    tables then created by `migrate`), the tokens and the clock."""
    store = given.get("store")
    store = store if store is not None else open_store(settings.store_url)
    if migrate is not None:
        migrate(store)
    tokens = given.get("tokens")
    tokens = tokens if tokens is not None else settings.token_table()
    return store, tokens, given.get("clock") or settings.clock()


@dataclass(frozen=True, kw_only=True)
class Wired(Generic[S]):
    """One wired service instance, as its `bootstrap` returns it: what a host runs and what tests or a demo
    loader drive. Each service adds the parts only it has."""

    settings: S
    store: EventStore
    clock: Clock
    app: FastAPI

    def subscriptions(self) -> list[Subscription]:
        """The durable consumers this service reads: none, unless the service says otherwise."""
        return []


@dataclass(frozen=True, kw_only=True)
class WiredWithBus(Wired[S]):
    """A wired service that records its own commands: its command bus too."""

    bus: CommandBus


class Hosted(Protocol):
    """What a service's bootstrap returns and its host runs: an HTTP app and the consumers it reads."""

    @property
    def app(self) -> FastAPI: ...

    def subscriptions(self) -> Sequence[Subscription]: ...


class Bootstrap(Protocol[S_contra, V_co]):
    """A service's composition root, as `serve` calls it."""

    def __call__(
        self,
        settings: S_contra,
        /,
        *,
        store: EventStore,
        on_commit: Callable[[list[StoredEvent]], None],
        log: Any,
    ) -> V_co: ...


@dataclass(frozen=True)
class Command(Generic[S_contra]):
    """A subcommand besides `serve`: `run(settings, args, log)` returns the exit code."""

    name: str
    help: str
    run: Callable[[S_contra, argparse.Namespace, Any], int]
    arguments: Callable[[argparse.ArgumentParser], None] | None = None


def rebuild_command(
    migrate: Callable[[EventStore], None], rebuild: Callable[[EventStore], int]
) -> Command[ServiceSettings]:
    """`rebuild`: ready the store's tables (`migrate`), then empty the read model and replay the log into it
    (`rebuild`, returning how many events it applied)."""

    def run(settings: ServiceSettings, _args: argparse.Namespace, log: Any) -> int:
        with closing(open_store(settings.store_url)) as store:
            migrate(store)
            count = rebuild(store)
        log.info("read_model_rebuilt", events=count)
        print(f"read model rebuilt from {count} events")
        return 0

    return Command("rebuild", "reconstruire les vues depuis le journal (arrêter le service avant)", run)


class Main(Protocol):
    """A service's entry point, `jobdating-<service>`: the command line's words, or `sys.argv`'s."""

    def __call__(self, argv: Sequence[str] | None = None, /) -> int: ...


SERVE_HELP = "lancer l'API HTTP et le relais vers NATS, jusqu'à Ctrl-C ou SIGTERM"


def service_main(
    name: str,
    settings_type: type[S],
    bootstrap: Bootstrap[S, V],
    *,
    description: str,
    serve_help: str = SERVE_HELP,
    commands: Sequence[Command[S]] = (),
    run: Callable[[ServiceHost, V], Coroutine[Any, Any, None]] | None = None,
) -> Main:
    """The entry point of `jobdating-<name>`: `run_service` with these parts and the words it is given."""

    def main(argv: Sequence[str] | None = None, /) -> int:
        return run_service(
            name,
            settings_type,
            bootstrap,
            description=description,
            serve_help=serve_help,
            commands=commands,
            run=run,
            argv=argv,
        )

    return main


def run_service(
    name: str,
    settings_type: type[S],
    bootstrap: Bootstrap[S, V],
    *,
    description: str,
    serve_help: str,
    commands: Sequence[Command[S]] = (),
    run: Callable[[ServiceHost, V], Coroutine[Any, Any, None]] | None = None,
    argv: Sequence[str] | None = None,
) -> int:
    """Parse the command line of `jobdating-<name>`, read the settings and run the command asked.

    `run` drives a built host (default: `host.run()`), for a service that does more on the same loop.
    """
    prefix = settings_type.env_prefix()
    parser = FrenchArgumentParser(
        prog=f"jobdating-{name}",
        description=f"{description} Réglages : variables d'environnement {prefix}*.",
    )
    subparsers = parser.add_commands()
    subparsers.add_parser("serve", help=serve_help)
    for command in commands:
        sub = subparsers.add_parser(command.name, help=command.help)
        if command.arguments is not None:
            command.arguments(sub)
    args = parser.parse_args(argv)
    try:
        settings = settings_type()
    except ValidationError as exc:
        where = "l'environnement" + (
            " ou le fichier .env" if settings_type.model_config.get("env_file") else ""
        )
        print(settings_refused(f"jobdating-{name}", prefix, exc, where), file=sys.stderr)
        return 2
    missing = startup_problems(settings) if args.command == "serve" else []
    if missing:
        print(f"jobdating-{name} ne démarre pas : {' ; '.join(missing)}.", file=sys.stderr)
        return 2
    log = configure_logging(name, settings.org, settings.log_level_number)
    if args.command == "serve":
        return serve(settings, bootstrap, run or _host_only, log)
    chosen = next(c for c in commands if c.name == args.command)
    return chosen.run(settings, args, log)


def settings_refused(program: str, prefix: str, exc: ValidationError, where: str) -> str:
    """One French sentence naming every setting missing or refused (and why), for the operator."""
    said = []
    for error in exc.errors():
        name = prefix + str(error["loc"][0]).upper()
        if error["type"] == "missing":
            said.append(f"le réglage {name} manque")
        else:
            said.append(f"le réglage {name} est refusé ({french_validation_error(error)['reason']})")
    return f"{program} ne démarre pas : {' ; '.join(said)} (à définir dans {where})."


def startup_problems(settings: ServiceSettings) -> list[str]:
    """What keeps `serve` from starting, said for the operator: no tokens file, or a file a setting names
    (`..._FILE`) that does not exist (the service would fail on it later, in a traceback)."""
    said = []
    if settings.tokens_file is None:
        said.append(f"le réglage {settings.env_prefix()}TOKENS_FILE manque (le fichier des jetons d'accès)")
    for field in type(settings).model_fields:
        path = getattr(settings, field)
        if field.endswith("_file") and isinstance(path, Path) and not path.exists():
            name = settings.env_prefix() + field.upper()
            said.append(f"le fichier nommé par {name} est introuvable ({path})")
    return said


def serve(
    settings: S,
    bootstrap: Bootstrap[S, V],
    run: Callable[[ServiceHost, V], Coroutine[Any, Any, None]],
    log: Any,
) -> int:
    """Build the service and its host, top to bottom, then run them until SIGINT/SIGTERM.

    The stream and the consumers must already be provisioned.
    """
    if settings.tokens_file is None:
        print(
            f"le service ne démarre pas : le réglage {settings.env_prefix()}TOKENS_FILE manque "
            "(le fichier des jetons d'accès).",
            file=sys.stderr,
        )
        return 2
    store = open_store(settings.store_url)
    # The bus wakes the relay after each commit: both get the notifier, neither is changed afterwards.
    notifier = CommitNotifier()
    service = bootstrap(settings, store=store, on_commit=notifier.notify, log=log)
    host = ServiceHost(
        store=store,
        nats_url=settings.nats_url,
        app=service.app,
        host=settings.host,
        port=settings.port,
        subscriptions=service.subscriptions(),
        notifier=notifier,
        log=log,
    )
    try:
        asyncio.run(run(host, service))
    except NotProvisioned as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def redriven(done: int, failing: Sequence[str]) -> int:
    """Say how a redrive went; the exit code is 1 while events still fail."""
    print(f"re-driven: {done}, still failing: {len(failing)}")
    for line in failing:
        print(f"  {line}", file=sys.stderr)
    return 1 if failing else 0


async def _host_only(host: ServiceHost, _service: Hosted) -> None:
    await host.run()
