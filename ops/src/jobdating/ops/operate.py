"""The terminal side of `jobdating audit` and `jobdating replay`: NATS connection, progress bar, tables.

Operator-facing output is in French, like `jobdating up`'s. Exit codes: 0 clean (or switched), 1 the audit
found a difference (or the replay refused to switch), 2 the command could not run (no store, NATS
unreachable when it was asked for).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import nats
import typer
from nats.aio.client import Client
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from jobdating.bus.connection import tls_from
from jobdating.ops.audit.report import AuditError, AuditReport
from jobdating.ops.audit.run import audit, until_jetstream_answers
from jobdating.ops.embedded_nats import NoEmbeddedNats, ops_url_of
from jobdating.ops.federation import check_org
from jobdating.ops.readmodels import SERVICES, store_path
from jobdating.ops.replay import NothingToReplay, ReplayError, ReplayResult, replay
from jobdating.ops.reporting.source import ReportError, nats_of

EMBEDDED_NATS_URL = "nats://127.0.0.1:14222"
"""Where `jobdating up` runs NATS by default (its --nats-port)."""


def embedded_url(data_dir: Path) -> str:
    """The NATS of the stack on `data_dir`, as the operators' user (the default address without one)."""
    try:
        return ops_url_of(data_dir.resolve())
    except NoEmbeddedNats:
        return EMBEDDED_NATS_URL


CONNECT_SECONDS = 5.0


async def connect(url: str, required: bool) -> Client | None:
    """A NATS connection, or None when it is not `required` and nobody answers (the stack is stopped).

    A refused port fails at once; the rest is bounded, since nats-py keeps retrying a failed first
    connection whatever its reconnect settings.
    """
    try:
        parts = urlsplit(url)
        _, writer = await asyncio.wait_for(
            asyncio.open_connection(parts.hostname or "127.0.0.1", parts.port or 4222), CONNECT_SECONDS
        )
        writer.close()
        return await asyncio.wait_for(
            nats.connect(
                url, connect_timeout=2, allow_reconnect=False, error_cb=_quiet, tls=tls_from(os.environ)
            ),
            CONNECT_SECONDS,
        )
    except (OSError, TimeoutError, ValueError, nats.errors.NoServersError) as exc:
        if required:
            reason = str(exc) or "pas de réponse"
            raise typer.BadParameter(f"NATS injoignable à {url} : {reason}", param_hint="--nats-url") from exc
        return None


async def _quiet(exc: Exception) -> None:
    """nats-py reports connection errors to this callback too: the caller already handles them."""


def store_urls(pairs: list[str]) -> dict[str, str]:
    """`SERVICE=URL` options as a mapping."""
    urls = {}
    for pair in pairs:
        service, sep, url = pair.partition("=")
        if not sep or not url:
            raise typer.BadParameter(f"{pair!r} : attendu SERVICE=URL", param_hint="--store")
        urls[service] = url
    return urls


def partner_orgs(orgs: list[str], stream: bool) -> list[str]:
    """`--partner` options: organisations, only with the stream checked."""
    if orgs and not stream:
        raise typer.BadParameter("va avec le flux (sans --no-stream)", param_hint="--partner")
    try:
        return [check_org(org) for org in orgs]
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--partner") from exc


async def _audit(
    data_dir: Path, nats_url: str | None, urls: dict[str, str], stream: bool, partners: list[str]
) -> AuditReport:
    """The audit against `nats_url`, or the data folder's NATS (started for the time of the audit when the
    stack is stopped, as `report` does); without `stream`, of the stores alone. Each of `partners` has its
    stream read through that NATS (a hub) in the partner's JetStream domain."""
    if not stream or not (urls or any(store_path(data_dir, s).exists() for s in SERVICES)):
        return await audit(data_dir, None, urls=urls)  # (no store at all: the audit says so, exit 2)
    if nats_url is not None:
        return await _audit_against(data_dir, nats_url, urls, partners)
    try:
        with nats_of(data_dir) as url:
            return await _audit_against(data_dir, url, urls, partners)
    except ReportError as exc:
        # A stream nobody read is not a clean audit: it is where a rewritten history would show.
        raise StreamUnchecked(
            f"flux non vérifié : {exc} (--nats-url pour le NATS de la pile, --no-stream pour n'auditer "
            "que les bases)"
        ) from exc


async def _audit_against(data_dir: Path, url: str, urls: dict[str, str], partners: list[str]) -> AuditReport:
    nc = await connect(url, required=True)
    assert nc is not None
    try:
        await until_jetstream_answers(nc)
        domains = {org: nc.jetstream(domain=org) for org in partners}
        return await audit(data_dir, nc.jetstream(), urls=urls, partners=domains)
    finally:
        await nc.close()


class StreamUnchecked(RuntimeError):
    """The audit was asked to check the stream and could not reach or start its NATS."""


