"""The wall clock a solve must keep to, and what building a program costs on it.

A coordinator's time limit is a promise about when the plan comes back, not about solver seconds: model
building in Python, the timetable and the finishing steps count too (issue 19: a 25 s limit once took
382 s, a 180,000-column program built and solved far past its share). So every step asks the deadline
how long it may take, and a whole program is built only when building and solving it fits in what is left.
"""

from __future__ import annotations

import time

# Measured on the open computer-bound fair (5,000 candidates, one component of 182,000 columns) under load
# 8-12 on 2 cores: formulating took 34 us a column and loading it into HiGHS 5 us more. Three times
# that leaves the solver about as long as building took, the least worth starting.
BUILD_SECONDS_PER_COLUMN = 4e-5
_WORTH = 3.0
# Past this size HiGHS does not keep its own time limit: the open computer-bound fair's whole program
# (168,000 columns) ran 9 s past a 30 s limit, warm-started, and brought nothing the neighbourhoods had
# not (the 147,000-column program: 365 s past 16 s). The neighbourhood searches keep such a one.
MOST_COLUMNS = 50_000


class Deadline:
    """An instant on the monotonic clock (`time.perf_counter`) by which a step must be done."""

    def __init__(self, at: float) -> None:
        self.at = at

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(time.perf_counter() + max(seconds, 0.0))

    def left(self) -> float:
        """Seconds left, never negative."""
        return max(self.at - time.perf_counter(), 0.0)

    def passed(self) -> bool:
        return time.perf_counter() >= self.at

    def sooner(self, seconds: float) -> Deadline:
        """This deadline or `seconds` from now, whichever comes first."""
        return Deadline(min(self.at, time.perf_counter() + max(seconds, 0.0)))

    def later(self, seconds: float) -> Deadline:
        """This deadline or `seconds` from now, whichever comes last."""
        return Deadline(max(self.at, time.perf_counter() + max(seconds, 0.0)))

    def fits(self, columns: int) -> bool:
        """Whether a program of `columns` columns can be built and still leave its solver time to run
        (never beyond `MOST_COLUMNS`)."""
        return self.fits_all([columns])

    def fits_all(self, programs: list[int]) -> bool:
        """Whether programs of these many columns can be built and solved one after the other in time."""
        total = sum(programs) * BUILD_SECONDS_PER_COLUMN * _WORTH
        return all(columns <= MOST_COLUMNS for columns in programs) and total <= self.left()
