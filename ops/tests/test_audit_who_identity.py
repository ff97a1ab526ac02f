"""`jobdating audit --who` against a real stream and a real identity service over HTTP: the stream holds
identity's own events, candidates registered by two people's accounts of two partners and an erasure by the
retention job; the names shown depend on who asks (coordination: all, a partner admin: its own people, a
counsellor: none, with a French note)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import nats
import pyotp
import pytest
import uvicorn
from rich.console import Console

from jobdating.bus.provision import provision
from jobdating.bus.relay import Relay
from jobdating.bus.server import NatsServer, free_port
from jobdating.contracts.identity import AccountRole, OrganisationKind
from jobdating.eventstore import open_store
from jobdating.eventstore.base import EventStore
from jobdating.identity.bootstrap import IdentityService, bootstrap
from jobdating.identity.config import IdentitySettings
from jobdating.identity.domain.commands import RegisterOrganisation
from jobdating.identity.domain.permissions import Actor
from jobdating.ops.audit.who_run import run_who
from jobdating.registration.application.handlers import RegistrationHandlers
from jobdating.registration.application.retention import SYSTEM_ACTOR, RetentionJob
from jobdating.registration.application.retention_policy import RetentionPolicy
from jobdating.registration.bootstrap import build_service
from jobdating.registration.testing import candidate, open_site, principal
from jobdating.runtime.auth import Principal, TokenTable
from jobdating.runtime.clock import SystemClock
from jobdating.runtime.commands import Meta
from jobdating.runtime.ids import new_id

pytestmark = pytest.mark.nats

ORG = "departement-nord"
OPS = "ops-machine-token"
PASSWORD = "un mot de passe assez long"


class Letters:
    """A mailer keeping each invitation's link token by address."""

    def __init__(self) -> None:
        self.tokens: dict[str, str] = {}

    def send(self, to: str, subject: str, text: str) -> None:
        self.tokens[to] = text.split("jeton=", 1)[1].split()[0]


