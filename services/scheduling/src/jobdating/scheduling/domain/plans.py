"""A provisional plan (computed, inspected, maybe published) and the writes a decision spanning several
streams returns."""

from __future__ import annotations

from datetime import datetime

import msgspec

from jobdating.contracts.envelope import Event


class Write(msgspec.Struct, frozen=True):
    """An event for one stream: publication and repairs write to the job dating and to many slots at once."""

    stream_id: str
    event: Event


class PlannedInterview(msgspec.Struct, frozen=True, kw_only=True):
    """One interview of a provisional plan, at its site, on its computer, at its time (UTC)."""

    candidate_id: str
    company_id: str
    site_id: str
    computer_id: str
    starts_at: datetime
    ends_at: datetime
    wish_rank: int | None = None


class ProvisionalPlan(msgspec.Struct, frozen=True, kw_only=True):
    """A plan the coordinator can inspect before publishing it; not an event: nobody is told yet.

    `fingerprint` is the digest of the planning instance it was computed from: publishing a plan whose
    inputs have changed since is refused. `status`, `objective`, `bound` and `gap` are the solver's own
    verdicts; `interview_bound` is the max-flow upper bound on the number of interviews.
    """

    plan_id: str
    job_dating_id: str
    computed_at: datetime
    fingerprint: str
    engine: str
    status: str
    objective: int
    bound: int | None
    gap: float | None
    interview_bound: int
    seconds: float
    reasons: tuple[str, ...] = ()
    interviews: tuple[PlannedInterview, ...] = ()
