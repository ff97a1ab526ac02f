"""Scheduling's commands: each one reads, decides and writes in one transaction (a unit of work of the
runtime's `CommandBus`, which also keeps the read model in step and retries after a concurrent write).

A refused command raises a `SchedulingRefusal` and stores nothing. Commands that disrupt a published plan
(a late or departed company, a no-show, a late arrival) repair it in the same transaction, so the disruption
and the changed slots are recorded together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jobdating.eventstore.base import StoredEvent
from jobdating.runtime.clock import Clock
from jobdating.runtime.commands import CommandBus, Meta, UnitOfWork
from jobdating.scheduling.application import queries_facts as known
from jobdating.scheduling.application import queries_plans as provisional
from jobdating.scheduling.application import queries_slots as read_model
from jobdating.scheduling.application.aggregates import ATTENDANCE, JOB_DATINGS, SLOTS, WORKSHOPS
from jobdating.scheduling.application.planning import Planner
from jobdating.scheduling.application.repairs import RepairReport, Repairs
from jobdating.scheduling.domain import companies, day, decide, disruptions, pairings, workshops
from jobdating.scheduling.domain.calendar import Calendar
from jobdating.scheduling.domain.commands import (
    CheckIn,
    DelayCompany,
    EnrolInWorkshop,
    ForbidPairing,
    FreezeJobDating,
    MarkNoShow,
    PinPairing,
    PlanJobDating,
    PublishPlan,
    RecordCompanyLeft,
    RecordLateArrival,
    RecordOutcome,
    RecordWorkshopAttendance,
    ReleasePairing,
    ScheduleSecondInterview,
    ScheduleWorkshop,
)
from jobdating.scheduling.domain.errors import Conflict
from jobdating.scheduling.domain.instance import build_instance, fingerprint
from jobdating.scheduling.domain.permissions import Actor
from jobdating.scheduling.domain.plans import ProvisionalPlan
from jobdating.scheduling.planning.check import check
from jobdating.scheduling.planning.model import Plan


def attendance_stream(job_dating_id: str, candidate_id: str) -> str:
    """One attendance stream per candidate and job dating; a name safe as a NATS subject token."""
    return f"{job_dating_id}_{candidate_id}"


@dataclass(eq=False)
class SchedulingHandlers:
    """Runs scheduling's commands: each is a unit of work (fold, decide, append) the command bus runs."""

    bus: CommandBus
    planner: Planner
    repairs: Repairs
    video_links: Callable[[], str]
    log: Any = None
    clock: Clock = field(init=False)
    ids: Callable[[], str] = field(init=False)

    def __post_init__(self) -> None:
        self.clock = self.bus.clock
        self.ids = self.bus.ids

    # ---- the job dating and its plan ----------------------------------------------------------------

    def plan_job_dating(self, command: PlanJobDating, actor: Actor, meta: Meta) -> list[StoredEvent]:
        def work(w: UnitOfWork) -> list[StoredEvent]:
            state = w.fold(JOB_DATINGS, command.job_dating_id)
            events = decide.plan_job_dating(command, state, actor, known.sites(known.in_tx(w.tx)))
            return w.append(command.job_dating_id, events, meta)

        return self.bus.run(work)

    def pin_or_forbid(
        self, command: PinPairing | ForbidPairing, actor: Actor, meta: Meta
    ) -> list[StoredEvent]:
        def work(w: UnitOfWork) -> list[StoredEvent]:
            state = w.fold(JOB_DATINGS, command.job_dating_id)
            read = known.in_tx(w.tx)
            candidate = known.candidate(read, command.candidate_id)
            company = known.company(read, command.company_id)
            events = pairings.pin_or_forbid(command, state, actor, candidate, company, self.clock.now())
            return w.append(command.job_dating_id, events, meta)

        return self.bus.run(work)

    def release(self, command: ReleasePairing, actor: Actor, meta: Meta) -> list[StoredEvent]:
        return self.bus.execute(
            JOB_DATINGS,
            command.job_dating_id,
            lambda state: pairings.release_pairing(command, state, actor, self.clock.now()),
            meta,
        )

    def freeze(self, command: FreezeJobDating, actor: Actor, meta: Meta) -> list[StoredEvent]:
        return self.bus.execute(
            JOB_DATINGS,
            command.job_dating_id,
            lambda state: decide.freeze(command, state, actor, self.clock.now()),
            meta,
        )

    def compute_plan(
        self, job_dating_id: str, actor: Actor, engine: str | None = None, time_limit: float | None = None
    ) -> ProvisionalPlan:
        """Compute and keep a provisional plan (the solver runs outside any transaction)."""
        return self.planner.compute(job_dating_id, actor, engine, time_limit)

    def publish(self, command: PublishPlan, actor: Actor, meta: Meta) -> list[StoredEvent]:
        """Publish the latest provisional plan: PlanPublished, then one SlotAssigned per interview."""

        def work(w: UnitOfWork) -> list[StoredEvent]:
            state = w.fold(JOB_DATINGS, command.job_dating_id)
            read = known.in_tx(w.tx)
            plan = provisional.load(read, command.plan_id)
            latest = provisional.latest_id(read, command.job_dating_id)
            instance = None
            current = ""
            if state.planned:
                elsewhere = read_model.active_slots_elsewhere(read, command.job_dating_id, state.days)
                instance = build_instance(state, known.facts_for(read, state.site_ids), elsewhere=elsewhere)
                current = fingerprint(instance)
            writes = decide.publish(
                command,
                state,
                actor,
                plan,
                latest,
                current,
                iter(self.ids, None),
                iter(self.video_links, None),
            )
            if instance is not None and plan is not None:
                # The checker, independent of the solver, has the last word before anyone is told.
                cal = Calendar(state)
                interviews = [self.planner.interview(cal, i) for i in plan.interviews]
                bad = [
                    v for v in check(instance, Plan(interviews=tuple(interviews))) if v.rule != "pin_missing"
                ]
                if bad:
                    raise Conflict.on(
                        "plan_id", f"ce plan enfreint une règle ({bad[0].rule}) : recalculez-le"
                    )
            # The job dating's stream continues from its fold; each slot is a new stream.
            return w.append_many(writes, meta)

        return self.bus.run(work)

    def delay_company(self, command: DelayCompany, actor: Actor, meta: Meta) -> RepairReport:
        """A company is late: record it, then repair its slots before its arrival."""

        def work(w: UnitOfWork) -> RepairReport:
            state = w.fold(JOB_DATINGS, command.job_dating_id)
            company = known.company(known.in_tx(w.tx), command.company_id)
            events = companies.delay_company(command, state, actor, company)
            stored = w.append(command.job_dating_id, events, meta)
            late = disruptions.company_late(command.company_id, command.arrives_at)
            return self.repairs.run(
                w, command.job_dating_id, late, self.clock.now(), _caused_by(meta, stored)
            )

        return self.bus.run(work)

    def company_left(self, command: RecordCompanyLeft, actor: Actor, meta: Meta) -> RepairReport:
        """A company leaves now: record it, then cancel (and refill) its remaining slots."""
        now = self.clock.now()

        def work(w: UnitOfWork) -> RepairReport:
            state = w.fold(JOB_DATINGS, command.job_dating_id)
            company = known.company(known.in_tx(w.tx), command.company_id)
            events = companies.company_left(command, state, actor, company, now)
            stored = w.append(command.job_dating_id, events, meta)
            left = disruptions.company_left(command.company_id, now)
            return self.repairs.run(
                w, command.job_dating_id, left, self.clock.now(), _caused_by(meta, stored)
            )

        return self.bus.run(work)

    # ---- the day --------------------------------------------------------------------------------

    def check_in(self, command: CheckIn, actor: Actor, meta: Meta) -> list[StoredEvent]:
        def work(w: UnitOfWork) -> list[StoredEvent]:
            job_dating = w.fold(JOB_DATINGS, command.job_dating_id)
            stream = attendance_stream(command.job_dating_id, command.candidate_id)
            attendance = w.fold(ATTENDANCE, stream)
            read = known.in_tx(w.tx)
            events = day.check_in(
                command,
                attendance,
                job_dating,
                actor,
                known.candidate(read, command.candidate_id),
                known.site(read, command.site_id),
                self.clock.now(),
            )
            return w.append(stream, events, meta)

        return self.bus.run(work)

    def mark_no_show(self, command: MarkNoShow, actor: Actor, meta: Meta) -> RepairReport:
        """A candidate did not come: record it, then cancel their remaining slots and refill them."""
        now = self.clock.now()

        def work(w: UnitOfWork) -> RepairReport:
            job_dating = w.fold(JOB_DATINGS, command.job_dating_id)
            stream = attendance_stream(command.job_dating_id, command.candidate_id)
            attendance = w.fold(ATTENDANCE, stream)
            read = known.in_tx(w.tx)
            candidate = known.candidate(read, command.candidate_id)
            site = known.site(read, candidate.site_id) if candidate is not None else None
            events = day.mark_no_show(command, attendance, job_dating, actor, candidate, site, now)
            stored = w.append(stream, events, meta)
            absent = disruptions.candidate_absent(command.candidate_id)
            return self.repairs.run(w, command.job_dating_id, absent, now, _caused_by(meta, stored))

        return self.bus.run(work)

    def record_late_arrival(self, command: RecordLateArrival, actor: Actor, meta: Meta) -> RepairReport:
        """A candidate marked absent arrives after all: undo the no-show, then give back their interviews
        still to come (same slot, else the nearest free one at their site, else the waiting list)."""
        now = self.clock.now()

        def work(w: UnitOfWork) -> RepairReport:
            job_dating = w.fold(JOB_DATINGS, command.job_dating_id)
            stream = attendance_stream(command.job_dating_id, command.candidate_id)
            attendance = w.fold(ATTENDANCE, stream)
            read = known.in_tx(w.tx)
            candidate = known.candidate(read, command.candidate_id)
            site = known.site(read, command.site_id)
            events = day.record_late_arrival(command, attendance, job_dating, actor, candidate, site, now)
            stored = w.append(stream, events, meta)
            back = disruptions.candidate_arrived_late(
                command.candidate_id, read_model.slots(read, command.job_dating_id)
            )
            return self.repairs.run(w, command.job_dating_id, back, now, _caused_by(meta, stored))

        return self.bus.run(work)

    def record_outcome(self, command: RecordOutcome, actor: Actor, meta: Meta) -> list[StoredEvent]:
        return self.bus.execute(
            SLOTS,
            command.slot_id,
            lambda slot: day.record_outcome(command, slot, actor, self.clock.now()),
            meta,
        )

    def schedule_second_interview(
        self, command: ScheduleSecondInterview, actor: Actor, meta: Meta
    ) -> list[StoredEvent]:
        def work(w: UnitOfWork) -> list[StoredEvent]:
            first = w.fold(SLOTS, command.first_slot_id)
            job_dating = w.fold(JOB_DATINGS, first.job_dating_id)
            read = known.in_tx(w.tx)
            events = day.schedule_second_interview(
                command,
                first,
                job_dating,
                actor,
                known.company(read, first.company_id),
                known.site(read, first.site_id),
                known.computers(read, [first.site_id]),
                read_model.active_slots(read, first.job_dating_id),
                self.video_links(),
                self.clock.now(),
            )
            return w.append(command.slot_id, events, meta)  # a new slot: a new stream

        return self.bus.run(work)

    # ---- workshops ------------------------------------------------------------------------------

    def schedule_workshop(self, command: ScheduleWorkshop, actor: Actor, meta: Meta) -> list[StoredEvent]:
        def work(w: UnitOfWork) -> list[StoredEvent]:
            state = w.fold(WORKSHOPS, command.workshop_id)
            job_dating = w.fold(JOB_DATINGS, command.job_dating_id)
            read = known.in_tx(w.tx)
            taken = read_model.room_taken(read, command.room_id, command.starts_at, command.ends_at)
            events = workshops.schedule_workshop(
                command,
                state,
                actor,
                job_dating,
                known.site(read, command.site_id),
                known.room(read, command.site_id, command.room_id),
                taken,
            )
            return w.append(command.workshop_id, events, meta)

        return self.bus.run(work)

    def enrol(self, command: EnrolInWorkshop, actor: Actor, meta: Meta) -> list[StoredEvent]:
        def work(w: UnitOfWork) -> list[StoredEvent]:
            state = w.fold(WORKSHOPS, command.workshop_id)
            candidate = known.candidate(known.in_tx(w.tx), command.candidate_id)
            events = workshops.enrol(command, state, actor, candidate, self.clock.now())
            return w.append(command.workshop_id, events, meta)

        return self.bus.run(work)

    def record_workshop_attendance(
        self, command: RecordWorkshopAttendance, actor: Actor, meta: Meta
    ) -> list[StoredEvent]:
        return self.bus.execute(
            WORKSHOPS,
            command.workshop_id,
            lambda state: workshops.record_attendance(command, state, actor, self.clock.now()),
            meta,
        )


def _caused_by(meta: Meta, stored: list[StoredEvent]) -> Meta:
    """The repair's events are caused by the disruption's event, in the same conversation."""
    if not stored:
        return meta
    return Meta(
        org=meta.org,
        actor_id=meta.actor_id,
        correlation_id=meta.correlation_id,
        causation_id=stored[-1].event_id,
    )
