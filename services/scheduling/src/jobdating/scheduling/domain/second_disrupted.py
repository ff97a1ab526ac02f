"""A second interview on a site that closed or on a computer that broke, repaired as the planner repairs a
first interview there (the planner does not see second interviews).

At a closed site, a second interview still to come that would end after the closing is cancelled (reason
`site_closed`): no computer of the site can hold it while it is closed, and its place is never changed
silently (the company's premises or video are the recruiter's offer to make, by booking again). On a broken
computer, one still to come that the outage reaches moves to another free computer of the same site at the
same time (reason `computer_broken`, told as any repair's move), else it is cancelled for that reason. One at
the company's premises or by video needs neither and stays as it is.

A company or a candidate leaving (`PartyLeft`) takes all their second interviews still to come with them,
wherever they take place: each is cancelled for the reason their planned interviews get (`company_left`,
`candidate_withdrew`).

Whatever cancels a second interview (these repairs, or the coordination by hand), the time it held on the
job dating's days is freed (`time_freed`): its candidate's, a recruiter's and its computer's, given to the
waiting lists as a computer back's slots are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

import msgspec

from jobdating.contracts.scheduling import CancelReason
from jobdating.scheduling.domain import slot_events
from jobdating.scheduling.domain.calendar import Calendar
from jobdating.scheduling.domain.errors import Conflict
from jobdating.scheduling.domain.facts import ComputerFacts, Facts
from jobdating.scheduling.domain.plans import Write
from jobdating.scheduling.domain.second_follow import cancel_second, move_second
from jobdating.scheduling.domain.second_interviews import Around, Place, fit
from jobdating.scheduling.domain.state import SlotState
from jobdating.scheduling.planning.capacity import TimeFreed
from jobdating.scheduling.planning.disruption import ComputerBroke, SiteClosed

AroundFor = Callable[[SlotState, str, Sequence[SlotState]], Around | None]


class PartyLeft(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A company (`company_id`) or a candidate (`candidate_id`) takes no further part from `at` (from now
    when None). Not one of the planner's disruptions, as it does not see second interviews: it stands for
    their second interviews, which the repair cancels for `reason` after the planner's own changes."""

    reason: CancelReason
    company_id: str | None = None
    candidate_id: str | None = None
    at: datetime | None = None


def seconds_disrupted(
    change: ComputerBroke | SiteClosed,
    seconds: Sequence[SlotState],
    facts: Facts,
    around_for: AroundFor,
    active: Sequence[SlotState],
    now: datetime,
) -> list[Write]:
    """The moves and cancellations of the second interviews `change` disrupts, judged against the facts as
    they now stand (the site's closing time, the computer's outages). `around_for` and `active` are as in
    `second_follow.follow_candidate`."""
    if isinstance(change, SiteClosed):
        site = next((s for s in facts.sites if s.site_id == change.site_id), None)
        if site is None or site.closed_at is None:
            return []  # open again: nothing to repair
        return at_closed_site(seconds, change.site_id, site.closed_at, now)
    computer = next((c for c in facts.computers if c.computer_id == change.computer_id), None)
    return off_broken_computer(seconds, change.computer_id, computer, around_for, active, now)


def at_closed_site(
    seconds: Sequence[SlotState], site_id: str, closed_at: datetime, now: datetime
) -> list[Write]:
    """The cancellations of the second interviews still to come on `site_id` that end after `closed_at`."""
    return _cancelled(
        (
            second
            for second, _, ends_at in _to_come(seconds, now)
            if second.place == "site" and second.site_id == site_id and ends_at > closed_at
        ),
        "site_closed",
    )


def of_party_left(left: PartyLeft, seconds: Sequence[SlotState], now: datetime) -> list[Write]:
    """The cancellations of the second interviews still to come of the company or candidate who left that
    end after they left: at the site, at the company's premises or by video, none is held without them."""
    since = now if left.at is None else left.at
    return _cancelled(
        (
            second
            for second, _, ends_at in _to_come(seconds, now)
            if ends_at > since
            and (second.company_id == left.company_id or second.candidate_id == left.candidate_id)
        ),
        left.reason,
    )


def off_broken_computer(
    seconds: Sequence[SlotState],
    computer_id: str,
    computer: ComputerFacts | None,
    around_for: AroundFor,
    active: Sequence[SlotState],
    now: datetime,
) -> list[Write]:
    """The second interviews still to come on `computer_id` that its outages reach (all of them when it was
    removed: `computer` is None), each on another free computer of its site at the same time, else
    cancelled; `active` is kept up to date so two of them never take the same computer."""
    slots = list(active)
    writes: list[Write] = []
    for second, starts_at, ends_at in _to_come(seconds, now):
        if second.computer_id != computer_id or (
            computer is not None and _works_during(computer, starts_at, ends_at)
        ):
            continue
        around = around_for(second, second.site_id, slots)
        free: str | None = None
        if around is not None:
            try:
                free = fit(
                    around,
                    second.candidate_id,
                    second.site_id,
                    Place(place="site"),
                    starts_at,
                    moving=second.slot_id,
                )
            except Conflict:
                free = None  # every other computer is taken (or out of order) then
        if free is None:
            write, slots = cancel_second(second, "computer_broken", slots)
        else:
            times = (starts_at, ends_at)
            write, slots = move_second(second, second.site_id, free, times, "computer_broken", slots)
        writes.append(write)
    return writes


def time_freed(second: SlotState, cal: Calendar) -> TimeFreed | None:
    """The time a cancelled second interview held, in the planner's terms; None off the job dating's days
    (a second interview may be booked after them: nothing of the plan can use that time)."""
    if second.starts_at is None or second.ends_at is None:
        return None
    at = cal.slot_of(second.starts_at)
    if at is None:
        return None
    day, start = at
    minutes = round((second.ends_at - second.starts_at).total_seconds() / 60)
    return TimeFreed(
        candidate_id=second.candidate_id,
        company_id=second.company_id,
        computer_id=second.computer_id,
        day=day,
        start=start,
        end=start + minutes,
    )


def _cancelled(seconds: Iterable[SlotState], reason: CancelReason) -> list[Write]:
    """Each of `seconds` cancelled for `reason`."""
    return [Write(s.slot_id, slot_events.cancelled(s.job_dating_id, s, reason)) for s in seconds]


def _to_come(seconds: Sequence[SlotState], now: datetime) -> list[tuple[SlotState, datetime, datetime]]:
    """The active second interviews that have not begun (a repair never moves one that has), with their
    times."""
    return [
        (s, s.starts_at, s.ends_at)
        for s in seconds
        if s.kind == "second_interview"
        and s.active
        and s.starts_at is not None
        and s.ends_at is not None
        and not s.started(now)
    ]


def _works_during(computer: ComputerFacts, start: datetime, end: datetime) -> bool:
    """No outage of the computer overlaps `start` to `end`."""
    return not any(o.since < end and (o.until is None or start < o.until) for o in computer.outages)
