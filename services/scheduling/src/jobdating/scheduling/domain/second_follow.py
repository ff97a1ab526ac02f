"""A second interview booked on a computer of the candidate's site follows the candidate to a new site: on a
free computer there at the same time, else at the nearest free time that day, told as any repair's move
(`SlotMoved`, reason `candidate_changed`); cancelled when that day has no free time there. One at the
company's premises or by video does not depend on the site and stays as it is."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

import msgspec

from jobdating.contracts.scheduling import CancelReason
from jobdating.scheduling.domain import slot_events
from jobdating.scheduling.domain.facts import Facts
from jobdating.scheduling.domain.plans import Write
from jobdating.scheduling.domain.second_interviews import Around, nearest_free_time
from jobdating.scheduling.domain.state import JobDatingState, SlotState


def seconds_judged(
    job_dating: JobDatingState, facts: Facts
) -> Callable[[SlotState, str, Sequence[SlotState]], Around | None]:
    """What a second interview's move to a site is judged against, from the job dating's facts: its
    company (None when gone), the site and its computers, and the active slots given."""
    companies = {c.company_id: c for c in facts.companies}
    sites = {s.site_id: s for s in facts.sites}

    def around(second: SlotState, site_id: str, active: Sequence[SlotState]) -> Around | None:
        company = companies.get(second.company_id)
        if company is None or not company.active or job_dating.departure(company.company_id) is not None:
            return None
        computers = [c for c in facts.computers if c.site_id == site_id]
        return Around(
            job_dating=job_dating,
            company=company,
            site=sites.get(site_id),
            computers=computers,
            active=active,
        )

    return around


def follow_candidate(
    seconds: Sequence[SlotState],
    candidate_id: str,
    site_id: str,
    around_for: Callable[[SlotState, str, Sequence[SlotState]], Around | None],
    active: Sequence[SlotState],
    now: datetime,
) -> list[Write]:
    """The moves (or cancellations) of the candidate's second interviews still to come on another site's
    computer, to `site_id`. `around_for(second, site_id, active)` gives what a move is judged against
    (None when its company no longer takes part: it stays); `active` is every active slot once the rest of
    the repair is applied, kept up to date here so two second interviews never take the same place."""
    slots = list(active)
    writes: list[Write] = []
    for second in seconds:
        if (
            second.candidate_id != candidate_id
            or second.kind != "second_interview"
            or second.computer_id is None
            or second.site_id == site_id
            or second.started(now)
            or second.starts_at is None
        ):
            continue
        around = around_for(second, site_id, slots)
        if around is None:
            continue
        found = nearest_free_time(around, second, site_id, now)
        if found is None:
            write, slots = cancel_second(second, "candidate_changed", slots)
        else:
            starts_at, computer_id = found
            times = (starts_at, starts_at + timedelta(minutes=around.job_dating.interview_minutes))
            write, slots = move_second(second, site_id, computer_id, times, "candidate_changed", slots)
        writes.append(write)
    return writes


def cancel_second(
    second: SlotState, reason: CancelReason, active: Sequence[SlotState]
) -> tuple[Write, list[SlotState]]:
    """The second interview cancelled for `reason`, and the active slots without it."""
    cancelled = slot_events.cancelled(second.job_dating_id, second, reason)
    return Write(second.slot_id, cancelled), [s for s in active if s.slot_id != second.slot_id]


def move_second(
    second: SlotState,
    site_id: str,
    computer_id: str | None,
    times: tuple[datetime, datetime],
    reason: CancelReason,
    active: Sequence[SlotState],
) -> tuple[Write, list[SlotState]]:
    """The second interview moved to `computer_id` of `site_id` from `times[0]` to `times[1]`, told as any
    repair's move, and the active slots with it there."""
    moved = slot_events.moved(
        second.job_dating_id, second, slot_events.place_of(site_id, computer_id, times), reason
    )
    starts_at, ends_at = times
    there = msgspec.structs.replace(
        second, site_id=site_id, computer_id=computer_id, starts_at=starts_at, ends_at=ends_at
    )
    return Write(second.slot_id, moved), [there if s.slot_id == second.slot_id else s for s in active]
