"""The demo's day is chosen from the stack's clock, never fixed: the next working day in France."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from jobdating.ops.demo_calendar import (
    easter_sunday,
    keep_day,
    kept_day,
    local_today,
    next_working_day,
    public_holidays,
)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2027, 1, 7), date(2027, 1, 8)),  # a Thursday: the Friday
        (date(2027, 1, 8), date(2027, 1, 11)),  # a Friday: the Monday
        (date(2027, 1, 9), date(2027, 1, 11)),  # a Saturday: the Monday
        (date(2026, 12, 31), date(2027, 1, 4)),  # New Year's Day is a Friday, then a weekend
        (date(2030, 8, 14), date(2030, 8, 16)),  # a Wednesday in August: 15 August is a holiday
        (date(2027, 5, 5), date(2027, 5, 7)),  # Ascension Thursday
        (date(2026, 12, 24), date(2026, 12, 28)),  # Christmas on a Friday
    ],
)
def test_the_demo_is_held_on_the_next_working_day(today: date, expected: date) -> None:
    assert next_working_day(today) == expected


def test_easter_and_the_eleven_french_public_holidays() -> None:
    assert [easter_sunday(y) for y in (2026, 2027, 2038)] == [
        date(2026, 4, 5),
        date(2027, 3, 28),
        date(2038, 4, 25),
    ]
    holidays = public_holidays(2027)
    assert len(holidays) == 11
    assert {date(2027, 3, 29), date(2027, 5, 6), date(2027, 5, 17), date(2027, 7, 14)} <= holidays


def test_today_is_the_date_in_france_not_in_utc() -> None:
    # 23:30 UTC on 31 December is already New Year's Day in Paris.
    assert local_today(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == date(2027, 1, 1)
    assert local_today(datetime(2027, 8, 10, 22, 30, tzinfo=UTC)) == date(2027, 8, 11)


def test_a_chosen_day_is_kept_for_the_next_start(tmp_path: Path) -> None:
    assert kept_day(tmp_path) is None
    keep_day(tmp_path, date(2027, 1, 11))
    assert kept_day(tmp_path) == date(2027, 1, 11)
