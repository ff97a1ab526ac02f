"""`jobdating compose-init`: the secrets and files docker-compose.yml reads, generated once.

Writes `.env` (every setting of .env.example, passwords drawn at random) and, in the config folder the
services mount read-only, one bearer-token table per organisation running its own instances
(`tokens-<org>.json`) and, with `--demo`, the demo's staff directory. Nothing is overwritten: running it
again keeps the secrets already in use.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path

from jobdating.ops.demo import PEOPLE, ROLES
from jobdating.ops.tokens import token_table
from jobdating.testing.demo_data import COORDINATOR_ORG, staff_toml

# Organisations running their own registration and sites instances in docker-compose.yml, besides the
# coordinator (who runs all four services and serves the partners without an instance of their own).
PARTNER_INSTANCES = ("mission-locale",)
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
    text = "\n".join(lines) + "\n"
    for key, value in (overrides or {}).items():
        pattern = re.compile(rf"^#?\s*{re.escape(key)}=.*$", re.MULTILINE)
        text = pattern.sub(f"{key}={value}", text) if pattern.search(text) else text + f"{key}={value}\n"
    return text


def token_tables(
    roles: Mapping[str, list[str]], people: Iterable[tuple[str, str, str]] = ()
) -> dict[str, dict[str, dict[str, str]]]:
    """Token tables per instance organisation: the coordinator's instances accept every organisation's
    staff; a partner's own instances only its own."""
    every = token_table(roles, people)
    tables = {COORDINATOR_ORG: every}
    for org in PARTNER_INSTANCES:
        tables[org] = {token: who for token, who in every.items() if who["org"] == org}
    return tables


def init(
    example: Path, env: Path, config_dir: Path, demo: bool, overrides: Mapping[str, str] | None = None
) -> list[str]:
    """Write what is missing (`env` from `example`, the token tables and staff directory in `config_dir`);
    returns what was written."""
    written: list[str] = []
    if not env.exists():
        env.write_text(env_from_example(example.read_text(), overrides))
        env.chmod(0o600)
        written.append(str(env))
    config_dir.mkdir(parents=True, exist_ok=True)
    tables = token_tables(ROLES, PEOPLE)
    for org, table in tables.items():
        path = config_dir / f"tokens-{org}.json"
        if not path.exists():
            path.write_text(json.dumps(table, indent=2) + "\n")
            # Read by the services' unprivileged user inside the containers.
            path.chmod(0o644)
            written.append(str(path))
    staff = config_dir / "staff.toml"
    if demo and not staff.exists():
        staff.write_text(staff_toml())
        staff.chmod(0o644)
        written.append(str(staff))
    return written
