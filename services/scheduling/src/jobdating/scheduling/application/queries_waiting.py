"""Reading the sites' waiting lists back (kept by `adapters.projections_waiting`).

The order, the one that serves a freed slot (`rebooking.give_to_waiting_list`) and that the view shows:
candidates already checked in at the site first, then by the time they joined the list, then by id. Every
site's list is read in that one order, so that a slot several sites could use goes to the first of them.
Scheduling holds no names: the list gives candidate ids, which callers allowed to see names join from
registration, as with the other views.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from jobdating.contracts.scheduling import WaitingReason
from jobdating.scheduling.application.instants import from_ts, maybe_ts
from jobdating.scheduling.application.queries_facts import Reader

ORDER = "checked_in_first_then_joined_at"
"""The order of a waiting list, named in the view."""

_LIST = (
    "SELECT w.candidate_id, c.site_id, w.reason, w.joined_at, a.checked_in_at FROM sched_waiting w "
    "JOIN sched_candidate c ON c.candidate_id = w.candidate_id AND c.withdrawn_at IS NULL "
    "LEFT JOIN sched_attendance a ON a.job_dating_id = w.job_dating_id AND a.candidate_id = w.candidate_id "
    "AND a.site_id = c.site_id AND a.no_show = 0 "
    "WHERE w.job_dating_id = ? {site} "
    "ORDER BY CASE WHEN a.checked_in_at IS NULL THEN 1 ELSE 0 END, w.joined_at, w.candidate_id"
)


@dataclass(frozen=True, kw_only=True)
class Waiting:
    """A candidate on a site's waiting list: since when, why, and whether they are at the site."""

    position: int
    candidate_id: str
    site_id: str
    reason: WaitingReason
    joined_at: datetime
    checked_in_at: datetime | None


def waiting_list(read: Reader, job_dating_id: str, site_id: str | None = None) -> list[Waiting]:
    """A site's waiting list (every site's, each in its order, when `site_id` is None), first first."""
    if site_id is None:
        rows = read(_LIST.format(site=""), (job_dating_id,))
    else:
        rows = read(_LIST.format(site="AND c.site_id = ?"), (job_dating_id, site_id))
    return [
        Waiting(
            position=n,
            candidate_id=str(r[0]),
            site_id=str(r[1]),
            reason=r[2],
            joined_at=from_ts(r[3]),
            checked_in_at=maybe_ts(r[4]),
        )
        for n, r in enumerate(rows, start=1)
    ]


def waiting_order(read: Reader, job_dating_id: str) -> list[str]:
    """The candidates of every site's waiting list in the lists' one order (each site's in its order): what
    the planner serves, across sites when a slot time is free at several."""
    return [w.candidate_id for w in waiting_list(read, job_dating_id)]


@dataclass(frozen=True, kw_only=True)
class WaitingList:
    """A site's waiting list as the view shows it: its order named, then its candidates, first first;
    `site_open`: whether scheduling knows the site open (a closed site's list waits for its reopening, and
    its repair is committed with what scheduling knows, so a reader can wait for it)."""

    job_dating_id: str
    site_id: str
    order: str
    waiting: list[Waiting]
    site_open: bool = True


def is_waiting(read: Reader, job_dating_id: str, candidate_id: str) -> bool:
    """Whether a candidate is on the waiting list of a job dating."""
    rows = read(
        "SELECT 1 FROM sched_waiting WHERE job_dating_id = ? AND candidate_id = ?",
        (job_dating_id, candidate_id),
    )
    return bool(rows)
