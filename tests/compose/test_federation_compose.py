"""docker-compose.federation.yml end to end: the hub's three nats-servers and the coordinator's services, two
partners each on its own nats-server (a leaf of the hub), PostgreSQL and instances, every NATS connection
mutual TLS; the demo day through the public APIs, a candidate registered at each partner's own instance
(the same person: each partner's coordinators are told, through the hub), then `jobdating audit` over the
hub and both partners' streams and every store, clean.

Needs what tests/compose/test_compose.py needs (skipped with its reason otherwise); its images are reused
(docker's cache: the second build takes seconds).
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import nats
import pytest

from jobdating.bus.connection import TLS_CA, TLS_CERT, TLS_KEY, tls_context
from jobdating.contracts.subjects import STREAM_NAME
from jobdating.ops import compose, compose_federation, federation_plan
from jobdating.ops.day.tally import is_convocation
from jobdating.ops.federation_tls import TlsFiles
from jobdating.ops.maildir import mails
from jobdating.ops.nats_users import OPS_USER
from jobdating.testing.demo_data import COORDINATOR_ORG, JOB_DATING_ID
from tests.compose.test_compose import (
    DATABASES,
    HTTP,
    JOBDATING,
    PORTS,
    PROBLEM,
    ROOT,
    Compose,
    _register,
    _wait_settled,
    day_candidate,
    loaded_and_run,
    prepared,
    running,
)

SPEED = 600.0
# Real seconds between `up` and 07:30 on the demo clock: the servers' start, the streams provisioned
# through the hub, the services' start, `compose-demo` (about 100 s on a loaded 2-core machine); the rest
# is skipped once it is done (`running` brings the day closer, see test_compose.DAY_LEAD_SECONDS).
LEAD_SECONDS = 210.0
FILES = ("docker-compose.yml", "docker-compose.federation.yml", "docker-compose.direct.yml")
PLIE = "plie-lille-sud"
ML = "mission-locale"
SERVERS = ("nats", "nats-hub-1", "nats-hub-2", f"nats-{ML}", f"nats-{PLIE}")
PARTNER_PORTS = {
    f"registration-{PLIE}": "REGISTRATION_PLIE_LILLE_SUD_PORT",
}
PARTNER_DATABASES = {
    f"registration@{ML}": ("POSTGRES_MISSION_LOCALE_PORT", "registration"),
    f"sites@{ML}": ("POSTGRES_MISSION_LOCALE_PORT", "sites"),
    f"registration@{PLIE}": ("POSTGRES_PLIE_LILLE_SUD_PORT", "registration"),
}
SUSPICIONS = "jobdating.*.registration.*.DuplicateSuspected.>"
# The hub's own stores: docker-compose.yml's, without the partners' (in their own PostgreSQL).
HUB_DATABASES = {label: db for label, db in DATABASES.items() if "@" not in label}

pytestmark = [
    pytest.mark.docker,
    pytest.mark.timeout(2400),
    pytest.mark.skipif(PROBLEM is not None, reason=f"compose end-to-end test skipped: {PROBLEM}"),
]


class Federated(Compose):
    """The federated stack: its federation's folder, the hub's operators' certificate."""

    @property
    def folder(self) -> Path:
        return self.work / "federation"

    def plan(self) -> federation_plan.FederationPlan:
        return federation_plan.load(self.folder)

    def hub_url(self) -> str:
        return compose_federation.hub_ops_url(self.plan(), self.settings["NATS_PORT"])

    def ops_files(self) -> TlsFiles:
        """The hub operators' certificate."""
        return TlsFiles.under(federation_plan.client_tls_path(self.folder, None, OPS_USER))

    def ops_env(self) -> dict[str, str]:
        """The environment of the operators' commands: the hub operators' certificate."""
        files = self.ops_files()
        return {**os.environ, TLS_CA: files.ca, TLS_CERT: files.cert, TLS_KEY: files.key, "COLUMNS": "250"}

    def store_urls(self) -> dict[str, str]:
        s = self.settings
        who = f"{s['POSTGRES_USER']}:{s['POSTGRES_PASSWORD']}@127.0.0.1"
        urls = {label: f"postgresql://{who}:{s['POSTGRES_PORT']}/{db}" for label, db in HUB_DATABASES.items()}
        for label, (port, db) in PARTNER_DATABASES.items():
            urls[label] = f"postgresql://{who}:{s[port]}/{db}"
        return urls


