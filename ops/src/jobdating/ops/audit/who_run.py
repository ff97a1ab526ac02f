"""`jobdating audit --who`: the stream's envelopes as a table of who did what, names from identity for a
caller allowed to read them (see `who.py` and `who_names.py`). Reaches the stream as the audit does:
`--nats-url`, or the data folder's NATS (started for the time of the reading when the stack is stopped).

Exit codes: 0 the table was printed (even with ids only), 2 it could not be (NATS, a bad date).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer
from nats.js.errors import NotFoundError
from rich.console import Console
from rich.table import Table
from rich.text import Text

from jobdating.contracts.envelope import Envelope, decode_envelope
from jobdating.contracts.subjects import STREAM_NAME
from jobdating.ops.audit.report import AuditError
from jobdating.ops.audit.run import until_jetstream_answers
from jobdating.ops.audit.stream import read_stream
from jobdating.ops.audit.who import Action, Filters, WhoError, accounts_of, actions, named, parse_moment
from jobdating.ops.audit.who_names import ask_names
from jobdating.ops.operate import connect
from jobdating.ops.reporting.source import ReportError, nats_of
from jobdating.reporting.fold import DEFAULT_TIMEZONE


async def stream_envelopes(url: str) -> tuple[list[Envelope], int]:
    """Every envelope of the stream now, and how many messages could not be read as one."""
    nc = await connect(url, required=True)
    assert nc is not None
    try:
        await until_jetstream_answers(nc)
        try:
            messages = await read_stream(nc.jetstream())
        except NotFoundError as exc:
            raise AuditError(f"le flux {STREAM_NAME} n'existe pas : rien n'a été publié") from exc
    finally:
        await nc.close()
    envelopes: list[Envelope] = []
    unreadable = 0
    for message in messages:
        try:
            envelopes.append(decode_envelope(message.data))
        except ValueError:  # msgspec's errors derive from it
            unreadable += 1
    return envelopes, unreadable


def read_envelopes(data_dir: Path, nats_url: str | None) -> tuple[list[Envelope], int]:
    if nats_url is not None:
        return asyncio.run(stream_envelopes(nats_url))
    with nats_of(data_dir) as url:
        return asyncio.run(stream_envelopes(url))


def filters_of(since: str | None, until: str | None, actor: str | None, org: str | None) -> Filters:
    return Filters(
        since=parse_moment(since, end=False) if since else None,
        until=parse_moment(until, end=True) if until else None,
        actor=actor,
        org=org,
    )


def run_who(
    console: Console,
    data_dir: Path,
    nats_url: str | None,
    filters: tuple[str | None, str | None, str | None, str | None],
    token: str | None,
    identity_url: str | None,
) -> int:
    """Read the stream, ask identity for the names, print the table; returns the exit code."""
    try:
        wanted = filters_of(*filters)
        with console.status("Lecture du flux..."):
            envelopes, unreadable = read_envelopes(data_dir, nats_url)
    except (WhoError, AuditError, ReportError, typer.BadParameter) as exc:
        console.print(f"[red]Erreur :[/] {exc}")
        return 2
    rows = actions(envelopes, wanted)
    answer = ask_names(identity_url, token, accounts_of(rows))
    rows = named(rows, answer.names, wanted.org)
    console.print(who_table(rows))
    for note in answer.notes:
        console.print(f"[yellow]Note :[/] {note}")
    if unreadable:
        console.print(f"[yellow]Note :[/] {unreadable} message(s) du flux illisible(s), non listé(s)")
    actors = len({r.actor_id for r in rows})
    console.print(f"{len(rows)} action(s) de {actors} acteur(s), sur {len(envelopes)} événement(s) du flux.")
    return 0


def who_table(rows: list[Action]) -> Table:
    table = Table(title="Qui a fait quoi")
    table.add_column(f"quand ({DEFAULT_TIMEZONE})", no_wrap=True)
    table.add_column("qui", overflow="fold")
    table.add_column("organisation")
    table.add_column("action")
    table.add_column("objet", overflow="fold")
    table.add_column("détail", overflow="fold")
    for row in rows:
        # Text, not markup: a name or an id typed by someone is shown as typed, never styled.
        table.add_row(
            f"{row.at:%d/%m/%Y %H:%M:%S}",
            Text(row.who),
            Text(row.organisation or "inconnue"),
            row.what,
            Text(row.subject),
            Text(row.detail),
        )
    return table
