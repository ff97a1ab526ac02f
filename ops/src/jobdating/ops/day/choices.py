"""What happens on the demo day, drawn from its seed: who does not come, which computer fails and when,
how early each candidate arrives, each interview's outcome.

Every draw is keyed by what does not change from one run to the next (a candidate's rank in the demo data,
a company's key), so that the same plan gives the same day.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from jobdating.ops.day.clock import local
from jobdating.runtime.placements import Placement
from jobdating.testing.demo_data import WALK_IN_SITE


@dataclass(frozen=True)
class Slot(Placement):
    """An interview of the published plan, as scheduling's API shows it (read with `msgspec.convert`)."""

    slot_id: str
    status: str
    kind: str
    from_waiting_list: bool = False
    cancel_reason: str | None = None
    outcome: str | None = None


@dataclass(frozen=True)
class Incidents:
    """The day's no-show and failing computer ("" and None when the plan offers none worth showing)."""

    no_show_candidate: str = ""
    no_show_at: datetime | None = None
    broken_computer: str = ""
    fail_at: datetime | None = None
    late_candidate: str = ""


def first_slots(slots: list[Slot]) -> dict[str, Slot]:
    """Each candidate's earliest interview still standing."""
    firsts: dict[str, Slot] = {}
    for slot in slots:
        if slot.status != "cancelled" and (
            slot.candidate_id not in firsts or slot.starts_at < firsts[slot.candidate_id].starts_at
        ):
            firsts[slot.candidate_id] = slot
    return firsts


def choose(slots: list[Slot], rank: dict[str, int], seed: int, day: date) -> Incidents:
    """The no-show and the computer that fails, drawn from the seed among those the plan makes telling."""
    rng = random.Random(seed)
    firsts = first_slots(slots)
    later = local(day, "09:00")
    absent = sorted(
        (rank[c], c)
        for c, first in firsts.items()
        if first.starts_at >= later
        and c in rank
        and sum(1 for s in slots if s.candidate_id == c and s.status == "assigned") >= 2
    )
    no_show_candidate, no_show_at = "", None
    if absent:
        _, no_show_candidate = rng.choice(absent)
        # Not there a quarter of an hour before their first interview: the site marks them absent.
        no_show_at = firsts[no_show_candidate].starts_at - timedelta(minutes=15)
    mid_morning = local(day, "10:00")
    busy = sorted(
        {
            s.computer_id
            for s in slots
            if s.computer_id and s.status == "assigned" and s.starts_at >= mid_morning
        }
    )
    broken_computer, fail_at = "", None
    if busy:
        broken_computer = rng.choice(busy)
        # It fails two minutes into the first interview it holds from 10:00: that one goes on (an
        # interview that began never moves), the next ones must move or be cancelled.
        first = min(
            s.starts_at
            for s in slots
            if s.computer_id == broken_computer and s.status == "assigned" and s.starts_at >= mid_morning
        )
        fail_at = first + timedelta(minutes=2)
    # The places the late candidate's absence frees go to others in an order that must not depend on
    # which of them the driver did first: not at the no-show's site, nor at the walk-in's.
    elsewhere = {f"site-{WALK_IN_SITE}"} | (
        {firsts[no_show_candidate].site_id} if no_show_candidate else set()
    )
    late_candidate = late(slots, rank, seed, day, no_show_candidate, elsewhere)
    return Incidents(no_show_candidate, no_show_at, broken_computer, fail_at, late_candidate)


def late(
    slots: list[Slot], rank: dict[str, int], seed: int, day: date, absent: str, elsewhere: set[str]
) -> str:
    """The candidate who arrives late, once their site marked them absent: one whose first interview is
    between 09:00 and 10:00 (before the breakdown, so a service killed after it does not delay their
    return) with at least two interviews, at none of the sites `elsewhere`, drawn apart from the other
    draws (which stay as they were)."""
    firsts = first_slots(slots)
    late_ones = sorted(
        (rank[c], c)
        for c, first in firsts.items()
        if local(day, "09:00") <= first.starts_at < local(day, "10:00")
        and c in rank
        and c != absent
        and first.site_id not in elsewhere
        and sum(1 for s in slots if s.candidate_id == c and s.status == "assigned") >= 2
    )
    return random.Random(f"{seed}:late").choice(late_ones)[1] if late_ones else ""


def minutes_early(seed: int, rank: int) -> int:
    """How long before their first interview a candidate arrives (the site opening permitting)."""
    return random.Random(f"{seed}:arrival:{rank}").randint(5, 40)


def outcome_of(slot: Slot, *, seed: int, rank: int, company: str | None, absent: bool) -> str:
    """The outcome the recruiter gives an interview that ended; `absent` for the day's no-show."""
    if absent:
        # Marked absent late (a loaded machine, a service restarting: the clock does not wait), their
        # first interview had begun and was not cancelled; nobody came to it, whatever the draw says.
        return "no_show"
    draw = random.Random(f"{seed}:{slot.kind}:{rank}:{company}").random()
    if slot.kind == "second_interview":
        return "hired" if draw < 0.5 else "not_retained"
    if draw < 0.12:
        return "second_interview"
    return "hired" if draw < 0.25 else "not_retained"
