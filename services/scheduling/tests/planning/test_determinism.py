"""The same input gives the same plan whatever the machine's load, whenever the planner proves optimality.

The demo job dating has many equally optimal plans; coordinators (and the demo day's hand count) expect
one. The planner once switched between two HiGHS runs on a wall-clock limit of 60 ms, so a loaded machine
ended on another optimum: here the solves run with and without processes burning every core."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from jobdating.scheduling.planning import model as m
from jobdating.scheduling.planning.solve import solve
from jobdating.testing import demo_data


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def demo_instance() -> m.Instance:
    """The demo job dating (`jobdating.ops.demo`) as the scheduling service builds it: one morning, 20-minute
    interviews with 10 minutes between two, a break at 10:30, at most 4 interviews per candidate."""
    morning = m.Window(day=0, start=_minutes("08:30"), end=_minutes("12:30"))
    return m.Instance(
        days=(m.Day(index=0, start=morning.start, end=morning.end),),
        grid=m.SlotGrid(
            length=20, buffer=10, breaks=(m.Window(day=0, start=_minutes("10:30"), end=_minutes("10:45")),)
        ),
        sites=tuple(m.Site(id=f"site-{s.key}", opening=(morning,)) for s in demo_data.SITES),
        computers=tuple(
            m.Computer(id=f"pc-{s.key}-{n}", site_id=f"site-{s.key}")
            for s in demo_data.SITES
            for n in range(1, s.computers + 1)
        ),
        companies=tuple(
            m.Company(
                id=c.key,
                recruiters=c.recruiters,
                windows=(m.Window(day=0, start=_minutes(c.start), end=_minutes(c.end)),),
            )
            for c in demo_data.COMPANIES
        ),
        candidates=tuple(
            m.Candidate(
                id=f"candidate-{i:02d}",
                site_id=f"site-{p.site_key}",
                available=(morning,),
                wishes=p.wishes,
                max_interviews=4,
            )
            for i, p in enumerate(demo_data.candidates())
        ),
    )


@contextmanager
def _cores_busy() -> Iterator[None]:
    """Two processes per core spinning, so the solver gets a fraction of a core and its runs take longer."""
    burners = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2 * (os.cpu_count() or 1))
    ]
    try:
        yield
    finally:
        for burner in burners:
            burner.kill()
        for burner in burners:
            burner.wait()


def _plan(instance: m.Instance, time_limit: float = 10) -> tuple[m.Interview, ...]:
    solution = solve(instance, engine="highs", time_limit=time_limit)
    assert solution.status == "optimal"
    return solution.plan.interviews


def test_the_demo_plan_is_the_same_with_and_without_load() -> None:
    instance = demo_instance()
    plans = [_plan(instance) for _ in range(3)]
    with _cores_busy():
        plans += [_plan(instance) for _ in range(3)]
    plans.append(_plan(instance))
    assert len(plans[0]) == 163
    assert len(set(plans)) == 1


def test_the_demo_plan_does_not_depend_on_the_time_limit() -> None:
    # Each run's clock limits scale with the time limit; a proven optimum must not.
    instance = demo_instance()
    assert _plan(instance, time_limit=2) == _plan(instance, time_limit=60)
