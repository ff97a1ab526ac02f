"""Second interviews: the first times when both the candidate and a recruiter of the company are free, read
in one transaction with what a booking would check (the candidate's and the company's other interviews, in
this job dating and the others around its days and the days a second interview may take)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from jobdating.runtime.commands import UnitOfWork
from jobdating.scheduling.application import queries_facts as known
from jobdating.scheduling.application import queries_slots as read_model
from jobdating.scheduling.application.aggregates import JOB_DATINGS, SLOTS
from jobdating.scheduling.application.handling import Handling
from jobdating.scheduling.domain import interviews
from jobdating.scheduling.domain.facts import CompanyFacts
from jobdating.scheduling.domain.permissions import Actor
from jobdating.scheduling.domain.second_interviews import DAYS_AFTER, Around, Place, first_free_times
from jobdating.scheduling.domain.state import JobDatingState, SlotState


@dataclass(frozen=True)
class FreeTime:
    """A time a second interview could start, and the site computer it would take (None off site)."""

    starts_at: datetime
    ends_at: datetime
    computer_id: str | None = None


def around_second(
    read: known.Reader,
    job_dating: JobDatingState,
    slot: SlotState,
    company: CompanyFacts,
    until: date,
) -> Around:
    """What a second interview of `slot`'s candidate and company is judged against, up to the day `until`:
    the candidate's site and its computers, and the active slots of this job dating and of the others
    around its days and up to `until` (a company or a candidate is not tied to one job dating). Proposals,
    booking and a move by hand read the same, so a proposed time is one a booking accepts."""
    until = min(until, date.max - timedelta(days=7))  # a time asked for at the calendar's end: refused later
    return Around(
        job_dating=job_dating,
        company=company,
        site=known.site(read, slot.site_id),
        computers=known.computers(read, [slot.site_id]),
        active=[
            *read_model.active_slots(read, job_dating.job_dating_id),
            *read_model.active_slots_elsewhere(read, job_dating.job_dating_id, (*job_dating.days, until)),
        ],
    )


class SecondInterviewHandlers(Handling):
    """Proposals for a second interview."""

    def propose_second_interview(
        self, first_slot_id: str, place: Place, actor: Actor, count: int = 5
    ) -> list[FreeTime]:
        """The first `count` free times of both sides for a second interview after `first_slot_id`."""

        def work(w: UnitOfWork) -> list[FreeTime]:
            first = w.fold(SLOTS, first_slot_id)
            job_dating = w.fold(JOB_DATINGS, first.job_dating_id)
            read = known.in_tx(w.tx)
            company = known.company(read, first.company_id)
            interviews.may_follow_up(first, job_dating, actor, company)
            assert company is not None  # may_follow_up refuses a company gone
            last = max(job_dating.days, default=self.clock.now().date()) + timedelta(days=DAYS_AFTER)
            around = around_second(read, job_dating, first, company, last)
            times = first_free_times(
                around, first.candidate_id, first.site_id, place, self.clock.now(), count
            )
            length = job_dating.interview_minutes
            return [
                FreeTime(starts_at=t, ends_at=t + _minutes(length), computer_id=computer_id)
                for t, computer_id in times
            ]

        return self.bus.run(work)


def _minutes(n: int) -> timedelta:
    return timedelta(minutes=n)
