"""Signing in through an organisation's OpenID Connect provider, against a real provider process
(`tests/oidc_provider.py`) and identity served by uvicorn, over real HTTP: start at identity, follow the
redirect to the provider, come back to identity's callback, verify the access token against identity's JWKS.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
import uvicorn

from jobdating.bus.server import free_port
from jobdating.eventstore.base import EventStore
from jobdating.identity.bootstrap import IdentityService

from .conftest import ISSUER, OPS, ORG, Api, Inbox, MovableClock, service_on

CLIENT_ID = "jobdating-nord"
AGENCY = "agence-lille"
AGENT = "agent.public@nord.example"
PROVIDER = Path(__file__).resolve().parents[1] / "oidc_provider.py"


@dataclass(frozen=True)
class Stack:
    identity: str  # identity's base URL
    provider: str  # the provider's issuer
    service: IdentityService
    api: Api

    def accounts(self) -> int:
        return int(self.service.store.query("SELECT COUNT(*) FROM identity_account")[0][0])

    def status(self, address: str) -> str:
        rows = self.service.store.query(
            "SELECT a.status FROM identity_account a JOIN identity_login l ON l.account_id = a.account_id "
            "WHERE l.email = ?",
            (address,),
        )
        return str(rows[0][0])


@pytest.fixture
def stack(sqlite_store: EventStore, inbox: Inbox, clock: MovableClock, tmp_path: Path) -> Iterator[Stack]:
    yield from stack_on(sqlite_store, inbox, clock, tmp_path)


def stack_on(store: EventStore, inbox: Inbox, clock: MovableClock, tmp_path: Path) -> Iterator[Stack]:
    """The provider process and identity (on `store`) served over HTTP; `test_postgres` reuses it."""
    identity_port, provider_port = free_port(), free_port()
    callback = f"http://127.0.0.1:{identity_port}/oidc/callback"
    issuer = f"http://127.0.0.1:{provider_port}"
    secret = "secret:de test/" + tmp_path.name  # characters that Basic auth must form-encode
    command = [sys.executable, str(PROVIDER), "--port", str(provider_port), "--client-id", CLIENT_ID]
    provider = subprocess.Popen([*command, "--client-secret", secret, "--redirect-uri", callback])
    try:
        _wait_for(f"{issuer}/.well-known/openid-configuration", provider)
        (tmp_path / "secret").write_text(secret + "\n")
        entry = f'issuer = "{issuer}"\nclient_id = "{CLIENT_ID}"\nclient_secret_file = "secret"\n'
        entries = "".join(f"[providers.{org}]\n{entry}" for org in (ORG, AGENCY))
        (tmp_path / "oidc.toml").write_text(entries)
        service = service_on(
            store, inbox, clock, oidc_providers=tmp_path / "oidc.toml", oidc_callback_url=callback
        )
        server = uvicorn.Server(
            uvicorn.Config(service.app, host="127.0.0.1", port=identity_port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        try:
            _wait_for(f"http://127.0.0.1:{identity_port}/.well-known/jwks.json", provider)
            yield Stack(f"http://127.0.0.1:{identity_port}", issuer, service, Api(service, inbox, clock))
        finally:
            server.should_exit = True
            thread.join(timeout=10)
    finally:
        provider.terminate()
        provider.wait(timeout=10)


def _wait_for(url: str, provider: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert provider.poll() is None, "the provider process stopped"
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} did not answer")


async def _to_provider(browser: httpx.AsyncClient, stack: Stack, org: str, **user: str) -> httpx.Response:
    """Start at identity and go through the provider: its redirect back to identity's callback."""
    start = await browser.get(f"{stack.identity}/oidc/{org}/start")
    assert start.status_code == 302, start.text
    authorize = httpx.URL(start.headers["location"])
    assert str(authorize).startswith(f"{stack.provider}/authorize?")
    assert authorize.params["code_challenge_method"] == "S256"
    back = await browser.get(authorize.copy_merge_params(user))  # test-only: who signs in, how it goes
    assert back.status_code == 302, back.text
    assert back.headers["location"].startswith(f"{stack.identity}/oidc/callback?")
    return back


