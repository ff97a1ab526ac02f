"""`jobdating audit`: proves that the stream, every service's log and every projection agree.

For each service store found in the data folder (`<service>.db`), inside one read transaction:
- the log: every row's envelope decodes and says what the row's columns say (id, stream, version, type) and
  that this service published it; no event id twice; each stream's versions run 1, 2, ... without a gap or
  a repeat, and its positions increase with its versions;
- the projections: rebuilt from the log into empty tables (in memory), they equal the live ones, compared
  by a hash per table over the sorted rows (every column: none of them records when it was handled).

Then, when NATS is reachable, the stream `JOBDATING`, read whole with an ordered consumer:
- no event id published twice; each message's `Nats-Msg-Id` and subject are the ones its envelope implies;
- for each audited service (and its organisations): the stream holds every logged event the relay's
  cursor says it published, byte for byte the log's envelope, in log order; and nothing the log lacks;
- the tables scheduling, registration and notifications keep from other services' events, rebuilt from the
  stream up to what their consumers acknowledged, equal the live ones (`jobdating.ops.fed_tables`).
  Events after the cursor are not yet relayed (the stack is running, or stopped before its relay caught
  up): a notice, not a difference. Events committed after the log was read are checked against the log as
  it is by then.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import msgspec
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import DeliverPolicy
from nats.js.errors import NotFoundError

from jobdating.bus.replay import stream_head
from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import Envelope, RecordedEvent, decode_envelope, service_of
from jobdating.contracts.subjects import ALL_EVENTS, STREAM_NAME, InvalidSubjectToken, event_subject
from jobdating.eventstore.base import EventStore, StoredEvent
from jobdating.eventstore.readmodel import ReadModel, Rows
from jobdating.ops.fed_tables import ack_floors, fed_model, rebuild
from jobdating.ops.readmodels import (
    SERVICES,
    Live,
    LiveStore,
    apply_batch_to,
    fresh_store,
    open_url,
    projection_hash,
    read_model,
    store_path,
    table_hash,
)

RELAY = "jetstream"  # the relay name every service host uses (`Relay` default)
STREAM = "flux"  # the service column of a difference found in the stream itself


@dataclass(frozen=True)
class Difference:
    """One disagreement; `service` is the service concerned, or STREAM."""

    service: str
    check: str
    detail: str


@dataclass
class ServiceAudit:
    """What was found for one service."""

    service: str
    events: int = 0
    streams: int = 0
    head: int = 0
    relayed: int = 0
    in_stream: int | None = None
    not_relayed: int = 0
    live_hash: str = ""
    rebuilt_hash: str = ""
    orgs: set[str] = field(default_factory=set)


@dataclass
class AuditReport:
    services: list[ServiceAudit]
    differences: list[Difference]
    notices: list[str]
    stream_messages: int | None  # None: the stream was not read
    fed: list[str] = field(default_factory=list)  # the instances whose fed tables were compared

    @property
    def clean(self) -> bool:
        return not self.differences


class AuditError(RuntimeError):
    """The audit could not run at all (no store to audit, a store that is not one); shown in French."""


@dataclass(frozen=True)
class _Logged:
    position: int
    digest: str


class StreamMessage(msgspec.Struct, frozen=True):
    seq: int
    subject: str
    msg_id: str | None
    data: bytes


# ---- the log and its projections ---------------------------------------------------------------------


def kind_of(label: str) -> str:
    """The service of an audited instance: `registration@mission-locale` is a registration instance."""
    return label.partition("@")[0]


def org_of(label: str) -> str | None:
    """The organisation an instance label names, if any (`registration@mission-locale`)."""
    return label.partition("@")[2] or None


def check_log(service: str, rows: list[StoredEvent], out: list[Difference]) -> list[RecordedEvent]:
    """Check one service instance's log (`service` may be an instance label, see `kind_of`); returns its
    events decoded, in position order, for the rebuild."""
    kind, org = kind_of(service), org_of(service)
    decoded: list[RecordedEvent] = []
    seen: dict[str, int] = {}
    versions: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for row in rows:
        try:
            env = decode_envelope(row.body)
        except msgspec.DecodeError as exc:
            out.append(Difference(service, "enveloppe illisible", f"position {row.position} : {exc}"))
            continue
        mismatched = [
            name
            for name, column, wire in (
                ("id", row.event_id, env.event_id),
                ("stream_id", row.stream_id, env.stream_id),
                ("stream_version", row.stream_version, env.stream_version),
                ("stream_type", row.stream_type, env.stream_type),
                ("type", row.event_type, env.event_type),
            )
            if column != wire
        ]
        if mismatched:
            out.append(
                Difference(
                    service,
                    "ligne ≠ enveloppe",
                    f"position {row.position} (id {row.event_id}) : {', '.join(mismatched)} diffèrent",
                )
            )
        if service_of(env) != kind:
            out.append(
                Difference(
                    service,
                    "source",
                    f"position {row.position} : publié par {service_of(env)!r}, pas {kind!r}",
                )
            )
        if org is not None and env.org != org:
            out.append(
                Difference(service, "organisation", f"position {row.position} : org {env.org!r}, pas {org!r}")
            )
        if env.event_id in seen:
            out.append(
                Difference(
                    service,
                    "événement en double",
                    f"id {env.event_id} aux positions {seen[env.event_id]} et {row.position}",
                )
            )
        else:
            seen[env.event_id] = row.position
        versions[env.stream_id].append((env.stream_version, row.position))
        try:
            decoded.append(REGISTRY.decode(env, row.position))
        except Exception as exc:
            out.append(Difference(service, "événement illisible", f"position {row.position} : {exc}"))
    for stream_id, entries in versions.items():
        _check_versions(service, stream_id, entries, out)
    return decoded


def _check_versions(
    service: str, stream_id: str, entries: list[tuple[int, int]], out: list[Difference]
) -> None:
    counts = Counter(v for v, _ in entries)
    repeated = sorted(v for v, n in counts.items() if n > 1)
    missing = sorted(set(range(1, max(counts) + 1)) - set(counts))
    if repeated:
        out.append(
            Difference(service, "version répétée", f"stream_id {stream_id} : version(s) {_few(repeated)}")
        )
    if missing:
        out.append(
            Difference(service, "version manquante", f"stream_id {stream_id} : version(s) {_few(missing)}")
        )
    by_version = sorted(entries)
    for (v1, p1), (v2, p2) in itertools.pairwise(by_version):
        if v2 > v1 and p2 <= p1:
            out.append(
                Difference(
                    service,
                    "positions",
                    f"stream_id {stream_id} : version {v2} à la position {p2}, avant la version {v1} ({p1})",
                )
            )
            break


def check_projections(
    model: ReadModel,
    live: EventStore,
    events: list[RecordedEvent],
    summary: ServiceAudit,
    out: list[Difference],
) -> None:
    """Rebuild the projections from `events` into empty tables and compare them with the live ones."""
    service = model.service
    try:
        live_rows = model.rows(live)
    except Exception as exc:
        out.append(Difference(service, "projection illisible", str(exc)))
        return
    scratch = fresh_store(model, live)
    try:
        apply_batch = apply_batch_to(model, scratch)
        for start in range(0, len(events), 5000):
            apply_batch(events[start : start + 5000])
        rebuilt = model.rows(scratch)
    except Exception as exc:
        scratch.close()
        out.append(Difference(service, "reconstruction impossible", f"{type(exc).__name__}: {exc}"))
        return
    try:
        summary.live_hash = projection_hash(live_rows)
        summary.rebuilt_hash = projection_hash(rebuilt)
        compare_tables(service, "projection ≠ reconstruction", model.tables, live_rows, rebuilt, scratch, out)
    finally:
        scratch.close()


def compare_tables(
    service: str,
    check: str,
    tables: tuple[str, ...],
    live_rows: Rows,
    rebuilt: Rows,
    scratch: EventStore,
    out: list[Difference],
) -> None:
    """A difference per table whose live rows are not the rebuilt ones, then its first differing rows."""
    for table in tables:
        if table_hash(live_rows[table]) == table_hash(rebuilt[table]):
            continue
        live_only = list((Counter(live_rows[table]) - Counter(rebuilt[table])).elements())
        rebuilt_only = list((Counter(rebuilt[table]) - Counter(live_rows[table])).elements())
        detail = f"table {table} : {len(live_only)} ligne(s) seulement en service"
        detail += f", {len(rebuilt_only)} seulement dans la reconstruction"
        out.append(Difference(service, check, detail))
        lines = _row_lines(scratch, table, live_only, rebuilt_only)
        out.extend(Difference(service, "  ligne", line) for line in lines)


def _row_lines(
    scratch: EventStore, table: str, live_only: list[tuple[Any, ...]], rebuilt_only: list[tuple[Any, ...]]
) -> list[str]:
    """The first differing rows, named by their id columns only (other columns may hold personal data)."""
    columns = [str(r[0]) for r in scratch.query("SELECT name FROM pragma_table_info(?)", (table,))]
    ids = [i for i, name in enumerate(columns) if name.endswith("_id")] or [0]

    def key(row: tuple[Any, ...]) -> str:
        return ", ".join(f"{columns[i] if i < len(columns) else i}={row[i]}" for i in ids)

    rebuilt_by_key = {key(r): r for r in rebuilt_only}
    lines = []
    for row in live_only[:3]:
        twin = rebuilt_by_key.pop(key(row), None)
        if twin is None:
            lines.append(f"{table} ({key(row)}) : seulement en service")
        else:
            changed = [columns[i] for i, (a, b) in enumerate(zip(row, twin, strict=False)) if a != b]
            lines.append(f"{table} ({key(row)}) : colonnes différentes : {', '.join(changed)}")
    lines += [f"{table} ({k}) : seulement dans la reconstruction" for k in list(rebuilt_by_key)[:3]]
    return lines


def audit_store(service: str, store: Live, out: list[Difference]) -> tuple[ServiceAudit, dict[str, _Logged]]:
    """Every check of one service's store, in one read transaction; returns its summary and its log."""
    summary = ServiceAudit(service)
    with store.snapshot():
        rows = list(store.iter_all())
        summary.events = len(rows)
        summary.head = rows[-1].position if rows else 0
        summary.relayed = store.relay_position(RELAY)
        events = check_log(service, rows, out)
        summary.streams = len({e.envelope.stream_id for e in events})
        summary.orgs = {e.envelope.org for e in events}
        declared = org_of(service)
        if declared is not None:
            summary.orgs.add(declared)
        check_projections(read_model(kind_of(service)), store, events, summary, out)
    logged = {r.event_id: _Logged(r.position, _digest(r.body)) for r in rows}
    return summary, logged


