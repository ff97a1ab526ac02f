"""Refusals the decisions share: a job dating, candidate or company scheduling does not know; a frozen
plan."""

from __future__ import annotations

from datetime import datetime

from jobdating.scheduling.domain.calendar import local_text, zone_or_none
from jobdating.scheduling.domain.errors import Conflict, NotFound
from jobdating.scheduling.domain.state import JobDatingState

UNKNOWN_JOB_DATING = "job dating inconnu"
UNKNOWN_CANDIDATE = "candidat inconnu (ou pas encore annoncé par le service des inscriptions)"
UNKNOWN_COMPANY = "entreprise inconnue (ou pas encore annoncée par le service des inscriptions)"


def must_exist(state: JobDatingState, field: str = "job_dating_id") -> None:
    """Refuse a decision about a job dating that was never planned."""
    if not state.planned:
        raise NotFound.on(field, UNKNOWN_JOB_DATING)


def must_not_be_frozen(state: JobDatingState, now: datetime, what: str) -> None:
    """Refuse a change to a plan the coordinator froze (or past its freeze deadline), saying since when;
    `what` ends the message: what no longer changes."""
    if not state.frozen_at(now):
        return
    zone = zone_or_none(state.timezone)
    when = (
        f" depuis le {local_text(state.freeze_at, zone, '%d/%m à %H:%M')}" if state.freeze_at and zone else ""
    )
    raise Conflict.on("job_dating_id", f"le plan est figé{when} : {what}")
