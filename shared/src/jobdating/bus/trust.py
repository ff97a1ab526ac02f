"""The trust rules of `jobdating.contracts.trust`, checked in a consumer's transaction.

`vet` runs before the handler: it raises `Forged` for an event the rules refuse, reading who owns the event's
stream (and its parent's) from the consumer's `stream_owners` table. `accept` runs after the handler, with the
inbox row: the first event a consumer accepts about a stream makes its organisation the stream's owner.
"""

from __future__ import annotations

from jobdating.contracts.envelope import RecordedEvent, service_of
from jobdating.contracts.trust import PARENTS, Forged, speaker_refusal, subject_refusal
from jobdating.eventstore.base import Transaction


def vet(
    tx: Transaction, consumer: str, subject: str | None, event: RecordedEvent, coordinator: str | None
) -> None:
    """Raise `Forged` unless `event`'s organisation may say it (the subject is checked when given)."""
    env = event.envelope
    if subject is not None:
        refusal = subject_refusal(subject, env)
        if refusal is not None:
            raise Forged(refusal)
    owner = tx.stream_owner(consumer, env.stream_type, env.stream_id)
    parent: tuple[str, str, str | None] | None = None
    named = PARENTS.get(env.event_type)
    if named is not None:
        parent_type, field = named
        parent_id = str(getattr(event.data, field))
        parent = (parent_type, parent_id, tx.stream_owner(consumer, parent_type, parent_id))
    refusal = speaker_refusal(env, service_of(env), owner, coordinator=coordinator, parent=parent)
    if refusal is not None:
        raise Forged(refusal)


def accept(tx: Transaction, consumer: str, event: RecordedEvent) -> None:
    """Record the event's organisation as its stream's owner if the consumer had not heard of the stream."""
    env = event.envelope
    tx.set_stream_owner(consumer, env.stream_type, env.stream_id, env.org)
