"""How long a candidate's personal data is kept: months after their last job dating, per referring
organisation.

Registration does not hear the scheduling service's events, so it does not know on which day a job dating
actually took place. What it knows is the days the candidate registered to attend (`availability` in their
profile): their last job dating is taken as the latest of those days, or their registration day when they
gave none (or registered after it). The period runs from that day: the data is kept for `months` calendar
months and erased the day after they run out.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Final
from zoneinfo import ZoneInfo

import msgspec

from jobdating.contracts.registration import CandidateProfile

DEFAULT_MONTHS: Final = 24
MAX_MONTHS: Final = 1200
"""A hundred years: a bigger figure is a typo, not a policy."""
_ORG = re.compile(r"[A-Za-z0-9_-]+")


class RetentionPolicy(msgspec.Struct, frozen=True, kw_only=True):
    """Months of retention after the last job dating: `by_org` for the organisations named, else `default`."""

    default: int = DEFAULT_MONTHS
    by_org: Mapping[str, int] = msgspec.field(default_factory=dict)

    def months_for(self, org: str) -> int:
        """The retention of the candidates this organisation referred."""
        return self.by_org.get(org, self.default)


def check_months(months: int) -> int:
    """A retention period: at least one month, at most `MAX_MONTHS`."""
    if not 1 <= months <= MAX_MONTHS:
        raise ValueError(f"a retention is 1 to {MAX_MONTHS} months, not {months}")
    return months


def parse_by_org(text: str) -> dict[str, int]:
    """`org=months,org2=months` (spaces allowed around each part; empty: none) into a mapping.

    Raises ValueError saying which part is wrong: a setting that does not say what its operator meant must
    stop the service rather than keep personal data for a period nobody chose.
    """
    by_org: dict[str, int] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        org, sep, months = (s.strip() for s in part.partition("="))
        if not sep or not _ORG.fullmatch(org):
            raise ValueError(f"{part!r} is not org=months (org: letters, digits, - and _)")
        if not months.isdigit():
            raise ValueError(f"{part!r}: the months must be a whole number")
        if org in by_org:
            raise ValueError(f"{org!r} is given twice")
        by_org[org] = check_months(int(months))
    return by_org


def last_job_dating(profile: CandidateProfile, registered_at: datetime, zone: ZoneInfo) -> date:
    """The day the retention runs from: the latest day the candidate registered to attend, or the day
    (local time) they were registered when that is later or they gave no day."""
    registered = registered_at.astimezone(zone).date()
    return max([registered, *(slot.day for slot in profile.availability)])


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later (the month's last day when it has no such day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expired(last: date, months: int, today: date) -> bool:
    """Whether data kept `months` months after `last` must go today (kept through the anniversary day)."""
    return today > add_months(last, months)
