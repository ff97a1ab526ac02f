"""Where and when an interview stands, as every reader of a plan sees it (scheduling's views of its plans,
ops' report and its day driver): who meets whom, at which site and on which computer, from when to when.
And where and when a workshop session stands: in which room, for how many, run by which two coaches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Placement:
    """An interview placed in the day; a subclass adds what its reader knows of the slot's state."""

    candidate_id: str
    company_id: str
    site_id: str
    computer_id: str | None
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class Session:
    """A workshop session placed in a room; a subclass adds what its reader knows of its seats."""

    workshop_id: str
    job_dating_id: str
    site_id: str
    room_id: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    coach_ids: tuple[str, ...]
    coach_orgs: tuple[str, ...]  # each coach's organisation, in the order of `coach_ids`
