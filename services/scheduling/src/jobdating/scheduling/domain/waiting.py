"""The waiting list and walk-ins: who joins a site's waiting list, when a walk-in is checked in, and who
reads the list.

A candidate who joins after the plan was published (registered late, or walking in on the day) is first
booked where capacity is free (`planning.joining`); one who gets nothing, or a late arrival who gets none
of their interviews back, waits at their site (`CandidateWaitlisted`). They leave the list with their
first slot. The list's order is stated once, in `application.queries_waiting`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from jobdating.contracts.envelope import Event
from jobdating.contracts.scheduling import CandidateCheckedIn, CandidateWaitlisted, WaitingReason
from jobdating.scheduling.domain.errors import Forbidden
from jobdating.scheduling.domain.permissions import Actor, coordination_or
from jobdating.scheduling.domain.state import AttendanceState, JobDatingState


def takes_newcomers(job_dating: JobDatingState, site_id: str, now: datetime) -> bool:
    """A published job dating at this site whose last day has not passed: a candidate joining now may
    still get an interview there."""
    last = max(job_dating.days, default=None)
    if not job_dating.published or last is None or site_id not in job_dating.site_ids:
        return False
    return now.astimezone(ZoneInfo(job_dating.timezone)).date() <= last


def runs_today(job_dating: JobDatingState, site_id: str, now: datetime) -> bool:
    """A published job dating at this site on one of its days: a walk-in there is checked in."""
    today = now.astimezone(ZoneInfo(job_dating.timezone)).date()
    return job_dating.published and site_id in job_dating.site_ids and today in job_dating.days


def waitlist(
    job_dating: JobDatingState,
    candidate_id: str,
    site_id: str,
    reason: WaitingReason,
    now: datetime,
    *,
    booked: bool,
    waiting: bool,
) -> list[Event]:
    """A candidate with no interview to come joins their site's waiting list, once."""
    if booked or waiting:
        return []
    return [
        CandidateWaitlisted(
            job_dating_id=job_dating.job_dating_id,
            candidate_id=candidate_id,
            site_id=site_id,
            reason=reason,
            at=now,
        )
    ]


def check_in_walk_in(
    job_dating: JobDatingState, attendance: AttendanceState, candidate_id: str, site_id: str, at: datetime
) -> list[Event]:
    """A candidate registered on the spot is at the site: checked in then, unless already (registration
    checked who may register them there)."""
    if attendance.checked_in_at is not None or attendance.no_show or not runs_today(job_dating, site_id, at):
        return []
    return [
        CandidateCheckedIn(
            job_dating_id=job_dating.job_dating_id, candidate_id=candidate_id, site_id=site_id, at=at
        )
    ]


def may_read_waiting_list(actor: Actor, host_org: str, field: str) -> None:
    """A site's waiting list: the coordination, and the managers of the organisation hosting the site."""
    refusal = "seuls la coordination et les responsables de ce site consultent sa liste d'attente"
    coordination_or(actor, "site_manager", (host_org,), field, refusal)


def readable_waiting_lists(actor: Actor, host_orgs: Mapping[str, str], field: str) -> list[str]:
    """The sites (of `host_orgs`: each site's hosting organisation) whose waiting list `actor` may read,
    site by site as `may_read_waiting_list` says; refused when they may read none of them."""
    readable: list[str] = []
    refused: Forbidden | None = None
    for site_id, host_org in host_orgs.items():
        try:
            may_read_waiting_list(actor, host_org, field)
        except Forbidden as exc:
            refused = exc
        else:
            readable.append(site_id)
    if refused is not None and not readable:
        raise refused
    return readable
