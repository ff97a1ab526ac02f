"""Second interviews: the first times when both the candidate and a recruiter of the company are free, read
in one transaction with what a booking would check (the candidate's and the company's other interviews, in
this job dating and the others around its days)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from jobdating.runtime.commands import UnitOfWork
from jobdating.scheduling.application import queries_facts as known
from jobdating.scheduling.application import queries_slots as read_model
from jobdating.scheduling.application.aggregates import JOB_DATINGS, SLOTS
from jobdating.scheduling.application.handling import Handling
from jobdating.scheduling.domain import interviews
from jobdating.scheduling.domain.permissions import Actor
from jobdating.scheduling.domain.second_interviews import Around, Place, first_free_times


@dataclass(frozen=True)
class FreeTime:
    """A time a second interview could start, and the site computer it would take (None off site)."""

    starts_at: datetime
    ends_at: datetime
    computer_id: str | None = None


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
            active = [
                *read_model.active_slots(read, first.job_dating_id),
                *read_model.active_slots_elsewhere(read, first.job_dating_id, job_dating.days),
            ]
            around = Around(
                job_dating=job_dating,
                company=company,
                site=known.site(read, first.site_id),
                computers=known.computers(read, [first.site_id]),
                active=active,
            )
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
