"""The pacer keeps a provider's rate: a burst, then one message per 1/rate seconds."""

from __future__ import annotations

import pytest

from jobdating.notifications.application.pacing import Pacer


class Ticks:
    def __init__(self) -> None:
        self.at = 100.0

    def __call__(self) -> float:
        return self.at


def test_a_burst_then_one_token_per_interval() -> None:
    ticks = Ticks()
    pacer = Pacer(10, burst=2, now=ticks)
    assert [pacer.take() for _ in range(3)] == [True, True, False]
    assert pacer.wait() == pytest.approx(0.1)
    ticks.at += 0.05
    assert not pacer.take()
    assert pacer.wait() == pytest.approx(0.05)
    ticks.at += 0.05
    assert pacer.take()
    assert not pacer.take()


def test_an_idle_pacer_saves_no_more_than_its_burst() -> None:
    ticks = Ticks()
    pacer = Pacer(50, burst=5, now=ticks)
    ticks.at += 3600
    assert sum(pacer.take() for _ in range(20)) == 5
    assert pacer.wait() == pytest.approx(1 / 50)


def test_a_rate_of_zero_is_refused() -> None:
    with pytest.raises(ValueError, match="rate"):
        Pacer(0)


def test_by_default_a_tenth_of_a_seconds_worth_goes_together() -> None:
    ticks = Ticks()
    pacer = Pacer(50, now=ticks)
    assert sum(pacer.take() for _ in range(10)) == 5
    assert Pacer(4, now=ticks).burst == 1  # never less than one


@pytest.mark.parametrize("rate", [0, -5])
def test_a_provider_rate_of_zero_or_less_is_refused_at_start(rate: float) -> None:
    from pydantic import ValidationError

    from jobdating.notifications.config import NotificationsSettings

    with pytest.raises(ValidationError, match="sms_rate_per_second"):
        NotificationsSettings(sms_rate_per_second=rate)