async def sign_in(stack: Stack, org: str = ORG, **user: str) -> httpx.Response:
    async with httpx.AsyncClient() as browser:
        back = await _to_provider(browser, stack, org, **user)
        return await browser.get(back.headers["location"])


async def invited(stack: Stack, address: str = AGENT, role: Any = "counsellor") -> None:
    await stack.api.register(OPS, ORG, "departement")
    response = await stack.api.invite(OPS, ORG, address, role)
    assert response.status_code == 202, response.text


def reason(response: httpx.Response) -> str:
    return str(response.json()["detail"][0]["reason"])


def verified(stack: Stack, token: str) -> dict[str, Any]:
    jwks = jwt.PyJWKSet.from_dict(httpx.get(f"{stack.identity}/.well-known/jwks.json").json())
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(k for k in jwks.keys if k.key_id == kid)
    claims: dict[str, Any] = jwt.decode(token, key, algorithms=["EdDSA"], audience="jobdating", issuer=ISSUER)
    return claims


async def test_an_invited_agent_signs_in_through_the_provider_and_is_activated(stack: Stack) -> None:
    await invited(stack)
    answer = await sign_in(stack, sub="agent-42", email=AGENT.upper())
    assert answer.status_code == 200, answer.text
    assert answer.json()["token_type"] == "Bearer"
    assert answer.json()["expires_in"] == 15 * 60
    claims = verified(stack, answer.json()["access_token"])
    assert (claims["sub"], claims["org"], claims["roles"]) == (
        stack.api.account_id(AGENT),
        ORG,
        ["counsellor"],
    )
    assert stack.status(AGENT) == "active"
    activated = [e for e in stack.service.store.read_all() if e.event_type.endswith("AccountActivated")]
    assert [e.stream_id for e in activated] == [claims["sub"]]
    assert b'"second_factor":false' in activated[0].body
    # No password was chosen: the password sign-in stays closed.
    assert (await stack.api.sign_in(AGENT, "n'importe quel mot de passe")).status_code == 401


async def test_a_later_address_change_at_the_provider_still_finds_the_same_account(stack: Stack) -> None:
    await invited(stack)
    first = await sign_in(stack, sub="agent-42", email=AGENT)
    assert first.status_code == 200, first.text
    again = await sign_in(stack, sub="agent-42", email="nouvelle.adresse@nord.example")
    assert again.status_code == 200, again.text
    assert verified(stack, again.json()["access_token"])["sub"] == stack.api.account_id(AGENT)
    # Someone else at the provider who now holds the address does not get the account.
    other = await sign_in(stack, sub="agent-43", email=AGENT)
    assert other.status_code == 403
    assert "déjà lié à une autre identité" in reason(other)


async def test_an_address_not_invited_in_the_organisation_is_refused_and_nothing_is_created(
    stack: Stack,
) -> None:
    await invited(stack)
    accounts = stack.accounts()
    unknown = await sign_in(stack, sub="inconnu-1", email="personne@nord.example")
    assert unknown.status_code == 403
    assert reason(unknown).startswith("aucun compte n'a été ouvert pour cette adresse")
    # Invited in the département, not in the agency: the agency's sign-in does not open it.
    await stack.api.register(OPS, AGENCY, "employment_service")
    elsewhere = await sign_in(stack, AGENCY, sub="agent-42", email=AGENT)
    assert elsewhere.status_code == 403
    assert reason(elsewhere).startswith("aucun compte n'a été ouvert")
    assert stack.accounts() == accounts
    assert stack.status(AGENT) == "invited"
    link_rows = stack.service.store.query("SELECT COUNT(*) FROM identity_oidc_link")
    assert link_rows[0][0] == 0


