"""Reading provisional plans back (kept by `adapters.plans`): working documents, not events."""

from __future__ import annotations

from typing import Any

import msgspec

from jobdating.scheduling.application.instants import from_ts
from jobdating.scheduling.application.queries_facts import Reader
from jobdating.scheduling.domain.plans import PlannedInterview, ProvisionalPlan

_reasons = msgspec.json.Decoder(tuple[str, ...])


def latest_id(read: Reader, job_dating_id: str) -> str | None:
    """The id of the job dating's most recent provisional plan."""
    rows = read(
        "SELECT plan_id FROM sched_plan WHERE job_dating_id = ? ORDER BY computed_at DESC, plan_id DESC "
        "LIMIT 1",
        (job_dating_id,),
    )
    return str(rows[0][0]) if rows else None


def load(read: Reader, plan_id: str) -> ProvisionalPlan | None:
    """A provisional plan with its interviews, by time."""
    rows = read(
        "SELECT plan_id, job_dating_id, computed_at, fingerprint, engine, status, objective, bound, gap, "
        "interview_bound, seconds, reasons FROM sched_plan WHERE plan_id = ?",
        (plan_id,),
    )
    if not rows:
        return None
    r = rows[0]
    interviews = read(
        "SELECT candidate_id, company_id, site_id, computer_id, starts_at, ends_at, wish_rank "
        "FROM sched_plan_interview WHERE plan_id = ? ORDER BY starts_at, site_id, computer_id",
        (plan_id,),
    )
    return ProvisionalPlan(
        plan_id=r[0],
        job_dating_id=r[1],
        computed_at=from_ts(r[2]),
        fingerprint=r[3],
        engine=r[4],
        status=r[5],
        objective=int(r[6]),
        bound=_int(r[7]),
        gap=float(r[8]) if r[8] is not None else None,
        interview_bound=int(r[9]),
        seconds=float(r[10]),
        reasons=_reasons.decode(r[11]),
        interviews=tuple(
            PlannedInterview(
                candidate_id=i[0],
                company_id=i[1],
                site_id=i[2],
                computer_id=i[3],
                starts_at=from_ts(i[4]),
                ends_at=from_ts(i[5]),
                wish_rank=i[6],
            )
            for i in interviews
        ),
    )


def _int(value: Any) -> int | None:
    return None if value is None else int(value)
