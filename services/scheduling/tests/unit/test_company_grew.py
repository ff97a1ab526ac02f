"""When a company's change after publication gives capacity (so the waiting list is refilled) or not."""

from __future__ import annotations

from datetime import date, time

import pytest

from jobdating.contracts.registration import CompanyProfile
from jobdating.scheduling.domain.disruptions import company_grew
from jobdating.scheduling.testing import morning_company

DAY = date(2026, 12, 3)


def profile(
    recruiters: int = 1, start: time = time(9), end: time = time(12), day: date | None = DAY
) -> CompanyProfile:
    return CompanyProfile(
        name="Nord Propreté",
        siret="00000000000000",
        sector="logistique",
        positions=(),
        parallel_recruiters=recruiters,
        window_start=start,
        window_end=end,
        day=day,
    )


@pytest.mark.parametrize(
    "after",
    [
        profile(recruiters=2),
        profile(start=time(8, 30)),
        profile(end=time(12, 30)),
        profile(day=None),  # every day of the job dating instead of one
        profile(recruiters=2, end=time(11)),  # narrower on one side, wider on the other: both handled
        profile(day=date(2026, 12, 4)),  # another day: its time there is new (a job dating of two days)
    ],
)
def test_more_recruiters_wider_hours_or_every_day_give_capacity(after: CompanyProfile) -> None:
    assert company_grew(morning_company("c-1", day=DAY), after)


@pytest.mark.parametrize(
    "after",
    [
        profile(),  # nothing that matters changed
        profile(end=time(11)),
        profile(start=time(10)),
        profile(recruiters=1, start=time(9), end=time(11, 30)),
    ],
)
def test_the_same_or_less_gives_nothing(after: CompanyProfile) -> None:
    assert not company_grew(morning_company("c-1", day=DAY), after)


def test_a_company_scheduling_never_knew_gives_nothing() -> None:
    assert not company_grew(None, profile(recruiters=3))
