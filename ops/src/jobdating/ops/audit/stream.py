"""The stream `JOBDATING` read whole, raw, and checked against every audited log.

The messages are read raw (subject, `Nats-Msg-Id`, bytes), not decoded as `jobdating.bus.replay` does for
a rebuild: the checks are about the very bytes, subjects and ids the relays published.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter, defaultdict

import msgspec
from nats.aio.msg import Msg
from nats.js import JetStreamContext

from jobdating.bus.replay import stream_head, subscribe_ordered
from jobdating.contracts.envelope import Envelope, service_of
from jobdating.contracts.subjects import InvalidSubjectToken, event_subject
from jobdating.eventstore.base import EventStore
from jobdating.ops.audit.log import Logged, digest, envelope_of
from jobdating.ops.audit.report import STREAM, AuditError, Difference, ServiceAudit, few, kind_of


class StreamMessage(msgspec.Struct, frozen=True):
    seq: int
    subject: str
    msg_id: str | None
    data: bytes


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

    sub = await subscribe_ordered(js, on_message)
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
    logs: dict[str, dict[str, Logged]],
    stores: dict[str, EventStore],
    out: list[Difference],
    notices: list[str],
) -> None:
    """Compare the stream with every audited log (see the package's docstring)."""
    times: dict[str, list[int]] = defaultdict(list)
    in_stream: dict[str, dict[str, StreamMessage]] = defaultdict(dict)
    outside: Counter[str] = Counter()
    for message in messages:
        env = envelope_of(message.data, STREAM, f"séquence {message.seq}", out)
        if env is None:
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
        owner = owner_of(env, summaries)
        if owner is None:
            outside[service_of(env)] += 1
            continue
        in_stream[owner].setdefault(env.event_id, message)
    for event_id, seqs in times.items():
        if len(seqs) > 1:
            out.append(
                Difference(STREAM, "publié plusieurs fois", f"événement {event_id} aux séquences {few(seqs)}")
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


def owner_of(env: Envelope, summaries: dict[str, ServiceAudit]) -> str | None:
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
    logged: dict[str, Logged],
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
        elif entry.digest != digest(message.data):
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


def _subject(env: Envelope) -> str:
    try:
        return event_subject(env.org, service_of(env), env.stream_type, env.event_type, env.stream_id)
    except InvalidSubjectToken:
        return "?"
