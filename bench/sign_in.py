"""Sign-in rate of the identity service with its argon2id parameters, against raw
`argon2.PasswordHasher().verify` of the same parameters in the same run.

    .venv/bin/python -m bench.sign_in --signins 200 --threads 2

Parameters (`jobdating.identity.adapters.passwords.ARGON2ID`, RFC 9106's second recommended option, which is
also argon2-cffi's default): argon2id, time_cost 3, memory_cost 64 MiB, parallelism 4, 32-byte tag,
16-byte salt. A sign-in is the whole use case in-process (throttle check and account lookup in one SQLite
transaction, the argon2id verification, clearing the account's failures, signing an EdDSA token) and the
same through the HTTP app (ASGI, no socket): the ratio says what the service adds to the hash itself.
"""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from argon2 import PasswordHasher

from bench.common import int_options, report, scratch_dir
from jobdating.eventstore import open_store
from jobdating.identity.adapters.passwords import ARGON2ID
from jobdating.identity.bootstrap import IdentityService, bootstrap
from jobdating.identity.config import IdentitySettings
from jobdating.identity.domain.commands import RegisterOrganisation
from jobdating.identity.domain.permissions import Actor
from jobdating.runtime.auth import TokenTable
from jobdating.runtime.commands import Meta
from jobdating.runtime.logging import configure_logging

PASSWORD = "un mot de passe pour le banc d'essai"
EMAIL = "conseiller@departement-nord.example"


class KeptMail:
    """A mailer keeping the last mail's text (the invitation link) instead of sending it."""

    def __init__(self) -> None:
        self.text = ""

    def send(self, to: str, subject: str, text: str) -> None:
        self.text = text


def an_account(service: IdentityService, mail: KeptMail) -> None:
    """A counsellor (no second factor) of the département, invited and activated."""
    actor = Actor(account_id="bench", org="departement-nord", roles=("coordinator",))
    meta = Meta(org="departement-nord", actor_id="bench", correlation_id="bench")
    service.handlers.register_organisation(
        RegisterOrganisation(organisation_id="departement-nord", kind="departement", name="Département"),
        actor,
        meta,
    )
    service.invitations.invite("departement-nord", EMAIL, ("counsellor",), actor, meta)
    token = mail.text.split("jeton=")[1].split()[0]
    service.invitations.accept(token, PASSWORD, "bench")


def rate(n: int, threads: int, one: Any) -> float:
    """Calls of `one(i)` per second, `threads` at a time."""
    start = time.perf_counter()
    if threads == 1:
        for i in range(n):
            one(i)
    else:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(one, range(n)))
    return n / (time.perf_counter() - start)


async def http_rate(service: IdentityService, n: int) -> float:
    transport = httpx.ASGITransport(app=service.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://identity.bench") as client:
        start = time.perf_counter()
        for _ in range(n):
            response = await client.post("/sign-in", json={"email": EMAIL, "password": PASSWORD})
            assert response.status_code == 200, response.text
        return n / (time.perf_counter() - start)


def main(signins: int, threads: int) -> dict[str, Any]:
    configure_logging("bench", "-", logging.WARNING)
    work = scratch_dir("jd-bench-sign-in-")
    store = open_store(f"sqlite:///{work / 'identity.db'}")
    mail = KeptMail()
    settings = IdentitySettings(org="departement-nord", tokens_file=None, store_url="sqlite:///unused")
    service = bootstrap(settings, store=store, tokens=TokenTable({}), mailer=mail)
    an_account(service, mail)
    hasher = PasswordHasher.from_parameters(ARGON2ID)
    hashed = hasher.hash(PASSWORD)

    def raw(_: int) -> None:
        hasher.verify(hashed, PASSWORD)

    def sign_in(i: int) -> None:
        service.sign_in.sign_in(EMAIL, PASSWORD, None, f"10.0.{i // 250}.{i % 250}")

    result: dict[str, Any] = {
        "argon2id": {
            "time_cost": ARGON2ID.time_cost,
            "memory_cost_kib": ARGON2ID.memory_cost,
            "parallelism": ARGON2ID.parallelism,
            "hash_len": ARGON2ID.hash_len,
            "salt_len": ARGON2ID.salt_len,
        },
        "signins": signins,
    }
    # Interleaved so that a change of load on the shared machine touches both sides.
    for label, count in (("1_thread", 1), (f"{threads}_threads", threads)):
        raw_rate = rate(signins, count, raw)
        sign_in_rate = rate(signins, count, sign_in)
        result[label] = {
            "raw_verify_per_s": round(raw_rate, 1),
            "sign_in_per_s": round(sign_in_rate, 1),
            "ratio": round(sign_in_rate / raw_rate, 3),
        }
    raw_rate = rate(signins, 1, raw)
    result["http_1_client"] = {
        "raw_verify_per_s": round(raw_rate, 1),
        "sign_in_per_s": round(asyncio.run(http_rate(service, signins)), 1),
    }
    result["http_1_client"]["ratio"] = round(result["http_1_client"]["sign_in_per_s"] / raw_rate, 3)
    store.close()
    return result


if __name__ == "__main__":
    options = int_options(signins=100, threads=2)
    report("sign_in", main(options.signins, options.threads))
