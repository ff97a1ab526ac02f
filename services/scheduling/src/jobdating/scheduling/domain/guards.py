"""Refusals the decisions share: a job dating, candidate or company scheduling does not know."""

from __future__ import annotations

from jobdating.scheduling.domain.errors import NotFound
from jobdating.scheduling.domain.state import JobDatingState

UNKNOWN_JOB_DATING = "job dating inconnu"
UNKNOWN_CANDIDATE = "candidat inconnu (ou pas encore annoncé par le service des inscriptions)"
UNKNOWN_COMPANY = "entreprise inconnue (ou pas encore annoncée par le service des inscriptions)"


def must_exist(state: JobDatingState, field: str = "job_dating_id") -> None:
    """Refuse a decision about a job dating that was never planned."""
    if not state.planned:
        raise NotFound.on(field, UNKNOWN_JOB_DATING)