# ---- the stream --------------------------------------------------------------------------------------


async def read_stream(js: JetStreamContext, stall: float = 15.0) -> list[StreamMessage]:
    """Every message of the stream up to its last sequence now, raw, with an ordered push consumer."""
    last = await stream_head(js)
    if last == 0:
        return []
    messages: list[StreamMessage] = []
    done = asyncio.Event()

    async def on_message(msg: Msg) -> None:
        meta = msg.metadata
        seq = meta.sequence.stream
        if done.is_set():
            return
        if seq <= last:
            msg_id = (msg.headers or {}).get("Nats-Msg-Id")
            messages.append(StreamMessage(seq, msg.subject, msg_id, bytes(msg.data)))
        if seq >= last or meta.num_pending == 0:
            done.set()

    sub = await js.subscribe(
        ALL_EVENTS,
        cb=on_message,
        ordered_consumer=True,
        deliver_policy=DeliverPolicy.ALL,
        pending_msgs_limit=-1,
        pending_bytes_limit=-1,
    )
    try:
        seen = -1
        while not done.is_set():
            if len(messages) == seen:
                raise AuditError(f"la lecture du flux s'est arrêtée après {seen} messages")
            seen = len(messages)
            try:
                await asyncio.wait_for(done.wait(), timeout=stall)
            except TimeoutError:
                continue
    finally:
        await sub.unsubscribe()
    return messages