def _provision_streams(stack: Federated, timeout: float = 180) -> str:
    """The operator's `jobdating partner add ORG --hub-url` (docs/deploy.md): the hub's stream sourcing
    both partners, each partner's stream and durable, through the hub; tried again until the cluster has
    elected its leader and both leaves are connected."""
    command = [JOBDATING, "partner", "add", PLIE, f"--folder={stack.folder}", f"--hub-url={stack.hub_url()}"]
    deadline = time.monotonic() + timeout
    while True:
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        except subprocess.TimeoutExpired as exc:  # its client waits on for servers not listening yet
            said = f"{exc.stdout!r} {exc.stderr!r}"
        else:
            if done.returncode == 0:
                return done.stdout
            said = done.stdout + done.stderr
        assert time.monotonic() < deadline, said
        time.sleep(2)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, built: None) -> Iterator[Federated]:
    work = tmp_path_factory.mktemp("federation")
    ports = (*PORTS, *PARTNER_PORTS.values(), "POSTGRES_MISSION_LOCALE_PORT", "POSTGRES_PLIE_LILLE_SUD_PORT")
    overrides = prepared(work, ports, JOBDATING_FEDERATION_DIR=str(work / "federation"))
    env_file = work / ".env"
    partners = compose_federation.COMPOSE_PARTNERS
    compose.init(
        ROOT / ".env.example", env_file, work / "config", demo=True, overrides=overrides, partners=partners
    )
    compose_federation.init(env_file, work / "federation", partners=partners, demo=True)
    http = {**HTTP, **PARTNER_PORTS}
    stack = Federated(
        f"jobdatingfed{os.getpid()}", env_file, compose.read_env(env_file), work, files=FILES, http=http
    )

    def start() -> None:
        """The servers first, the streams provisioned through the hub, then the rest (docs/deploy.md)."""
        stack.run("up", "-d", *SERVERS)
        _provision_streams(stack)
        stack.run("up", "-d")

    with running(stack, SPEED, LEAD_SECONDS, start):
        yield stack


def _register_for_the_day(stack: Federated, org: str, address: str, limit: float = 120) -> str:
    """A candidate with a mail address, wishing for one of the coordinator's companies, available the
    morning of the day, registered at `org`'s own instance (tried again until that instance learned the
    company from its stream); their id."""
    # Mail only: the convocation is read from the mail catcher's Maildir.
    # Several wishes: scheduling books them where one of those companies still has room.
    body = day_candidate(stack, "Convoquée", "06 12 34 56 80", wishes=5)
    body |= {"email": address, "consent_email": True}
    counsellor = {"Authorization": f"Bearer {stack.token_for(org, 'counsellor')}"}
    deadline = time.monotonic() + limit
    while True:
        answer = httpx.post(
            f"{stack.url(f'registration-{org}')}/candidates", headers=counsellor, json=body, timeout=15
        )
        if answer.status_code == 201 or answer.status_code >= 500 or time.monotonic() > deadline:
            assert answer.status_code == 201, answer.text
            return str(answer.json()["candidate_id"])
        time.sleep(2)


