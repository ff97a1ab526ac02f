"""The argon2id cost comes from the settings, never below OWASP's minimum; old hashes keep verifying."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from jobdating.identity.adapters.passwords import ARGON2ID, Argon2Passwords, argon2id
from jobdating.identity.config import IdentitySettings


def test_the_default_cost_is_rfc_9106s_second_option(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TIME_COST", "MEMORY_KIB", "LANES"):
        monkeypatch.delenv(f"JOBDATING_IDENTITY_PASSWORD_{name}", raising=False)
    settings = IdentitySettings()
    chosen = argon2id(settings.password_time_cost, settings.password_memory_kib, settings.password_lanes)
    assert chosen == ARGON2ID
    assert (ARGON2ID.time_cost, ARGON2ID.memory_cost, ARGON2ID.parallelism) == (3, 65536, 4)


@pytest.mark.parametrize(("name", "value"), [("TIME_COST", "1"), ("MEMORY_KIB", "8192"), ("LANES", "0")])
def test_a_cost_below_owasps_minimum_is_refused_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(f"JOBDATING_IDENTITY_PASSWORD_{name}", value)
    with pytest.raises(ValidationError, match=f"password_{name.lower()}"):
        IdentitySettings()


def test_a_hash_made_at_another_cost_still_verifies() -> None:
    # A cost changed in the settings applies to new hashes; the PHC string carries each hash's own.
    old = Argon2Passwords(argon2id(2, 19 * 1024, 1)).hash("un mot de passe assez long")
    assert "m=19456,t=2,p=1" in old
    newer = Argon2Passwords(argon2id(3, 20 * 1024, 2))
    assert newer.verify(old, "un mot de passe assez long")
    assert not newer.verify(old, "un autre mot de passe")