def check_stream(
    messages: list[StreamMessage],
    summaries: dict[str, ServiceAudit],
    logs: dict[str, dict[str, _Logged]],
    stores: dict[str, EventStore],
    out: list[Difference],
    notices: list[str],
) -> None:
    """Compare the stream with every audited log (see the module's docstring)."""
    times: dict[str, list[int]] = defaultdict(list)
    in_stream: dict[str, dict[str, StreamMessage]] = defaultdict(dict)
    outside: Counter[str] = Counter()
    for message in messages:
        try:
            env = decode_envelope(message.data)
        except msgspec.DecodeError as exc:
            out.append(Difference(STREAM, "enveloppe illisible", f"séquence {message.seq} : {exc}"))
            continue
        times[env.event_id].append(message.seq)
        if message.msg_id != env.event_id:
            out.append(
                Difference(
                    STREAM,
                    "Nats-Msg-Id",
                    f"séquence {message.seq} : {message.msg_id!r} pour l'événement {env.event_id}",
                )
            )
        expected = _subject(env)
        if message.subject != expected:
            out.append(
                Difference(STREAM, "sujet", f"séquence {message.seq} : {message.subject}, attendu {expected}")
            )
        owner = _owner(env, summaries)
        if owner is None:
            outside[service_of(env)] += 1
            continue
        in_stream[owner].setdefault(env.event_id, message)
    for event_id, seqs in times.items():
        if len(seqs) > 1:
            out.append(
                Difference(
                    STREAM, "publié plusieurs fois", f"événement {event_id} aux séquences {_few(seqs)}"
                )
            )
    for service, summary in summaries.items():
        _compare(service, summary, logs[service], in_stream[service], stores[service], out)
        if summary.not_relayed:
            notices.append(
                f"{service} : {summary.not_relayed} événement(s) pas encore relayé(s) vers le flux "
                f"(après la position {summary.relayed})"
            )
    for service, n in sorted(outside.items()):
        notices.append(f"flux : {n} message(s) de {service} (autre service ou organisation) non audités ici")


