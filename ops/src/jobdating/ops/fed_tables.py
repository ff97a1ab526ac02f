"""Tables a service keeps from other services' events (its consumers' facts), rebuilt from the stream.

Scheduling plans from its copy of candidates, companies, sites, computers and their outages; registration
lets candidates choose the sites and partner companies it heard of; notifications writes to people from its
copies of candidates, companies, sites and slots. Those tables are fed by durable
consumers, not by the service's log, so the audit rebuilds them from the stream instead: every message the
consumers have acknowledged (up to their ack floor, which is every message when nothing is pending), through
the very handler the consumer runs, into a scratch store in memory; then it compares them with the live
ones.

A consumer with messages pending (delivered and not acknowledged, or not delivered yet) makes the
comparison meaningless: the audit says so and does not compare. An event the trust rules refuse
(`jobdating.contracts.trust`) is left out, as the consumer parked it as forged. Notifications' copies of
candidates, companies, sites and the plan are compared the same way (its planned messages are working
state, left alone).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from jobdating.bus.consumer import NotYet
from jobdating.bus.trust import accept, vet
from jobdating.contracts.catalog import REGISTRY
from jobdating.contracts.envelope import RecordedEvent, decode_envelope
from jobdating.contracts.subjects import STREAM_NAME
from jobdating.eventstore.base import Transaction
from jobdating.eventstore.readmodel import Apply, FedModel
from jobdating.ops.readmodels import SERVICES, ScratchStore, service_readmodel


def fed_model(kind: str, label: str, own_org: str | None) -> FedModel | None:
    """The fed tables of a service instance (`label`, e.g. `registration@mission-locale`), as its service's
    `readmodel` module declares them; None when it keeps none (or, for registration, when its organisation
    is unknown)."""
    if kind not in SERVICES:
        return None
    model: FedModel | None = service_readmodel(kind).fed(label, own_org, label.partition("@")[2] or None)
    return model


async def ack_floors(js: JetStreamContext, model: FedModel) -> dict[str, int] | str:
    """Each feed's last acknowledged stream sequence, or why the tables cannot be compared now."""
    floors: dict[str, int] = {}
    for durable, _ in model.feeds:
        try:
            info = await js.consumer_info(STREAM_NAME, durable)
        except NotFoundError:
            return f"consommateur {durable} absent : tables {', '.join(model.tables)} non comparées"
        pending = (info.num_pending or 0) + (info.num_ack_pending or 0)
        if pending:
            return (
                f"consommateur {durable} en retard ({pending} message(s) en attente) : "
                f"tables {', '.join(model.tables)} non comparées"
            )
        floors[durable] = info.ack_floor.stream_seq if info.ack_floor else 0
    return floors


def matches(pattern: str, subject: str) -> bool:
    """NATS subject matching: `*` is one token, a final `>` one or more."""
    want, got = pattern.split("."), subject.split(".")
    for i, part in enumerate(want):
        if part == ">":
            return len(got) > i
        if i >= len(got) or (part != "*" and part != got[i]):
            return False
    return len(want) == len(got)


def rebuild(
    model: FedModel, messages: Sequence[Any], floors: dict[str, int], coordinator: str | None = None
) -> ScratchStore:
    """The fed tables rebuilt in memory from `messages` (stream order: seq, subject, data), each applied by
    the feeds whose filter takes it, up to their ack floor, under the consumers' trust rules (`coordinator`:
    the instance's org); an event id seen twice is applied once, as the consumers' inbox does."""
    scratch = ScratchStore()
    scratch.migrate()
    with scratch.transaction() as tx:
        model.prepare(tx)
    handlers = {durable: model.handler(durable) for durable, _ in model.feeds}
    seen: set[tuple[str, str]] = set()
    batch: list[tuple[Apply, RecordedEvent]] = []
    for message in messages:
        for durable, subjects in model.feeds:
            if message.seq > floors[durable] or not any(matches(s, message.subject) for s in subjects):
                continue
            env = decode_envelope(message.data)
            if (durable, env.event_id) in seen:
                continue
            seen.add((durable, env.event_id))
            batch.append(
                (
                    _trusting(durable, message.subject, handlers[durable], coordinator),
                    REGISTRY.decode(env, message.seq),
                )
            )
    with scratch.transaction() as tx:
        waiting = _apply_each(tx, batch)
        # What came before what it depends on is applied once the rest is in, as a redelivery would; what
        # still cannot be, the consumer parked, and the live tables lack it too.
        _apply_each(tx, waiting)
    return scratch


def _trusting(durable: str, subject: str, apply: Apply, coordinator: str | None) -> Apply:
    """`apply` behind the trust rules, as `jobdating.bus.consumer.apply_once` runs a handler."""

    def trusted(tx: Transaction, event: RecordedEvent) -> None:
        vet(tx, durable, subject, event, coordinator)
        apply(tx, event)
        accept(tx, durable, event)

    return trusted


def _apply_each(
    tx: Transaction, batch: list[tuple[Apply, RecordedEvent]]
) -> list[tuple[Apply, RecordedEvent]]:
    """Apply each event in its own savepoint; returns those that raised NotYet (their writes undone). An
    event the handler fails on (or a forged one) is left out, as the consumer parks it."""
    waiting: list[tuple[Apply, RecordedEvent]] = []
    for apply, event in batch:
        tx.execute("SAVEPOINT fed")
        try:
            apply(tx, event)
        except NotYet:
            tx.execute("ROLLBACK TO fed")
            waiting.append((apply, event))
        except Exception:
            tx.execute("ROLLBACK TO fed")
        tx.execute("RELEASE fed")
    return waiting
