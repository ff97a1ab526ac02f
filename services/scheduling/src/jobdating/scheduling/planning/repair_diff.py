"""The diff a repair makes to a published plan, and the plan once it is applied."""

from __future__ import annotations

import msgspec

from jobdating.contracts.scheduling import CancelReason
from jobdating.scheduling.planning.model import Interview, Plan


class Cancellation(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """An interview that will not take place, why (the contracts' reason) and a sentence for people."""

    interview: Interview
    reason: CancelReason
    detail: str


class Move(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """An interview that changes computer or time; same candidate, company and site. `making_room_for`
    names the (candidate, company) of the affected interview it made room for, when the disruption did not
    touch it but moving it saved that one from cancellation (a chain of two moves)."""

    before: Interview
    after: Interview
    reason: CancelReason
    making_room_for: tuple[str, str] | None = None


class Repair(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """The diff a repair makes to a plan: nothing else changes."""

    cancelled: tuple[Cancellation, ...] = ()
    moved: tuple[Move, ...] = ()
    assigned: tuple[Interview, ...] = ()


def apply_repair(plan: Plan, diff: Repair) -> Plan:
    """The plan once `diff` is applied."""
    gone = {c.interview.pair for c in diff.cancelled} | {m.before.pair for m in diff.moved}
    kept = [i for i in plan.interviews if i.pair not in gone]
    return Plan(interviews=(*kept, *(m.after for m in diff.moved), *diff.assigned))