class Identity:
    """Identity on a SQLite file, served over HTTP by uvicorn on a free port."""

    def __init__(self, store: EventStore) -> None:
        self.letters = Letters()
        self.port = free_port()
        settings = IdentitySettings(
            org=ORG, tokens_file=None, store_url="sqlite:///unused", issuer=f"http://127.0.0.1:{self.port}"
        )
        tokens = TokenTable({OPS: Principal(org=ORG, role="coordinator", actor_id="ops")})
        self.service: IdentityService = bootstrap(settings, store=store, tokens=tokens, mailer=self.letters)
        self.server = uvicorn.Server(
            uvicorn.Config(self.service.app, host="127.0.0.1", port=self.port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "identity did not start"
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)

    def register(self, organisation_id: str, kind: OrganisationKind) -> None:
        operator = Actor(account_id="ops", org=ORG, roles=("coordinator",))
        command = RegisterOrganisation(organisation_id=organisation_id, kind=kind, name=organisation_id)
        self.service.handlers.register_organisation(command, operator, self.meta("ops"))

    def meta(self, actor_id: str) -> Meta:
        return Meta(org=ORG, actor_id=actor_id, correlation_id=new_id())

    def person(
        self, inviter: Actor, organisation_id: str, email: str, name: str, role: AccountRole
    ) -> tuple[Actor, str]:
        """Invited with a name, activated, signed in: the person as an actor, and their access token."""
        self.service.invitations.invite(
            organisation_id, email, (role,), inviter, self.meta(inviter.account_id), name=name
        )
        activation = self.service.invitations.accept(self.letters.tokens[email], PASSWORD, new_id())
        code = None
        if activation.otpauth_uri is not None:
            otp = pyotp.parse_uri(activation.otpauth_uri)
            assert isinstance(otp, pyotp.TOTP)
            code = otp.now()
        token = self.service.sign_in.sign_in(email, PASSWORD, code, "127.0.0.1").access_token
        return Actor(account_id=activation.account_id, org=organisation_id, roles=(role,)), token


@dataclass
class World:
    nats_url: str
    identity: Identity
    tokens: dict[str, str]
    ids: dict[str, str]


@pytest.fixture
def world(tmp_path: Path, nats_server: NatsServer) -> Iterator[World]:
    with (
        closing(open_store(f"sqlite:///{tmp_path / 'identity.db'}")) as id_store,
        closing(open_store(f"sqlite:///{tmp_path / 'registration.db'}")) as reg_store,
    ):
        identity = Identity(id_store)
        ops = Actor(account_id="ops", org=ORG, roles=("coordinator",))
        identity.register(ORG, "departement")
        identity.register("mission-locale", "mission_locale")
        identity.register("france-travail", "employment_service")
        coordinator, coord_token = identity.person(
            ops, ORG, "coord@nord.example", "Camille Roux", "coordinator"
        )
        ml_admin, ml_admin_token = identity.person(
            coordinator, "mission-locale", "admin@ml.example", "Inès Durand", "partner_admin"
        )
        ft_admin, _ = identity.person(
            coordinator, "france-travail", "admin@ft.example", "Hugo Petit", "partner_admin"
        )
        ml, ml_token = identity.person(
            ml_admin, "mission-locale", "c@ml.example", "Claire Martin", "counsellor"
        )
        ft, _ = identity.person(ft_admin, "france-travail", "p@ft.example", "Paul Lefebvre", "counsellor")

        registration = build_service(org=ORG, store=reg_store)
        handlers = RegistrationHandlers(registration)
        site = open_site(registration)
        ml_who = principal("mission-locale", "counsellor", ml.account_id)
        ft_who = principal("france-travail", "counsellor", ft.account_id)
        first = handlers.register_candidate(ml_who, candidate(site, referring_org="mission-locale"))
        handlers.register_candidate(ft_who, candidate(site, referring_org="france-travail"))
        job = RetentionJob(registration, RetentionPolicy(), SystemClock(), "Europe/Paris", lambda: None)
        assert job.erase(first, Meta(org=ORG, actor_id=SYSTEM_ACTOR, correlation_id=new_id()))

        async def relay() -> None:
            nc = await nats.connect(nats_server.url)
            try:
                js = nc.jetstream()
                await provision(js)
                await Relay(id_store, js).publish_pending()
                await Relay(reg_store, js).publish_pending()
            finally:
                await nc.close()

        asyncio.run(relay())
        identity.start()
        try:
            yield World(
                nats_server.url,
                identity,
                {"coordinator": coord_token, "ml_admin": ml_admin_token, "ml_counsellor": ml_token},
                {"ml": ml.account_id, "ft": ft.account_id},
            )
        finally:
            identity.stop()


def who(world: World, token: str | None, *filters: str | None) -> str:
    console = Console(record=True, width=400, force_terminal=False)
    since, until, actor, org = (*filters, None, None, None, None)[:4]
    code = run_who(
        console, Path("unused"), world.nats_url, (since, until, actor, org), token, world.identity.url
    )
    assert code == 0
    return console.export_text()


def line_of(text: str, marker: str) -> str:
    found = [line for line in text.splitlines() if marker in line and "candidat inscrit" in line]
    assert len(found) == 1, text
    return found[0]


def test_the_coordination_sees_every_name(world: World) -> None:
    text = who(world, world.tokens["coordinator"])
    ml_line, ft_line = line_of(text, "mission-locale"), line_of(text, "france-travail")
    assert "Claire Martin" in ml_line
    assert world.ids["ml"] not in ml_line
    assert "Paul Lefebvre" in ft_line
    assert world.ids["ft"] not in ft_line
    erased = [line for line in text.splitlines() if "données du candidat effacées" in line]
    assert len(erased) == 1
    assert f"tâche automatique ({SYSTEM_ACTOR})" in erased[0]
    assert "Camille Roux" in text  # the coordinator invited the partners' admins
    assert "compte invité" in text
    assert "Note" not in text


def test_a_partner_admin_sees_its_own_people_only(world: World) -> None:
    text = who(world, world.tokens["ml_admin"])
    assert "Claire Martin" in line_of(text, "mission-locale")
    ft_line = line_of(text, "france-travail")
    assert world.ids["ft"] in ft_line
    assert "Paul Lefebvre" not in text
    assert "Camille Roux" not in text
    assert "Hugo Petit" not in text
    assert "hors de votre portée" in text


def test_a_counsellor_gets_ids_and_a_french_note(world: World) -> None:
    text = who(world, world.tokens["ml_counsellor"])
    for name in ("Claire Martin", "Paul Lefebvre", "Inès Durand", "Camille Roux"):
        assert name not in text
    assert world.ids["ml"] in line_of(text, "mission-locale")
    assert "ne vous donne pas les noms" in text
    assert "seules la coordination" in text


def test_without_a_token_ids_only_and_filters_apply(world: World) -> None:
    text = who(world, None, None, None, world.ids["ft"])
    assert "pas de jeton d'accès" in text
    rows = [line for line in text.splitlines() if world.ids["ft"] in line]
    assert rows
    assert all("france-travail" in line for line in rows)
    assert world.ids["ml"] not in text
    by_org = who(world, world.tokens["coordinator"], None, None, None, "mission-locale")
    assert "Claire Martin" in by_org
    assert "Inès Durand" in by_org
    assert "Paul Lefebvre" not in by_org
    assert "tâche automatique" not in by_org  # the job ran on the département's instance
