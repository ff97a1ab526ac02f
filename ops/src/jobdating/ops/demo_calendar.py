"""Which day the demo job dating is held on: chosen at load time from the stack's clock, then kept.

A demo fixed to one date sends no convocation the day after (every slot has passed), so the day is chosen
from "today" as the services' clock reads it: the next working day for `jobdating up --demo` (convocations
and reminders go out as they would before a real job dating), today for `jobdating demo` (its sped-up clock
runs the whole day). The choice is written in the data folder so that a resumed stack keeps its day.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Europe/Paris")
DAY_FILE = "demo-day"


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (the anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


def public_holidays(year: int) -> frozenset[date]:
    """France's eleven public holidays (jours fériés, Code du travail L3133-1) of `year`."""
    easter = easter_sunday(year)
    fixed = ((1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25))
    movable = (easter + timedelta(days=1), easter + timedelta(days=39), easter + timedelta(days=50))
    return frozenset({date(year, m, d) for m, d in fixed} | set(movable))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year)


def next_working_day(today: date) -> date:
    """The first working day after `today` (Monday after a Friday, 4 January after 31 December 2026)."""
    day = today + timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def local_today(now: datetime) -> date:
    """The date in France at instant `now` (the services' clock is UTC)."""
    return now.astimezone(ZONE).date()


def kept_day(data_dir: Path) -> date | None:
    """The day an earlier load of the demo in `data_dir` chose, if any."""
    path = data_dir / DAY_FILE
    return date.fromisoformat(path.read_text().strip()) if path.exists() else None


def keep_day(data_dir: Path, day: date) -> date:
    """Write `day` in `data_dir` before anything is loaded for it, so that a resumed stack keeps it."""
    (data_dir / DAY_FILE).write_text(day.isoformat() + "\n")
    return day
