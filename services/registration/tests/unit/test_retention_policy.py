"""The retention policy: its setting, the day it runs from, and the day it runs out."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from jobdating.contracts.registration import Availability, CandidateProfile
from jobdating.registration.application.retention_policy import (
    RetentionPolicy,
    add_months,
    expired,
    last_job_dating,
    parse_by_org,
)
from jobdating.registration.config import RegistrationSettings
from jobdating.registration.main import main

PARIS = ZoneInfo("Europe/Paris")


def profile(*days: date) -> CandidateProfile:
    return CandidateProfile(
        referring_org="mel",
        site_id="site-1",
        availability=tuple(Availability(day=d, start=time(9), end=time(12)) for d in days),
    )


def test_the_setting_names_months_per_organisation_and_the_others_get_the_default() -> None:
    assert parse_by_org("") == {}
    assert parse_by_org(" mel = 12 , mission-locale=36,") == {"mel": 12, "mission-locale": 36}
    policy = RetentionPolicy(default=24, by_org=parse_by_org("mel=12"))
    assert (policy.months_for("mel"), policy.months_for("plie")) == (12, 24)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("mel", "not org=months"),
        ("=12", "not org=months"),
        ("m.el=12", "not org=months"),
        ("mel=", "whole number"),
        ("mel=douze", "whole number"),
        ("mel=-3", "whole number"),
        ("mel=0", "1 to 1200 months"),
        ("mel=1201", "1 to 1200 months"),
        ("mel=12,mel=24", "given twice"),
    ],
)
def test_a_wrong_setting_is_refused_saying_why(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_by_org(text)


@pytest.mark.parametrize(
    ("variable", "value"),
    [("RETENTION_BY_ORG", "mel=douze"), ("RETENTION_BY_ORG", "mel:12"), ("RETENTION_MONTHS", "0")],
)
def test_a_wrong_setting_stops_the_command_naming_the_variable(
    variable: str,
    value: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("JOBDATING_REGISTRATION_ORG", "mel")
    monkeypatch.setenv("JOBDATING_REGISTRATION_STORE_URL", f"sqlite:///{tmp_path / 'registration.db'}")
    monkeypatch.setenv(f"JOBDATING_REGISTRATION_{variable}", value)
    assert main(["retention", "--dry-run"]) == 2
    assert f"JOBDATING_REGISTRATION_{variable}" in capsys.readouterr().err
    assert not (tmp_path / "registration.db").exists()  # stopped before opening anything


def test_the_settings_default_to_24_months_for_everyone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JOBDATING_REGISTRATION_RETENTION_MONTHS", raising=False)
    monkeypatch.delenv("JOBDATING_REGISTRATION_RETENTION_BY_ORG", raising=False)
    policy = RegistrationSettings(org="mel").retention_policy()
    assert policy == RetentionPolicy(default=24, by_org={})


def test_the_last_job_dating_is_the_latest_day_to_attend_else_the_registration_day() -> None:
    registered = datetime(2026, 1, 4, 23, 30, tzinfo=UTC)  # already the 5th in Paris
    assert last_job_dating(profile(), registered, PARIS) == date(2026, 1, 5)
    assert last_job_dating(profile(date(2026, 1, 15), date(2026, 1, 20)), registered, PARIS) == date(
        2026, 1, 20
    )
    # A day to attend before the registration (typed in afterwards) does not move the start back.
    assert last_job_dating(profile(date(2025, 12, 1)), registered, PARIS) == date(2026, 1, 5)


def test_months_are_calendar_months_and_the_anniversary_day_is_still_kept() -> None:
    assert add_months(date(2026, 1, 15), 12) == date(2027, 1, 15)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2027, 12, 31), 2) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 30), 25) == date(2028, 12, 30)
    assert not expired(date(2026, 1, 15), 12, date(2027, 1, 15))
    assert expired(date(2026, 1, 15), 12, date(2027, 1, 16))
    assert not expired(date(2026, 1, 15), 24, date(2027, 2, 15))
