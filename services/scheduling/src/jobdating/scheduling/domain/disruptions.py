"""What happened on the day, as the planning core's disruptions (`core`), in a job dating's calendar.

Each function returns a `DisruptionsFor`: given the job dating's calendar, `now` (a planner's moment) and
the instance as the facts now stand, the disruptions to repair, or the capacity that came back. A company
leaving a job dating of several days leaves every day from then on. A company or a candidate leaving also
takes their second interviews still to come (`PartyLeft`, last: the planner does not see them), even when
it leaves after the job dating's last day and the planner has nothing left to repair. The time a cancelled
second interview held (`TimeFreed`) is given to the waiting lists once the repair knows all it cancels.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from jobdating.contracts.registration import CompanyProfile
from jobdating.scheduling.domain.calendar import Calendar
from jobdating.scheduling.domain.changes import interview_of
from jobdating.scheduling.domain.facts import CompanyFacts
from jobdating.scheduling.domain.second_back import SecondsBack
from jobdating.scheduling.domain.second_disrupted import PartyLeft, time_freed
from jobdating.scheduling.domain.state import SlotState
from jobdating.scheduling.planning import disruption as core
from jobdating.scheduling.planning.capacity import CandidateBack, CapacityBack, ComputerBack, TimeFreed
from jobdating.scheduling.planning.joining import CandidateJoined
from jobdating.scheduling.planning.model import Instance, Moment

# What a repair acts on in turn; the time freed is given out last, with all the repair freed itself.
Step = (
    core.Disruption | ComputerBack | CapacityBack | CandidateBack | CandidateJoined | PartyLeft | SecondsBack
)
Change = Step | TimeFreed
DisruptionsFor = Callable[[Calendar, Moment, Instance], list[Change]]


def candidate_withdrew(candidate_id: str) -> DisruptionsFor:
    """A candidate withdrew (or was erased): none of their interviews from now on, second ones included."""
    withdrew = core.CandidateWithdrew(candidate_id=candidate_id)
    return lambda cal, now, instance: [
        withdrew,
        PartyLeft(candidate_id=candidate_id, reason=core.reason(withdrew)),
    ]


def candidate_changed(candidate_id: str) -> DisruptionsFor:
    """A candidate changed their site, availability or wishes: as the instance now has them (absent from
    it when their new site is not one of the job dating's)."""

    def disruptions(cal: Calendar, now: Moment, instance: Instance) -> list[Change]:
        now_as = next((c for c in instance.candidates if c.id == candidate_id), None)
        return [core.CandidateChanged(candidate_id=candidate_id, candidate=now_as)]

    return disruptions


def candidate_absent(candidate_id: str) -> DisruptionsFor:
    """A candidate did not come: none of their interviews for the rest of today."""

    def disruptions(cal: Calendar, now: Moment, instance: Instance) -> list[Change]:
        if now.day >= len(cal.dates):
            return []
        return [core.CandidateNoShow(candidate_id=candidate_id, day=now.day)]

    return disruptions


def candidate_arrived_late(candidate_id: str, slots: Sequence[SlotState]) -> DisruptionsFor:
    """A candidate marked absent arrived after all: the interviews their no-show cancelled (among `slots`)
    are wanted back."""

    def disruptions(cal: Calendar, now: Moment, instance: Instance) -> list[Change]:
        cancelled = (
            interview_of(s, cal)
            for s in slots
            if s.candidate_id == candidate_id and s.status == "cancelled" and s.cancel_reason == "no_show"
        )
        return [CandidateBack(candidate_id=candidate_id, interviews=tuple(i for i in cancelled if i))]

    return disruptions


def candidate_joined(candidate_id: str) -> DisruptionsFor:
    """A candidate registered after publication (or walking in): booked where capacity is free."""
    return lambda cal, now, instance: [CandidateJoined(candidate_id=candidate_id)]


def company_late(company_id: str, arrives_at: datetime) -> DisruptionsFor:
    """A company arrives later than its window said."""

    def disruptions(cal: Calendar, now: Moment, instance: Instance) -> list[Change]:
        arrives = cal.moment(arrives_at)
        if arrives.day >= len(cal.dates):
            return []
        return [core.CompanyLate(company_id=company_id, day=arrives.day, arrives=arrives.minute)]

    return disruptions


def company_left(company_id: str, at: datetime) -> DisruptionsFor:
    """A company left (or withdrew) at `at`: that day from then on, and every later day; its second
    interviews from `at` on, whenever they are."""

    def disruptions(cal: Calendar, now: Moment, instance: Instance) -> list[Change]:
        gone = cal.moment(at)
        days: list[Change] = [
            core.CompanyLeft(company_id=company_id, day=day, at=gone.minute if day == gone.day else 0)
            for day in range(gone.day, len(cal.dates))
        ]
        return [*days, PartyLeft(company_id=company_id, at=at, reason="company_left")]

    return disruptions


def company_changed(company_id: str) -> DisruptionsFor:
    """A company changed its window, day or recruiters: as the instance now has it."""

    def disruptions(cal: Calendar, now: Moment, instance: Instance) -> list[Change]:
        company = next((k for k in instance.companies if k.id == company_id), None)
        return [] if company is None else [core.CompanyChanged(company_id=company_id, company=company)]

    return disruptions


def company_grew(before: CompanyFacts | None, after: CompanyProfile) -> bool:
    """Whether a company's change gives capacity: more recruiters, an earlier start, a later end, or every
    day instead of one (a change may narrow one side and widen another: both are then handled)."""
    if before is None:
        return False
    return (
        after.parallel_recruiters > before.recruiters
        or after.window_start < before.window_start
        or after.window_end > before.window_end
        or (after.day != before.day and (before.day is not None or after.day is None))
    )


def company_changed_and_grew(company_id: str) -> DisruptionsFor:
    """A company changed and gives capacity: what no longer fits moves first, then every computer's free
    slots go to the waiting list as when a computer comes back (nothing already announced moves for it)."""

    def changes(cal: Calendar, now: Moment, instance: Instance) -> list[Change]:
        changed = company_changed(company_id)(cal, now, instance)
        if not changed:
            return []  # not in this job dating
        return [*changed, CapacityBack(computers=tuple(_refill(cal, c.id) for c in instance.computers))]

    return changes


def computer_broke(computer_id: str, at: datetime) -> DisruptionsFor:
    """A computer is out of order (or taken back) from `at`."""
    return lambda cal, now, instance: [core.ComputerBroke(computer_id=computer_id, at=cal.moment(at))]


def computer_back(computer_id: str, at: datetime) -> DisruptionsFor:
    """A computer is back in service (or was added) at `at`: its free slots go to the waiting list."""
    return lambda cal, now, instance: [ComputerBack(computer_id=computer_id, at=cal.moment(at))]


def site_closed(site_id: str, at: datetime) -> DisruptionsFor:
    """A site closed at `at`."""
    return lambda cal, now, instance: [core.SiteClosed(site_id=site_id, at=cal.moment(at))]


def seconds_back(site_id: str) -> DisruptionsFor:
    """A closed site reopened: the second interviews its closing cancelled are given back (`second_back`);
    repaired before `site_reopened`, so its free slots are those they leave."""
    return lambda cal, now, instance: [SecondsBack(site_id=site_id)]


def site_reopened(site_id: str) -> DisruptionsFor:
    """A closed site reopened: each of its computers' free slots go to its waiting list, as when a
    computer comes back."""

    def changes(cal: Calendar, now: Moment, instance: Instance) -> list[Change]:
        return [
            CapacityBack(
                computers=tuple(_refill(cal, c.id) for c in instance.computers if c.site_id == site_id)
            )
        ]

    return changes


def second_cancelled(second: SlotState) -> DisruptionsFor:
    """A second interview was cancelled (by hand): the time it held goes to the waiting lists."""

    def freed(cal: Calendar, now: Moment, instance: Instance) -> list[Change]:
        time = time_freed(second, cal)
        return [] if time is None else [time]

    return freed


def _refill(cal: Calendar, computer_id: str) -> ComputerBack:
    # The instance, built from the facts, already has the capacity; bringing the computer back after the
    # job dating's last day regains nothing (an out-of-order computer stays so), only the refill runs.
    return ComputerBack(computer_id=computer_id, at=Moment(day=len(cal.dates), minute=0))
