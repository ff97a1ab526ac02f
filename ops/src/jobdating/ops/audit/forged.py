"""Events a service's consumers parked as forged (`jobdating.contracts.trust`): each is a difference, since
an organisation published something it may not say, and the operator must find out who and why."""

from __future__ import annotations

from jobdating.contracts.trust import FORGED
from jobdating.eventstore.base import EventStore
from jobdating.ops.audit.report import Difference

CHECK = "événement forgé"


def check_forged(service: str, store: EventStore, out: list[Difference]) -> None:
    """One difference per parked forged event: the consumer, the event id and the consumer's reason."""
    for parked in store.parked():
        if parked.error.startswith(f"{FORGED}:"):
            out.append(
                Difference(
                    service, CHECK, f"{parked.consumer} : événement {parked.event_id} : {parked.error}"
                )
            )
