"""A reopened site gives back the second interviews its closing cancelled (`second_disrupted`), as a late
candidate gets their interviews back: each one still ahead is booked again as a new slot, at the same time
on the same computer when the candidate, a recruiter of the company and that computer are all still free,
else at the first free time a proposal would give (`second_interviews.first_free_times`); given none (or
its company no longer takes part), it stays cancelled and the reason is said (`NotGivenBack`).

A pair (candidate, company) that has a second interview again (booked by hand meanwhile, or given back at
an earlier reopening) gets nothing: a pair never has two.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Literal

import msgspec

from jobdating.scheduling.domain import slot_events
from jobdating.scheduling.domain.errors import Conflict
from jobdating.scheduling.domain.plans import Write
from jobdating.scheduling.domain.second_interviews import Around, Place, first_free_times, fit
from jobdating.scheduling.domain.state import SlotState

AroundFor = Callable[[SlotState, str, Sequence[SlotState]], Around | None]
Why = Literal["company_gone", "no_free_time"]


class SecondsBack(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A closed site reopened: the second interviews its closing cancelled are wanted back. Not one of the
    planner's changes (it does not see second interviews); repaired on its own, before the site's free
    slots go to its waiting list, so that those slots are judged around the seconds given back."""

    site_id: str


class NotGivenBack(msgspec.Struct, frozen=True, kw_only=True):
    """A second interview the reopening could not give back, and why."""

    slot_id: str
    reason: Why


class GivenBack(msgspec.Struct, frozen=True, kw_only=True):
    """What a reopening did with the second interviews its site's closing cancelled."""

    writes: list[Write]
    not_given_back: list[NotGivenBack]


def give_seconds_back(
    back: SecondsBack,
    slots: Sequence[SlotState],
    around_for: AroundFor,
    active: Sequence[SlotState],
    now: datetime,
    slot_ids: Iterator[str],
    video_links: Iterator[str],
) -> GivenBack:
    """The new slots of the second interviews among `slots` (every slot of the job dating) that the
    closing of `back.site_id` cancelled and that have not begun, judged against `active` (every active slot
    around then, kept up to date here so two never take the same place); `around_for` is as in
    `second_follow.follow_candidate`."""
    taken = {
        (s.candidate_id, s.company_id)
        for s in slots
        if s.kind == "second_interview" and s.status != "cancelled"
    }
    wanted: dict[tuple[str, str], SlotState] = {}
    for s in sorted(slots, key=lambda s: (s.starts_at or now, s.slot_id)):
        pair = (s.candidate_id, s.company_id)
        if (
            s.kind == "second_interview"
            and s.status == "cancelled"
            and s.cancel_reason == "site_closed"
            and s.place == "site"
            and s.site_id == back.site_id
            and s.starts_at is not None
            and not s.started(now)
            and pair not in taken
        ):
            wanted.setdefault(pair, s)  # cancelled by two closings: given back once
    others = list(active)
    given = GivenBack(writes=[], not_given_back=[])
    for second in wanted.values():
        assert second.starts_at is not None
        around = around_for(second, back.site_id, others)
        if around is None:
            given.not_given_back.append(NotGivenBack(slot_id=second.slot_id, reason="company_gone"))
            continue
        found = _same_place(around, second) or _first_free(around, second, now)
        if found is None:
            given.not_given_back.append(NotGivenBack(slot_id=second.slot_id, reason="no_free_time"))
            continue
        starts_at, computer_id = found
        ends_at = starts_at + timedelta(minutes=around.job_dating.interview_minutes)
        event = slot_events.assigned(
            second.job_dating_id,
            next(slot_ids),
            second,
            computer_id,
            (starts_at, ends_at),
            next(video_links),
            wish_rank=second.wish_rank,
            kind="second_interview",
        )
        given.writes.append(Write(event.slot_id, event))
        others.append(
            msgspec.structs.replace(
                second,
                slot_id=event.slot_id,
                status="assigned",
                version=1,
                computer_id=computer_id,
                starts_at=starts_at,
                ends_at=ends_at,
                cancel_reason=None,
            )
        )
    return given


def _same_place(around: Around, second: SlotState) -> tuple[datetime, str | None] | None:
    """Its own time and computer, if the candidate, a recruiter and the computer are free then."""
    assert second.starts_at is not None
    here = Place(place="site", computer_id=second.computer_id)
    try:
        return second.starts_at, fit(around, second.candidate_id, second.site_id, here, second.starts_at)
    except Conflict:
        return None


def _first_free(around: Around, second: SlotState, now: datetime) -> tuple[datetime, str | None] | None:
    """The first free time a proposal for it would give now, on a computer of its site."""
    found = first_free_times(around, second.candidate_id, second.site_id, Place(place="site"), now, 1)
    return found[0] if found else None
