"""docker-compose.yml end to end: local stand-in images, the whole stack up, the demo day through the public
APIs, `jobdating audit` on its PostgreSQL stores and stream, an organisation refused another's subjects, the
console and the APIs through the reverse proxy over HTTPS verified against compose-init's local authority.

Needs a Docker engine with docker-compose (Debian's docker.io and docker-compose; `.ci/run` installs and
starts them when it may) and, for the stand-in images, root and debootstrap. Where they are missing the
test is skipped and pytest's summary says why.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import os
import re
import shutil
import ssl
import stat
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest

from jobdating.bus.server import free_port
from jobdating.contracts.subjects import STREAM_NAME
from jobdating.ops import compose
from jobdating.ops.audit.report import AuditReport
from jobdating.ops.audit.run import audit
from jobdating.ops.day.clock import brought_closer, day_of, demo_clock
from jobdating.ops.day.driver import DemoDay
from jobdating.ops.day.services import DayApi
from jobdating.ops.day.summary import DayReport
from jobdating.ops.demo_accounts import ACCOUNTS_FILE, load_accounts, sign_in
from jobdating.ops.demo_calendar import local_today
from jobdating.ops.demo_people import COACH_ORGS
from jobdating.ops.maildir import mails
from jobdating.ops.readmodels import open_url
from jobdating.ops.stack import clock_env
from jobdating.runtime.clock import ScaledClock
from jobdating.testing.demo_data import COMPANIES, COORDINATOR_ORG, JOB_DATING_ID, PARTNERS, SITES, candidates
from jobdating.testing.sign_ins import company_agenda, sign_ins

ROOT = Path(__file__).resolve().parents[2]
SPEED = 600.0
# Real seconds between `up` and 07:30 on the demo clock: the stack's start, `compose-demo` (the demo's
# accounts, each password hashed with identity's production argon2id settings, the loading and planning).
# The plan is published the day before, mid-day on that clock, however long the start took (up to ~100 s
# on a loaded 2-core machine): its convocations go out before the evening, the morning reminders are due.
LEAD_SECONDS = 240.0
# Real seconds between `compose-demo`'s end and 07:30, once the clock is brought closer (`running`): the
# services that read it recreated by `up -d` and healthy again (printed: about 20 s on a loaded 2-core
# machine), the clock then reading the small hours, the morning reminders (07:00) still ahead.
DAY_LEAD_SECONDS = 45.0
JOBDATING = str(ROOT / ".venv" / "bin" / "jobdating")
PORTS = (
    "NATS_PORT",
    "NATS_MONITOR_PORT",
    "POSTGRES_PORT",
    "REGISTRATION_PORT",
    "SITES_PORT",
    "SCHEDULING_PORT",
    "NOTIFICATIONS_PORT",
    "IDENTITY_PORT",
    "REGISTRATION_MISSION_LOCALE_PORT",
    "SITES_MISSION_LOCALE_PORT",
    "CONSOLE_PORT",
    "PROXY_HTTPS_PORT",
    "PROXY_HTTP_PORT",
)
HTTP = {
    "registration": "REGISTRATION_PORT",
    "registration-mission-locale": "REGISTRATION_MISSION_LOCALE_PORT",
    "sites": "SITES_PORT",
    "sites-mission-locale": "SITES_MISSION_LOCALE_PORT",
    "scheduling": "SCHEDULING_PORT",
    "notifications": "NOTIFICATIONS_PORT",
    "identity": "IDENTITY_PORT",
    "console": "CONSOLE_PORT",
}
DATABASES = {
    "registration": "registration",
    "registration@mission-locale": "registration_mission_locale",
    "sites": "sites",
    "sites@mission-locale": "sites_mission_locale",
    "scheduling": "scheduling",
    "notifications": "notifications",
    "identity": "identity",
}


def _engine_problem() -> str | None:
    """Why the compose stack cannot run here, or None."""
    for tool, package in (("docker", "docker.io"), ("docker-compose", "docker-compose")):
        if shutil.which(tool) is None:
            return f"no `{tool}` command (Debian package {package})"
    info = subprocess.run(["docker", "info"], capture_output=True, text=True, timeout=30, check=False)
    if info.returncode != 0:
        return "no Docker engine answers (`dockerd` is not running or not reachable)"
    images = (
        "python:3.11.14-slim-bookworm",
        "nats:2.15.1-alpine",
        "postgres:15-bookworm",
        "nginx:1.28-bookworm",
    )
    present = all(
        subprocess.run(["docker", "image", "inspect", i], capture_output=True, check=False).returncode == 0
        for i in images
    )
    if not present and (os.geteuid() != 0 or shutil.which("debootstrap") is None):
        return "the stand-in images are missing and building them needs root and debootstrap"
    return None


PROBLEM = _engine_problem()
pytestmark = [
    pytest.mark.docker,
    # Building the images the first time on a machine takes minutes; later runs reuse docker's cache.
    pytest.mark.timeout(2400),
    pytest.mark.skipif(PROBLEM is not None, reason=f"compose end-to-end test skipped: {PROBLEM}"),
]


@dataclass
class Compose:
    project: str
    env_file: Path
    settings: dict[str, str]
    work: Path
    clock: ScaledClock | None = None
    demo: str = ""  # what `jobdating compose-demo` printed: the load, then one sign-in per demo role
    # The compose files, the last one the services' plain HTTP ports on loopback, for the demo day driven
    # from here; the services answering HTTP there, and the setting of each one's port.
    files: tuple[str, ...] = ("docker-compose.yml", "docker-compose.direct.yml")
    http: dict[str, str] = field(default_factory=lambda: dict(HTTP))

    def command(self, *args: str) -> list[str]:
        files = [arg for name in self.files for arg in ("--file", str(ROOT / name))]
        return [
            "docker-compose",
            "--project-name",
            self.project,
            "--project-directory",
            str(ROOT),
            *files,
            "--env-file",
            str(self.env_file),
            *args,
        ]

    def run(self, *args: str, timeout: float = 900) -> str:
        done = subprocess.run(
            self.command(*args), capture_output=True, text=True, timeout=timeout, check=False
        )
        if done.returncode != 0:
            said = f"{done.stdout}\n{done.stderr}"
            raise AssertionError(f"docker-compose {' '.join(args)} failed:\n{said}{self.health(said)}")
        return done.stdout

    def health(self, said: str) -> str:
        """When compose gave up on an unhealthy container: which one it was and its last checks' output
        (compose names only its short id, and the logs CI keeps may not reach it)."""
        if "unhealthy" not in said:
            return ""
        listed = subprocess.run(
            [
                "docker",
                "ps",
                "--all",
                "--quiet",
                "--filter",
                f"label=com.docker.compose.project={self.project}",
            ],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.split()
        form = (
            "{{.Name}} {{.State.Status}} "
            "{{if .State.Health}}{{.State.Health.Status}} {{json .State.Health.Log}}{{end}}"
        )
        shown = subprocess.run(
            ["docker", "inspect", "--format", form, *listed], capture_output=True, text=True, check=False
        ).stdout.splitlines()
        return "\nnot healthy:\n" + "\n".join(line[:2000] for line in shown if " healthy " not in line)

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.settings[self.http[service]]}"

    def nats_url(self, user: str) -> str:
        variable = "NATS_" + user.upper().replace("-", "_") + "_PASSWORD"
        return f"nats://{user}:{self.settings[variable]}@127.0.0.1:{self.settings['NATS_PORT']}"

    def store_url(self, database: str) -> str:
        s = self.settings
        return f"postgresql://{s['POSTGRES_USER']}:{s['POSTGRES_PASSWORD']}@127.0.0.1:{s['POSTGRES_PORT']}/{database}"

    def tokens(self) -> dict[str, dict[str, str]]:
        # The operator's clear copy: the tables the services mount hold hashes only.
        table: dict[str, dict[str, str]] = json.loads(compose.operator_file(self.work / "config").read_text())
        return table

    def token_for(self, org: str, role: str) -> str:
        return next(t for t, who in self.tokens().items() if who["org"] == org and who["role"] == role)


IMAGE_SETTINGS = ("PYTHON_IMAGE", "NATS_IMAGE", "POSTGRES_IMAGE", "NGINX_IMAGE")


def image_overrides() -> dict[str, str]:
    """The images' tags: the service images' `JOBDATING_COMPOSE_TEST_VERSION` (default `dev`, as
    docker-compose.yml's) and the public images' (stand-ins) from the environment when set there, as
    deploy/standins/build.sh reads them: a run beside another keeps off its images."""
    chosen = {"JOBDATING_VERSION": os.environ.get("JOBDATING_COMPOSE_TEST_VERSION") or "dev"}
    return chosen | {name: os.environ[name] for name in IMAGE_SETTINGS if os.environ.get(name)}


def prepared(work: Path, ports: Sequence[str], **settings: str) -> dict[str, str]:
    """Once the wheels and stand-in images are built (the session's `built`), the mail catcher's folder
    made and the `.env` settings of a test stack in `work`: a free port for each of `ports`, its folders,
    then `settings`."""
    mail = work / "mail"
    mail.mkdir()
    mail.chmod(0o777)  # written by the containers' unprivileged user
    overrides = {port: str(free_port()) for port in ports}
    overrides |= {
        "JOBDATING_CONFIG_DIR": str(work / "config"),
        "JOBDATING_SECRETS_DIR": str(work / "secrets"),
        "PROXY_TLS_DIR": str(work / "tls"),
        # Plain HTTP here: a `Secure` session cookie would never come back from the test's client.
        "CONSOLE_SECURE_COOKIE": "false",
        "JOBDATING_MAIL_DIR": str(mail),
        "JOBDATING_STAFF_FILE": "/etc/jobdating/staff.toml",
        **image_overrides(),
    }
    return overrides | settings


@contextmanager
def running(
    stack: Compose, speed: float, lead_seconds: float, start: Callable[[], None] | None = None
) -> Iterator[None]:
    """The images built, the demo clock set (`lead_seconds` before 07:30), the stack up (`start`, else
    all of it at once), healthy and loaded by `compose-demo`, then the day brought closer (`_to_the_day`);
    down, volumes removed, at the end."""
    stack.run("build")
    # The day's clock starts now that the images are built: every service shares it.
    clock = demo_clock(local_today(datetime.now(UTC)), speed, lead_seconds)
    _use_clock(stack, clock)
    try:
        if start is None:
            stack.run("up", "-d")
        else:
            start()
        _wait_healthy(stack)
        stack.demo = _compose_demo(stack, day_of(clock))
        _to_the_day(stack)
        yield
    except BaseException:
        print(stack.run("ps"))
        print(
            subprocess.run(
                stack.command("logs", "--tail", "40"), capture_output=True, text=True, check=False
            ).stdout
        )
        raise
    finally:
        subprocess.run(
            stack.command("down", "--volumes", "--remove-orphans"), capture_output=True, check=False
        )


def _use_clock(stack: Compose, clock: ScaledClock) -> None:
    """`clock` in the stack's .env, read by every service at its next (re)creation."""
    for key, value in clock_env(clock).items():
        stack.settings[f"JOBDATING_{key}"] = value
    stack.env_file.write_text("".join(f"{k}={v}\n" for k, v in stack.settings.items()))
    stack.clock = clock


def _to_the_day(stack: Compose) -> None:
    """What an operator rehearsing on a sped-up clock does once `compose-demo` has loaded and published
    (docs/deploy.md): the clock's origin in .env moved so that 07:30 comes `DAY_LEAD_SECONDS` from now,
    then `up -d`, which recreates the services reading it (their settings changed), as the embedded run's
    `to_the_day` restarts its own. The lead before, sized for the slowest start, would otherwise be spent
    waiting for the clock to cross the night."""
    assert stack.clock is not None
    closer = brought_closer(stack.clock, DAY_LEAD_SECONDS)
    if closer.origin == stack.clock.origin:
        return  # a start so slow that the day is nearer already
    _use_clock(stack, closer)
    stack.run("up", "-d")
    _wait_healthy(stack)
    print(f"clock brought closer: the services healthy {closer.origin - time.time():.0f} s before 07:30")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, built: None) -> Iterator[Compose]:
    work = tmp_path_factory.mktemp("compose")
    overrides = prepared(work, PORTS)
    env_file = work / ".env"
    compose.init(ROOT / ".env.example", env_file, work / "config", demo=True, overrides=overrides)
    stack = Compose(f"jobdatingtest{os.getpid()}", env_file, compose.read_env(env_file), work)
    with running(stack, SPEED, LEAD_SECONDS):
        yield stack


def _compose_demo(stack: Compose, day: date) -> str:
    """The operator's `jobdating compose-demo` (docs/deploy.md) on the checkout whose .env is the test's."""
    command = [JOBDATING, "compose-demo", f"--root={stack.work}", f"--day={day.isoformat()}"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def _wait_healthy(stack: Compose, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    for service in stack.http:
        while True:
            try:
                if httpx.get(f"{stack.url(service)}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"{service} not healthy after {timeout} s")
            time.sleep(1)


def _heads(stack: Compose) -> dict[str, tuple[object, object]]:
    """Each service's log head and relay position, as its health tells them."""
    found = {}
    for service in stack.http:
        health = httpx.get(f"{stack.url(service)}/health", timeout=5).json()
        found[service] = (health.get("log_head"), health.get("relay_position"))
    return found


def _wait_settled(stack: Compose, quiet: float = 4, timeout: float = 180) -> None:
    """Until every log is relayed and none grew for `quiet` seconds: after the day, notifications still
    tells the counsellors their candidates' outcomes (and the sped-up clock brings other mails due), and an
    audit reading a log while it grows counts events not relayed yet."""
    deadline = time.monotonic() + timeout
    before = _heads(stack)
    while True:
        time.sleep(quiet)
        now = _heads(stack)
        relayed = all(
            not isinstance(head, int) or not isinstance(at, int) or at >= head for head, at in now.values()
        )
        if relayed and now == before:
            return
        assert time.monotonic() < deadline, f"the logs never settled: {now}"
        before = now


def loaded_and_run(stack: Compose) -> DayReport:
    """The demo `compose-demo` loaded (the fixture: through the demo's people, the plan published), then
    its day through the public APIs: the coordinator's instances, the mission locale's site on its own
    sites instance. Its report."""
    assert stack.clock is not None
    figures = r"Démo chargée : (\d+) sites, (\d+) ordinateurs, (\d+) entreprises, (\d+) candidats"
    loaded = re.search(figures, stack.demo)
    assert loaded is not None, stack.demo
    assert tuple(int(n) for n in loaded.groups()) == (4, 18, 15, 50)
    published = re.search(r"planning publié : (\d+) entretiens", stack.demo)
    assert published is not None, stack.demo
    assert int(published.group(1)) > 0

    sites = {COORDINATOR_ORG: stack.url("sites"), "mission-locale": stack.url("sites-mission-locale")}
    api = DayApi(
        scheduling_url=stack.url("scheduling"),
        sites_url=sites,
        registration_url=stack.url("registration"),
        token=stack.token_for,
    )
    day = DemoDay(
        api=api,
        clock=stack.clock,
        maildir=stack.work / "mail",
        sms_file=stack.work / "no-sms-here.jsonl",
    )
    return day.run()


def test_the_demo_day_runs_on_the_compose_stack_and_audits_clean(stack: Compose) -> None:
    report = loaded_and_run(stack)
    assert stack.clock is not None
    assert report.checked_in > 40
    assert report.completed > 100
    assert report.outcomes.get("hired", 0) > 0
    assert report.convocations > 0  # mail sent through the catcher, read from its Maildir
    # The staff directory `compose-demo` wrote names the counsellor accounts the candidates are followed
    # by: notifications tells them their candidates' outcomes, at the printed addresses.
    counsellors = {email for email, _, _ in sign_ins(stack.demo)["conseil"]}
    assert _outcome_mail_to(stack.work / "mail", counsellors), "no counsellor told of an outcome"

    # The mission locale's own registration instance: a counsellor of theirs registers a candidate at
    # one of the sites, wishing for one of the companies registered at the coordinator's instance, both
    # learned from the stream through the instance's own durable consumer.
    coordinator = {"Authorization": f"Bearer {stack.token_for(COORDINATOR_ORG, 'coordinator')}"}
    counsellor = {"Authorization": f"Bearer {stack.token_for('mission-locale', 'counsellor')}"}
    response = httpx.post(
        f"{stack.url('registration-mission-locale')}/candidates",
        headers=counsellor,
        json=day_candidate(stack, "Fontaine", "06 12 34 56 78") | {"consent_sms": True},
        timeout=15,
    )
    assert response.status_code == 201, response.text
    # Its candidates stay its own: the coordinator's instance does not list them.
    listed = httpx.get(
        f"{stack.url('registration')}/candidates", params={"limit": 100}, headers=coordinator, timeout=15
    ).json()
    assert response.json()["candidate_id"] not in {c["candidate_id"] for c in listed["items"]}

    _wait_settled(stack)
    empty = stack.work / "empty"  # no embedded stack's data folder: every store is given by URL
    empty.mkdir(exist_ok=True)
    # The operator's command, as docs/deploy.md shows it.
    stores = [f"--store={label}={stack.store_url(db)}" for label, db in DATABASES.items()]
    command = [str(ROOT / ".venv" / "bin" / "jobdating"), "audit", f"--data-dir={empty}"]
    command += [f"--nats-url={stack.nats_url('ops')}", *stores]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Aucune différence" in done.stdout + done.stderr
    result = asyncio.run(_audit(stack, tmp=empty))
    assert result.differences == [], result.differences[:10]
    audited = {s.service: s for s in result.services}
    assert set(audited) == set(DATABASES)
    # Its one candidate's registration and, under the federation key compose-init drew, that candidate's
    # blind index entry (how another partner finds the same person without reading them).
    assert audited["registration@mission-locale"].events == 2
    assert audited["sites@mission-locale"].events > 0
    counts = [(s.service, s.events, s.in_stream, s.not_relayed) for s in result.services]
    assert all(s.in_stream == s.events for s in result.services), counts
    assert JOB_DATING_ID


async def _audit(stack: Compose, tmp: Path) -> AuditReport:
    nc = await nats.connect(stack.nats_url("ops"))
    try:
        urls = {label: stack.store_url(db) for label, db in DATABASES.items()}
        return await audit(tmp, nc.jetstream(), services=(), urls=urls)
    finally:
        await nc.close()


def test_an_organisation_cannot_publish_under_another_organisations_subjects(stack: Compose) -> None:
    async def attempt() -> tuple[bool, list[str], int]:
        errors: list[str] = []

        async def on_error(exc: Exception) -> None:
            errors.append(str(exc))

        nc = await nats.connect(stack.nats_url("registration-mission-locale"), error_cb=on_error)
        js = nc.jetstream()
        subject = "jobdating.departement-nord.registration.candidate.CandidateRegistered.forged"
        try:
            await js.publish(subject, b"{}", headers={"Nats-Msg-Id": "forged"}, timeout=2)
            accepted = True
        except (nats.errors.TimeoutError, nats.errors.Error):
            accepted = False
        await nc.close()
        ops = await nats.connect(stack.nats_url("ops"))
        info = await ops.jetstream().stream_info(STREAM_NAME, subjects_filter=subject)
        await ops.close()
        return accepted, errors, sum((info.state.subjects or {}).values())

    accepted, errors, stored = asyncio.run(attempt())
    assert not accepted
    assert stored == 0
    assert any("permissions violation" in e.lower() for e in errors), errors


def day_candidate(stack: Compose, last_name: str, phone: str, wishes: int = 1) -> dict[str, Any]:
    """A candidate's registration at Faches, wishing for the first `wishes` of the companies registered at
    the coordinator's instance, available the morning of the day."""
    assert stack.clock is not None
    coordinator = {"Authorization": f"Bearer {stack.token_for(COORDINATOR_ORG, 'coordinator')}"}
    companies = httpx.get(
        f"{stack.url('registration')}/companies", params={"limit": 100}, headers=coordinator, timeout=15
    ).json()["items"]
    return {
        "first_name": "Inès",
        "last_name": last_name,
        "phone": phone,
        "postcode": "59155",
        "commune": "Faches-Thumesnil",
        "site_id": "site-faches",
        "wishes": [{"rank": n, "company_id": c["company_id"]} for n, c in enumerate(companies[:wishes], 1)],
        "availability": [{"day": day_of(stack.clock).isoformat(), "start": "08:30", "end": "12:30"}],
        "consent_data": True,
    }


def _outcome_mail_to(maildir: Path, addresses: set[str], limit: float = 90) -> bool:
    """Whether one of `addresses` got a mail other than its invitation (notifications sends a little
    after the facts: waits up to `limit` seconds)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        for path in mails(maildir):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            body = message.get_body(preferencelist=("plain",))
            text = str(body.get_content()) if body is not None else ""
            if str(message.get("to", "")) in addresses and "jeton=" not in text:
                return True
        time.sleep(1)
    return False


def test_the_printed_sign_ins_are_compose_identity_accounts_that_act_in_the_services(stack: Compose) -> None:
    # `compose-demo` (the fixture) created the demo's people as `jobdating up --demo` does, invitations
    # read from the mail catcher, and printed one sign-in per demo role, kept for the operator alone.
    printed = sign_ins(stack.demo)
    counts = {label: len(rows) for label, rows in printed.items()}
    assert counts == {
        "coordination": 1,
        "administration": len(PARTNERS),
        "conseil": len(PARTNERS),
        "accueil de site": len(SITES),
        "recrutement": len(COMPANIES),
        "animation des ateliers": len(COACH_ORGS),  # the workshops' coaches, one per coaching organisation
    }
    kept = stack.work / "demo-sign-ins.txt"  # beside the machine tokens, outside the mounted config
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert sign_ins(kept.read_text()) == printed
    found = re.search(r"connexion : POST (\S+)/sign-in", stack.demo)
    assert found is not None
    identity = found.group(1)
    assert identity == stack.url("identity")

    def printed_sign_in(http: httpx.Client, label: str, domain: str) -> tuple[str, dict[str, str]]:
        address, password, _ = next(row for row in printed[label] if row[0].endswith(domain))
        answer = http.post(f"{identity}/sign-in", json={"email": address, "password": password})
        assert answer.status_code == 200, answer.text
        token = str(answer.json()["access_token"])
        return token, {"Authorization": f"Bearer {token}"}

    with httpx.Client(timeout=15) as http:
        # A printed counsellor reads the names of the candidates their organisation refers, no others'.
        counsellor, auth = printed_sign_in(http, "conseil", "@france-travail.exemple.fr")
        listed = http.get(f"{stack.url('registration')}/candidates", params={"limit": 100}, headers=auth)
        assert listed.status_code == 200, listed.text
        items = listed.json()["items"]
        own = [c for c in items if c["profile"]["referring_org"] == "france-travail"]
        names = {(c["personal"]["first_name"], c["personal"]["last_name"]) for c in own}
        theirs = [p for p in candidates() if p.referring_org == "france-travail"]
        assert names == {(p.first_name, p.last_name) for p in theirs}
        assert all(c["personal"] is None for c in items if c["profile"]["referring_org"] != "france-travail")

        # A printed recruiter reads their company's agenda (their organisation is the company's id).
        recruiter, _ = printed_sign_in(http, "recrutement", f"@{COMPANIES[0].key}.exemple.fr")
        assert company_agenda(http, stack.url("scheduling"), recruiter)

        # The mission locale's counsellor acts on its own instance and on the coordinator's; the
        # coordinator signs in with its TOTP code (the operator's file holds the key).
        accounts = load_accounts(stack.work / ACCOUNTS_FILE)
        counsellor = sign_in(http, identity, accounts["counsellor-mission-locale"])
        coordinator = sign_in(http, identity, accounts["coordinator"])
        for service, token in (
            ("registration-mission-locale", counsellor),
            ("registration", counsellor),
            ("registration", coordinator),
            ("sites", coordinator),
        ):
            answer = http.get(f"{stack.url(service)}/sites", headers={"Authorization": f"Bearer {token}"})
            assert answer.status_code == 200, (service, answer.text)
        forged = counsellor[:-4] + ("AAAA" if not counsellor.endswith("AAAA") else "BBBB")
        refused = http.get(
            f"{stack.url('registration')}/sites", headers={"Authorization": f"Bearer {forged}"}
        )
        assert refused.status_code == 401

    # The console: its sign-in page, then the counsellor signed in through it (CSRF token and cookie).
    with httpx.Client(base_url=stack.url("console"), timeout=15) as browser:
        page = browser.get("/connexion")
        assert page.status_code == 200
        assert "Content-Security-Policy" in page.headers
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert csrf is not None
        account = accounts["counsellor-mission-locale"]
        form = {"csrf": csrf.group(1), "email": account.email, "password": account.password, "code": ""}
        signed_in = browser.post("/connexion", data=form)
        assert signed_in.status_code == 303, signed_in.text
        home = browser.get("/", follow_redirects=True)  # a counsellor's page: their candidates
        assert home.status_code == 200
        assert account.email in home.text
        # The candidates `compose-demo` registered for the mission locale are this counsellor's.
        followed = [p for p in candidates() if p.referring_org == "mission-locale"]
        followed_names = [f"{p.last_name} {p.first_name}" for p in followed]
        assert followed_names
        assert all(name in home.text for name in followed_names if "'" not in name), home.text


def test_the_console_and_the_apis_answer_through_the_proxy_over_verified_https(stack: Compose) -> None:
    # The address compose-init gave the console, verified against the local authority it wrote.
    base = stack.settings["CONSOLE_PUBLIC_BASE_URL"]
    assert base == f"https://localhost:{stack.settings['PROXY_HTTPS_PORT']}"
    trusted = ssl.create_default_context(cafile=str(stack.work / "tls" / "ca.crt"))
    with httpx.Client(base_url=base, verify=trusted, timeout=15) as https:
        page = https.get("/connexion")
        assert page.status_code == 200, page.text
        assert 'name="csrf"' in page.text
        assert page.headers["strict-transport-security"].startswith("max-age=")
        assert page.headers["x-content-type-options"] == "nosniff"
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["referrer-policy"] == "no-referrer"
        # The console's own policy, alone and whole.
        policies = page.headers.get_list("content-security-policy")
        assert len(policies) == 1, policies
        assert "default-src" in policies[0]
        assert "frame-ancestors 'none'" in policies[0]

        coordinator = {"Authorization": f"Bearer {stack.token_for(COORDINATOR_ORG, 'coordinator')}"}
        sites = https.get("/api/sites/sites", headers=coordinator)
        assert sites.status_code == 200, sites.text
        assert (
            sites.json() == httpx.get(f"{stack.url('sites')}/sites", headers=coordinator, timeout=15).json()
        )
        assert sites.headers["strict-transport-security"].startswith("max-age=")
        assert sites.headers["x-content-type-options"] == "nosniff"
        assert sites.headers.get_list("content-security-policy") == ["frame-ancestors 'none'"]
        for api in ("registration", "scheduling", "notifications", "identity", "mission-locale/registration"):
            assert https.get(f"/api/{api}/health").status_code == 200, api
        assert https.get("/api/nothing/health").status_code == 404

        # A burst on an API is cut short (HTTP 429); the console, limited apart, still answers.
        statuses = [https.get("/api/registration/health").status_code for _ in range(150)]
        assert statuses[0] == 200
        assert 429 in statuses, statuses
        assert set(statuses) == {200, 429}
        assert https.get("/connexion").status_code == 200

    # Without the local authority, the certificate is refused; plain HTTP is redirected to HTTPS.
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{base}/connexion", timeout=15)
    plain = httpx.get(f"http://localhost:{stack.settings['PROXY_HTTP_PORT']}/connexion?a=1", timeout=15)
    assert plain.status_code == 308
    assert plain.headers["location"] == f"{base}/connexion?a=1"


APP_SERVICES = (*HTTP, "mail")
"""The containers that write the stores: stopped while the stores are destroyed and restored."""


def _jobdating(*args: str) -> subprocess.CompletedProcess[str]:
    wide = {**os.environ, "COLUMNS": "250"}  # one line per message: ids are not folded
    return subprocess.run(
        [JOBDATING, *args], capture_output=True, text=True, env=wide, timeout=600, check=False
    )


def _logged(stack: Compose) -> dict[str, set[str]]:
    """Each store's logged event ids; none for a database without the services' tables (a new volume)."""
    found: dict[str, set[str]] = {}
    for label, database in DATABASES.items():
        live = open_url(stack.store_url(database), read_only=True)
        try:
            found[label] = {str(r[0]) for r in live.query("SELECT event_id FROM events")}
        except Exception:  # psycopg's undefined table: an empty database
            found[label] = set()
        finally:
            live.close()
    return found


def _register(stack: Compose, service: str, org: str, last_name: str) -> str:
    counsellor = {"Authorization": f"Bearer {stack.token_for(org, 'counsellor')}"}
    body = {
        "first_name": "Après",
        "last_name": last_name,
        "phone": "06 12 34 56 79",
        "postcode": "59155",
        "commune": "Faches-Thumesnil",
        "site_id": "site-faches",
        "consent_data": True,
        "consent_sms": True,
    }
    answer = httpx.post(f"{stack.url(service)}/candidates", headers=counsellor, json=body, timeout=15)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["candidate_id"])


def _destroy_postgres_volume(stack: Compose) -> None:
    """The stores lost: the services stopped, PostgreSQL's volume removed, PostgreSQL started on a new one
    (its init script creates the services' databases, empty); NATS and its stream are kept."""
    stack.run("stop", *APP_SERVICES)
    stack.run("rm", "--force", "--stop", "postgres")
    volume = f"{stack.project}_postgres-data"
    done = subprocess.run(["docker", "volume", "rm", volume], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    stack.run("up", "-d", "--no-deps", "postgres")
    deadline = time.monotonic() + 120
    while True:  # the last database the init script creates answers on the published port
        try:
            live = open_url(stack.store_url("console"), read_only=True)
            try:
                live.query("SELECT 1")
                return
            finally:
                live.close()
        except Exception:
            assert time.monotonic() < deadline, "PostgreSQL did not come back"
            time.sleep(1)


def test_the_restore_drill_on_the_compose_stack(stack: Compose, tmp_path: Path) -> None:
    """After the demo day: `jobdating backup` of the running stack (its PostgreSQL stores by URL, its
    stream as the `ops` user), two candidates registered since, PostgreSQL's volume destroyed, `jobdating
    restore` (what followed the backup replayed from the kept stream), the services started again: every
    event is back, the candidates registered after the backup are there (their names unreadable, named by
    `restore`: their keys were only in the lost stores), and `jobdating audit` is clean."""
    _wait_settled(stack)
    empty = tmp_path / "empty"  # no embedded stack's data folder: every store is given by URL
    empty.mkdir()
    stores = [f"--store={label}={stack.store_url(db)}" for label, db in DATABASES.items()]
    nats_url = f"--nats-url={stack.nats_url('ops')}"
    taken = _jobdating("backup", f"--to={tmp_path / 'backups'}", f"--data-dir={empty}", nats_url, *stores)
    assert taken.returncode == 0, taken.stdout + taken.stderr
    backup = Path(taken.stdout.strip().splitlines()[-1])
    assert sorted(p.name for p in backup.glob("*.pgdump")) == sorted(
        f"{label.replace('@', '+')}.pgdump" for label in DATABASES
    )
    at_backup = _logged(stack)

    later = _register(stack, "registration", COORDINATOR_ORG, "Sauvegarde")
    later_ml = _register(stack, "registration-mission-locale", "mission-locale", "Sauvegarde-Locale")
    _wait_settled(stack)
    before = _logged(stack)
    assert before["registration"] - at_backup["registration"]
    assert before["registration@mission-locale"] - at_backup["registration@mission-locale"]

    _destroy_postgres_volume(stack)
    assert not any(_logged(stack).values())
    restored = _jobdating("restore", str(backup), f"--data-dir={empty}", nats_url, *stores)
    said = restored.stdout + restored.stderr
    assert restored.returncode == 0, said
    assert "Flux : conservé" in said
    assert "Rejoué depuis le flux, registration :" in said
    assert "Rejoué depuis le flux, registration@mission-locale :" in said
    assert "Perdus" not in said
    # Registered after the backup, on either instance: their key was only in the lost store, and it says so.
    unreadable = re.search(r"clé absente de la sauvegarde\) : 2 candidat\(s\) : (.*)", said)
    assert unreadable is not None, said
    assert set(unreadable.group(1).split(", ")) == {later, later_ml}
    after = _logged(stack)
    assert all(before[label] <= after[label] for label in DATABASES), {
        label: len(before[label] - after[label]) for label in DATABASES
    }

    # The durable consumers, deleted by the restore, provisioned again before the services start.
    provisioned = _jobdating("provision", nats_url, "--registration-org=mission-locale")
    assert provisioned.returncode == 0, provisioned.stdout + provisioned.stderr
    stack.run("up", "-d")
    _wait_healthy(stack)
    for service, org, candidate_id in (
        ("registration", COORDINATOR_ORG, later),
        ("registration-mission-locale", "mission-locale", later_ml),
    ):
        counsellor = {"Authorization": f"Bearer {stack.token_for(org, 'counsellor')}"}
        read = httpx.get(f"{stack.url(service)}/candidates/{candidate_id}", headers=counsellor, timeout=15)
        assert read.status_code == 200, read.text
        assert read.json()["personal"] is None  # sealed under a key the backup did not hold
    _wait_settled(stack)
    audited = _jobdating("audit", f"--data-dir={empty}", nats_url, *stores)
    assert audited.returncode == 0, audited.stdout + audited.stderr
    assert "Aucune différence" in audited.stdout + audited.stderr
