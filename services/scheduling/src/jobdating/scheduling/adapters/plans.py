"""Provisional plans in scheduling's tables: working documents the coordinator inspects, not events."""

from __future__ import annotations

import msgspec

from jobdating.eventstore.base import Transaction
from jobdating.scheduling.application.instants import ts
from jobdating.scheduling.domain.plans import ProvisionalPlan


def save(tx: Transaction, plan: ProvisionalPlan) -> None:
    """Keep a computed plan and its interviews."""
    tx.execute(
        "INSERT INTO sched_plan (plan_id, job_dating_id, computed_at, fingerprint, engine, status, "
        "objective, "
        "bound, gap, interview_bound, seconds, reasons) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            plan.plan_id,
            plan.job_dating_id,
            ts(plan.computed_at),
            plan.fingerprint,
            plan.engine,
            plan.status,
            plan.objective,
            plan.bound,
            plan.gap,
            plan.interview_bound,
            plan.seconds,
            msgspec.json.encode(plan.reasons).decode(),
        ),
    )
    tx.executemany(
        "INSERT INTO sched_plan_interview (plan_id, candidate_id, company_id, site_id, computer_id, "
        "starts_at, "
        "ends_at, wish_rank) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                plan.plan_id,
                i.candidate_id,
                i.company_id,
                i.site_id,
                i.computer_id,
                ts(i.starts_at),
                ts(i.ends_at),
                i.wish_rank,
            )
            for i in plan.interviews
        ],
    )