def _owner(env: Envelope, summaries: dict[str, ServiceAudit]) -> str | None:
    """The audited instance that published this event: the one of its service holding its org (an
    instance whose log is still empty claims every org of its service, as nothing says otherwise)."""
    service = service_of(env)
    unclaimed = None
    for label, summary in summaries.items():
        if kind_of(label) != service:
            continue
        if env.org in summary.orgs:
            return label
        if not summary.orgs and unclaimed is None:
            unclaimed = label
    return unclaimed


def _compare(
    service: str,
    summary: ServiceAudit,
    logged: dict[str, _Logged],
    published: dict[str, StreamMessage],
    store: EventStore,
    out: list[Difference],
) -> None:
    summary.in_stream = len(published)
    for event_id, message in published.items():
        entry = logged.get(event_id)
        if entry is None:
            later = store.query("SELECT position FROM events WHERE event_id = ?", (event_id,))
            if later and int(later[0][0]) > summary.head:
                continue  # committed after the log was read, then relayed: checked again next time
            out.append(
                Difference(service, "absent du journal", f"événement {event_id} (séquence {message.seq})")
            )
        elif entry.digest != _digest(message.data):
            out.append(
                Difference(
                    service,
                    "octets différents",
                    f"événement {event_id} : position {entry.position} ≠ séquence {message.seq}",
                )
            )
    missing = sorted((e.position, event_id) for event_id, e in logged.items() if event_id not in published)
    for position, event_id in missing:
        if position > summary.relayed:
            summary.not_relayed += 1
        else:
            out.append(
                Difference(service, "absent du flux", f"événement {event_id} (position {position}, relayé)")
            )
    order = [
        logged[i].position for i, _ in sorted(published.items(), key=lambda kv: kv[1].seq) if i in logged
    ]
    for before, after in itertools.pairwise(order):
        if after <= before:
            out.append(
                Difference(
                    service, "ordre du flux", f"la position {after} publiée après la position {before}"
                )
            )
            break


# ---- the whole audit ---------------------------------------------------------------------------------


@dataclass
class _Stores:
    """The audited stores, still open for the stream's checks, and what their logs hold."""

    summaries: dict[str, ServiceAudit]
    logs: dict[str, dict[str, _Logged]]
    stores: dict[str, Live]

    def close(self) -> None:
        for store in self.stores.values():
            store.close()


