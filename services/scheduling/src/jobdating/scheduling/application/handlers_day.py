"""Scheduling's commands on the day itself: companies late or gone, arrivals and no-shows (each repairs the
published plan in the same transaction), outcomes and second interviews."""

from __future__ import annotations

from jobdating.eventstore.base import StoredEvent
from jobdating.runtime.commands import Meta, UnitOfWork
from jobdating.scheduling.application import handlers_walkins as walk_ins
from jobdating.scheduling.application import queries_facts as known
from jobdating.scheduling.application import queries_slots as read_model
from jobdating.scheduling.application.aggregates import ATTENDANCE, JOB_DATINGS, SLOTS, attendance_stream
from jobdating.scheduling.application.handlers_second import around_second
from jobdating.scheduling.application.handling import Handling
from jobdating.scheduling.application.repairs import RepairReport
from jobdating.scheduling.domain import commands, companies, day, disruptions, interview_notes, interviews
from jobdating.scheduling.domain.permissions import Actor


class DayHandlers(Handling):
    """The day's commands."""

    def delay_company(self, command: commands.DelayCompany, actor: Actor, meta: Meta) -> RepairReport:
        """A company is late: record it, then repair its slots before its arrival."""

        def work(w: UnitOfWork) -> RepairReport:
            state = w.fold(JOB_DATINGS, command.job_dating_id)
            company = known.company(known.in_tx(w.tx), command.company_id)
            events = companies.delay_company(command, state, actor, company)
            late = disruptions.company_late(command.company_id, command.arrives_at)
            recorded = (command.job_dating_id, events)
            return self.record_then_repair(w, recorded, meta, command.job_dating_id, late, self.clock.now())

        return self.bus.run(work)

    def company_left(self, command: commands.RecordCompanyLeft, actor: Actor, meta: Meta) -> RepairReport:
        """A company leaves now: record it, then cancel (and refill) its remaining slots."""
        now = self.clock.now()

        def work(w: UnitOfWork) -> RepairReport:
            state = w.fold(JOB_DATINGS, command.job_dating_id)
            company = known.company(known.in_tx(w.tx), command.company_id)
            events = companies.company_left(command, state, actor, company, now)
            left = disruptions.company_left(command.company_id, now)
            recorded = (command.job_dating_id, events)
            return self.record_then_repair(w, recorded, meta, command.job_dating_id, left, self.clock.now())

        return self.bus.run(work)

    def check_in(self, command: commands.CheckIn, actor: Actor, meta: Meta) -> list[StoredEvent]:
        def work(w: UnitOfWork) -> list[StoredEvent]:
            stream, presence = _presence(w, command, command.site_id)
            events = day.check_in(command, presence, actor, self.clock.now())
            return w.append(stream, events, meta)

        return self.bus.run(work)

    def mark_no_show(self, command: commands.MarkNoShow, actor: Actor, meta: Meta) -> RepairReport:
        """A candidate did not come: record it, then cancel their remaining slots and refill them."""
        now = self.clock.now()

        def work(w: UnitOfWork) -> RepairReport:
            stream, presence = _presence(w, command)
            events = day.mark_no_show(command, presence, actor, now)
            absent = disruptions.candidate_absent(command.candidate_id)
            return self.record_then_repair(w, (stream, events), meta, command.job_dating_id, absent, now)

        return self.bus.run(work)

    def record_late_arrival(
        self, command: commands.RecordLateArrival, actor: Actor, meta: Meta
    ) -> RepairReport:
        """A candidate marked absent arrives after all: undo the no-show, then give back their interviews
        still to come (same slot, else the nearest free one at their site); given none, they join their
        site's waiting list."""
        now = self.clock.now()

        def work(w: UnitOfWork) -> RepairReport:
            stream, presence = _presence(w, command, command.site_id)
            events = day.record_late_arrival(command, presence, actor, now)
            back = disruptions.candidate_arrived_late(
                command.candidate_id, read_model.slots(known.in_tx(w.tx), command.job_dating_id)
            )
            report = self.record_then_repair(w, (stream, events), meta, command.job_dating_id, back, now)
            # Nothing given back: they wait at their site for the next slot freed there.
            walk_ins.wait_unless_booked(
                w, command.job_dating_id, command.candidate_id, "late_arrival", now, meta
            )
            return report

        return self.bus.run(work)

    def record_outcome(self, command: commands.RecordOutcome, actor: Actor, meta: Meta) -> list[StoredEvent]:
        return self.decide_now(SLOTS, command.slot_id, interviews.record_outcome, command, actor, meta)

    def write_note(
        self, command: interview_notes.WriteInterviewNote, actor: Actor, meta: Meta
    ) -> list[StoredEvent]:
        """A note on an interview, checked against its company and its candidate's organisation."""

        def work(w: UnitOfWork) -> list[StoredEvent]:
            slot = w.fold(SLOTS, command.slot_id)
            candidate = known.candidate(known.in_tx(w.tx), slot.candidate_id) if slot.candidate_id else None
            return w.append(
                command.slot_id, interview_notes.write_note(command, slot, actor, candidate), meta
            )

        return self.bus.run(work)

    def schedule_second_interview(
        self, command: commands.ScheduleSecondInterview, actor: Actor, meta: Meta
    ) -> list[StoredEvent]:
        def work(w: UnitOfWork) -> list[StoredEvent]:
            first = w.fold(SLOTS, command.first_slot_id)
            job_dating = w.fold(JOB_DATINGS, first.job_dating_id)
            read = known.in_tx(w.tx)
            company = known.company(read, first.company_id)
            # Judged against what its proposals read: this job dating's slots and the others' (a candidate
            # or a company is not tied to one job dating), around its days and the day asked for.
            around = (
                around_second(read, job_dating, first, company, command.starts_at.date()) if company else None
            )
            events = interviews.schedule_second_interview(
                command,
                first,
                job_dating,
                actor,
                company,
                around.site if around else None,
                around.computers if around else (),
                around.active if around else (),
                self.video_links(),
                self.clock.now(),
            )
            return w.append(command.slot_id, events, meta)  # a new slot: a new stream

        return self.bus.run(work)


def _presence(
    w: UnitOfWork, command: commands.CandidateCommand, site_id: str | None = None
) -> tuple[str, day.Presence]:
    """The candidate's attendance stream, and what a decision about their presence reads: at `site_id`,
    else at the candidate's own site."""
    stream = attendance_stream(command.job_dating_id, command.candidate_id)
    read = known.in_tx(w.tx)
    candidate = known.candidate(read, command.candidate_id)
    where = site_id if site_id is not None else candidate.site_id if candidate is not None else None
    site = known.site(read, where) if where is not None else None
    presence = day.Presence(
        w.fold(ATTENDANCE, stream), w.fold(JOB_DATINGS, command.job_dating_id), candidate, site
    )
    return stream, presence
