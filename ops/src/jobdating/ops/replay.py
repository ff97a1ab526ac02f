"""`jobdating replay SERVICE`: rebuild a service's log projections into fresh tables, then switch to them.

The source is the service's log, or with `--from-stream` the stream `JOBDATING` filtered to the service's
subjects (and to the organisations its log holds). The fresh tables live in memory (see `readmodels`);
the live store is not touched until the source is exhausted. Then the switch, one write transaction on the
live store: the rows of the live tables are replaced by the fresh ones, the events the service committed
to its log since the replay's last one are applied on top (caught up), and the projection's checkpoint is
moved. Readers see the old rows or the new ones, never a mix; on SQLite the service's own writes wait for
the switch (one writer), so it may run while the service runs. This is not the services' own `rebuild`
command (registration's empties and refills its tables in one transaction; sites' and scheduling's commit
batch by batch and want the service stopped).

From the stream, each event keeps the position the log gave it (looked up by event id), so projections
that record positions come out as from the log. A streamed event the log lacks, an event the log says was
relayed but the stream lacks, or a stream order other than the log's stops the replay before the switch:
run `jobdating audit`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import msgspec
from nats.js import JetStreamContext

from jobdating.bus.replay import replay_stream
from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import RecordedEvent, decode_envelope
from jobdating.contracts.subjects import service_filter
from jobdating.eventstore.base import EventStore
from jobdating.eventstore.readmodel import ReadModel
from jobdating.eventstore.rebuild import recorded
from jobdating.ops.readmodels import (
    RELAY,
    SERVICES,
    LiveStore,
    ScratchStore,
    apply_batch_to,
    fresh_store,
    open_url,
    projection_hash,
    read_model,
    store_path,
)

Progress = Callable[[int, int], None]
"""Called with (events replayed so far, events expected in all)."""


class ReplayError(RuntimeError):
    """The replay must not switch; its message is shown as is to the operator (French)."""


class NothingToReplay(ReplayError):
    """No such service, or no store for it in the data folder."""


@dataclass(frozen=True)
class ReplayResult:
    service: str
    source: str  # "journal" or "flux"
    replayed: int
    caught_up: int  # events committed meanwhile, applied in the switch
    seconds: float
    rows: dict[str, int]
    projection_hash: str

    @property
    def rate(self) -> float:
        """Events replayed per second (the switch included)."""
        return self.replayed / self.seconds if self.seconds > 0 else 0.0


class _Org(msgspec.Struct):
    org: str


_org = msgspec.json.Decoder(_Org)


async def replay(
    data_dir: Path,
    service: str,
    *,
    js: JetStreamContext | None = None,
    progress: Progress | None = None,
    batch: int = 5000,
    store_url: str | None = None,
) -> ReplayResult:
    """Rebuild `service`'s log projections from its log (or from the stream when `js` is given), switch.

    The store is `store_url` when given (SQLite or PostgreSQL), else `<service>.db` in `data_dir`."""
    if service not in SERVICES:
        raise NothingToReplay(f"service inconnu : {service} (au choix : {', '.join(SERVICES)})")
    path = store_path(data_dir, service)
    if store_url is None and not path.exists():
        raise NothingToReplay(f"pas de base {path} : le service n'a jamais tourné ici")
    model = read_model(service)
    try:
        live = open_url(store_url, read_only=False) if store_url else LiveStore(path, read_only=False)
    except (OSError, ValueError) as exc:
        raise NothingToReplay(f"base de {service} inaccessible : {exc}") from exc
    try:
        scratch = fresh_store(model, live)
        try:
            started = time.perf_counter()
            apply_batch = apply_batch_to(model, scratch)
            if js is None:
                replayed, last = _from_log(live, apply_batch, progress, batch)
            else:
                replayed, last = await _from_stream(js, live, service, apply_batch, progress, batch)
            caught_up = switch(model, live, scratch, after=last)
            seconds = time.perf_counter() - started
            rows = model.rows(live)
        finally:
            scratch.close()
    finally:
        live.close()
    return ReplayResult(
        service=service,
        source="journal" if js is None else "flux",
        replayed=replayed,
        caught_up=caught_up,
        seconds=seconds,
        rows={table: len(r) for table, r in rows.items()},
        projection_hash=projection_hash(rows),
    )


def _from_log(
    live: EventStore,
    apply_batch: Callable[[Sequence[RecordedEvent]], None],
    progress: Progress | None,
    batch: int,
) -> tuple[int, int]:
    total = live.count()
    count = after = 0
    while True:
        rows = live.read_bodies(after, batch)
        if not rows:
            return count, after
        apply_batch(recorded(rows))  # payloads decoded when a projection reads them
        count += len(rows)
        after = rows[-1][0]
        if progress is not None:
            progress(count, max(total, count))


async def _from_stream(
    js: JetStreamContext,
    live: EventStore,
    service: str,
    apply_batch: Callable[[Sequence[RecordedEvent]], None],
    progress: Progress | None,
    batch: int,
) -> tuple[int, int]:
    orgs: set[str] = set()
    after = 0
    while rows := live.read_bodies(after, 20000):
        orgs.update(_org.decode(body).org for _, body in rows)
        after = rows[-1][0]
    positions = {str(r[1]): int(r[0]) for r in live.query("SELECT position, event_id FROM events")}
    relayed = live.relay_position(RELAY)
    subject = service_filter(service)
    total = len(positions)  # what the stream should hold of this service: the bar's end
    state = {"count": 0, "last": 0, "foreign": 0}
    unknown: list[str] = []
    disorder: list[str] = []

    def apply_streamed(events: Sequence[RecordedEvent]) -> None:
        ours = []
        for event in events:
            env = event.envelope
            position = positions.get(env.event_id)
            if position is None:
                if orgs and env.org not in orgs:
                    state["foreign"] += 1  # another instance of this service, another organisation
                else:
                    unknown.append(env.event_id)
                continue
            if position <= state["last"]:
                disorder.append(env.event_id)
                continue
            state["last"] = position
            ours.append(msgspec.structs.replace(event, position=position))
        if unknown or disorder:
            return  # nothing more is applied: the replay will stop before the switch
        apply_batch(ours)
        state["count"] += len(ours)
        if progress is not None:
            progress(state["count"] + state["foreign"], max(total, state["count"]))

    await replay_stream(js, apply_streamed, filter_subject=subject, batch=batch)
    if unknown:
        raise ReplayError(
            f"le flux contient {len(unknown)} événement(s) de {service} absents du journal "
            f"(premier : {unknown[0]}) : lancez jobdating audit"
        )
    if disorder:
        raise ReplayError(
            f"le flux ne suit pas l'ordre du journal (événement {disorder[0]}) : lancez jobdating audit"
        )
    expected = sum(1 for p in positions.values() if p <= state["last"])
    if state["count"] != expected or relayed > state["last"]:
        raise ReplayError(
            f"le flux a {state['count']} événements de {service} jusqu'à la position {state['last']} du "
            f"journal, qui en compte {expected} et dit en avoir relayé jusqu'à la position {relayed} : "
            "lancez jobdating audit"
        )
    return state["count"], state["last"]


def switch(model: ReadModel, live: EventStore, scratch: ScratchStore, after: int) -> int:
    """Replace the live tables' rows by the fresh ones and apply the log after `after`, in one transaction;
    returns how many events were applied on top."""
    fresh = model.rows(scratch)
    columns = {
        table: [str(r[0]) for r in scratch.query("SELECT name FROM pragma_table_info(?)", (table,))]
        for table in model.tables
    }
    apply = model.applier(live)
    with live.transaction() as tx:
        # No event may commit between the tail read below and this commit: SQLite's BEGIN IMMEDIATE already
        # excludes other writers; on PostgreSQL, take the lock every appender takes.
        live.dialect.lock_appends(tx.execute("SELECT 1"))
        if live.dialect.name == "sqlite":
            tx.execute("PRAGMA secure_delete=ON")  # the old rows may hold personal data (registration)
        for table in model.tables:
            tx.execute(f"DELETE FROM {table}")
            if fresh[table]:
                names = ", ".join(columns[table])
                marks = ", ".join("?" * len(columns[table]))
                tx.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", fresh[table])
        tail = tx.execute(
            "SELECT position, body FROM events WHERE position > ? ORDER BY position", (after,)
        ).fetchall()
        for position, body in tail:
            apply(tx, REGISTRY.decode(decode_envelope(bytes(body)), int(position)))
        if model.checkpoint is not None:
            tx.set_checkpoint(model.checkpoint, int(tail[-1][0]) if tail else after)
    return len(tail)
