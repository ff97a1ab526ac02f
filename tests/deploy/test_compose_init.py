"""`jobdating compose-init` and what docker-compose.yml expects of it, without Docker."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
from pathlib import Path

import yaml
from typer.testing import CliRunner

from jobdating.bus.server import nats_binary
from jobdating.console.config import ConsoleSettings
from jobdating.ops import compose, compose_federation, federation_plan
from jobdating.ops.audit.report import ServiceAudit
from jobdating.ops.audit.stream import owner_of
from jobdating.ops.cli import app
from jobdating.registration.config import RegistrationSettings
from jobdating.runtime.auth import TokenTable
from jobdating.runtime.machine_tokens import HASHED, hashed_key
from jobdating.testing.demo_data import COORDINATOR_ORG

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / ".env.example"


def test_init_draws_every_password_and_keeps_what_exists(tmp_path: Path) -> None:
    written = compose.init(
        EXAMPLE, tmp_path / ".env", tmp_path / "config", demo=True, overrides={"NATS_PORT": "1"}
    )
    env = (tmp_path / ".env").read_text()
    assert "=change-me" not in env
    passwords = re.findall(r"^(?:NATS_\w+|POSTGRES)_PASSWORD=(\S+)$", env, re.MULTILINE)
    assert len(passwords) == 10  # seven service users (identity's among them), the console, ops, PostgreSQL
    assert len(set(passwords)) == 10
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{20,}", p) for p in passwords)  # they go into URLs
    assert re.search(r"^NATS_PORT=1$", env, re.MULTILINE)
    # .env, the mail catcher's folder, the operator's clear tokens, two token tables, the console's two
    # secrets, registration's federation key, staff.toml, the proxy's local authority and certificate, the
    # federation's authority for NATS (two files each)
    assert len(written) == 15
    assert str(tmp_path / "deploy" / "federation" / "tls" / "ca.crt") in written
    again = compose.init(EXAMPLE, tmp_path / ".env", tmp_path / "config", demo=True)
    assert again == []
    assert (tmp_path / ".env").read_text() == env


def test_a_partner_instance_accepts_only_its_own_staff(tmp_path: Path) -> None:
    compose.init(EXAMPLE, tmp_path / ".env", tmp_path / "config", demo=False)
    coordinator = json.loads((tmp_path / "config" / f"tokens-{COORDINATOR_ORG}.json").read_text())
    partner = json.loads((tmp_path / "config" / "tokens-mission-locale.json").read_text())
    assert {who["org"] for who in partner.values()} == {"mission-locale"}
    assert len({who["org"] for who in coordinator.values()}) > 1
    assert set(partner) < set(coordinator)  # the same person has one token for both instances


def test_the_services_tables_hold_hashes_and_the_operator_alone_the_clear_tokens(tmp_path: Path) -> None:
    config = tmp_path / "config"
    written = compose.init(EXAMPLE, tmp_path / ".env", config, demo=False)
    operator_file = tmp_path / "machine-tokens.json"  # beside the mounted folder, not in it
    assert str(operator_file) in written
    assert stat.S_IMODE(operator_file.stat().st_mode) == 0o600
    operator = json.loads(operator_file.read_text())
    mounted = "".join(path.read_text() for path in config.iterdir())
    assert operator
    assert not any(token in mounted for token in operator)
    coordinator = json.loads((config / f"tokens-{COORDINATOR_ORG}.json").read_text())
    assert all(key.startswith(HASHED) for key in coordinator)
    assert {hashed_key(token) for token in operator} == set(coordinator)
    assert TokenTable.from_file(config / f"tokens-{COORDINATOR_ORG}.json").lookup(next(iter(operator)))


def test_compose_init_hashes_the_clear_tables_of_an_earlier_version(tmp_path: Path) -> None:
    config = tmp_path / "config"
    compose.init(EXAMPLE, tmp_path / ".env", config, demo=False)
    (tmp_path / "machine-tokens.json").unlink()
    partner = config / "tokens-mission-locale.json"
    partner.write_text(json.dumps({"old": {"org": "mission-locale", "role": "viewer", "actor_id": "v"}}))
    (tmp_path / ".env.example").write_text(EXAMPLE.read_text())
    again = CliRunner().invoke(app, ["compose-init", "--root", str(tmp_path), "--config-dir", str(config)])
    assert again.exit_code == 0, again.output
    assert list(json.loads(partner.read_text())) == [hashed_key("old")]
    assert json.loads((tmp_path / "machine-tokens.json").read_text())["old"]["actor_id"] == "v"


def test_every_compose_variable_is_in_env_example() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    used = set(re.findall(r"\$\{(\w+)", text))
    example = set(re.findall(r"^#?\s*(\w+)=", EXAMPLE.read_text(), re.MULTILINE))
    assert used - example == set()


def test_compose_has_each_instance_with_its_own_database_user_and_health() -> None:
    spec = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = spec["services"]
    databases = services["postgres"]["environment"]["JOBDATING_DATABASES"].split()
    urls = [
        value
        for service in services.values()
        for key, value in (service.get("environment") or {}).items()
        if key.endswith("_STORE_URL")
    ]
    assert sorted(url.rsplit("/", 1)[1] for url in urls) == sorted(databases)
    nats_users = [
        value.split("//", 1)[1].split(":", 1)[0]
        for service in services.values()
        for key, value in (service.get("environment") or {}).items()
        if key.endswith("NATS_URL")
    ]
    assert len(nats_users) == len(set(nats_users))  # one NATS user per instance
    for name, service in services.items():
        assert service.get("init") is True, name
        if name == "provision":
            continue
        image = service["image"]
        if "healthcheck" not in service:  # then the service image's Dockerfile declares it
            dockerfile = ROOT / "deploy" / "docker" / f"{image.split('/')[1].split(':')[0]}.Dockerfile"
            assert "HEALTHCHECK" in dockerfile.read_text(), name
        for dependency, condition in (service.get("depends_on") or {}).items():
            wanted = "service_completed_successfully" if dependency == "provision" else "service_healthy"
            assert condition == {"condition": wanted}, (name, dependency)


def test_the_audit_attributes_each_event_to_the_instance_of_its_org() -> None:
    class Env:
        def __init__(self, org: str) -> None:
            self.org = org
            self.source = "registration"

    summaries = {
        "registration": ServiceAudit("registration", orgs={COORDINATOR_ORG}),
        "registration@mission-locale": ServiceAudit("registration@mission-locale", orgs={"mission-locale"}),
    }
    assert owner_of(Env("mission-locale"), summaries) == "registration@mission-locale"  # type: ignore[arg-type]
    assert owner_of(Env(COORDINATOR_ORG), summaries) == "registration"  # type: ignore[arg-type]
    assert owner_of(Env("asso-reussir"), summaries) is None  # type: ignore[arg-type]


def test_provision_names_the_option_of_an_organisation_that_is_not_a_subject_token() -> None:
    result = CliRunner().invoke(
        app, ["provision", "--nats-url", "nats://127.0.0.1:1", "--registration-org", "a b"]
    )
    assert result.exit_code == 2
    assert "--registration-org" in result.output
    assert "Traceback" not in result.output


def test_compose_init_without_an_example_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["compose-init", "--root", str(tmp_path)])
    assert result.exit_code == 2
    assert ".env.example" in result.output
    assert not (tmp_path / ".env").exists()


def test_nats_server_accepts_its_config_with_any_passwords_compose_init_draws() -> None:
    # nats-server reads a `$VARIABLE` of its config as a value of its own: a password starting with "-" was
    # taken for a malformed number and the server refused to start (about one compose-init in ten).
    for _ in range(60):
        drawn = compose.env_from_example(EXAMPLE.read_text())
        env = dict(re.findall(r"^(NATS_\w+_PASSWORD)=(\S+)$", drawn, re.MULTILINE))
        assert len(env) == 9
        checked = subprocess.run(
            [nats_binary(), "-c", str(ROOT / "deploy" / "nats" / "nats.conf"), "-t"],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            check=False,
        )
        assert checked.returncode == 0, (checked.stderr, sorted(env.values()))


def test_identity_is_wired_into_compose_and_every_other_service_accepts_its_tokens() -> None:
    spec = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = spec["services"]
    identity = services["identity"]["environment"]
    assert identity["JOBDATING_IDENTITY_NATS_URL"].startswith("nats://identity:${NATS_IDENTITY_PASSWORD}@")
    assert identity["JOBDATING_IDENTITY_STORE_URL"].endswith("@postgres:5432/identity")
    for setting in (
        "SMTP_HOST",
        "SMTP_PORT",
        "SMTP_STARTTLS",
        "SMTP_USERNAME",
        "SMTP_PASSWORD_FILE",
        "MAIL_FROM",
    ):
        assert f"JOBDATING_IDENTITY_{setting}" in identity, setting
    issuer = identity["JOBDATING_IDENTITY_ISSUER"]
    others = [
        name
        for name in services
        if (ROOT / "deploy" / "docker" / f"{name.split('-')[0]}.Dockerfile").exists()
    ]
    assert {"registration", "registration-mission-locale", "sites", "scheduling", "notifications"} <= set(
        others
    )
    for name in others:
        if name == "identity":
            continue
        env = services[name]["environment"]
        prefix = next(k for k in env if k.endswith("_ORG")).removesuffix("ORG")
        # The issuer the services expect is the one identity signs with, at the address they fetch from.
        assert env[prefix + "IDENTITY_ISSUER"] == issuer, name
        assert env[prefix + "IDENTITY_URL"] == "http://identity:8005", name
    # Registration's retention reaches both of its instances, with the defaults .env.example states.
    example = EXAMPLE.read_text()
    assert re.search(r"^JOBDATING_REGISTRATION_RETENTION_MONTHS=24$", example, re.MULTILINE)
    assert re.search(r"^JOBDATING_REGISTRATION_RETENTION_BY_ORG=$", example, re.MULTILINE)
    for name in ("registration", "registration-mission-locale"):
        env = services[name]["environment"]
        assert (
            env["JOBDATING_REGISTRATION_RETENTION_MONTHS"] == "${JOBDATING_REGISTRATION_RETENTION_MONTHS:-24}"
        )
        assert (
            env["JOBDATING_REGISTRATION_RETENTION_BY_ORG"] == "${JOBDATING_REGISTRATION_RETENTION_BY_ORG:-}"
        )


def test_compose_init_writes_the_consoles_secrets_and_compose_mounts_each_only_where_needed(
    tmp_path: Path,
) -> None:
    config = tmp_path / "config"
    written = compose.init(EXAMPLE, tmp_path / ".env", config, demo=False)
    folder = tmp_path / "secrets"  # beside the folder every service mounts, not in it
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    key, reader = folder / compose.LINK_KEY, folder / compose.READER_TOKEN
    assert {str(key), str(reader)} <= set(written)
    operator = json.loads((tmp_path / "machine-tokens.json").read_text())
    assert operator[reader.read_text().strip()] == {
        "org": COORDINATOR_ORG,
        "role": "viewer",
        "actor_id": operator[reader.read_text().strip()]["actor_id"],
    }
    settings = ConsoleSettings(secret_file=key, reader_token_file=reader)
    assert len(settings.secret()) >= 32
    assert settings.reader_token() == reader.read_text().strip()
    before = key.read_text()
    assert compose.init(EXAMPLE, tmp_path / ".env", config, demo=False) == []
    assert key.read_text() == before  # links already sent stay valid

    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    console = services["console"]
    env = console["environment"]
    mounted = {v.rsplit(":", 2)[1]: v.rsplit(":", 2)[0] for v in console["volumes"]}
    for setting, name in (
        ("JOBDATING_CONSOLE_SECRET_FILE", compose.LINK_KEY),
        ("JOBDATING_CONSOLE_READER_TOKEN_FILE", compose.READER_TOKEN),
    ):
        assert mounted[env[setting]] == "${JOBDATING_SECRETS_DIR:-./deploy/compose/secrets}/" + name
    # Registration checks the links with the same key, notifications signs the candidates' links it sends
    # with it (to the console's public address); no other service mounts the secrets.
    registration = services["registration"]
    assert (
        registration["environment"]["JOBDATING_REGISTRATION_CANDIDATE_LINK_KEY_FILE"]
        == env["JOBDATING_CONSOLE_SECRET_FILE"]
    )
    notifications = services["notifications"]["environment"]
    assert (
        notifications["JOBDATING_NOTIFICATIONS_CANDIDATE_LINK_KEY_FILE"]
        == env["JOBDATING_CONSOLE_SECRET_FILE"]
    )
    assert notifications["JOBDATING_NOTIFICATIONS_CONSOLE_URL"] == env["JOBDATING_CONSOLE_PUBLIC_BASE_URL"]
    holders = {name for name, s in services.items() if "SECRETS_DIR" in str(s.get("volumes", ""))}
    # Each registration instance also mounts the federation key (see the test below).
    assert holders == {"console", "registration", "registration-mission-locale", "notifications"}
    for service in ("identity", "registration", "sites", "scheduling"):
        assert env[f"JOBDATING_CONSOLE_{service.upper()}_URL"].startswith(f"http://{service}:")
        assert console["depends_on"][service] == {"condition": "service_healthy"}
    assert "console" in (ROOT / "deploy" / "build-wheels.sh").read_text()
    assert "jobdating_console-" in (ROOT / "deploy" / "docker" / "console.Dockerfile").read_text()


def test_compose_init_writes_one_federation_key_that_every_registration_instance_mounts(
    tmp_path: Path,
) -> None:
    written = compose.init(EXAMPLE, tmp_path / ".env", tmp_path / "config", demo=False)
    key = tmp_path / "secrets" / compose.FEDERATION_KEY
    assert str(key) in written
    federation_key = RegistrationSettings(org="mel", federation_key_file=key).federation_key()
    assert federation_key == key.read_bytes().strip()
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    instances = [s for s in services.values() if "jobdating/registration:" in str(s.get("image", ""))]
    assert len(instances) == 2
    for instance in instances:
        path = instance["environment"]["JOBDATING_REGISTRATION_FEDERATION_KEY_FILE"]
        mounted = {v.rsplit(":", 2)[1]: v.rsplit(":", 2)[0] for v in instance["volumes"]}
        assert mounted[path] == "${JOBDATING_SECRETS_DIR:-./deploy/compose/secrets}/" + compose.FEDERATION_KEY


def test_compose_init_federation_gives_the_federated_compose_file_every_password_of_the_plan(
    tmp_path: Path,
) -> None:
    (tmp_path / ".env.example").write_text(EXAMPLE.read_text())
    result = CliRunner().invoke(app, ["compose-init", "--root", str(tmp_path), "--federation", "--demo"])
    assert result.exit_code == 0, result.output
    settings = compose.read_env(tmp_path / ".env")
    assert settings["COMPOSE_FILE"] == compose_federation.FEDERATION_COMPOSE_FILES
    plan = federation_plan.load(tmp_path / federation_plan.DEFAULT_FOLDER)
    assert set(plan.partners) == set(compose_federation.COMPOSE_PARTNERS)
    # Every password the federated file puts in a URL is the plan's, the one the servers' configs hold.
    federated = (ROOT / "docker-compose.federation.yml").read_text()
    users = re.findall(r"nats://([\w-]+):\$\{(NATS_\w+_PASSWORD)\}@([\w-]+):4222", federated)
    assert {user for user, _, _ in users} >= {"ops", "scheduling", "registration-plie-lille-sud"}
    for user, variable, server in users:
        org = server.removeprefix("nats-")
        config = (
            federation_plan.partner_config_path(tmp_path / federation_plan.DEFAULT_FOLDER, org)
            if org in plan.partners
            else federation_plan.hub_config_path(tmp_path / federation_plan.DEFAULT_FOLDER, plan.hub[0])
        )
        assert f'{{ user: {user}, password: "{settings[variable]}"' in config.read_text(), (user, server)
    # Each instance's key is the containers' user's alone (the test runs as root, as compose-init does).
    key = federation_plan.client_tls_path(tmp_path / federation_plan.DEFAULT_FOLDER, None, "scheduling")
    assert (key / "key.pem").stat().st_uid == compose_federation.SERVICE_UID
    assert stat.S_IMODE((key / "key.pem").stat().st_mode) == 0o600
    # Run again: nothing changes in .env.
    before = (tmp_path / ".env").read_text()
    again = CliRunner().invoke(app, ["compose-init", "--root", str(tmp_path), "--federation", "--demo"])
    assert again.exit_code == 0, again.output
    assert (tmp_path / ".env").read_text() == before
