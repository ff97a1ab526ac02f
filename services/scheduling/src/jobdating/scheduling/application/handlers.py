"""Scheduling's commands: each one reads, decides and writes in one transaction (a unit of work of the
runtime's `CommandBus`, which also keeps the read model in step and retries after a concurrent write).

A refused command raises a `SchedulingRefusal` and stores nothing. Commands that disrupt a published plan
(a late or departed company, a no-show, a late arrival) repair it in the same transaction, so the disruption
and the changed slots are recorded together or not at all.
"""

from __future__ import annotations

from jobdating.eventstore.base import StoredEvent
from jobdating.runtime.commands import Meta, UnitOfWork
from jobdating.scheduling.application import queries_facts as known
from jobdating.scheduling.application import queries_plans as provisional
from jobdating.scheduling.application import queries_slots as read_model
from jobdating.scheduling.application.aggregates import JOB_DATINGS
from jobdating.scheduling.application.handlers_choices import ChoiceHandlers
from jobdating.scheduling.application.handlers_day import DayHandlers
from jobdating.scheduling.application.handlers_manual import ManualHandlers
from jobdating.scheduling.application.handlers_preparation import PreparationHandlers
from jobdating.scheduling.application.handlers_second import SecondInterviewHandlers
from jobdating.scheduling.application.handlers_workshops import WorkshopHandlers
from jobdating.scheduling.domain import decide, pairings
from jobdating.scheduling.domain.calendar import Calendar
from jobdating.scheduling.domain.commands import (
    ForbidPairing,
    FreezeJobDating,
    PinPairing,
    PlanJobDating,
    PublishPlan,
    ReleasePairing,
)
from jobdating.scheduling.domain.errors import Conflict
from jobdating.scheduling.domain.instance import build_instance, fingerprint
from jobdating.scheduling.domain.permissions import Actor
from jobdating.scheduling.domain.plans import ProvisionalPlan
from jobdating.scheduling.planning.check import check
from jobdating.scheduling.planning.model import Plan


class SchedulingHandlers(
    DayHandlers,
    ManualHandlers,
    WorkshopHandlers,
    ChoiceHandlers,
    PreparationHandlers,
    SecondInterviewHandlers,
):
    """Runs scheduling's commands: each is a unit of work (fold, decide, append) the command bus runs.
    The job dating and its plan are here; the day's commands (companies late or gone, arrivals), the
    coordinator's changes by hand, the workshops' and the companies' choices come with their bases."""

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
        decision = pairings.release_pairing
        return self.decide_now(JOB_DATINGS, command.job_dating_id, decision, command, actor, meta)

    def freeze(self, command: FreezeJobDating, actor: Actor, meta: Meta) -> list[StoredEvent]:
        return self.decide_now(JOB_DATINGS, command.job_dating_id, decide.freeze, command, actor, meta)

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
            slot_ids, links = iter(self.ids, None), iter(self.video_links, None)
            writes = decide.publish(command, state, actor, plan, latest, current, slot_ids, links)
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
