"""A job dating as the planner sees it: days, sites, computers, companies, candidates, and a plan.

Times are whole minutes since midnight on a day given by its index (0 for the first day of the event).
Every window is half-open: `start` is included, `end` is not, so an interview of 20 minutes starting at
9:40 fits a window ending at 10:00.

All types are immutable and hold no reference cycles, so they are kept out of the cyclic garbage collector
(`gc=False`): a 5,000-candidate plan is tens of thousands of them, and collections scanning them more
than doubled the median repair time on the regional fair (15 ms against 6 ms, measured).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, TypeVar, overload

import msgspec

_Instant = TypeVar("_Instant", int, datetime)


class Window(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A stretch of time on one day, in minutes since midnight: [start, end)."""

    day: int
    start: int
    end: int


class Moment(msgspec.Struct, frozen=True, order=True, kw_only=True, gc=False):
    """An instant of the event: a day index and a minute of that day; moments compare in time order."""

    day: int
    minute: int


class Day(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A day of the event; its slot grid starts at `start` and no interview runs past `end`."""

    index: int
    start: int
    end: int


class SlotGrid(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """How interviews are cut: fixed `length`, a `buffer` a candidate needs between two interviews, and
    breaks during which no interview starts or runs (the grid restarts at the end of a break)."""

    length: int
    buffer: int
    breaks: tuple[Window, ...] = ()


# Here, in the lowest layer, so that the checker, the solver's conflicts and domain/ all import one rule.
@overload
def busy(start: int, end: int, buffer: int) -> tuple[int, int]: ...
@overload
def busy(start: datetime, end: datetime, buffer: timedelta) -> tuple[datetime, datetime]: ...
def busy(start: Any, end: Any, buffer: Any) -> tuple[Any, Any]:
    """When an interview [start, end) keeps its candidate busy: from `buffer` before it to `buffer` after it.

    The one definition of "a candidate is never in two interviews at once": another interview of the same
    candidate may not overlap this span. The plan checker, the solver's slot conflicts, the instance's
    availabilities and the second interview all ask it, in minutes of a day or in instants."""
    return (start - buffer, end + buffer)


def overlaps(a: tuple[_Instant, _Instant], b: tuple[_Instant, _Instant]) -> bool:
    """Two half-open spans [start, end) share an instant."""
    return a[0] < b[1] and b[0] < a[1]


class Site(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """Premises lent by a partner, open during `opening`; candidates come to the site they chose."""

    id: str
    opening: tuple[Window, ...]


class Computer(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A computer with webcam and headset at a site; `available` None means whenever its site is open.

    A computer that breaks is unavailable from that time: its windows end there."""

    id: str
    site_id: str
    available: tuple[Window, ...] | None = None


class Company(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A recruiting company interviewing by video: `recruiters` in parallel during `windows`.

    `sites`, when given, restricts it to candidates of those sites (a local employer)."""

    id: str
    recruiters: int
    windows: tuple[Window, ...]
    sites: tuple[str, ...] | None = None


class Candidate(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A candidate at their chosen site, available during `available`, with `wishes` as company ids by rank
    (rank 1 first) and at most `max_interviews` interviews."""

    id: str
    site_id: str
    available: tuple[Window, ...]
    wishes: tuple[str, ...]
    max_interviews: int


class Pair(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A candidate and a company: a pin (they must meet) or a forbid (they must not)."""

    candidate_id: str
    company_id: str


class Choice(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A company's wish about a candidate who wished for it: its `rank` among the candidates it ranked
    (1 first, None: not ranked) and whether it must meet them (`must_meet`, a strong wish, not a pin)."""

    company_id: str
    candidate_id: str
    rank: int | None = None
    must_meet: bool = False


class Elsewhere(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """An interview held in another published job dating, [start, end) on `day` of this one: it keeps its
    candidate busy (with the buffer, see `busy`) and one recruiter of its company, whoever of them is here."""

    candidate_id: str
    company_id: str
    day: int
    start: int
    end: int


class Instance(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """Everything the planner needs about one job dating; `elsewhere`, the interviews its candidates and
    companies hold in other job datings at the same time (a company or a candidate is not tied to one);
    `choices`, the companies' own wishes about the candidates (see `objective.py`)."""

    days: tuple[Day, ...]
    grid: SlotGrid
    sites: tuple[Site, ...]
    computers: tuple[Computer, ...]
    companies: tuple[Company, ...]
    candidates: tuple[Candidate, ...]
    pins: tuple[Pair, ...] = ()
    forbids: tuple[Pair, ...] = ()
    elsewhere: tuple[Elsewhere, ...] = ()
    # The sites' waiting lists in their one order (checked in first, then by time of joining, across
    # sites): among candidates with as few interviews, a freed slot goes to them first, in this order.
    waiting: tuple[str, ...] = ()
    choices: tuple[Choice, ...] = ()


class Interview(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """One interview of a plan: a candidate meets a company by video from a computer at the candidate's
    site, on `day` from `start` for the grid's length. A (candidate, company) pair identifies it."""

    candidate_id: str
    company_id: str
    site_id: str
    computer_id: str
    day: int
    start: int

    @property
    def pair(self) -> tuple[str, str]:
        """The (candidate, company) key of this interview, unique within a plan."""
        return (self.candidate_id, self.company_id)

    @property
    def begins(self) -> Moment:
        """When the interview starts."""
        return Moment(day=self.day, minute=self.start)


class Plan(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A set of interviews, in no particular order."""

    interviews: tuple[Interview, ...] = ()
