"""Cost of verifying an identity access token (EdDSA JWT, offline) on a typical read, in the same run:
the same `GET /sites/{id}` of a sites instance with no authentication at all (the caller dependency
replaced by a fixed principal: the baseline), with a machine token (hashed in its file), with an access
token the service verified before (a client reuses its token for its 15 minutes), and with a new access
token on every request (full check: Ed25519 signature, claims); and the verification alone, for both. The
identity stand-in serves its keys and revocation list over real HTTP; the requests go through the whole
FastAPI app in process (no socket), so the read's time is the service's.

    .venv/bin/python -m bench.token_verification --requests 3000 --rounds 5
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
from fastapi import FastAPI

from bench.common import int_options, peak_rss_mb, report, scratch_dir
from jobdating.eventstore.factory import open_store
from jobdating.runtime.access_tokens import AccessTokenVerifier
from jobdating.runtime.auth import Principal, current_principal
from jobdating.runtime.machine_tokens import hashed_key
from jobdating.sites.bootstrap import bootstrap
from jobdating.sites.config import SitesSettings
from jobdating.testing.identity import IdentityStandIn

ORG = "departement-nord"
SITE = {
    "name": "Maison de l'emploi de Ronchin",
    "host_org": "france-travail",
    "address": "3 avenue Jean Jaurès",
    "commune": "Ronchin",
    "postcode": "59790",
    "location": {"lat": 50.605, "lon": 3.0895},
    "hours": [{"day": "2026-12-03", "start": "08:30", "end": "12:30"}],
    "accessibility": ["wheelchair"],
    "contact": {"phone": "03 20 00 00 00", "email": "accueil@example.org"},
}


NOBODY = Principal(org=ORG, role="coordinator", actor_id="bench")


async def _without_auth(client: httpx.AsyncClient, app: FastAPI, url: str, requests: int) -> float:
    """The same read with the caller given, not looked up: what a request costs before any token."""
    app.dependency_overrides[current_principal] = lambda: NOBODY
    try:
        return await _per_request(client, url, ["none"] * requests)
    finally:
        app.dependency_overrides.clear()


async def _per_request(client: httpx.AsyncClient, url: str, tokens: list[str]) -> float:
    start = time.perf_counter()
    for token in tokens:
        response = await client.get(url, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.text
    return (time.perf_counter() - start) / len(tokens)


def _verify_alone(verifier: AccessTokenVerifier, tokens: list[str]) -> float:
    start = time.perf_counter()
    for token in tokens:
        verifier.verify(token)
    return (time.perf_counter() - start) / len(tokens)


def _fresh(identity: IdentityStandIn, requests: int) -> list[str]:
    return [identity.token(sub="acc-bench-02", org=ORG, roles=["coordinator"]) for _ in range(requests)]


async def run(requests: int, rounds: int, work: Path) -> dict[str, object]:
    with IdentityStandIn() as identity:
        tokens_file = work / "tokens.json"
        machine = {hashed_key("machine"): {"org": ORG, "role": "coordinator", "actor_id": "import-1"}}
        tokens_file.write_text(json.dumps(machine))
        settings = SitesSettings(
            org=ORG,
            store_url=f"sqlite:///{work / 'sites.db'}",
            tokens_file=tokens_file,
            identity_url=identity.url,
        )
        service = bootstrap(settings, store=open_store(settings.store_url))
        access = identity.token(sub="acc-bench-01", org=ORG, roles=["coordinator"])
        verifier = service.app.state.tokens.access_tokens
        assert isinstance(verifier, AccessTokenVerifier)
        transport = httpx.ASGITransport(app=service.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://sites.bench") as client:
            created = await client.post("/sites", json=SITE, headers={"Authorization": "Bearer machine"})
            url = f"/sites/{created.json()['site_id']}"
            await _per_request(client, url, [access] * 200)  # warm up both paths and the lists
            await _per_request(client, url, ["machine"] * 200)
            times: dict[str, list[float]] = {
                k: [] for k in ("none", "machine", "reused", "fresh", "alone", "alone_fresh")
            }
            # Interleaved rounds: the shared machine's load moves, and each round compares like with like.
            reads: dict[str, Callable[[], Awaitable[float]]] = {
                "none": lambda: _without_auth(client, service.app, url, requests),
                "machine": lambda: _per_request(client, url, ["machine"] * requests),
                "reused": lambda: _per_request(client, url, [access] * requests),
                "fresh": lambda: _per_request(client, url, _fresh(identity, requests)),
            }
            order = list(reads)
            for round_ in range(rounds):
                # Each round starts with another variant: a load that moves favours no one.
                for name in order[round_ % 4 :] + order[: round_ % 4]:
                    times[name].append(await reads[name]())
                times["alone"].append(_verify_alone(verifier, [access] * requests))
                times["alone_fresh"].append(_verify_alone(verifier, _fresh(identity, requests)))
    us = {k: statistics.median(v) * 1e6 for k, v in times.items()}
    return {
        "requests_per_round": requests,
        "rounds": rounds,
        "read_without_auth_us": round(us["none"], 1),
        "read_with_machine_token_us": round(us["machine"], 1),
        "read_with_reused_access_token_us": round(us["reused"], 1),
        "read_with_new_access_token_us": round(us["fresh"], 1),
        "verification_alone_reused_us": round(us["alone"], 1),
        "verification_alone_new_us": round(us["alone_fresh"], 1),
        "reused_over_machine_ratio": round(us["reused"] / us["machine"], 3),
        "new_over_machine_ratio": round(us["fresh"] / us["machine"], 3),
        "reused_over_no_auth_ratio": round(us["reused"] / us["none"], 3),
        "machine_over_no_auth_ratio": round(us["machine"] / us["none"], 3),
        "new_over_no_auth_ratio": round(us["fresh"] / us["none"], 3),
        "verification_alone_reused_share_of_no_auth_read": round(us["alone"] / us["none"], 4),
        "verification_alone_new_share_of_no_auth_read": round(us["alone_fresh"] / us["none"], 4),
        "verification_share_of_read_reused": round(us["alone"] / us["reused"], 3),
        "verification_share_of_read_new": round(us["alone_fresh"] / us["fresh"], 3),
        "per_round_reused_ratio": [
            round(x / y, 3) for x, y in zip(times["reused"], times["machine"], strict=True)
        ],
        "per_round_reused_over_no_auth": [
            round(x / y, 3) for x, y in zip(times["reused"], times["none"], strict=True)
        ],
        "per_round_new_ratio": [
            round(x / y, 3) for x, y in zip(times["fresh"], times["machine"], strict=True)
        ],
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def main() -> None:
    options = int_options(requests=3000, rounds=5)
    result = asyncio.run(run(options.requests, options.rounds, scratch_dir("bench-tokens-")))
    report("token_verification", result)


if __name__ == "__main__":
    main()
