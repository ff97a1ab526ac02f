"""Reading provisional plans back (kept by `adapters.plans`): working documents, not events."""

from __future__ import annotations

import msgspec

from jobdating.eventstore.reading import columns, struct_of
from jobdating.scheduling.application.queries_facts import Reader
from jobdating.scheduling.domain.plans import PlannedInterview, ProvisionalPlan

# A plan's interviews are another table's rows.
_PLAN = f"SELECT {columns(ProvisionalPlan).removesuffix(', interviews')} FROM sched_plan"
_INTERVIEW = f"SELECT {columns(PlannedInterview)} FROM sched_plan_interview"


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
    rows = read(f"{_PLAN} WHERE plan_id = ?", (plan_id,))
    if not rows:
        return None
    interviews = read(
        f"{_INTERVIEW} WHERE plan_id = ? ORDER BY starts_at, site_id, computer_id",
        (plan_id,),
    )
    return msgspec.structs.replace(
        struct_of(ProvisionalPlan, rows[0], json=("reasons",)),
        interviews=tuple(struct_of(PlannedInterview, i) for i in interviews),
    )
