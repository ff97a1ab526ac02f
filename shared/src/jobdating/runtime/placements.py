"""Where and when an interview stands, as every reader of a plan sees it (scheduling's views of its plans,
ops' report and its day driver): who meets whom, at which site and on which computer, from when to when."""

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
