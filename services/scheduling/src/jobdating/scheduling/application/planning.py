"""Computing a provisional plan with the planning core, outside any transaction (a solve takes seconds),
then keeping it for the coordinator to inspect and publish."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass
from typing import Any, Literal

from jobdating.eventstore.base import EventStore
from jobdating.runtime.clock import Clock
from jobdating.runtime.commands import CommandBus
from jobdating.scheduling.application import queries_facts as known
from jobdating.scheduling.application import queries_plans as provisional
from jobdating.scheduling.application import queries_slots as read_model
from jobdating.scheduling.application.aggregates import JOB_DATINGS
from jobdating.scheduling.application.ports import SavePlan
from jobdating.scheduling.domain import decide
from jobdating.scheduling.domain.calendar import Calendar
from jobdating.scheduling.domain.errors import Invalid
from jobdating.scheduling.domain.instance import build_instance, fingerprint, wish_rank
from jobdating.scheduling.domain.permissions import Actor
from jobdating.scheduling.domain.plans import PlannedInterview, ProvisionalPlan
from jobdating.scheduling.planning.check import check
from jobdating.scheduling.planning.model import Interview
from jobdating.scheduling.planning.solution import Solution
from jobdating.scheduling.planning.solve import greedy, solve

Engine = Literal["highs", "cpsat"]


class PlanRejected(RuntimeError):
    """The checker found a rule the solver's plan breaks: a bug in the planner, never kept."""


@dataclass(eq=False)
class Planner:
    """Computes provisional plans with the configured engine (or the greedy first plan)."""

    store: EventStore
    bus: CommandBus
    ids: Callable[[], str]
    clock: Clock
    _: KW_ONLY
    save_plan: SavePlan
    # One engine per process: HiGHS and OR-Tools cannot both be loaded (google/or-tools#5246).
    engine: Engine = "highs"
    time_limit: float = 10.0
    threads: int = 1
    log: Any = None

    def compute(
        self, job_dating_id: str, actor: Actor, engine: str | None = None, time_limit: float | None = None
    ) -> ProvisionalPlan:
        """Solve the job dating as it is now and keep the plan; refused after publication (or after the
        freeze once a plan exists)."""
        chosen = engine or self.engine
        if chosen not in ("greedy", self.engine):
            raise Invalid.on("engine", f"moteurs disponibles ici : greedy, {self.engine}")
        limit = self.time_limit if time_limit is None else time_limit
        if not 0 < limit <= 600:
            raise Invalid.on("time_limit", "entre 0 et 600 secondes")
        with self.store.transaction() as tx:
            state = JOB_DATINGS.fold(self.bus.load(tx, job_dating_id))
            read = known.in_tx(tx)
            has_plan = provisional.latest_id(read, job_dating_id) is not None
            decide.may_compute_plan(state, actor, self.clock.now(), has_plan)
            facts = known.facts_for(read, state.site_ids)
            elsewhere = read_model.active_slots_elsewhere(read, job_dating_id, state.days)
        instance = build_instance(state, facts, elsewhere=elsewhere)
        started = time.perf_counter()
        solution: Solution = (
            greedy(instance)
            if chosen == "greedy"
            else solve(instance, engine=self.engine, time_limit=limit, threads=self.threads)
        )
        elapsed = time.perf_counter() - started
        bad = [v for v in check(instance, solution.plan) if v.rule != "pin_missing"]
        if bad:
            raise PlanRejected("; ".join(f"{v.rule}: {v.detail}" for v in bad[:5]))
        cal = Calendar(state)
        candidates = {c.candidate_id: c for c in facts.candidates}
        companies = {c.company_id: c for c in facts.companies}
        interviews = [
            cal.planned(i, wish_rank(candidates.get(i.candidate_id), companies.get(i.company_id)))
            for i in solution.plan.interviews
        ]
        plan = ProvisionalPlan(
            plan_id=self.ids(),
            job_dating_id=job_dating_id,
            computed_at=self.clock.now(),
            fingerprint=fingerprint(instance),
            engine=solution.engine,
            status=solution.status,
            objective=solution.objective,
            bound=solution.bound,
            gap=solution.gap,
            interview_bound=solution.interview_bound,
            seconds=round(elapsed, 3),
            reasons=solution.reasons,
            interviews=tuple(interviews),
        )
        with self.store.transaction() as tx:
            # Published or frozen while the solver ran: the plan is not kept.
            state = JOB_DATINGS.fold(self.bus.load(tx, job_dating_id))
            decide.may_compute_plan(state, actor, self.clock.now(), has_plan)
            self.save_plan(tx, plan)
        if self.log is not None:
            self.log.info(
                "provisional_plan_computed",
                job_dating_id=job_dating_id,
                plan_id=plan.plan_id,
                engine=plan.engine,
                status=plan.status,
                interviews=len(plan.interviews),
                interview_bound=plan.interview_bound,
                seconds=plan.seconds,
            )
        return plan

    @staticmethod
    def interview(cal: Calendar, planned: PlannedInterview) -> Interview:
        """A kept interview back in the planner's terms (to check it again before publication)."""
        interview = cal.interview_at(planned, planned.computer_id, planned.starts_at)
        if interview is None:
            raise ValueError(f"interview outside the job dating's days: {planned}")
        return interview
