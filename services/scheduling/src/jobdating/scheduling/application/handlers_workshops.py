"""Scheduling's commands on workshops: schedule a session, enrol a candidate, record who came."""

from __future__ import annotations

from jobdating.eventstore.base import StoredEvent
from jobdating.runtime.commands import Meta, UnitOfWork
from jobdating.scheduling.application import queries_facts as known
from jobdating.scheduling.application import queries_prep as prep
from jobdating.scheduling.application import queries_slots as read_model
from jobdating.scheduling.application.aggregates import JOB_DATINGS, WORKSHOPS
from jobdating.scheduling.application.handling import Handling
from jobdating.scheduling.domain import workshops
from jobdating.scheduling.domain.commands import EnrolInWorkshop, RecordWorkshopAttendance, ScheduleWorkshop
from jobdating.scheduling.domain.permissions import Actor


class WorkshopHandlers(Handling):
    """The workshops' commands."""

    def schedule_workshop(self, command: ScheduleWorkshop, actor: Actor, meta: Meta) -> list[StoredEvent]:
        def work(w: UnitOfWork) -> list[StoredEvent]:
            state = w.fold(WORKSHOPS, command.workshop_id)
            job_dating = w.fold(JOB_DATINGS, command.job_dating_id)
            read = known.in_tx(w.tx)
            taken = read_model.room_taken(read, command.room_id, command.starts_at, command.ends_at)
            site = known.site(read, command.site_id)
            room = known.room(read, command.site_id, command.room_id)
            coaches = prep.accounts(read, (c.coach_id for c in command.coaches))
            clashes = [
                what
                for coach in command.coaches
                for _, _, what in prep.staff_busy(read, coach.coach_id, command.starts_at, command.ends_at)
            ]
            events = workshops.schedule_workshop(
                command, state, actor, job_dating, site, room, taken, accounts=coaches, coach_clashes=clashes
            )
            return w.append(command.workshop_id, events, meta)

        return self.bus.run(work)

    def enrol(self, command: EnrolInWorkshop, actor: Actor, meta: Meta) -> list[StoredEvent]:
        return self.decide_with_candidate(
            WORKSHOPS, command.workshop_id, workshops.enrol, command, actor, meta
        )

    def record_workshop_attendance(
        self, command: RecordWorkshopAttendance, actor: Actor, meta: Meta
    ) -> list[StoredEvent]:
        decision = workshops.record_attendance
        return self.decide_now(WORKSHOPS, command.workshop_id, decision, command, actor, meta)
