"""Local wall-clock times of a job dating and the instants they stand for.

People read times at the sites (Europe/Paris); events carry timezone-aware instants, stored in UTC. The
planning core counts whole minutes since midnight on a day given by its index in the job dating's days.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def minute_of(t: time) -> int:
    """Minutes since midnight of a wall-clock time."""
    return t.hour * 60 + t.minute


def clock_time(minute: int) -> time:
    """The wall-clock time `minute` minutes after midnight."""
    return time(minute // 60, minute % 60)


def instant(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local day and minute."""
    local = datetime.combine(day, time(0), tzinfo=zone) + timedelta(minutes=minute)
    return local.astimezone(UTC)


def local_day_and_minute(at: datetime, zone: ZoneInfo) -> tuple[date, int]:
    """The local day of an instant and its minute since that day's midnight (seconds rounded down)."""
    local = at.astimezone(zone)
    return local.date(), local.hour * 60 + local.minute


def local_text(at: datetime, zone: ZoneInfo, fmt: str = "%H:%M") -> str:
    """An instant as people read it at the site."""
    return at.astimezone(zone).strftime(fmt)


def zone_or_none(name: str) -> ZoneInfo | None:
    """The time zone of that name, None when it does not exist."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