def run_audit(
    console: Console,
    data_dir: Path,
    nats_url: str | None,
    limit: int,
    stores: list[str] | None = None,
    stream: bool = True,
    partners: list[str] | None = None,
) -> int:
    """Run the audit, print its summary and first differences; returns the exit code."""
    try:
        urls = store_urls(stores or [])
        orgs = partner_orgs(partners or [], stream)
        with console.status("Audit des journaux, des projections et du flux..."):
            report = asyncio.run(_audit(data_dir, nats_url, urls, stream, orgs))
    except (AuditError, StreamUnchecked) as exc:
        console.print(f"[red]Erreur :[/] {exc}")
        return 2
    except typer.BadParameter as exc:
        console.print(f"[red]Erreur :[/] {exc}")
        return 2
    table = Table(title="Audit : journaux, projections et flux")
    for column in ("service", "événements", "stream_ids", "dans le flux", "projection", "reconstruite"):
        table.add_column(column, justify="left" if column == "service" else "right")
    for s in report.services:
        table.add_row(
            s.service,
            str(s.events),
            str(s.streams),
            "non lu" if s.in_stream is None else str(s.in_stream),
            s.live_hash[:12] or "-",
            s.rebuilt_hash[:12] or "-",
        )
    console.print(table)
    for notice in report.notices:
        console.print(f"[yellow]Note :[/] {notice}")
    if report.fed:
        console.print(
            f"Faits tenus des autres services, reconstruits du flux et comparés : {', '.join(report.fed)}"
        )
    for org, count in report.partner_streams.items():
        console.print(f"Flux de {org} (son serveur, par le hub) : {count} messages, comparés au flux du hub")
    if report.clean:
        read = (
            "non vérifié (--no-stream)"
            if report.stream_messages is None
            else f"{report.stream_messages} messages"
        )
        console.print(
            f"[green]Aucune différence[/] : {sum(s.events for s in report.services)} événements dans "
            f"{len(report.services)} journaux, flux : {read}."
        )
        return 0
    shown = report.differences[:limit]
    differences = Table(title=f"Différences ({len(report.differences)}, les {len(shown)} premières)")
    differences.add_column("service")
    differences.add_column("contrôle")
    differences.add_column("détail", overflow="fold")
    for d in shown:
        differences.add_row(d.service, d.check, d.detail)
    console.print(differences)
    return 1


def run_replay(
    console: Console,
    service: str,
    data_dir: Path,
    from_stream: bool,
    nats_url: str | None,
    store_url: str | None = None,
) -> int:
    """Run the replay with a progress bar, then print what it did; returns the exit code."""
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]} évén./s"),
        TimeElapsedColumn(),
        console=console,
    )
    source = "le flux" if from_stream else "le journal"
    task = progress.add_task(f"{service} depuis {source}", total=None, rate="-")
    started = time.perf_counter()

    def advance(done: int, total: int) -> None:
        rate = done / max(time.perf_counter() - started, 1e-6)
        progress.update(task, completed=done, total=total, rate=_number(rate))

    async def go(url: str | None) -> ReplayResult:
        nc = await connect(url, required=True) if url is not None else None
        try:
            js = nc.jetstream() if nc is not None else None
            return await replay(data_dir, service, js=js, progress=advance, store_url=store_url)
        finally:
            if nc is not None:
                await nc.close()

    try:
        with progress, _stream_of(data_dir, nats_url, from_stream) as url:
            result = asyncio.run(go(url))
    except ReportError as exc:
        console.print(f"[red]Erreur :[/] flux illisible : {exc} (--nats-url pour un autre NATS)")
        return 2
    except (typer.BadParameter, NothingToReplay) as exc:
        console.print(f"[red]Erreur :[/] {exc}")
        return 2
    except ReplayError as exc:
        console.print(f"[red]Rejeu interrompu, tables en service inchangées :[/] {exc}")
        return 1
    rows = ", ".join(f"{table} {n}" for table, n in result.rows.items())
    console.print(
        f"[green]{service} rejoué[/] depuis le {result.source} : {result.replayed} événements en "
        f"{result.seconds:.2f} s ({_number(result.rate)} évén./s), "
        f"{result.caught_up} rattrapé(s) à la bascule."
    )
    console.print(f"Tables remplacées en une transaction : {rows} (empreinte {result.projection_hash[:12]}).")
    return 0


@contextmanager
def _stream_of(data_dir: Path, nats_url: str | None, from_stream: bool) -> Iterator[str | None]:
    """Where a replay reads the stream: `--nats-url`, else the data folder's NATS, started on its
    JetStream files for the time of the replay when the stack is stopped (as `report` and `audit` do);
    None when it replays the log."""
    if not from_stream:
        yield None
    elif nats_url is not None:
        yield nats_url
    else:
        with nats_of(data_dir) as url:
            yield url


def _number(value: float) -> str:
    """A count the French way: 17 624."""
    return f"{value:,.0f}".replace(",", "\u202f")
