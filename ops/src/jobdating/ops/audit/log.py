"""The checks of one service store, in one read transaction: its log (envelopes, ids, versions, positions)
and its projections rebuilt from that log into empty tables, compared with the live ones."""

from __future__ import annotations

import hashlib
import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass

import msgspec

from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import Envelope, RecordedEvent, decode_envelope, service_of
from jobdating.eventstore.base import EventStore, StoredEvent
from jobdating.eventstore.readmodel import ReadModel
from jobdating.ops.audit.report import Difference, ServiceAudit, few, kind_of, org_of
from jobdating.ops.audit.tables import compare_tables
from jobdating.ops.readmodels import RELAY, Live, apply_batch_to, fresh_store, projection_hash, read_model


@dataclass(frozen=True)
class Logged:
    position: int
    digest: str


def envelope_of(body: bytes, service: str, where: str, out: list[Difference]) -> Envelope | None:
    """A logged or streamed event's envelope, or None and an "enveloppe illisible" difference at `where`."""
    try:
        return decode_envelope(body)
    except msgspec.DecodeError as exc:
        out.append(Difference(service, "enveloppe illisible", f"{where} : {exc}"))
        return None


def check_log(service: str, rows: list[StoredEvent], out: list[Difference]) -> list[RecordedEvent]:
    """Check one service instance's log (`service` may be an instance label, see `kind_of`); returns its
    events decoded, in position order, for the rebuild."""
    kind, org = kind_of(service), org_of(service)
    decoded: list[RecordedEvent] = []
    seen: dict[str, int] = {}
    versions: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for row in rows:
        env = envelope_of(row.body, service, f"position {row.position}", out)
        if env is None:
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
            Difference(service, "version répétée", f"stream_id {stream_id} : version(s) {few(repeated)}")
        )
    if missing:
        out.append(
            Difference(service, "version manquante", f"stream_id {stream_id} : version(s) {few(missing)}")
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


def audit_store(service: str, store: Live, out: list[Difference]) -> tuple[ServiceAudit, dict[str, Logged]]:
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
    logged = {r.event_id: Logged(r.position, digest(r.body)) for r in rows}
    return summary, logged


def digest(body: bytes) -> str:
    """The log's and the stream's copies of an event must be the same bytes: compared by this hash."""
    return hashlib.sha256(body).hexdigest()
