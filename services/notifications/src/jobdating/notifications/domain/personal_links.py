"""A candidate's personal link in the messages about their interviews: their page on the console (their
interviews, the address, their answer), signed with the console's key, no account and no password.

It expires at the end of the interview's day plus a margin, a date taken from the interview and never from
the clock: a message built again (a retry, a replay) carries the very same link, byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from jobdating.runtime.candidate_links import CandidateLink, sign

# Long enough to read the page again after the day (a second interview, a question), short enough that a
# forwarded message stops opening it.
MARGIN: Final = timedelta(days=7)
# The messages that tell a candidate of an interview still on; a cancelled one has nothing to answer.
LINKED_KINDS: Final[frozenset[str]] = frozenset(
    {"convocation", "slot_moved", "reminder_two_days", "reminder_morning"}
)


def expiry(interview_at: datetime, tz: ZoneInfo, margin: timedelta = MARGIN) -> int:
    """Unix seconds: midnight after the interview's day, in the job dating's time zone, plus `margin`."""
    next_day = interview_at.astimezone(tz).date() + timedelta(days=1)
    return int((datetime.combine(next_day, time(0), tzinfo=tz) + margin).timestamp())


@dataclass(frozen=True)
class PersonalLinks:
    """Makes candidates' links to the console at `console_url` (its public address)."""

    key: bytes
    console_url: str
    margin: timedelta = MARGIN

    def link(self, candidate_id: str, interview_at: datetime, tz: ZoneInfo) -> str:
        """The address of the candidate's page, valid until after the interview's day."""
        token = sign(self.key, CandidateLink(candidate_id, expiry(interview_at, tz, self.margin)))
        return f"{self.console_url.rstrip('/')}/c/{token}"
