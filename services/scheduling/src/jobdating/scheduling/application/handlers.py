"""Scheduling's commands: each one reads, decides and writes in one transaction (see `writing.py`).

A refused command raises a `SchedulingRefusal` and stores nothing. Commands that disrupt a published plan
(a late or departed company, a no-show) repair it in the same transaction, so the disruption and the
changed slots are recorded together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jobdating.contracts.envelope import Event
from jobdating.eventstore.base import StoredEvent, Transaction
from jobdating.runtime.commands import Aggregate, Meta
from jobdating.scheduling.application import queries_facts as known
from jobdating.scheduling.application import queries_plans as provisional
from jobdating.scheduling.application import queries_slots as read_model
from jobdating.scheduling.application.aggregates import ATTENDANCE, JOB_DATINGS, SLOTS, WORKSHOPS
from jobdating.scheduling.application.planning import Planner
from jobdating.scheduling.application.repairs import RepairReport, Repairs
from jobdating.scheduling.application.writing import Writer
from jobdating.scheduling.domain import day, decide, disruptions, workshops
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
    RecordOutcome,
    RecordWorkshopAttendance,
    ReleasePairing,
    ScheduleSecondInterview,
    ScheduleWorkshop,
)
from jobdating.scheduling.domain.errors import Conflict
from jobdating.scheduling.domain.instance import Calendar, build_instance, fingerprint
from jobdating.scheduling.domain.permissions import Actor
from jobdating.scheduling.domain.plans import ProvisionalPlan, Write
from jobdating.scheduling.planning.check import check
from jobdating.scheduling.planning.model import Plan


def attendance_stream(job_dating_id: str, candidate_id: str) -> str:
    """One attendance stream per candidate and job dating; a name safe as a NATS subject token."""
    return f"{job_dating_id}_{candidate_id}"


class SchedulingHandlers:
    """Runs scheduling's commands."""

    def __init__(
        self,
        writer: Writer,
        planner: Planner,
        repairs: Repairs,
        video_links: Callable[[], str],
        log: Any = None,
    ) -> None:
        self.writer = writer
        self.planner = planner
        self.repairs = repairs
        self.video_links = video_links
        self.clock = writer.bus.clock
        self.ids = writer.bus.ids
        self.log = log

    # ---- the job dating and its plan ----------------------------------------------------------------

    def plan_job_dating(self, command: PlanJobDating, actor: Actor, meta: Meta) -> list[StoredEvent]:
        def decision(tx: Transaction, state: Any) -> list[Event]:
            return decide.plan_job_dating(command, state, actor, known.sites(known.in_tx(tx)))

        return self._one(JOB_DATINGS, command.job_dating_id, decision, meta)

    def pin(self, command: PinPairing, actor: Actor, meta: Meta) -> list[StoredEvent]:
        def decision(tx: Transaction, state: Any) -> list[Event]:
            read = known.in_tx(tx)
            candidate = known.candidate(read, command.candidate_id)
            company = known.company(read, command.company_id)
            return decide.pin_pairing(command, state, actor, candidate, company, self.clock.now())

        return self._one(JOB_DATINGS, command.job_dating_id, decision, meta)

    def forbid(self, command: ForbidPairing, actor: Actor, meta: Meta) -> list[StoredEvent]:
        def decision(tx: Transaction, state: Any) -> list[Event]:
            read = known.in_tx(tx)
            candidate = known.candidate(read, command.candidate_id)
            company = known.company(read, command.company_id)
            return decide.forbid_pairing(command, state, actor, candidate, company, self.clock.now())

        return self._one(JOB_DATINGS, command.job_dating_id, decision, meta)

    def release(self, command: ReleasePairing, actor: Actor, meta: Meta) -> list[StoredEvent]:
        return self._one(
            JOB_DATINGS,
            command.job_dating_id,
            lambda tx, state: decide.release_pairing(command, state, actor, self.clock.now()),
            meta,
        )

    def freeze(self, command: FreezeJobDating, actor: Actor, meta: Meta) -> list[StoredEvent]:
        return self._one(
            JOB_DATINGS,
            command.job_dating_id,
            lambda tx, state: decide.freeze(command, state, actor, self.clock.now()),
            meta,
        )

    def compute_plan(
        self, job_dating_id: str, actor: Actor, engine: str | None = None, time_limit: float | None = None
    ) -> ProvisionalPlan:
        """Compute and keep a provisional plan (the solver runs outside any transaction)."""
        return self.planner.compute(job_dating_id, actor, engine, time_limit)

    def publish(self, command: PublishPlan, actor: Actor, meta: Meta) -> list[StoredEvent]:
        """Publish the latest provisional plan: PlanPublished, then one SlotAssigned per interview."""

        def work(tx: Transaction) -> tuple[None, list[StoredEvent]]:
            state, version = self.writer.fold(tx, JOB_DATINGS, command.job_dating_id)
            read = known.in_tx(tx)
            plan = provisional.load(read, command.plan_id)
            latest = provisional.latest_id(read, command.job_dating_id)
            instance = None
            current = ""
            if state.planned:
                instance = build_instance(state, known.facts_for(read, state.site_ids))
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
            return None, self.writer.append(tx, writes, {command.job_dating_id: version}, meta)

        return self.writer.transact(work)[1]

    def delay_company(self, command: DelayCompany, actor: Actor, meta: Meta) -> RepairReport:
        """A company is late: record it, then repair its slots before its arrival."""

        def decision(tx: Transaction, state: Any) -> list[Event]:
            company = known.company(known.in_tx(tx), command.company_id)
            return decide.delay_company(command, state, actor, company)

        return self._then_repair(
            JOB_DATINGS,
            command.job_dating_id,
            command.job_dating_id,
            decision,
            disruptions.company_late(command.company_id, command.arrives_at),
            meta,
        )

    def company_left(self, command: RecordCompanyLeft, actor: Actor, meta: Meta) -> RepairReport:
        """A company leaves now: record it, then cancel (and refill) its remaining slots."""
        now = self.clock.now()

        def decision(tx: Transaction, state: Any) -> list[Event]:
            company = known.company(known.in_tx(tx), command.company_id)
            return decide.company_left(command, state, actor, company, now)

        return self._then_repair(
            JOB_DATINGS,
            command.job_dating_id,
            command.job_dating_id,
            decision,
            disruptions.company_left(command.company_id, now),
            meta,
        )

    # ---- the day --------------------------------------------------------------------------------

    def check_in(self, command: CheckIn, actor: Actor, meta: Meta) -> list[StoredEvent]:
        def work(tx: Transaction) -> tuple[None, list[StoredEvent]]:
            job_dating, _ = self.writer.fold(tx, JOB_DATINGS, command.job_dating_id)
            stream = attendance_stream(command.job_dating_id, command.candidate_id)
            attendance, version = self.writer.fold(tx, ATTENDANCE, stream)
            read = known.in_tx(tx)
            events = day.check_in(
                command,
                attendance,
                job_dating,
                actor,
                known.candidate(read, command.candidate_id),
                known.site(read, command.site_id),
                self.clock.now(),
            )
            return None, self.writer.append(tx, [Write(stream, e) for e in events], {stream: version}, meta)

        return self.writer.transact(work)[1]

    def mark_no_show(self, command: MarkNoShow, actor: Actor, meta: Meta) -> RepairReport:
        """A candidate did not come: record it, then cancel their remaining slots and refill them."""

        def work(tx: Transaction) -> tuple[RepairReport, list[StoredEvent]]:
            job_dating, _ = self.writer.fold(tx, JOB_DATINGS, command.job_dating_id)
            stream = attendance_stream(command.job_dating_id, command.candidate_id)
            attendance, version = self.writer.fold(tx, ATTENDANCE, stream)
            read = known.in_tx(tx)
            candidate = known.candidate(read, command.candidate_id)
            site = known.site(read, candidate.site_id) if candidate is not None else None
            events = day.mark_no_show(command, attendance, job_dating, actor, candidate, site)
            stored = self.writer.append(tx, [Write(stream, e) for e in events], {stream: version}, meta)
            report, repaired = self.repairs.run(
                tx,
                command.job_dating_id,
                disruptions.candidate_absent(command.candidate_id),
                self.clock.now(),
                _caused_by(meta, stored),
            )
            return report, stored + repaired

        return self.writer.transact(work)[0]

    def record_outcome(self, command: RecordOutcome, actor: Actor, meta: Meta) -> list[StoredEvent]:
        return self._one(
            SLOTS,
            command.slot_id,
            lambda tx, slot: day.record_outcome(command, slot, actor, self.clock.now()),
            meta,
        )

    def schedule_second_interview(
        self, command: ScheduleSecondInterview, actor: Actor, meta: Meta
    ) -> list[StoredEvent]:
        def work(tx: Transaction) -> tuple[None, list[StoredEvent]]:
            first, _ = self.writer.fold(tx, SLOTS, command.first_slot_id)
            job_dating, _ = self.writer.fold(tx, JOB_DATINGS, first.job_dating_id)
            read = known.in_tx(tx)
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
            return None, self.writer.append(tx, [Write(command.slot_id, e) for e in events], {}, meta)

        return self.writer.transact(work)[1]

    # ---- workshops ------------------------------------------------------------------------------

    def schedule_workshop(self, command: ScheduleWorkshop, actor: Actor, meta: Meta) -> list[StoredEvent]:
        def decision(tx: Transaction, state: Any) -> list[Event]:
            read = known.in_tx(tx)
            job_dating, _ = self.writer.fold(tx, JOB_DATINGS, command.job_dating_id)
            taken = read_model.room_taken(read, command.room_id, command.starts_at, command.ends_at)
            return workshops.schedule_workshop(
                command,
                state,
                actor,
                job_dating,
                known.site(read, command.site_id),
                known.room(read, command.site_id, command.room_id),
                taken,
            )

        return self._one(WORKSHOPS, command.workshop_id, decision, meta)

    def enrol(self, command: EnrolInWorkshop, actor: Actor, meta: Meta) -> list[StoredEvent]:
        def decision(tx: Transaction, state: Any) -> list[Event]:
            candidate = known.candidate(known.in_tx(tx), command.candidate_id)
            return workshops.enrol(command, state, actor, candidate, self.clock.now())

        return self._one(WORKSHOPS, command.workshop_id, decision, meta)

    def record_workshop_attendance(
        self, command: RecordWorkshopAttendance, actor: Actor, meta: Meta
    ) -> list[StoredEvent]:
        return self._one(
            WORKSHOPS,
            command.workshop_id,
            lambda tx, state: workshops.record_attendance(command, state, actor, self.clock.now()),
            meta,
        )

    # ---- plumbing -------------------------------------------------------------------------------

    def _one(
        self,
        aggregate: Aggregate[Any],
        stream_id: str,
        decision: Callable[[Transaction, Any], list[Event]],
        meta: Meta,
    ) -> list[StoredEvent]:
        def work(tx: Transaction) -> tuple[None, list[StoredEvent]]:
            state, version = self.writer.fold(tx, aggregate, stream_id)
            events = decision(tx, state)
            return None, self.writer.append(
                tx, [Write(stream_id, e) for e in events], {stream_id: version}, meta
            )

        return self.writer.transact(work)[1]

    def _then_repair(
        self,
        aggregate: Aggregate[Any],
        stream_id: str,
        job_dating_id: str,
        decision: Callable[[Transaction, Any], list[Event]],
        what: disruptions.DisruptionsFor,
        meta: Meta,
    ) -> RepairReport:
        def work(tx: Transaction) -> tuple[RepairReport, list[StoredEvent]]:
            state, version = self.writer.fold(tx, aggregate, stream_id)
            events = decision(tx, state)
            stored = self.writer.append(tx, [Write(stream_id, e) for e in events], {stream_id: version}, meta)
            report, repaired = self.repairs.run(
                tx, job_dating_id, what, self.clock.now(), _caused_by(meta, stored)
            )
            return report, stored + repaired

        return self.writer.transact(work)[0]


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
