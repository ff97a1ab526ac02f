"""Scheduling's commands of the preparation pathway: a seat given back, a session called off, the
individual interview with a counsellor booked or called off, and the free times proposed for it."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from jobdating.eventstore.base import StoredEvent
from jobdating.runtime.commands import Meta, UnitOfWork
from jobdating.scheduling.application import queries_facts as known
from jobdating.scheduling.application import queries_prep as prep
from jobdating.scheduling.application.aggregates import COUNSELLING, JOB_DATINGS, WORKSHOPS
from jobdating.scheduling.application.handling import Handling
from jobdating.scheduling.domain import counselling, workshop_changes
from jobdating.scheduling.domain.commands import CancelWorkshop, UnenrolFromWorkshop
from jobdating.scheduling.domain.counselling import BookCounsellingInterview, CancelCounsellingInterview
from jobdating.scheduling.domain.errors import Invalid, NotFound
from jobdating.scheduling.domain.guards import UNKNOWN_CANDIDATE, must_exist
from jobdating.scheduling.domain.permissions import Actor


class PreparationHandlers(Handling):
    """The preparation pathway's commands."""

    def unenrol(self, command: UnenrolFromWorkshop, actor: Actor, meta: Meta) -> list[StoredEvent]:
        decision = workshop_changes.unenrol
        return self.decide_with_candidate(WORKSHOPS, command.workshop_id, decision, command, actor, meta)

    def cancel_workshop(self, command: CancelWorkshop, actor: Actor, meta: Meta) -> list[StoredEvent]:
        decision = workshop_changes.cancel
        return self.decide_now(WORKSHOPS, command.workshop_id, decision, command, actor, meta)

    def book_counselling(
        self, command: BookCounsellingInterview, actor: Actor, meta: Meta
    ) -> list[StoredEvent]:
        if not 15 <= command.minutes <= 120:
            raise Invalid.on("minutes", "un entretien individuel dure de 15 à 120 minutes")
        if not 2000 <= command.starts_at.year <= 9000:
            raise Invalid.on("starts_at", "date hors de portée")

        def work(w: UnitOfWork) -> list[StoredEvent]:
            state = w.fold(COUNSELLING, command.interview_id)
            job_dating = w.fold(JOB_DATINGS, command.job_dating_id)
            read = known.in_tx(w.tx)
            candidate = known.candidate(read, command.candidate_id)
            site = known.site(read, candidate.site_id) if candidate is not None else None
            counsellor = prep.accounts(read, [command.counsellor_id]).get(command.counsellor_id)
            ends = command.starts_at + timedelta(minutes=command.minutes)
            busy = prep.staff_busy(read, command.counsellor_id, command.starts_at, ends)
            busy += prep.candidate_busy(read, command.candidate_id, command.starts_at, ends)
            events = counselling.book(
                command,
                state,
                actor,
                meta.actor_id or "",
                job_dating,
                candidate,
                counsellor,
                site,
                [what for _, _, what in busy],
                self.clock.now(),
            )
            return w.append(command.interview_id, events, meta)

        return self.bus.run(work)

    def cancel_counselling(
        self, command: CancelCounsellingInterview, actor: Actor, meta: Meta
    ) -> list[StoredEvent]:
        decision = counselling.cancel
        return self.decide_now(COUNSELLING, command.interview_id, decision, command, actor, meta)

    def free_times(
        self, job_dating_id: str, candidate_id: str, counsellor_id: str, minutes: int, count: int
    ) -> list[datetime]:
        """The first times, from now until the eve of the job dating, when the candidate's site receives
        and both the candidate and the counsellor are free."""
        if not 15 <= minutes <= 120:
            raise Invalid.on("minutes", "un entretien individuel dure de 15 à 120 minutes")

        def work(w: UnitOfWork) -> list[datetime]:
            job_dating = w.fold(JOB_DATINGS, job_dating_id)
            must_exist(job_dating)
            read = known.in_tx(w.tx)
            candidate = known.candidate(read, candidate_id)
            if candidate is None:
                raise NotFound.on("candidate_id", UNKNOWN_CANDIDATE)
            site = known.site(read, candidate.site_id)
            first = job_dating.first_day
            if site is None or first is None:
                return []
            now = self.clock.now()
            zone = ZoneInfo(job_dating.timezone)
            until = datetime.combine(first, datetime.min.time(), tzinfo=zone)
            busy = prep.staff_busy(read, counsellor_id, now, until) + prep.candidate_busy(
                read, candidate_id, now, until
            )
            spans = [(a, b) for a, b, _ in busy]
            return counselling.free_times(site, spans, minutes, now, first, zone, min(max(count, 1), 20))

        return self.bus.run(work)
