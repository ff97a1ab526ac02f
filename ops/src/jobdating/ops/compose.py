"""`jobdating compose-init`: the secrets and files docker-compose.yml reads, generated once.

Writes `.env` (every setting of .env.example, passwords drawn at random) and, in the config folder the
services mount read-only, one machine-token table per organisation running its own instances
(`tokens-<org>.json`, hashed keys only), the staff directory notifications reads (named in `.env`; with
`--demo` the demo's counsellors, else an empty one to fill in) and, with `--demo`, a host folder for the mail
catcher's Maildir (where `jobdating compose-demo` reads the invitations, see `compose_demo`). The clear
tokens go to the operator only: `machine-tokens.json` (mode 0600) beside the config folder, never mounted; the
console's secrets go to `secrets/` beside it, each file mounted only where it is needed; the reverse
proxy's certificates go to the folder PROXY_TLS_DIR names (see `compose_tls`). Nothing is overwritten:
running it again keeps the secrets already in use (the local certificate is issued again only when it no
longer fits: new names in PROXY_TLS_NAMES, or its end near).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from jobdating.ops import compose_tls, federation_plan, federation_tls, tokens
from jobdating.ops.demo import PEOPLE, ROLES
from jobdating.ops.tokens import token_table
from jobdating.testing.demo_data import COORDINATOR_ORG, staff_toml

# Organisations running their own registration and sites instances in docker-compose.yml, besides the
# coordinator (who runs all four services and serves the partners without an instance of their own).
PARTNER_INSTANCES = ("mission-locale",)
OPERATOR_TOKENS = "machine-tokens.json"
LINK_KEY = "console-link-key"
FEDERATION_KEY = "federation-key"
READER_TOKEN = "console-reader-token"  # noqa: S105 - a file name
STAFF_FILE = "staff.toml"
MOUNTED_CONFIG = "/etc/jobdating"  # where docker-compose.yml mounts the config folder
STAFF_SETTING = "JOBDATING_STAFF_FILE"
# Written without --demo: the partners' counsellors and coaches, told their candidates' outcomes, are added
# here by the operator (re-read when it changes, no restart).
STAFF_TEMPLATE = """\
# The staff directory of the notifications service: each partner's counsellors and coaches, told of their
# candidates' outcomes and workshops. One block per person (re-read when this file changes):
#
# [[staff]]
# id = "mission-locale-conseiller-1"   # their account id in identity
# role = "counsellor"                   # or "coach"
# org = "mission-locale"
# first_name = "Karima"
# email = "karima.conseil@mission-locale.example"
# phone = "03 20 00 00 01"
"""
PASSWORD_VARIABLE = re.compile(r"^(NATS_[A-Z_]+_PASSWORD|POSTGRES_PASSWORD)=", re.MULTILINE)


def new_password() -> str:
    """A random password that every consumer reads as the string it is: URL-safe (it goes into NATS and
    PostgreSQL URLs) and starting with a letter, since nats-server reads a `$VARIABLE` in its config as a
    value of its own and took a password starting with `-` for a malformed negative number (one compose-init
    in about ten, with seven passwords, made a config nats-server refused)."""
    return "p" + secrets.token_urlsafe(24)


def env_from_example(example: str, overrides: Mapping[str, str] | None = None) -> str:
    """The example's settings with every password replaced by a fresh random one (URL-safe: they go into
    NATS and PostgreSQL URLs), then `overrides` applied."""
    lines = []
    for line in example.splitlines():
        match = PASSWORD_VARIABLE.match(line)
        if match:
            line = f"{match.group(1)}={new_password()}"
        lines.append(line)
    return with_settings("\n".join(lines) + "\n", overrides or {})


def with_settings(text: str, settings: Mapping[str, str]) -> str:
    """An env file's text with each of `settings` set (in place when the file names it, else at the end)."""
    for key, value in settings.items():
        pattern = re.compile(rf"^#?\s*{re.escape(key)}=.*$", re.MULTILINE)
        text = pattern.sub(f"{key}={value}", text) if pattern.search(text) else text + f"{key}={value}\n"
    return text


def read_env(path: Path) -> dict[str, str]:
    """The settings of a `.env` file as docker-compose reads them (comments and blank lines skipped)."""
    settings = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            settings[key.strip()] = value.strip()
    return settings


DIRECT_COMPOSE_FILES = "docker-compose.yml:docker-compose.direct.yml"


