"""What scheduling's application needs written by adapters, as callables that bootstrap wires in.

Reads go through the read-side query modules (`queries_facts`, `queries_slots`, `queries_plans`).
"""

from __future__ import annotations

from collections.abc import Callable

from jobdating.contracts.envelope import RecordedEvent
from jobdating.eventstore.base import Transaction
from jobdating.scheduling.domain.plans import ProvisionalPlan

ApplyFact = Callable[[Transaction, RecordedEvent], bool]
"""Keeps a registration or sites fact in the caller's transaction; False when it changed nothing."""
SavePlan = Callable[[Transaction, ProvisionalPlan], None]
"""Keeps a computed provisional plan and its interviews."""