def _convocation_to(maildir: Path, address: str, limit: float = 90) -> bool:
    """Whether `address` got a convocation (waits up to `limit` seconds)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        for path in mails(maildir):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if address in str(message.get("to", "")) and is_convocation(str(message.get("subject", ""))):
                return True
        time.sleep(1)
    return False


def _why_not_convoked(stack: Federated, candidate: str) -> str:
    """What the test says when the partner's candidate got no convocation: their interviews in the plan
    (none: scheduling never booked them) and what notifications logged of contacts and errors."""
    coordinator = {"Authorization": f"Bearer {stack.token_for(COORDINATOR_ORG, 'coordinator')}"}
    plan = httpx.get(
        f"{stack.url('scheduling')}/job-datings/{JOB_DATING_ID}/plan",
        params={"by": "candidate", "include_cancelled": "true"},
        headers=coordinator,
        timeout=15,
    ).json()
    theirs = [i for g in plan["groups"] for i in g["interviews"] if i.get("candidate_id") == candidate]
    logged = [
        line
        for line in stack.run("logs", "--no-color", "--tail=3000", "notifications").splitlines()
        if "contact" in line or "error" in line.lower() or candidate in line
    ]
    return f"no convocation for the partner's candidate; their interviews: {theirs}; " + "\n".join(
        logged[-40:]
    )


def _suspecting(stack: Federated, limit: float = 90) -> set[str]:
    """The organisations whose DuplicateSuspected events the hub's stream holds, once both partners' are
    there (or `limit` seconds passed: the instances sweep every few seconds)."""

    async def held() -> set[str]:
        files = stack.ops_files()
        nc = await nats.connect(stack.hub_url(), tls=tls_context(files.ca, files.cert, files.key))
        try:
            info = await nc.jetstream().stream_info(STREAM_NAME, subjects_filter=SUSPICIONS)
        finally:
            await nc.close()
        return {subject.split(".")[1] for subject in info.state.subjects or {}}

    deadline = time.monotonic() + limit
    while True:
        found = asyncio.run(held())
        if found >= {ML, PLIE} or time.monotonic() > deadline:
            return found
        time.sleep(2)


def _audit(stack: Federated) -> str:
    """`jobdating audit` over the hub's stream, both partners' (through the hub) and every store."""
    empty = stack.work / "empty"  # no embedded stack's data folder: every store is given by URL
    empty.mkdir(exist_ok=True)
    command = [JOBDATING, "audit", f"--data-dir={empty}", f"--nats-url={stack.hub_url()}"]
    command += [f"--partner={org}" for org in compose_federation.COMPOSE_PARTNERS]
    command += [f"--store={label}={url}" for label, url in stack.store_urls().items()]
    done = subprocess.run(
        command, capture_output=True, text=True, env=stack.ops_env(), timeout=300, check=False
    )
    said = done.stdout + done.stderr
    assert done.returncode == 0, said
    return said


def test_the_demo_day_runs_across_the_federation_and_the_audit_over_hub_and_partners_is_clean(
    stack: Federated,
) -> None:
    # Before the day, a candidate registered at the mission locale's own registration instance, on its own
    # server: scheduling (at the hub) books them, and notifications (at the hub) asks that instance for
    # their contact across the leaf to send the convocation.
    convoked = "ines.convoquee@exemple.fr"
    candidate = _register_for_the_day(stack, ML, convoked)
    # The demo day: the coordinator's instances on the hub, the mission locale's site on its own sites
    # instance, on its own server, its events reaching scheduling through the hub's stream.
    report = loaded_and_run(stack)
    assert _convocation_to(stack.work / "mail", convoked), _why_not_convoked(stack, candidate)
    assert report.checked_in > 40
    assert report.completed > 100
    assert report.outcomes.get("hired", 0) > 0
    assert report.convocations > 0

    # Each partner's own registration instance, on its own server: the same person (same phone)
    # registered at both; neither candidate is listed by the coordinator's instance.
    at_ml = _register(stack, f"registration-{ML}", ML, "Fontaine")
    at_plie = _register(stack, f"registration-{PLIE}", PLIE, "Fontaine")
    coordinator = {"Authorization": f"Bearer {stack.token_for(COORDINATOR_ORG, 'coordinator')}"}
    listed = httpx.get(
        f"{stack.url('registration')}/candidates", params={"limit": 100}, headers=coordinator, timeout=15
    ).json()["items"]
    assert {at_ml, at_plie}.isdisjoint(c["candidate_id"] for c in listed)
    # Each partner's instance learned the other's blind index entry through the hub and suspects a
    # duplicate, its suspicion in turn sourced into the hub's stream (ids only, no one's data).
    assert _suspecting(stack) == {ML, PLIE}

    _wait_settled(stack)
    said = _audit(stack)
    assert "Aucune différence" in said, said
    # Both partners' streams read through the hub and compared with it.
    for org in compose_federation.COMPOSE_PARTNERS:
        assert f"Flux de {org} (son serveur, par le hub)" in said, said
    audited = {
        label: line for label in stack.store_urls() for line in said.splitlines() if f"│ {label} " in line
    }
    assert set(audited) == set(stack.store_urls()), said