def audit_stores(
    data_dir: Path,
    services: tuple[str, ...],
    urls: Mapping[str, str],
    differences: list[Difference],
    notices: list[str],
) -> _Stores:
    """The checks of every service store: given by URL in `urls`, else `<service>.db` in `data_dir`
    (opened read-only, left open for the stream's checks)."""
    found = _Stores({}, {}, {})
    unknown = sorted({kind_of(label) for label in urls} - set(SERVICES))
    if unknown:
        raise AuditError(f"service inconnu : {', '.join(unknown)} (attendu : {', '.join(SERVICES)})")
    # Partner instances (`registration@mission-locale=URL`) are audited beside the data folder's services.
    services = (*services, *(label for label in urls if label not in services))
    try:
        for service in services:
            path = store_path(data_dir, service)
            where = urls.get(service) or str(path)
            if service not in urls and not path.exists():
                notices.append(f"{service} : pas de base {path.name}, non audité")
                continue
            try:
                store = open_url(urls[service], read_only=True) if service in urls else LiveStore(path, True)
                found.stores[service] = store
                found.summaries[service], found.logs[service] = audit_store(service, store, differences)
            except Exception as exc:  # e.g. not a store at all, a database that does not answer: say which
                raise AuditError(f"{service} ({_safe(where)}) : {type(exc).__name__}: {exc}") from exc
        if not found.summaries:
            raise AuditError(f"aucune base de service dans {data_dir.resolve()}")
    except BaseException:
        found.close()
        raise
    return found


async def audit(
    data_dir: Path,
    js: JetStreamContext | None,
    services: tuple[str, ...] = SERVICES,
    urls: Mapping[str, str] | None = None,
) -> AuditReport:
    """Audit every service store (see `audit_stores`), and the stream when `js` is given."""
    differences: list[Difference] = []
    notices: list[str] = []
    found = audit_stores(data_dir, services, urls or {}, differences, notices)
    stream_messages: int | None = None
    fed: list[str] = []
    try:
        if js is None:
            notices.append("flux non vérifié : NATS injoignable (pile arrêtée ?), voir --nats-url")
        else:
            try:
                messages = await read_stream(js)
            except NotFoundError:
                differences.append(Difference(STREAM, "flux absent", f"le flux {STREAM_NAME} n'existe pas"))
            else:
                stream_messages = len(messages)
                stores: dict[str, EventStore] = dict(found.stores)
                check_stream(messages, found.summaries, found.logs, stores, differences, notices)
                await check_fed_tables(js, messages, found, differences, notices, fed)
    finally:
        found.close()
    return AuditReport(list(found.summaries.values()), differences, notices, stream_messages, fed)


async def check_fed_tables(
    js: JetStreamContext,
    messages: list[StreamMessage],
    found: _Stores,
    out: list[Difference],
    notices: list[str],
    compared: list[str],
) -> None:
    """The tables services keep from other services' events, rebuilt from the stream up to what their
    consumers acknowledged, against the live ones (see `jobdating.ops.fed_tables`)."""
    last = messages[-1].seq if messages else 0
    for label, store in found.stores.items():
        summary = found.summaries[label]
        own = org_of(label) or (next(iter(summary.orgs)) if len(summary.orgs) == 1 else None)
        model = fed_model(kind_of(label), label, own)
        if model is None:
            if kind_of(label) == "registration":
                notices.append(
                    f"{label} : organisation de l'instance inconnue (journal vide ou de plusieurs "
                    "organisations), known_sites et partner_companies non comparées "
                    "(nommer l'instance : --store registration@ORG=URL)"
                )
            continue
        floors = await ack_floors(js, model)
        if isinstance(floors, str):
            notices.append(f"{label} : {floors}")
            continue
        if max(floors.values(), default=0) > last:
            notices.append(
                f"{label} : le flux a avancé pendant l'audit, tables {', '.join(model.tables)} non comparées"
            )
            continue
        scratch = rebuild(model, messages, floors)
        try:
            live_rows = model.rows(store)
            if await ack_floors(js, model) != floors:
                notices.append(f"{label} : un consommateur a avancé pendant l'audit, tables non comparées")
                continue
            compare_tables(label, "faits ≠ flux", model.tables, live_rows, model.rows(scratch), scratch, out)
            compared.append(f"{label} ({len(model.tables)} tables)")
        finally:
            scratch.close()


def _safe(where: str) -> str:
    """A store's location without the password a PostgreSQL URL may carry."""
    parts = urlsplit(where)
    if parts.password is None:
        return where
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")))


def _subject(env: Envelope) -> str:
    try:
        return event_subject(env.org, service_of(env), env.stream_type, env.event_type, env.stream_id)
    except InvalidSubjectToken:
        return "?"


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _few(values: list[int], n: int = 5) -> str:
    shown = ", ".join(str(v) for v in values[:n])
    return shown + (f" (+{len(values) - n})" if len(values) > n else "")
