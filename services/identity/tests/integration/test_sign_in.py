"""Signing in: throttling per account and per client address, the same answer and work for unknown
addresses, and the second factor the coordination must give."""

from __future__ import annotations

from datetime import timedelta

from jobdating.identity.bootstrap import IdentityService

from .conftest import COORDINATOR_EMAIL, PASSWORD, Api, CountingPasswords

WRONG = "pas le bon mot de passe"


async def test_wrong_passwords_slow_an_account_down_from_any_address(api: Api, counsellor: str) -> None:
    for attempt in range(5):
        wrong = await api.sign_in(counsellor, WRONG, client=f"10.0.0.{attempt}")
        assert wrong.status_code == 401
    throttled = await api.sign_in(counsellor, client="10.0.1.1")  # even the right password, elsewhere
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) == 15 * 60
    assert "trop d'essais" in throttled.json()["detail"][0]["reason"]
    api.clock.advance(timedelta(minutes=10))
    assert int((await api.sign_in(counsellor)).headers["Retry-After"]) == 5 * 60
    api.clock.advance(timedelta(minutes=5, seconds=1))
    assert (await api.sign_in(counsellor)).status_code == 200


async def test_wrong_passwords_slow_a_client_address_down_whatever_the_account(
    api: Api, counsellor: str
) -> None:
    for n in range(5):
        assert (await api.sign_in(f"inconnu{n}@example.org", WRONG, client="10.9.9.9")).status_code == 401
    assert (await api.sign_in(counsellor, client="10.9.9.9")).status_code == 429
    assert (await api.sign_in(counsellor, client="10.8.8.8")).status_code == 200


async def test_an_unknown_address_gets_the_same_answer_and_the_same_work(
    api: Api, service: IdentityService, counsellor: str
) -> None:
    passwords = service.sign_in.passwords
    assert isinstance(passwords, CountingPasswords)
    before = passwords.verifications
    known = await api.sign_in(counsellor, WRONG)
    assert passwords.verifications == before + 1
    unknown = await api.sign_in("personne@example.org", WRONG)
    assert passwords.verifications == before + 2  # a dummy hash verified: the same argon2id work
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
    # ... and unknown addresses are throttled the same way.
    for _ in range(4):
        await api.sign_in("personne@example.org", WRONG, client="10.1.1.1")
    assert (await api.sign_in("personne@example.org", WRONG, client="10.2.2.2")).status_code == 429


async def test_the_coordination_signs_in_with_a_second_factor(api: Api) -> None:
    await api.coordinator()
    api.clock.advance(timedelta(seconds=31))
    no_code = await api.sign_in(COORDINATOR_EMAIL, code="")
    assert no_code.status_code == 401
    assert no_code.json()["detail"] == [
        {
            "field": "code",
            "reason": "code de vérification requis : ouvrez votre application d'authentification",
        }
    ]
    wrong = await api.sign_in(
        COORDINATOR_EMAIL, code="000000" if api.code(COORDINATOR_EMAIL) != "000000" else "111111"
    )
    assert wrong.status_code == 401
    code = api.code(COORDINATOR_EMAIL)
    assert (await api.sign_in(COORDINATOR_EMAIL, code=code)).status_code == 200
    replayed = await api.sign_in(COORDINATOR_EMAIL, code=code)
    assert replayed.status_code == 401  # a code serves once
    assert (await api.sign_in(COORDINATOR_EMAIL, PASSWORD + "x", code=code)).json()["detail"][0][
        "field"
    ] == "email"


async def test_a_disabled_account_signs_in_no_more(api: Api, counsellor: str) -> None:
    api.clock.advance(timedelta(seconds=31))
    coordinator = (await api.sign_in(COORDINATOR_EMAIL)).json()["access_token"]
    account_id = api.account_id(counsellor)
    assert (await api.call("POST", f"/accounts/{account_id}/disable", coordinator)).status_code == 200
    refused = await api.sign_in(counsellor)
    assert refused.status_code == 403
    assert "désactivé" in refused.json()["detail"][0]["reason"]