def demo_settings(env: Path, config_dir: Path) -> dict[str, str]:
    """What `--demo` sets in a new `.env`: notifications reads the demo's staff directory (so counsellors
    are told their candidates' outcomes), the mail catcher writes into a host folder beside the config
    folder, where the operator's `compose-demo` reads the invitations, and the services' plain HTTP ports
    are published on this machine (docker-compose.direct.yml)."""
    mail = config_dir.parent / "mail"
    root = env.parent.resolve()
    folder = mail.resolve()
    where = f"./{folder.relative_to(root)}" if folder.is_relative_to(root) else str(folder)
    return {
        STAFF_SETTING: f"{MOUNTED_CONFIG}/{STAFF_FILE}",
        "JOBDATING_MAIL_DIR": where,
        # compose-demo reaches the services at their plain HTTP ports on this machine.
        "COMPOSE_FILE": DIRECT_COMPOSE_FILES,
    }


def fill_empty(env: Path, settings: Mapping[str, str]) -> list[str]:
    """Set each of `settings` that `env` leaves empty (or lacks), keeping every value already chosen;
    returns the names set."""
    text = env.read_text()
    present = read_env(env)
    filled = [key for key in settings if not present.get(key)]
    if filled:
        env.write_text(with_settings(text, {key: settings[key] for key in filled}))
    return filled


def mail_folder(root: Path, setting: str) -> Path | None:
    """The host folder of the catcher's Maildir named by JOBDATING_MAIL_DIR, or None for a Docker volume
    (a bare name: only root reads it, under docker's own folders)."""
    if "/" not in setting:
        return None
    folder = Path(setting)
    return folder if folder.is_absolute() else root / folder


def public_settings(public_host: str, https_port: str) -> dict[str, str]:
    """What a public host name sets in `.env`: the proxy listens on every address, and the console's
    address (in links and invitations) is the name's."""
    return {
        "PROXY_PUBLIC_HOST": public_host,
        "PROXY_BIND": "0.0.0.0",  # noqa: S104 - the public entry point
        **public_urls(public_host, https_port),
    }


def public_urls(host: str, https_port: str) -> dict[str, str]:
    """The console's address through the proxy, where people open their links and invitations."""
    url = f"https://{host}" if https_port in ("", "443") else f"https://{host}:{https_port}"
    return {"CONSOLE_PUBLIC_BASE_URL": url, "IDENTITY_PUBLIC_BASE_URL": url}


def tls_folder(root: Path, setting: str) -> Path:
    """The proxy's certificates folder PROXY_TLS_DIR names, relative to the folder of `.env` (the
    project's, where docker-compose.yml is)."""
    folder = Path(setting or "./deploy/compose/tls")
    return folder if folder.is_absolute() else root / folder


def proxy_certificates(env: Path, now: datetime | None = None) -> list[str]:
    """The proxy's certificates for the settings of `env` (compose_tls.ensure_certificates)."""
    settings = read_env(env)
    return compose_tls.ensure_certificates(
        tls_folder(env.parent, settings.get("PROXY_TLS_DIR", "")),
        compose_tls.tls_names(settings.get("PROXY_TLS_NAMES", "")),
        settings.get("PROXY_PUBLIC_HOST", ""),
        now or datetime.now(UTC),
    )


def token_tables(
    roles: Mapping[str, list[str]],
    people: Iterable[tuple[str, str, str]] = (),
    partners: Iterable[str] = PARTNER_INSTANCES,
) -> dict[str, dict[str, dict[str, str]]]:
    """Token tables per instance organisation: the coordinator's instances accept every organisation's
    staff; a partner's own instances (`partners`) only its own."""
    every = token_table(roles, people)
    tables = {COORDINATOR_ORG: every}
    for org in partners:
        tables[org] = {token: who for token, who in every.items() if who["org"] == org}
    return tables


def operator_file(config_dir: Path) -> Path:
    """Where the operator's clear tokens go: beside the config folder the containers mount, not in it."""
    return config_dir.parent / OPERATOR_TOKENS


def secrets_folder(config_dir: Path) -> Path:
    """Where the console's secrets go: beside the config folder (which every service mounts), not in it."""
    return config_dir.parent / "secrets"


def console_secrets(folder: Path, operator: Path) -> list[str]:
    """The key of candidates' links (the console signs them, registration checks them), registration's
    federation key and the console's own reading token (the coordinator's `viewer`, from the operator's
    clear tokens), unless they exist.

    The folder is the operator's alone (0700); the files are 0644 because docker-compose.yml mounts each
    one, and only into the containers that need it, where an unprivileged user reads it."""
    written: list[str] = []
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    # The federation key of registration's blind index: one for every partner's instances (a partner on
    # its own server gets a copy of this file).
    for key in (folder / LINK_KEY, folder / FEDERATION_KEY):
        if not key.exists():
            key.write_text(secrets.token_urlsafe(48) + "\n")
            key.chmod(0o644)
            written.append(str(key))
    reader = folder / READER_TOKEN
    viewers = [
        token
        for token, who in tokens.read(operator).items()
        if who.get("org") == COORDINATOR_ORG and who.get("role") == "viewer"
    ]
    if viewers and not reader.exists():
        reader.write_text(viewers[0] + "\n")
        reader.chmod(0o644)
        written.append(str(reader))
    return written


