"""A sites instance wired from its settings with an identity URL accepts identity's access tokens, verified
offline against the keys and revocation list that a real HTTP server (the identity stand-in) publishes,
and still accepts the machine tokens of its tokens file."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from jobdating.contracts.envelope import decode_envelope
from jobdating.eventstore.base import EventStore
from jobdating.sites.bootstrap import bootstrap
from jobdating.sites.config import SitesSettings
from jobdating.testing.identity import IdentityStandIn

from .conftest import ORG, Api, FixedClock

REFRESH = 0.2  # seconds between two fetches of the revocation list


@pytest.fixture
def identity() -> Iterator[IdentityStandIn]:
    with IdentityStandIn() as identity:
        yield identity


@pytest.fixture
async def api(sqlite_store: EventStore, identity: IdentityStandIn, tmp_path: Path) -> AsyncIterator[Api]:
    tokens_file = tmp_path / "tokens.json"
    machine = {"machine-coordinator": {"org": ORG, "role": "coordinator", "actor_id": "import-1"}}
    tokens_file.write_text(json.dumps(machine))
    settings = SitesSettings(
        org=ORG,
        store_url="sqlite:///unused",
        tokens_file=tokens_file,
        identity_url=identity.url,
        identity_revocations_every=REFRESH,
    )
    # No `tokens=`: the instance authenticates with what its settings wire.
    service = bootstrap(settings, store=sqlite_store, clock=FixedClock())
    transport = httpx.ASGITransport(app=service.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sites.test") as client:
        yield Api(client)


def _refusal(response: httpx.Response, status: int = 401) -> str:
    assert response.status_code == status, response.text
    [error] = response.json()["detail"]
    assert error["field"] == "Authorization"
    reason: str = error["reason"]
    return reason


async def _open_site(api: Api, token: str, **changes: Any) -> httpx.Response:
    return await api.call("POST", "/sites", token, json=api.site_body(**changes))


def _actors(store: EventStore) -> list[str]:
    return [decode_envelope(event.body).actor_id for event in store.read_all()]


async def test_a_valid_access_token_acts_as_its_account(
    api: Api, identity: IdentityStandIn, sqlite_store: EventStore
) -> None:
    token = identity.token(sub="acc-coord-01", org=ORG, roles=["coordinator"])
    assert (await _open_site(api, token)).status_code == 201
    assert _actors(sqlite_store) == ["acc-coord-01"]
    # The machine tokens of the file still work beside them.
    assert (await _open_site(api, "machine-coordinator", name="Salle des fêtes")).status_code == 201
    assert _actors(sqlite_store) == ["acc-coord-01", "import-1"]


async def test_forged_none_expired_and_foreign_tokens_get_401(api: Api, identity: IdentityStandIn) -> None:
    claims = identity.claims(org=ORG, roles=["coordinator"])
    forged = identity.token(key=Ed25519PrivateKey.generate(), claims=claims)
    assert "signature" in _refusal(await _open_site(api, forged))
    other_kid = identity.token(kid="not-published", key=Ed25519PrivateKey.generate(), claims=claims)
    assert "clé inconnue" in _refusal(await _open_site(api, other_kid))
    body = identity.token(claims=claims).split(".")[1]
    none = f"eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{body}."
    assert "'none' refusé" in _refusal(await _open_site(api, none))
    expired = identity.token(org=ORG, issued=time.time() - 3600)
    assert "expiré" in _refusal(await _open_site(api, expired))
    elsewhere = identity.token(org=ORG, aud="another-app")
    assert "autre application" in _refusal(await _open_site(api, elsewhere))
    assert "inconnu" in _refusal(await _open_site(api, "no-such-machine-token"))


async def test_a_disabled_account_is_refused_once_the_list_is_refreshed(
    api: Api, identity: IdentityStandIn
) -> None:
    token = identity.token(sub="acc-leaving", org=ORG, roles=["coordinator"])
    assert (await api.call("GET", "/sites", token)).status_code == 200
    identity.revoke("acc-leaving")
    await asyncio.sleep(REFRESH * 2)
    # The request that finds the list stale refreshes it (without waiting); the next one sees the change.
    for _ in range(20):
        response = await api.call("GET", "/sites", token)
        if response.status_code == 401:
            break
        await asyncio.sleep(REFRESH / 4)
    assert "compte désactivé" in _refusal(response)
    other = identity.token(sub="acc-staying", org=ORG, roles=["coordinator"])
    assert (await api.call("GET", "/sites", other)).status_code == 200


async def test_after_a_key_rotation_new_tokens_work_and_old_ones_until_they_expire(
    api: Api, identity: IdentityStandIn
) -> None:
    old = identity.token(sub="acc-1", org=ORG, roles=["coordinator"])
    assert (await api.call("GET", "/sites", old)).status_code == 200
    identity.rotate()
    new = identity.token(sub="acc-1", org=ORG, roles=["coordinator"])
    assert (await _open_site(api, new)).status_code == 201
    assert (await _open_site(api, old, name="Salle des fêtes")).status_code == 201


async def test_an_account_with_several_roles_passes_the_checks_of_each(
    api: Api, identity: IdentityStandIn
) -> None:
    # A site manager of france-travail who is also a viewer manages france-travail's sites...
    host = identity.token(sub="acc-ft-01", org="france-travail", roles=["viewer", "site_manager"])
    assert (await _open_site(api, host)).status_code == 201
    # ...which a viewer alone may not, nor may that account manage another organisation's site.
    viewer = identity.token(sub="acc-ft-02", org="france-travail", roles=["viewer"])
    assert (await _open_site(api, viewer)).status_code == 403
    assert (await _open_site(api, host, host_org="asso-reussir")).status_code == 403
    # A counsellor who also coordinates manages every site.
    both = identity.token(sub="acc-ml-01", org="mission-locale", roles=["counsellor", "coordinator"])
    assert (await _open_site(api, both, host_org="asso-reussir")).status_code == 201