async def test_an_address_the_provider_has_not_verified_is_refused(stack: Stack) -> None:
    await invited(stack)
    answer = await sign_in(stack, sub="agent-42", email=AGENT, email_verified="false")
    assert answer.status_code == 403
    assert reason(answer) == "votre adresse électronique n'est pas vérifiée chez le fournisseur d'identité"
    assert stack.status(AGENT) == "invited"


@pytest.mark.parametrize("misbehave", ["nonce", "key"])
async def test_an_id_token_with_another_nonce_or_signed_by_another_key_is_refused(
    stack: Stack, misbehave: str
) -> None:
    await invited(stack)
    answer = await sign_in(stack, sub="agent-42", email=AGENT, misbehave=misbehave)
    assert answer.status_code == 401
    assert reason(answer).startswith("la réponse du fournisseur d'identité n'a pas pu être vérifiée")
    assert stack.status(AGENT) == "invited"


async def test_a_tampered_replayed_or_foreign_callback_is_refused(stack: Stack) -> None:
    await invited(stack)
    async with httpx.AsyncClient() as browser:
        back = httpx.URL(
            (await _to_provider(browser, stack, ORG, sub="agent-42", email=AGENT)).headers["location"]
        )
        tampered = await browser.get(back.copy_set_param("state", back.params["state"] + "x"))
        assert tampered.status_code == 400
        assert reason(tampered).startswith("demande de connexion inconnue, expirée ou déjà utilisée")
        assert (await browser.get(back)).status_code == 200
        replayed = await browser.get(back)
        assert replayed.status_code == 400
        assert reason(replayed).startswith("demande de connexion inconnue")
    async with httpx.AsyncClient() as started, httpx.AsyncClient() as other:
        location = (await _to_provider(started, stack, ORG, sub="agent-42", email=AGENT)).headers["location"]
        foreign = await other.get(location)  # without the cookie of the browser that started it
        assert foreign.status_code == 400
        assert reason(foreign).startswith("cette connexion a été commencée dans un autre navigateur")


async def test_a_code_replayed_or_taken_from_another_sign_in_is_refused_by_the_provider(stack: Stack) -> None:
    await invited(stack)
    async with httpx.AsyncClient() as browser:
        first = httpx.URL(
            (await _to_provider(browser, stack, ORG, sub="agent-42", email=AGENT)).headers["location"]
        )
        # A second sign-in in the same browser, its callback carrying the first one's code: PKCE stops it.
        second = httpx.URL(
            (await _to_provider(browser, stack, ORG, sub="agent-42", email=AGENT)).headers["location"]
        )
        injected = await browser.get(second.copy_set_param("code", first.params["code"]))
        assert injected.status_code == 400
        assert reason(injected).startswith("le fournisseur d'identité a refusé le code de connexion")
        third = httpx.URL(
            (await _to_provider(browser, stack, ORG, sub="agent-42", email=AGENT)).headers["location"]
        )
        assert (await browser.get(third)).status_code == 200
        fourth = httpx.URL(
            (await _to_provider(browser, stack, ORG, sub="agent-42", email=AGENT)).headers["location"]
        )
        replayed = await browser.get(fourth.copy_set_param("code", third.params["code"]))
        assert replayed.status_code == 400


async def test_roles_that_need_a_second_factor_keep_their_password_and_code(stack: Stack) -> None:
    await invited(stack, "coordination.bis@nord.example", "coordinator")
    answer = await sign_in(stack, sub="coord-1", email="coordination.bis@nord.example")
    assert answer.status_code == 403
    assert reason(answer).startswith("ce compte exige un second facteur")


async def test_a_refusal_at_the_provider_and_an_organisation_without_provider(stack: Stack) -> None:
    await invited(stack)
    denied = await sign_in(stack, misbehave="deny")
    assert denied.status_code == 401
    assert reason(denied) == "la connexion a été refusée ou annulée chez le fournisseur d'identité"
    async with httpx.AsyncClient() as browser:
        none = await browser.get(f"{stack.identity}/oidc/mission-locale-lens/start")
    assert none.status_code == 404
    assert reason(none) == "aucun fournisseur d'identité n'est configuré pour cette organisation"
