"""Who is busy when, while a plan is built (greedy) or mended (repair): the one place that answers
"is this candidate, company or computer free at that slot?"."""

from __future__ import annotations

from collections.abc import Iterable

from jobdating.scheduling.planning.frame import Frame
from jobdating.scheduling.planning.model import Interview


class Board:
    """Mutable occupancy of slots by interviews; internal to the planner, never returned."""

    def __init__(self, frame: Frame, interviews: Iterable[Interview] = ()) -> None:
        self.frame = frame
        self.busy: dict[str, dict[int, Interview]] = {}
        self.load: dict[tuple[str, int], int] = {}
        self.running: dict[tuple[str, int], list[Interview]] = {}
        self.seat: dict[tuple[str, int], Interview] = {}
        self.met: set[tuple[str, str]] = set()
        for interview in interviews:
            self.add(interview)

    def slot(self, interview: Interview) -> int:
        """The grid slot of an interview; a published plan is always on the grid."""
        t = self.frame.slot(interview.day, interview.start)
        if t is None:
            raise ValueError(f"interview off the slot grid: {interview}")
        return t

    def add(self, interview: Interview) -> None:
        """Book the candidate, a recruiter of the company and the computer at the interview's slot."""
        t = self.slot(interview)
        self.busy.setdefault(interview.candidate_id, {})[t] = interview
        key = (interview.company_id, t)
        self.load[key] = self.load.get(key, 0) + 1
        self.running.setdefault(key, []).append(interview)
        self.seat[(interview.computer_id, t)] = interview
        self.met.add(interview.pair)

    def remove(self, interview: Interview) -> None:
        """Free what `add` booked."""
        t = self.slot(interview)
        del self.busy[interview.candidate_id][t]
        self.load[(interview.company_id, t)] -= 1
        self.running[(interview.company_id, t)].remove(interview)
        del self.seat[(interview.computer_id, t)]
        self.met.discard(interview.pair)

    def count(self, candidate_id: str) -> int:
        """How many interviews a candidate has on the board."""
        return len(self.busy.get(candidate_id, ()))

    def candidate_free(self, candidate_id: str, t: int) -> bool:
        """The candidate has no interview at `t` nor close enough to eat into the buffer."""
        busy = self.busy.get(candidate_id)
        if not busy:
            return True
        # `isdisjoint` runs in C: this test is the planner's most frequent (greedy, timetable, placement).
        return t not in busy and busy.keys().isdisjoint(self.frame.conflicts[t])

    def company_free(self, company_id: str, t: int) -> bool:
        """A recruiter of the company is free at `t` (windows are the caller's business)."""
        return self.load.get((company_id, t), 0) < self.frame.recruiters(company_id, t)

    def free_computer(self, site_id: str, t: int, prefer: str | None = None) -> str | None:
        """A working computer of the site with nobody on it at `t`: `prefer` if it qualifies, else the
        first by id; None when the site is full."""
        if prefer is not None and self._computer_free(prefer, t):
            return prefer
        for computer_id in self.frame.site_computers(site_id):
            if self._computer_free(computer_id, t):
                return computer_id
        return None

    def _computer_free(self, computer_id: str, t: int) -> bool:
        return (computer_id, t) not in self.seat and t in self.frame.computer_slots(computer_id)

    def interview_at(self, candidate_id: str, company_id: str, t: int, computer_id: str) -> Interview:
        """The interview a booking at slot `t` stands for."""
        day, start = self.frame.slots[t]
        return Interview(
            candidate_id=candidate_id,
            company_id=company_id,
            site_id=self.frame.candidates[candidate_id].site_id,
            computer_id=computer_id,
            day=day,
            start=start,
        )
