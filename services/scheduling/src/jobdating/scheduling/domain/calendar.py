"""Local wall-clock times of a job dating and the instants they stand for.

People read times at the sites (Europe/Paris); events carry timezone-aware instants, stored in UTC. The
planning core counts whole minutes since midnight on a day given by its index in the job dating's days.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jobdating.scheduling.domain.plans import PlannedInterview
from jobdating.scheduling.domain.state import JobDatingState, SlotState
from jobdating.scheduling.planning.disruption import until as cut_until
from jobdating.scheduling.planning.model import Day, Interview, Moment, SlotGrid, Window


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


# Who meets whom, and at which site: a slot, a kept interview or one the planner placed.
Booked = SlotState | PlannedInterview | Interview


class Calendar:
    """The days of one job dating, its slot grid, and conversions between instants and (day, minute)."""

    def __init__(self, job_dating: JobDatingState) -> None:
        self.zone = ZoneInfo(job_dating.timezone)
        self.dates: tuple[date, ...] = tuple(sorted(job_dating.days))
        self.index = {d: i for i, d in enumerate(self.dates)}
        self.length = job_dating.interview_minutes
        self.grid = SlotGrid(
            length=job_dating.interview_minutes,
            buffer=job_dating.buffer_minutes,
            breaks=tuple(
                Window(day=self.index[b.day], start=minute_of(b.start), end=minute_of(b.end))
                for b in job_dating.breaks
                if b.day in self.index
            ),
        )
        bounds: dict[int, tuple[int, int]] = {}
        for w in job_dating.site_windows:
            i = self.index[w.day]
            lo, hi = bounds.get(i, (24 * 60, 0))
            bounds[i] = (min(lo, minute_of(w.start)), max(hi, minute_of(w.end)))
        self.days = tuple(Day(index=i, start=lo, end=hi) for i, (lo, hi) in sorted(bounds.items()))

    def at(self, day: int, minute: int) -> datetime:
        """The UTC instant of a day index and a minute."""
        return instant(self.dates[day], minute, self.zone)

    def interview_times(self, interview: Interview) -> tuple[datetime, datetime]:
        """When an interview of the plan starts and ends, as UTC instants."""
        return self.at(interview.day, interview.start), self.at(interview.day, interview.start + self.length)

    def position(self, at: datetime) -> tuple[date, int]:
        """The local (date, minute) of an instant."""
        return local_day_and_minute(at, self.zone)

    def slot_of(self, at: datetime) -> tuple[int, int] | None:
        """The (day index, minute) of an instant when it falls on the job dating's days."""
        day, minute = self.position(at)
        return (self.index[day], minute) if day in self.index else None

    def interview_at(self, booked: Booked, computer_id: str, starts_at: datetime) -> Interview | None:
        """`booked` as the planner's interview on `computer_id` from `starts_at` (None off the job dating's
        days)."""
        at = self.slot_of(starts_at)
        if at is None:
            return None
        return Interview(
            candidate_id=booked.candidate_id,
            company_id=booked.company_id,
            site_id=booked.site_id,
            computer_id=computer_id,
            day=at[0],
            start=at[1],
        )

    def planned(self, interview: Interview, wish_rank: int | None) -> PlannedInterview:
        """The planner's interview at its UTC times, as a provisional plan keeps it (`interview_at` reads
        it back)."""
        starts_at, ends_at = self.interview_times(interview)
        return PlannedInterview(
            candidate_id=interview.candidate_id,
            company_id=interview.company_id,
            site_id=interview.site_id,
            computer_id=interview.computer_id,
            starts_at=starts_at,
            ends_at=ends_at,
            wish_rank=wish_rank,
        )

    def moment(self, at: datetime, *, round_up: bool = False) -> Moment:
        """The planner's moment of an instant; `round_up` takes the next whole minute (a `now` that is a few
        seconds past an interview's start finds it started). Before the first day it is that day's midnight,
        between two days the next day's, after the last day a day index past the end."""
        day, minute = self.position(at)
        if round_up and (at.second or at.microsecond):
            minute += 1
        if day in self.index:
            return Moment(day=self.index[day], minute=minute)
        later = [i for i, d in enumerate(self.dates) if d > day]
        return Moment(day=later[0] if later else len(self.dates), minute=0)

    def until(self, windows: Iterable[Window], at: datetime | None) -> tuple[Window, ...]:
        """The parts of `windows` before `at` (all of them when `at` is None)."""
        if at is None:
            return tuple(windows)
        return cut_until(tuple(windows), self.moment(at))

    def since(self, windows: Iterable[Window], at: datetime | None) -> tuple[Window, ...]:
        """The parts of `windows` from `at` on (all of them when `at` is None)."""
        if at is None:
            return tuple(windows)
        moment = self.moment(at)
        kept: list[Window] = []
        for w in windows:
            if w.day > moment.day:
                kept.append(w)
            elif w.day == moment.day and w.end > max(w.start, moment.minute):
                kept.append(Window(day=w.day, start=max(w.start, moment.minute), end=w.end))
        return tuple(kept)

    def without(self, windows: Iterable[Window], start: datetime, end: datetime) -> tuple[Window, ...]:
        """`windows` minus the stretch [start, end) (a second interview carved out of an availability)."""
        return tuple(
            sorted({*self.until(windows, start), *self.since(windows, end)}, key=lambda w: (w.day, w.start))
        )
