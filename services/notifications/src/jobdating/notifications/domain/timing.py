"""When messages go out: quiet hours for SMS, reminder times, the thank-you hour, retry delays.

Times are compared in UTC and read on the wall clock of the job dating's time zone (Europe/Paris).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta, tzinfo
from typing import Final

from jobdating.notifications.domain.messages import ReminderKind

QUIET_FROM: Final = time(20, 0)
QUIET_UNTIL: Final = time(8, 0)
# An SMS about an interview this close is worth a late or early message.
URGENT_WITHIN: Final = timedelta(hours=12)
TWO_DAYS_REMINDER_AT: Final = time(10, 0)
MORNING_REMINDER_AT: Final = time(7, 0)
# A reminder due this soon after the message that planned it would repeat that message.
REMINDER_MIN_GAP: Final = timedelta(hours=6)
# The two-day reminder is pointless once the morning one is less than a day away.
TWO_DAYS_REMINDER_LATEST: Final = timedelta(hours=24)
# Outcomes are recorded during the day; the thank-you waits for the evening so that a second interview
# scheduled meanwhile is in it.
THANK_YOU_AT: Final = time(17, 30)
DEFAULT_RETRY_DELAYS: Final = (30.0, 120.0, 600.0, 1800.0, 7200.0)


def is_quiet(at: datetime, tz: tzinfo) -> bool:
    """Whether `at` falls in the quiet hours (20:00 to 08:00 local time)."""
    local = at.astimezone(tz).time()
    return local >= QUIET_FROM or local < QUIET_UNTIL


def end_of_quiet(at: datetime, tz: tzinfo) -> datetime:
    """The next 08:00 local time at or after `at`."""
    local = at.astimezone(tz)
    morning = datetime.combine(local.date(), QUIET_UNTIL, tzinfo=tz)
    if local >= morning:
        morning = datetime.combine(local.date() + timedelta(days=1), QUIET_UNTIL, tzinfo=tz)
    return morning


def sms_allowed_at(now: datetime, interview_at: datetime | None, tz: tzinfo) -> datetime:
    """When an SMS due `now` may go: now, unless in quiet hours and no interview within 12 hours."""
    if not is_quiet(now, tz):
        return now
    if interview_at is not None and now <= interview_at <= now + URGENT_WITHIN:
        return now
    return end_of_quiet(now, tz)


def reminder_times(starts_at: datetime, tz: tzinfo) -> dict[ReminderKind, datetime]:
    """The two reminders of an interview: 10:00 two days before, 07:00 on the day (local time)."""
    day = starts_at.astimezone(tz).date()
    return {
        "reminder_two_days": datetime.combine(day - timedelta(days=2), TWO_DAYS_REMINDER_AT, tzinfo=tz),
        "reminder_morning": datetime.combine(day, MORNING_REMINDER_AT, tzinfo=tz),
    }


def reminder_worth_planning(due_at: datetime, planned_at: datetime, starts_at: datetime) -> bool:
    """A reminder is planned when it comes well after the message that planned it, before the interview."""
    return planned_at + REMINDER_MIN_GAP <= due_at < starts_at


def reminder_still_useful(kind: str, now: datetime, starts_at: datetime) -> bool:
    """A late reminder is dropped: the two-day one a day before, the morning one once the interview began."""
    if kind == "reminder_two_days":
        return now < starts_at - TWO_DAYS_REMINDER_LATEST
    return now < starts_at


def day_bounds(at: datetime, tz: tzinfo) -> tuple[datetime, datetime]:
    """The local day `at` falls in, as [midnight, next midnight)."""
    day = at.astimezone(tz).date()
    start = datetime.combine(day, time(0), tzinfo=tz)
    return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)


def thank_you_due(now: datetime, interview_at: datetime, tz: tzinfo) -> datetime:
    """17:30 local time on the interview day, or now when that is past."""
    evening = datetime.combine(interview_at.astimezone(tz).date(), THANK_YOU_AT, tzinfo=tz)
    return max(now, evening)


def retry_at(now: datetime, attempts: int, delays: Sequence[float]) -> datetime | None:
    """When to try again after `attempts` failed tries, or None when the retries are used up."""
    if attempts > len(delays):
        return None
    return now + timedelta(seconds=delays[attempts - 1])
