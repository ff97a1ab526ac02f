"""Keeping a service's read model in step with its own events, in the transaction that appended them."""

from __future__ import annotations

from collections.abc import Sequence

from jobdating.contracts.envelope import decode_envelope
from jobdating.contracts.registry import EventRegistry
from jobdating.eventstore.base import StoredEvent, Transaction
from jobdating.eventstore.readmodel import Apply


def project_appended(
    tx: Transaction, stored: Sequence[StoredEvent], apply: Apply, checkpoint: str, registry: EventRegistry
) -> None:
    """Apply events just appended in `tx` and move the read model's checkpoint (`checkpoint`) with them."""
    for row in stored:
        apply(tx, registry.decode(decode_envelope(row.body), row.position))
    if stored:
        tx.set_checkpoint(checkpoint, stored[-1].position)
