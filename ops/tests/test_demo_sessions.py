"""The demo's people signed in (`demo_sessions`): one sign-in per access token, a new one before it expires,
the TOTP code of the moment for the roles that need one; their counsellor accounts in the staff directory.
Identity here is a fake answering `/sign-in` as identity does (its real sign-in is tested in identity and
end to end in tests/e2e/test_demo_day.py)."""

from __future__ import annotations

from typing import Any

import httpx
import msgspec

from jobdating.ops.demo_accounts import DemoAccount, totp
from jobdating.ops.demo_sessions import Sessions, counsellor_ids, staff_of
from jobdating.testing.demo_data import COORDINATOR_ORG

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class FakeIdentity:
    """Answers sign-ins with numbered tokens of `lifetime` seconds, refusing a TOTP code used before."""

    def __init__(self, clock: list[float], lifetime: int = 900) -> None:
        self.clock = clock
        self.lifetime = lifetime
        self.bodies: list[dict[str, Any]] = []
        self.used: set[str] = set()

    def post(self, url: str, *, json: dict[str, Any]) -> httpx.Response:
        assert url == "http://identity/sign-in"
        self.bodies.append(json)
        request = httpx.Request("POST", url)
        code = json.get("code")
        if code is not None and (code in self.used or code != totp(SECRET, self.clock[0])):
            return httpx.Response(401, json={"detail": "code"}, request=request)
        if code is not None:
            self.used.add(code)
        token = {"access_token": f"t{len(self.bodies)}", "token_type": "Bearer", "expires_in": self.lifetime}
        return httpx.Response(200, json=token, request=request)


class Member(msgspec.Struct):
    id: str
    role: str
    org: str


class Directory(msgspec.Struct):
    staff: list[Member]


def account(key: str, role: str, org: str, secret: str | None = None, account_id: str = "") -> DemoAccount:
    return DemoAccount(
        key=key,
        role=role,
        org=org,
        email=f"{key}@{org}.exemple.fr",
        where=org,
        password="pass-word-long-enough",
        account_id=account_id or None,
        totp_secret=secret,
    )


def test_a_person_signs_in_once_then_again_two_thirds_into_the_life_of_their_token() -> None:
    clock = [1_000_000.0]
    identity = FakeIdentity(clock, lifetime=60)
    host = account("host-faches", "site_manager", "departement-nord")
    sessions = Sessions(identity, "http://identity/", [host], wall_clock=lambda: clock[0])

    first = sessions.of("departement-nord", "site_manager")
    clock[0] += 39
    assert sessions.token("host-faches") == first
    clock[0] += 1
    assert sessions.token("host-faches") != first
    assert sessions.sign_ins == 2
    assert [b["email"] for b in identity.bodies] == [host.email] * 2
    assert all("code" not in b for b in identity.bodies)


def test_the_coordinator_signs_in_again_with_the_code_of_a_later_step() -> None:
    clock = [1_000_005.0]
    identity = FakeIdentity(clock, lifetime=60)
    coordinator = account("coordinator", "coordinator", COORDINATOR_ORG, secret=SECRET)
    sessions = Sessions(identity, "http://identity", [coordinator], wall_clock=lambda: clock[0])

    sessions.of(COORDINATOR_ORG, "coordinator")
    clock[0] += 40  # renewed: two thirds of a minute later, another 30-second step, another code
    sessions.of(COORDINATOR_ORG, "coordinator")
    codes = [b["code"] for b in identity.bodies]
    assert len(codes) == 2
    assert codes[0] != codes[1]
    assert sessions.sign_ins == 2


def test_each_partners_counsellor_account_follows_its_candidates_and_is_in_the_staff_directory() -> None:
    accounts = [
        account("counsellor-mission-locale", "counsellor", "mission-locale", account_id="acc-1"),
        account("counsellor-asso-reussir", "counsellor", "asso-reussir", account_id="acc-2"),
        account("host-seclin", "site_manager", "mission-locale", account_id="acc-3"),
    ]
    assert counsellor_ids(accounts) == {"mission-locale": "acc-1", "asso-reussir": "acc-2"}

    listed = msgspec.toml.decode(staff_of(accounts).encode(), type=Directory).staff
    assert [(m.id, m.role, m.org) for m in listed] == [
        ("acc-1", "counsellor", "mission-locale"),
        ("acc-2", "counsellor", "asso-reussir"),
    ]