def init(
    example: Path,
    env: Path,
    config_dir: Path,
    demo: bool,
    overrides: Mapping[str, str] | None = None,
    operator_tokens: Path | None = None,
    secrets_dir: Path | None = None,
    now: datetime | None = None,
    public_host: str = "",
    partners: Sequence[str] = PARTNER_INSTANCES,
) -> list[str]:
    """Write what is missing (`env` from `example`, the hashed token tables and staff directory in
    `config_dir`, the clear tokens in `operator_tokens`, the console's secrets in `secrets_dir`, the
    proxy's certificates, for `public_host` when given, else from the local authority); returns what was
    written."""
    written: list[str] = []
    if public_host and env.exists():
        settings = read_env(env)
        if settings.get("PROXY_PUBLIC_HOST") != public_host:
            env.write_text(
                with_settings(
                    env.read_text(), public_settings(public_host, settings.get("PROXY_HTTPS_PORT", ""))
                )
            )
            written.append(f"{env} (PROXY_PUBLIC_HOST={public_host})")
    if not env.exists():
        chosen = {**(demo_settings(env, config_dir) if demo else {}), **(overrides or {})}
        if public_host:
            example_port = read_env(example).get("PROXY_HTTPS_PORT", "")
            chosen = {**public_settings(public_host, chosen.get("PROXY_HTTPS_PORT", example_port)), **chosen}
        text = env_from_example(example.read_text(), chosen)
        # The console's address follows the proxy's port unless chosen.
        settings = dict(re.findall(r"^(\w+)=(.*)$", text, re.MULTILINE))
        host = settings.get("PROXY_PUBLIC_HOST") or "localhost"
        urls = public_urls(host, settings.get("PROXY_HTTPS_PORT", ""))
        text = with_settings(text, {k: v for k, v in urls.items() if k not in chosen})
        env.write_text(text)
        env.chmod(0o600)
        written.append(str(env))
    # An .env written before the staff directory was wired (or without --demo by an older version) names
    # none: counsellors would never be told their candidates' outcomes.
    for name in fill_empty(env, {STAFF_SETTING: f"{MOUNTED_CONFIG}/{STAFF_FILE}"}):
        written.append(f"{env} ({name})")
    mail = mail_folder(env.parent, read_env(env).get("JOBDATING_MAIL_DIR", ""))
    if demo and mail is not None and not mail.exists():
        mail.mkdir(parents=True)
        # Written by the catcher's unprivileged user in its container, read by the operator here.
        mail.chmod(0o777)
        written.append(str(mail))
    config_dir.mkdir(parents=True, exist_ok=True)
    operator = operator_tokens or operator_file(config_dir)
    tables = token_tables(ROLES, PEOPLE, partners)
    paths = {org: config_dir / f"tokens-{org}.json" for org in tables}
    missing = {org: table for org, table in tables.items() if not paths[org].exists()}
    if missing:
        # The operator's copy first: a crash between the two writes loses no usable token.
        drawn = {token: who for table in missing.values() for token, who in table.items()}
        tokens.write(operator, {**tokens.read(operator), **drawn}, mode=0o600)
        written.append(str(operator))
    for org, path in paths.items():
        if org in missing:
            # Read by the services' unprivileged user inside the containers: hashes only.
            tokens.write(path, tokens.hashed(missing[org]), mode=0o644)
            written.append(str(path))
        elif tokens.hash_file(path, operator):
            # A table written in clear by an earlier compose-init: its tokens stay valid, hashed.
            written.append(f"{path} (jetons en clair remplacés par leur empreinte, copiés dans {operator})")
    written += console_secrets(secrets_dir or secrets_folder(config_dir), operator)
    staff = config_dir / STAFF_FILE
    if not staff.exists():
        staff.write_text(staff_toml() if demo else STAFF_TEMPLATE)
        staff.chmod(0o644)
        written.append(str(staff))
    written += proxy_certificates(env, now)
    # The federation's authority (`jobdating partner add` signs its servers' and users' certificates with
    # it), in the folder that command uses by default from here.
    federation_tls.authority(env.parent / federation_plan.DEFAULT_FOLDER, now or datetime.now(UTC), written)
    return written
