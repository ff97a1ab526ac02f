"""Random small instances for the planning core's property tests, their sizes drawn from ranges."""

from __future__ import annotations

from hypothesis import strategies as st

from jobdating.scheduling.planning.generate import small_instance
from jobdating.scheduling.planning.generate_choices import with_choices
from jobdating.scheduling.planning.model import Instance

Sizes = tuple[int, int]


@st.composite
def small_instances(
    draw: st.DrawFn, *, candidates: Sizes, companies: Sizes, slots: Sizes, sites: int = 2, pins: bool = True
) -> Instance:
    """A `small_instance` of one or two days with between `candidates[0]` and `candidates[1]` candidates
    (likewise companies and slots a day); half of them with companies' rankings and must-meets."""
    instance = small_instance(
        draw(st.integers(0, 10**6)),
        candidates=draw(st.integers(*candidates)),
        companies=draw(st.integers(*companies)),
        sites=sites,
        slots=draw(st.integers(*slots)),
        days=draw(st.integers(1, 2)),
        pins=pins,
    )
    if draw(st.booleans()):
        instance = with_choices(instance, draw(st.integers(0, 10**6)), ranking=0.8, must_meet=1)
    return instance
