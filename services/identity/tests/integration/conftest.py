"""An identity instance on a real store, driven over HTTP through its ASGI app, with a real SMTP server
(aiosmtpd, in-process, on a free port) whose received mails the tests read the links from."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import httpx
import pyotp
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Session
from aiosmtpd.smtp import Envelope as SmtpEnvelope

from jobdating.bus.server import free_port
from jobdating.contracts.identity import AccountRole, OrganisationKind
from jobdating.eventstore.base import EventStore, StoredEvent
from jobdating.identity.adapters.passwords import Argon2Passwords, argon2id
from jobdating.identity.bootstrap import IdentityService, bootstrap
from jobdating.identity.config import IdentitySettings
from jobdating.runtime.auth import Principal, TokenTable

ORG = "departement-nord"
ISSUER = "https://identite.test"
OPS = "ops-machine-token"
PASSWORD = "un mot de passe assez long"
COORDINATOR_EMAIL = "coordination@departement-nord.example"


class MovableClock:
    """Starts five minutes before the real time and moves when a test says: pyjwt checks tokens against the
    real time, and the 31-second steps between TOTP sign-ins must not carry `iat` into the future."""

    def __init__(self) -> None:
        self.at = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)

    def now(self) -> datetime:
        return self.at

    def advance(self, delta: timedelta) -> None:
        self.at += delta


class CountingPasswords(Argon2Passwords):
    """The real argon2id hasher, counting how many hashes each sign-in computes."""

    def __init__(self) -> None:
        settings = IdentitySettings()  # the test plugin's cheap cost (jobdating.testing.fixtures)
        super().__init__(
            argon2id(settings.password_time_cost, settings.password_memory_kib, settings.password_lanes)
        )
        self.verifications = 0

    def verify(self, hashed: str, password: str) -> bool:
        self.verifications += 1
        return super().verify(hashed, password)


class Inbox:
    """What the SMTP server received, decoded."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.port = 0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: SmtpEnvelope) -> str:
        assert isinstance(envelope.content, bytes)
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def link_token(self, address: str) -> str:
        """The token of the last invitation link sent to `address`."""
        for message in reversed(self.to(address)):
            found = re.search(r"/activation\?jeton=([A-Za-z0-9_-]+)", message.get_content())
            if found:
                return found.group(1)
        raise AssertionError(f"no invitation link sent to {address}")


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    handler = Inbox()
    handler.port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    yield handler
    controller.stop()


def service_on(
    store: EventStore,
    inbox: Inbox,
    clock: MovableClock,
    org: str = ORG,
    on_commit: Callable[[list[StoredEvent]], None] | None = None,
    **settings: Any,
) -> IdentityService:
    config = IdentitySettings(
        org=org,
        tokens_file=None,
        store_url="sqlite:///unused",
        issuer=ISSUER,
        public_base_url="https://console.test",
        smtp_port=inbox.port,
        **settings,
    )
    tokens = TokenTable({OPS: Principal(org=org, role="coordinator", actor_id="ops")})
    return bootstrap(
        config, store=store, tokens=tokens, clock=clock, passwords=CountingPasswords(), on_commit=on_commit
    )


class Api:
    """HTTP calls to the instance, and the people it onboarded (their TOTP secrets, their tokens)."""

    def __init__(self, service: IdentityService, inbox: Inbox, clock: MovableClock) -> None:
        self.service = service
        self.inbox = inbox
        self.clock = clock
        self.secrets: dict[str, str] = {}

    @asynccontextmanager
    async def client(self, address: str = "127.0.0.1") -> AsyncIterator[httpx.AsyncClient]:
        transport = httpx.ASGITransport(app=self.service.app, client=(address, 4000))
        async with httpx.AsyncClient(transport=transport, base_url="http://identity.test") as client:
            yield client

    async def call(
        self, method: str, url: str, token: str | None = None, address: str = "127.0.0.1", **kwargs: Any
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        async with self.client(address) as client:
            return await client.request(method, url, headers=headers, **kwargs)

    async def register(self, token: str, organisation_id: str, kind: OrganisationKind) -> None:
        body = {"organisation_id": organisation_id, "kind": kind, "name": f"Organisation {organisation_id}"}
        response = await self.call("POST", "/organisations", token, json=body)
        assert response.status_code == 201, response.text

    async def invite(
        self, token: str, organisation_id: str, address: str, *roles: AccountRole
    ) -> httpx.Response:
        body = {"email": address, "roles": list(roles)}
        return await self.call("POST", f"/organisations/{organisation_id}/invitations", token, json=body)

    async def accept(self, address: str, password: str = PASSWORD) -> httpx.Response:
        body = {"token": self.inbox.link_token(address), "password": password}
        response = await self.call("POST", "/invitations/accept", json=body)
        if response.status_code == 200 and response.json()["otpauth_uri"] is not None:
            self.secrets[address] = pyotp.parse_uri(response.json()["otpauth_uri"]).secret
        return response

    def code(self, address: str) -> str:
        return pyotp.TOTP(self.secrets[address]).at(self.clock.now())

    async def sign_in(
        self, address: str, password: str = PASSWORD, code: str | None = None, client: str = "127.0.0.1"
    ) -> httpx.Response:
        if code is None and address in self.secrets:
            code = self.code(address)
        body: dict[str, Any] = {"email": address, "password": password}
        if code is not None:
            body["code"] = code
        return await self.call("POST", "/sign-in", json=body, address=client)

    async def onboard(self, inviter: str, organisation_id: str, address: str, *roles: AccountRole) -> str:
        """Invite, accept and sign in: the new person's access token."""
        invited = await self.invite(inviter, organisation_id, address, *roles)
        assert invited.status_code == 202, invited.text
        accepted = await self.accept(address)
        assert accepted.status_code == 200, accepted.text
        # Each TOTP code serves once: the next sign-in of anyone is in a later 30-second step.
        self.clock.advance(timedelta(seconds=31))
        signed = await self.sign_in(address)
        assert signed.status_code == 200, signed.text
        token: str = signed.json()["access_token"]
        return token

    async def coordinator(self) -> str:
        """The département registered and its coordinator signed in (invited with the machine token)."""
        await self.register(OPS, ORG, "departement")
        return await self.onboard(OPS, ORG, COORDINATOR_EMAIL, "coordinator")

    def account_id(self, address: str) -> str:
        rows = self.service.store.query("SELECT account_id FROM identity_login WHERE email = ?", (address,))
        return str(rows[0][0])


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def service(sqlite_store: EventStore, inbox: Inbox, clock: MovableClock) -> IdentityService:
    return service_on(sqlite_store, inbox, clock)


@pytest.fixture
def api(service: IdentityService, inbox: Inbox, clock: MovableClock) -> Api:
    return Api(service, inbox, clock)


@pytest.fixture
async def counsellor(api: Api) -> str:
    """A counsellor of the département, signed in once (its address)."""
    coordinator = await api.coordinator()
    address = "conseiller@departement-nord.example"
    await api.onboard(coordinator, ORG, address, "counsellor")
    return address
